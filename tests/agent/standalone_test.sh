#!/usr/bin/env bash
# Integration test of standalone mode (ipmibd -S): ipmibd answers SNMP itself with snmpd's access
# control directives: walk, GETBULK (whole-tree and narrow views, several repeaters, SNMPv1), GET, a wrong community refused, an SNMPv3 authPriv user, SET
# through rwcommunity and refused through a wrong one; the same values as the AgentX path gives.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

STANDALONE_PID=""
trap '[ -n "$STANDALONE_PID" ] && kill "$STANDALONE_PID" 2>/dev/null; cleanup' EXIT

SPORT="$(free_udp_port)"
cat >"$WORK/standalone.conf" <<CONF
backend sim $TESTLIB_ROOT/tests/agent/routes.scn
writeAccess inetCidrRouteTable
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
createUser ipmibdv3 SHA "ipmibd-auth-pass" AES "ipmibd-priv-pass"
rouser ipmibdv3 priv
com2sec narrowsec 127.0.0.1 narrow
group narrowgroup v2c narrowsec
view narrowview included .1
view narrowview excluded .1.3.6.1.2.1.4.24.7.1.8
access narrowgroup "" any noauth exact narrowview none none
CONF
"$IPMIBD" -f -Lf "$WORK/standalone.log" -C -c "$WORK/standalone.conf" -S "udp:127.0.0.1:$SPORT" &
STANDALONE_PID=$!
ss() { # ss TOOL ARGS...: a v2c request to the standalone ipmibd
  local tool="$1"
  shift
  "$tool" -v2c -c public -On -t 2 -r 1 "127.0.0.1:$SPORT" "$@"
}
ROUTE_NUMBER=1.3.6.1.2.1.4.24.6.0
ENTRY=1.3.6.1.2.1.4.24.7.1
for _ in $(seq 100); do
  ss snmpget "$ROUTE_NUMBER" 2>/dev/null | grep -q "Gauge32: [1-9]" && break
  kill -0 "$STANDALONE_PID" 2>/dev/null || fail "standalone ipmibd exited during start-up"
  sleep 0.1
done
ss snmpget "$ROUTE_NUMBER" | grep -q "Gauge32: [1-9]" || fail "standalone ipmibd does not answer"

# 1. Walk, GETBULK walk and GET.
ss snmpwalk 1.3.6.1.2.1.4 >"$WORK/s-walk.txt" || fail "standalone walk failed"
number=$(ss snmpget "$ROUTE_NUMBER" | sed -E 's/.*Gauge32: //')
[ "$(grep -c "^.$ENTRY.7\." "$WORK/s-walk.txt")" -eq "$number" ] || fail "walk rows != inetCidrRouteNumber"
ss snmpbulkwalk -Cr25 1.3.6.1.2.1.4 | cut -d' ' -f1 >"$WORK/s-bulk.oids"
cut -d' ' -f1 "$WORK/s-walk.txt" | diff -q - "$WORK/s-bulk.oids" >/dev/null || fail "bulkwalk differs from walk"
INSTANCE=1.4.203.0.113.0.24.2.0.0.1.4.198.51.100.254
ss snmpget "$ENTRY.12.$INSTANCE" | grep -q "INTEGER: 20" || fail "GET of metric of $INSTANCE"
ss snmpget "$ENTRY.7.1.4.203.0.113.0.24.2.0.0.1.4.198.51.100.253" | grep -q "No Such Instance" ||
  fail "GET of a missing row is not noSuchInstance"
# sysUpTime.0, the timebase of ipmibd's TimeStamps, is served too (snmpd's system group is not linked).
ss snmpget 1.3.6.1.2.1.1.3.0 | grep -q "Timeticks: ([0-9]" || fail "sysUpTime.0: $(ss snmpget 1.3.6.1.2.1.1.3.0)"

