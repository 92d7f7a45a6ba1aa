#!/usr/bin/env bash
# Integration test of least privilege: ipmibd -u nobody inside a network namespace (backend linux)
# runs with uid/gid nobody and CAP_NET_ADMIN only (effective, permitted and bounding sets), still
# creates and destroys a route through SET; with `backend linux netns` it keeps CAP_SYS_ADMIN
# as well; without -u it warns that it runs as root.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody"; exit 77; }
test_namespace ipmibd-priv
test_link

PORT="$(free_udp_port)"
AGENTX="$WORK/agentx.sock"
cat >"$WORK/snmpd.conf" <<CONF
master agentx
agentXSocket $AGENTX
agentXPerms 0600 0700
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
CONF
snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
  -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
MASTER_PID=$!
for _ in $(seq 50); do [ -S "$AGENTX" ] && break; sleep 0.1; done
[ -S "$AGENTX" ] || fail "snmpd did not create $AGENTX"

NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
status_field() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
CAP_NET_ADMIN=$((1 << 12))
CAP_SYS_ADMIN=$((1 << 21))
# expect_caps PID MASK: effective, permitted and bounding sets are exactly MASK; nothing inheritable.
expect_caps() {
  local field value
  for field in CapEff CapPrm CapBnd; do
    value=$(status_field "$1" "$field")
    [ $((16#$value)) -eq "$2" ] || fail "$field of ipmibd is $value, expected $(printf %016x "$2")"
  done
  [ $((16#$(status_field "$1" CapInh))) -eq 0 ] || fail "CapInh is $(status_field "$1" CapInh)"
  read -r _ ruid euid suid fsuid < <(grep '^Uid:' "/proc/$1/status")
  [ "$ruid $euid $suid $fsuid" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" ] ||
    fail "Uid of ipmibd is $ruid $euid $suid $fsuid, expected $NOBODY_UID"
  read -r _ rgid egid sgid fsgid < <(grep '^Gid:' "/proc/$1/status")
  [ "$rgid $egid $sgid $fsgid" = "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" ] ||
    fail "Gid of ipmibd is $rgid $egid $sgid $fsgid, expected $NOBODY_GID"
  [ "$(status_field "$1" Groups)" = "$NOBODY_GID" ] || fail "supplementary groups: $(status_field "$1" Groups)"
}

# 1. ipmibd started inside the namespace (its own namespace is served, no setns needed).
cat >"$WORK/ipmibd.conf" <<CONF
backend linux
writeAccess inetCidrRouteTable
CONF
ip netns exec "$NS" "$IPMIBD" -f -Lf "$WORK/ipmibd.log" -C -c "$WORK/ipmibd.conf" -x "$AGENTX" -u nobody &
AGENT_PID=$!
for _ in $(seq 100); do
  snmp snmpget 1.3.6.1.4.1.8072.9999.9999.42.1.1.0 2>/dev/null | grep -q ipmibd && break
  kill -0 "$AGENT_PID" 2>/dev/null || fail "ipmibd -u nobody exited during start-up"
  sleep 0.1
done
expect_caps "$AGENT_PID" "$CAP_NET_ADMIN"
grep -q "running as root" "$WORK/ipmibd.log" && fail "root warning although -u was given"

ENTRY=1.3.6.1.2.1.4.24.7.1
R=1.4.10.1.0.0.16.2.0.0.1.4.192.0.2.1
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
setp "$ENTRY.17.$R" i 4 "$ENTRY.12.$R" i 40 >/dev/null || fail "createAndGo as nobody: $(setp "$ENTRY.17.$R" i 4)"
ip -n "$NS" route show 10.1.0.0/16 | grep -q "via 192.0.2.1 dev d0 proto static metric 40" ||
  fail "route not created: $(ip -n "$NS" route show 10.1.0.0/16)"
for _ in $(seq 50); do snmp snmpget "$ENTRY.17.$R" | grep -q "INTEGER: 1" && break; sleep 0.1; done
setp "$ENTRY.17.$R" i 6 >/dev/null || fail "destroy as nobody refused"
[ -z "$(ip -n "$NS" route show 10.1.0.0/16)" ] || fail "route not destroyed"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || fail "ipmibd -u nobody did not exit cleanly"
AGENT_PID=""

# 2. `backend linux netns`: CAP_SYS_ADMIN is kept for setns, and the tables are still served.
ADDRESS=1.3.6.1.2.1.4.34.1.3.1.4.192.0.2.10 # ipAddressIfIndex.ipv4."192.0.2.10"
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
CONF
"$IPMIBD" -f -Lf "$WORK/ipmibd.log" -C -c "$WORK/ipmibd.conf" -x "$AGENTX" -u nobody &
AGENT_PID=$!
for _ in $(seq 100); do
  snmp snmpget "$ADDRESS" 2>/dev/null | grep -q "INTEGER" && break
  kill -0 "$AGENT_PID" 2>/dev/null || fail "ipmibd -u nobody (netns) exited during start-up"
  sleep 0.1
done
expect_caps "$AGENT_PID" $((CAP_NET_ADMIN | CAP_SYS_ADMIN))
snmp snmpget "$ADDRESS" | grep -q "INTEGER: [1-9]" || fail "ipAddressIfIndex of 192.0.2.10 not served as nobody"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" || fail "ipmibd -u nobody (netns) did not exit cleanly"
AGENT_PID=""

# 3. Without -u, as root: a warning.
: >"$WORK/ipmibd.log"
start_agent "$IPMIBD" "$WORK/ipmibd.conf"
grep -q "running as root with every capability" "$WORK/ipmibd.log" || fail "no warning when running as root"
# 4. -u with an unknown user: refuses to start.
if "$IPMIBD" -f -Lf "$WORK/bad.log" -C -c "$WORK/ipmibd.conf" -x "$AGENTX" -u no-such-user-ipmibd; then
  fail "started with an unknown -u user"
fi
grep -q "unknown user" "$WORK/bad.log" || fail "unknown user not reported: $(cat "$WORK/bad.log")"
echo "PASS"
