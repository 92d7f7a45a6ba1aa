#!/usr/bin/env bash
# Integration test of SET: real snmpset through a private snmpd master against ipmibd on a Linux
# network namespace: createAndGo / Metric1 change / destroy of a route, refused SETs leaving the
# kernel's routes untouched, ipDefaultTTL set and restore, a static neighbor created / changed /
# deleted through ipNetToPhysicalTable, and writeAccess none refusing writes.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

test_namespace ipmibd-set
test_link

start_write_master

cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess inetCidrRouteTable,ipDefaultTTL,ipNetToPhysicalTable
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

ENTRY=1.3.6.1.2.1.4.24.7.1
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
routes() { ip -j -n "$NS" route show table all | python3 -m json.tool; }
# expect_refused REASON ARGS...: the SET fails with REASON and the kernel's routes are unchanged.
expect_refused() {
  local reason="$1"
  shift
  local before after out
  before=$(routes)
  out=$(setp "$@") && fail "SET $* succeeded, expected $reason"
  grep -q "Reason: $reason" <<<"$out" || fail "SET $* gave: $out (expected $reason)"
  after=$(routes)
  [ "$before" = "$after" ] || fail "refused SET $* changed the routes: $(diff <(echo "$before") <(echo "$after"))"
}

# wait_get OID PATTERN: the agent's tables follow the kernel through netlink notifications, shortly
# after a SET; wait until a GET of OID matches PATTERN.
wait_get() {
  for _ in $(seq 50); do snmp snmpget "$1" | grep -q "$2" && return 0; sleep 0.1; done
  fail "GET $1 never matched '$2': $(snmp snmpget "$1")"
}

# 1. createAndGo 10.1.0.0/16 via 192.0.2.1 with Metric1 40, then change Metric1, then destroy.
R=1.4.10.1.0.0.16.2.0.0.1.4.192.0.2.1
setp "$ENTRY.17.$R" i 4 "$ENTRY.12.$R" i 40 >/dev/null || fail "createAndGo: $(setp "$ENTRY.17.$R" i 4)"
ip -n "$NS" route show 10.1.0.0/16 | grep -q "via 192.0.2.1 dev d0 proto static metric 40" ||
  fail "route not created: $(ip -n "$NS" route show 10.1.0.0/16)"
wait_get "$ENTRY.17.$R" "INTEGER: 1"
setp "$ENTRY.12.$R" i 50 >/dev/null || fail "Metric1 change refused"
ip -n "$NS" route show 10.1.0.0/16 | grep -q "metric 50" || fail "metric not changed"
[ "$(ip -n "$NS" route show 10.1.0.0/16 | wc -l)" -eq 1 ] || fail "metric change left two routes"
wait_get "$ENTRY.12.$R" "INTEGER: 50"
setp "$ENTRY.17.$R" i 6 >/dev/null || fail "destroy refused"
[ -z "$(ip -n "$NS" route show 10.1.0.0/16)" ] || fail "route not destroyed"
wait_get "$ENTRY.17.$R" "No Such Instance"

# 2. Refused SETs: each with its precise error, the kernel untouched.
expect_refused wrongValue "$ENTRY.17.$R" i 3                                   # notReady is not settable
expect_refused wrongType "$ENTRY.17.$R" u 4
expect_refused inconsistentName "$ENTRY.17.1.4.10.1.0.1.16.2.0.0.1.4.192.0.2.1" i 4 # host bits
expect_refused notWritable "$ENTRY.9.$R" i 3                                   # inetCidrRouteProto
expect_refused noCreation "$ENTRY.12.$R" i 5                                   # no row, no RowStatus
# A next hop on no connected network (detected in RESERVE2).
expect_refused inconsistentValue "$ENTRY.17.1.4.10.9.0.0.16.2.0.0.1.4.203.0.113.9" i 4
# The connected route of d0 belongs to the kernel.
expect_refused inconsistentValue "$ENTRY.17.1.4.192.0.2.0.24.3.0.0.$D0.1.4.0.0.0.0" i 6
# All or nothing: a good create and a bad one in one PDU; the error index names the second.
out=$(setp "$ENTRY.17.$R" i 4 "$ENTRY.17.1.4.10.9.0.0.16.2.0.0.1.4.203.0.113.9" i 4) && fail "mixed PDU succeeded"
grep -q "Failed object: .*203.0.113.9" <<<"$out" || fail "wrong failed object: $out"
[ -z "$(ip -n "$NS" route show 10.1.0.0/16)" ] || fail "mixed PDU left the good route"
# Not enabled by writeAccess: Net-SNMP refuses it before ipmibd sees it.
expect_refused notWritable 1.3.6.1.2.1.4.1.0 i 1

# 3. ipDefaultTTL: set, check the namespace's sysctl, restore.
ttl=$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_default_ttl)
setp 1.3.6.1.2.1.4.2.0 i 99 >/dev/null || fail "ipDefaultTTL SET refused"
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_default_ttl)" = 99 ] || fail "ip_default_ttl not 99"
expect_refused wrongValue 1.3.6.1.2.1.4.2.0 i 0
setp 1.3.6.1.2.1.4.2.0 i "$ttl" >/dev/null || fail "ipDefaultTTL restore refused"
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_default_ttl)" = "$ttl" ] || fail "ip_default_ttl not restored"

# 4. ipNetToPhysicalTable: a static neighbor 192.0.2.50 on d0 (Debian's snmpd refuses to create one).
NE=1.3.6.1.2.1.4.35.1
N="$D0.1.4.192.0.2.50"
neigh() { ip -n "$NS" neigh show 192.0.2.50 dev d0; }
setp "$NE.8.$N" i 4 "$NE.4.$N" x 020000aa0001 >/dev/null || fail "neighbor createAndGo: $(setp "$NE.8.$N" i 4 "$NE.4.$N" x 020000aa0001)"
neigh | grep -q "lladdr 02:00:00:aa:00:01 PERMANENT" || fail "neighbor not created: $(neigh)"
wait_get "$NE.6.$N" "INTEGER: 4"
setp "$NE.4.$N" x 020000aa0002 >/dev/null || fail "PhysAddress change refused"
neigh | grep -q "lladdr 02:00:00:aa:00:02 PERMANENT" || fail "PhysAddress not changed: $(neigh)"
wait_get "$NE.4.$N" "02 00 00 AA 00 02"
# Refused: a 5-byte address on an Ethernet link; the kernel's neighbors stay exactly as they were.
before=$(ip -j -n "$NS" neigh show | python3 -m json.tool)
out=$(setp "$NE.4.$N" x 0200aa0003) && fail "5-byte PhysAddress accepted"
grep -q "Reason: wrongLength" <<<"$out" || fail "5-byte PhysAddress gave: $out (expected wrongLength)"
after=$(ip -j -n "$NS" neigh show | python3 -m json.tool)
[ "$before" = "$after" ] || fail "refused neighbor SET changed neighbors: $(diff <(echo "$before") <(echo "$after"))"
setp "$NE.6.$N" i 2 >/dev/null || fail "Type invalid(2) refused"
[ -z "$(neigh)" ] || fail "neighbor not deleted by Type invalid(2): $(neigh)"
wait_get "$NE.8.$N" "No Such Instance"

# 5. Without writeAccess (the default) every object is read-only.
sed -i '/^writeAccess/d' "$WORK/ipmibd.conf"
kill -HUP "$AGENT_PID"
for _ in $(seq 50); do
  setp "$ENTRY.17.$R" i 4 | grep -q "Reason: notWritable" && break
  sleep 0.1
done
expect_refused notWritable "$ENTRY.17.$R" i 4
echo "PASS"