# 1b. GETBULK answers whole repetition runs in one handler call when the requester's view is the
# whole tree, Net-SNMP's pass per repetition otherwise: both must give exactly what GETNEXT gives.
# The whole tree (sysUpTime, IP-MIB, IP-FORWARD-MIB, IPMIBD-MIB: runs cross registrations), values
# included but the moving ones, as snmpwalk's GETNEXTs see it.
# Values that move by themselves between two walks: TimeTicks, counters, the route ages
# (inetCidrRouteAge, and its views ipCidrRouteAge and ipRouteAge).
moving() {
  sed -E -e 's/= (Timeticks|Counter32|Counter64): .*/= \1/' -e "s/^(.$ENTRY.10\.[^ ]*) = .*/\1/" \
    -e 's/^(.1.3.6.1.2.1.4.24.4.1.8\.[^ ]*) = .*/\1/' -e 's/^(.1.3.6.1.2.1.4.21.1.10\.[^ ]*) = .*/\1/' "$1"
}
ss snmpwalk .1 >"$WORK/s-all.txt" || fail "walk of .1"
for r in 1 7 50; do
  ss snmpbulkwalk -Cr$r .1 >"$WORK/s-all-bulk.txt" || fail "bulkwalk -Cr$r of .1"
  diff <(moving "$WORK/s-all.txt") <(moving "$WORK/s-all-bulk.txt") >"$WORK/bulk.diff" ||
    fail "bulkwalk -Cr$r differs from walk: $(head -5 "$WORK/bulk.diff")"
done
# One GETBULK, a non-repeater and three repeaters that start in different tables and run out of
# them, against each repeater's own GETNEXT chain, interleaved as RFC 3416 4.2.3 orders them.
repeaters=(1.3.6.1.2.1.4.24.7.1.7 1.3.6.1.2.1.4.34.1.3.1.4 1.3.6.1.2.1.4.24.7.1.17.1.4.203)
ss snmpbulkget -Cn1 -Cr6 "$ROUTE_NUMBER" "${repeaters[@]}" | cut -d' ' -f1 >"$WORK/bulkget.oids"
{
  ss snmpgetnext "$ROUTE_NUMBER" | cut -d' ' -f1
  declare -A at
  for r in "${repeaters[@]}"; do at[$r]=$r; done
  for _ in 1 2 3 4 5 6; do
    for r in "${repeaters[@]}"; do
      at[$r]=$(ss snmpgetnext "${at[$r]}" | cut -d' ' -f1)
      echo "${at[$r]}"
    done
  done
} >"$WORK/getnext.oids"
diff "$WORK/getnext.oids" "$WORK/bulkget.oids" >"$WORK/bulkget.diff" ||
  fail "GETBULK differs from GETNEXT chains: $(head -5 "$WORK/bulkget.diff")"
# A view with a hole in the route table: the hole stays out of both, and they agree.
narrow() { "$1" -v2c -c narrow -On -t 2 -r 1 "127.0.0.1:$SPORT" "${@:2}"; }
narrow snmpwalk 1.3.6.1.2.1.4.24 | cut -d' ' -f1 >"$WORK/n-walk.oids" || fail "narrow walk"
narrow snmpbulkwalk -Cr20 1.3.6.1.2.1.4.24 | cut -d' ' -f1 >"$WORK/n-bulk.oids" || fail "narrow bulkwalk"
grep -q "^.$ENTRY.7\." "$WORK/n-walk.oids" || fail "narrow view: no inetCidrRouteIfIndex"
grep -q "^.$ENTRY.8\." "$WORK/n-walk.oids" && fail "narrow view: the excluded column is served"
diff -q "$WORK/n-walk.oids" "$WORK/n-bulk.oids" >/dev/null || fail "narrow view: bulkwalk differs from walk"
# SNMPv1 (GETNEXT only, no Counter64) keeps Net-SNMP's per-varbind check that skips Counter64s.
grep -q "Counter64" "$WORK/s-all.txt" || fail "no Counter64 in the v2c walk: the v1 check tests nothing"
snmpwalk -v1 -c public -On -t 2 -r 1 "127.0.0.1:$SPORT" .1 >"$WORK/v1.txt" || fail "v1 walk"
grep -q "Counter64" "$WORK/v1.txt" && fail "SNMPv1 walk shows Counter64 values"
[ "$(grep -vc Counter64 "$WORK/s-all.txt")" -eq "$(wc -l <"$WORK/v1.txt")" ] ||
  fail "v1 walk: $(wc -l <"$WORK/v1.txt") rows, v2c without Counter64: $(grep -vc Counter64 "$WORK/s-all.txt")"

# 2. Access control: a wrong community gets no answer (v2c: the request is dropped, a timeout).
out=$(snmpget -v2c -c wrong -On -t 1 -r 0 "127.0.0.1:$SPORT" "$ROUTE_NUMBER" 2>&1) &&
  fail "wrong community answered: $out"
