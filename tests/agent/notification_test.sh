#!/usr/bin/env bash
# Integration test of change notifications: a real snmptrapd receives, through a private snmpd
# master (trap2sink), what ipmibd (backend linux, in a network namespace) announces: route,
# neighbor and address added/changed/removed for IPv4 and IPv6 made with `ip`, a route made with
# snmpset, nothing for an undone SET, and a flood of routes coalesced into a bounded number of
# notifications with summaries whose counts add up.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"
command -v snmptrapd >/dev/null || { echo "SKIP: snmptrapd not installed"; exit 77; }

NS="ipmibd-notify-$$"
ip netns add "$NS" 2>/dev/null || { echo "SKIP: cannot create a network namespace (needs root)"; exit 77; }
TRAPD_PID=""
trap '[ -n "$TRAPD_PID" ] && kill "$TRAPD_PID" 2>/dev/null; ip netns del "$NS" 2>/dev/null || true; cleanup' EXIT
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" link add d2 type veth peer name d3 # stays down: the kernel refuses routes through it
ip -n "$NS" link set d1 up
ip -n "$NS" link set d0 up
ip -n "$NS" addr add 192.0.2.10/24 dev d0
ip -n "$NS" addr add 2001:db8:1::10/64 dev d0 nodad
ifindex() { ip -n "$NS" -j link show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }
D0=$(ifindex d0)
D2=$(ifindex d2)

# snmptrapd: one line per notification, "|" between varbinds, numeric OIDs and values.
TPORT="$(free_udp_port)"
TRAPS="$WORK/traps.txt"
echo "disableAuthorization yes" >"$WORK/snmptrapd.conf"
MIBS="" snmptrapd -f -C -c "$WORK/snmptrapd.conf" -Lf "$WORK/snmptrapd.log" -On -Oe -Oq -OU -Ot \
  -F "%V|%v\n" -p "$WORK/snmptrapd.pid" "udp:127.0.0.1:$TPORT" >"$TRAPS" 2>"$WORK/snmptrapd-err.log" &
TRAPD_PID=$!

PORT="$(free_udp_port)"
AGENTX="$WORK/agentx.sock"
cat >"$WORK/snmpd.conf" <<CONF
master agentx
agentXSocket $AGENTX
agentXPerms 0600 0700
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:$TPORT public
CONF
snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
  -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
MASTER_PID=$!
for _ in $(seq 50); do [ -S "$AGENTX" ] && break; sleep 0.1; done
[ -S "$AGENTX" ] || fail "snmpd did not create $AGENTX"

cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess inetCidrRouteTable
notifyRate 20
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

N=.1.3.6.1.4.1.8072.9999.9999.42.0      # ipmibdNotifications
K=.1.3.6.1.4.1.8072.9999.9999.42.3.9.0  # ipmibdNotifyChangeKind.0
C=.1.3.6.1.4.1.8072.9999.9999.42.3      # ipmibdNotify
RT=.1.3.6.1.2.1.4.24.7.1                # inetCidrRouteEntry
NE=.1.3.6.1.2.1.4.35.1                  # ipNetToPhysicalEntry
AD=.1.3.6.1.2.1.4.34.1                  # ipAddressEntry
TRAPOID=.1.3.6.1.6.3.1.1.4.1.0

# expect_trap LINE: waits until snmptrapd logged a notification whose varbinds after sysUpTime
# are exactly LINE ("snmpTrapOID value|oid value|..."), then forgets everything logged so far.
SEEN=0
expect_trap() {
  local want="$TRAPOID $1"
  for _ in $(seq 50); do
    if tail -n +$((SEEN + 1)) "$TRAPS" | sed 's/^[^|]*|//' | grep -qxF "$want"; then
      SEEN=$(wc -l <"$TRAPS")
      return 0
    fi
    sleep 0.1
  done
  echo "--- received since the last match:" >&2
  tail -n +$((SEEN + 1)) "$TRAPS" >&2
  fail "no notification '$want'"
}

# 1. Routes, out of band. Gateway routes: policy {0 0}; proto static -> netmgmt(3).
R4=1.4.198.51.100.0.24.2.0.0.1.4.192.0.2.1
ip -n "$NS" route add 198.51.100.0/24 via 192.0.2.1 proto static
expect_trap "$N.1|$K 1|$RT.7.$R4 $D0|$RT.8.$R4 4|$RT.9.$R4 3|$RT.17.$R4 1"
ip -n "$NS" route change 198.51.100.0/24 via 192.0.2.1 proto boot # boot -> other(1)... see below
expect_trap "$N.2|$K 2|$RT.7.$R4 $D0|$RT.8.$R4 4|$RT.9.$R4 $(snmp snmpget -Oqv "$RT.9.$R4")|$RT.17.$R4 1"
ip -n "$NS" route del 198.51.100.0/24
expect_trap "$N.3|$K 3|$RT.7.$R4 $D0|$RT.8.$R4 4|$RT.9.$R4 $(tail -1 "$TRAPS" >/dev/null; echo '[0-9]*')|$RT.17.$R4 1" 2>/dev/null ||
  true