grep -q "Timeout" <<<"$out" || fail "wrong community: $out"
# SNMPv3 authPriv user: answers; the same user with a wrong passphrase does not.
v3() { snmpget -v3 -l authPriv -u ipmibdv3 -a SHA -A "$1" -x AES -X ipmibd-priv-pass -On -t 2 -r 0 \
  "127.0.0.1:$SPORT" "$ROUTE_NUMBER" 2>&1; }
v3 ipmibd-auth-pass | grep -q "Gauge32: $number" || fail "SNMPv3 authPriv GET: $(v3 ipmibd-auth-pass)"
v3 wrong-auth-pass | grep -q "Gauge32" && fail "SNMPv3 with a wrong passphrase answered"

# 3. SET: createAndGo through rwcommunity, visible in a GET, then destroy; refused through the
# read-only community (noAccess, nothing created) and with an unknown community (no answer).
R=1.4.10.1.0.0.16.2.0.0.1.4.192.0.2.1
setc() { snmpset -v2c -c "$1" -On -t 2 -r 0 "127.0.0.1:$SPORT" "${@:2}" 2>&1; }
out=$(setc public "$ENTRY.17.$R" i 4) && fail "SET through the read-only community succeeded: $out"
grep -Eq "noAccess|notWritable|authorizationError" <<<"$out" || fail "read-only SET: $out"
out=$(setc wrong "$ENTRY.17.$R" i 4) && fail "SET with a wrong community succeeded: $out"
ss snmpget "$ENTRY.17.$R" | grep -q "No Such Instance" || fail "a refused SET created the row"
setc private "$ENTRY.17.$R" i 4 "$ENTRY.12.$R" i 40 >/dev/null || fail "createAndGo: $(setc private "$ENTRY.17.$R" i 4)"
for _ in $(seq 50); do ss snmpget "$ENTRY.12.$R" | grep -q "INTEGER: 40" && break; sleep 0.1; done
ss snmpget "$ENTRY.12.$R" | grep -q "INTEGER: 40" || fail "created route not visible"
setc private "$ENTRY.17.$R" i 6 >/dev/null || fail "destroy refused"
for _ in $(seq 50); do ss snmpget "$ENTRY.17.$R" | grep -q "No Such Instance" && break; sleep 0.1; done
ss snmpget "$ENTRY.17.$R" | grep -q "No Such Instance" || fail "destroyed route still visible"

# 4. The same instances and values as through an snmpd master + ipmibd subagent on the same
# scenario, except the values of TimeTicks (the agents' sysUpTime origins differ), of counters (the
# simulator's traffic grows with time), of the route ages (inetCidrRouteAge, ipCidrRouteAge,
# ipRouteAge: time moves on) and of ipAddressSpinLock (TestAndIncr starts at a random value).
start_master
cat >"$WORK/ipmibd.conf" <<CONF
backend sim $TESTLIB_ROOT/tests/agent/routes.scn
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"
normalize() { moving "$1" | sed -E -e 's/^(.1.3.6.1.2.1.4.33.0) = .*/\1/'; }
ss snmpwalk 1.3.6.1.2.1.4 >"$WORK/s-walk.txt"
snmp snmpwalk 1.3.6.1.2.1.4 >"$WORK/x-walk.txt"
diff <(normalize "$WORK/s-walk.txt") <(normalize "$WORK/x-walk.txt") >"$WORK/walk.diff" ||
  fail "standalone and AgentX walks differ: $(head -20 "$WORK/walk.diff")"

# 5. A second standalone agent on a port that is taken fails to start with an error.
status=0
"$IPMIBD" -f -Lf "$WORK/taken.log" -C -c "$WORK/standalone.conf" -S "udp:127.0.0.1:$SPORT" || status=$?
[ "$status" -ne 0 ] || fail "a second agent on a taken port started"
grep -q "cannot listen" "$WORK/taken.log" || fail "taken port: $(cat "$WORK/taken.log")"

kill -TERM "$STANDALONE_PID"
status=0
wait "$STANDALONE_PID" || status=$?
STANDALONE_PID=""
[ "$status" -eq 0 ] || fail "standalone ipmibd exited with $status on SIGTERM"
echo "PASS"
