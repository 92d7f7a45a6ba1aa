#!/usr/bin/env bash
# Integration test of change notifications: a real snmptrapd receives, through a private snmpd
# master (trap2sink), what ipmibd (backend linux, in a network namespace) announces: route,
# neighbor and address added/changed/removed for IPv4 and IPv6 made with `ip`, a route made with
# snmpset, nothing for an undone SET, IF-MIB linkDown/linkUp for `ip link set` (notifyLinkUpDown),
# a flood of routes coalesced into a bounded number of notifications with summaries whose counts
# add up, and notifications dropped (and counted) while the master is away.
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
ip -n "$NS" link add l0 type veth peer name l1 # taken down and up again: linkDown/linkUp
ip -n "$NS" link set l1 up
ip -n "$NS" link set l0 up
ip -n "$NS" link set d1 up
ip -n "$NS" link set d0 up
ip -n "$NS" addr add 192.0.2.10/24 dev d0
ip -n "$NS" addr add 2001:db8:1::10/64 dev d0 nodad
ifindex() { ip -n "$NS" -j link show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }
D0=$(ifindex d0)
D2=$(ifindex d2)
L0=$(ifindex l0)
L1=$(ifindex l1)

# snmptrapd: one line per notification, "|" between varbinds, numeric OIDs and values.
TPORT="$(free_udp_port)"
TRAPS="$WORK/snmptrapd.log" # the notifications, one a line
echo "disableAuthorization yes" >"$WORK/snmptrapd.conf"
MIBS="" snmptrapd -f -C -c "$WORK/snmptrapd.conf" -Lf "$WORK/snmptrapd.log" -On -Oe -Oq -OU -Ot \
  -F "%V|%v\n" -p "$WORK/snmptrapd.pid" "udp:127.0.0.1:$TPORT" &
TRAPD_PID=$!

start_master "rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:$TPORT public"
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess inetCidrRouteTable
notifyRate 20
notifyLinkUpDown yes
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

N=.1.3.6.1.4.1.8072.9999.9999.42.0      # ipmibdNotifications
K=.1.3.6.1.4.1.8072.9999.9999.42.3.9.0  # ipmibdNotifyChangeKind.0
C=.1.3.6.1.4.1.8072.9999.9999.42.3      # ipmibdNotify
RT=.1.3.6.1.2.1.4.24.7.1                # inetCidrRouteEntry
NE=.1.3.6.1.2.1.4.35.1                  # ipNetToPhysicalEntry
AD=.1.3.6.1.2.1.4.34.1                  # ipAddressEntry
TRAPOID=.1.3.6.1.6.3.1.1.4.1.0

# expect_trap LINE [LINE...]: waits until snmptrapd logged a notification whose varbinds after
# sysUpTime are exactly LINE ("snmpTrapOID value|oid value|...", or one of the LINEs), then
# forgets everything logged so far.
SEEN=0
expect_trap() {
  local want="$TRAPOID $1" patterns=() line
  for line in "$@"; do patterns+=(-e "$TRAPOID $line"); done
  for _ in $(seq 50); do
    if tail -n +$((SEEN + 1)) "$TRAPS" | sed 's/^[^|]*|//' | grep -qxF "${patterns[@]}"; then
      SEEN=$(wc -l <"$TRAPS")
      return 0
    fi
    sleep 0.1
  done
  echo "--- received since the last match:" >&2
  tail -n +$((SEEN + 1)) "$TRAPS" >&2
  fail "no notification '$want'"
}

# 1. Routes, out of band. A gateway route's index has policy {0 0}; proto static is netmgmt(3).
R4=1.4.198.51.100.0.24.2.0.0.1.4.192.0.2.1
ip -n "$NS" route add 198.51.100.0/24 via 192.0.2.1 proto static
expect_trap "$N.1|$K 1|$RT.7.$R4 $D0|$RT.8.$R4 4|$RT.9.$R4 3|$RT.17.$R4 1"
ip -n "$NS" route change 198.51.100.0/24 via 192.0.2.1 proto ospf # ospf(13)
expect_trap "$N.2|$K 2|$RT.7.$R4 $D0|$RT.8.$R4 4|$RT.9.$R4 13|$RT.17.$R4 1"
ip -n "$NS" route del 198.51.100.0/24
expect_trap "$N.3|$K 3|$RT.7.$R4 $D0|$RT.8.$R4 4|$RT.9.$R4 13|$RT.17.$R4 1"
# IPv6, on-link: policy {0 0 ifIndex}, next hop ::, type local(3).
Z16=16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0
R6=2.16.32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.0.48.3.0.0.$D0.2.$Z16
ip -n "$NS" route add 2001:db8:5::/48 dev d0 proto static
expect_trap "$N.1|$K 1|$RT.7.$R6 $D0|$RT.8.$R6 3|$RT.9.$R6 3|$RT.17.$R6 1"
ip -n "$NS" route del 2001:db8:5::/48 dev d0
expect_trap "$N.3|$K 3|$RT.7.$R6 $D0|$RT.8.$R6 3|$RT.9.$R6 3|$RT.17.$R6 1"

# 2. Neighbors: static ones are static(4) with state unknown(6) (RFC 4293).
X4=$D0.1.4.192.0.2.50
ip -n "$NS" neigh add 192.0.2.50 lladdr 02:00:00:aa:00:01 dev d0 nud permanent
expect_trap "$N.4|$K 1|$NE.4.$X4 \"02 00 00 AA 00 01 \"|$NE.6.$X4 4|$NE.7.$X4 6"
ip -n "$NS" neigh change 192.0.2.50 lladdr 02:00:00:aa:00:02 dev d0 nud permanent
expect_trap "$N.5|$K 2|$NE.4.$X4 \"02 00 00 AA 00 02 \"|$NE.6.$X4 4|$NE.7.$X4 6"
ip -n "$NS" neigh del 192.0.2.50 dev d0
expect_trap "$N.6|$K 3|$NE.4.$X4 \"02 00 00 AA 00 02 \"|$NE.6.$X4 4|$NE.7.$X4 6"
X6=$D0.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.80
ip -n "$NS" neigh add 2001:db8:1::50 lladdr 02:00:00:aa:00:03 dev d0 nud permanent
expect_trap "$N.4|$K 1|$NE.4.$X6 \"02 00 00 AA 00 03 \"|$NE.6.$X6 4|$NE.7.$X6 6"
ip -n "$NS" neigh del 2001:db8:1::50 dev d0
expect_trap "$N.6|$K 3|$NE.4.$X6 \"02 00 00 AA 00 03 \"|$NE.6.$X6 4|$NE.7.$X6 6"

# 3. Addresses: unicast(1), preferred(1) / deprecated(2), origin manual(2) (dhcp(4) once the
# lifetime is finite, as Debian's snmpd).
A4=1.4.192.0.2.20
ip -n "$NS" addr add 192.0.2.20/24 dev d0
expect_trap "$N.7|$K 1|$AD.3.$A4 $D0|$AD.4.$A4 1|$AD.7.$A4 1|$AD.6.$A4 2"
ip -n "$NS" addr change 192.0.2.20/24 dev d0 valid_lft 600 preferred_lft 0
expect_trap "$N.8|$K 2|$AD.3.$A4 $D0|$AD.4.$A4 1|$AD.7.$A4 2|$AD.6.$A4 4" # finite lifetime: dhcp(4)
ip -n "$NS" addr del 192.0.2.20/24 dev d0
expect_trap "$N.9|$K 3|$AD.3.$A4 $D0|$AD.4.$A4 1|$AD.7.$A4 2|$AD.6.$A4 4"
A6=2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.32
ip -n "$NS" addr add 2001:db8:1::20/64 dev d0 nodad
expect_trap "$N.7|$K 1|$AD.3.$A6 $D0|$AD.4.$A6 1|$AD.7.$A6 1|$AD.6.$A6 2"
ip -n "$NS" addr del 2001:db8:1::20/64 dev d0
expect_trap "$N.9|$K 3|$AD.3.$A6 $D0|$AD.4.$A6 1|$AD.7.$A6 1|$AD.6.$A6 2"

# 3b. IP interface parameters: IPv6 forwarding on d0 and off again (NETCONF); the other values
# as the kernel has them.
V6=.1.3.6.1.2.1.4.30.1
reach=$(ip netns exec "$NS" cat /proc/sys/net/ipv6/neigh/d0/base_reachable_time_ms)
retrans=$(ip netns exec "$NS" cat /proc/sys/net/ipv6/neigh/d0/retrans_time_ms)
ip netns exec "$NS" sysctl -qw net.ipv6.conf.d0.forwarding=1
expect_trap "$N.12|$K 2|$V6.5.$D0 1|$V6.6.$D0 $reach|$V6.7.$D0 $retrans|$V6.8.$D0 1"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.d0.forwarding=0
expect_trap "$N.12|$K 2|$V6.5.$D0 1|$V6.6.$D0 $reach|$V6.7.$D0 $retrans|$V6.8.$D0 2"
# (ipv4InterfaceTable's values change with no netlink notification the backend listens to; the
# IPv4 notification is covered by the unit tests.)

# 3c. IF-MIB linkDown / linkUp (RFC 2863): ifIndex, ifAdminStatus, ifOperStatus after the change.
# l0 goes down(2)/down(2), then leaves down(2) for the state the kernel reports first: a veth
# coming up is announced without carrier (lowerLayerDown(7), `ip monitor link` shows it) and gets
# it a moment later (up(1), no second notification: that is no transition from down). Its peer l1
# goes up -> lowerLayerDown -> up, never entering down(2): nothing for it.
# The master appends snmpTrapEnterprise.0 (its sysObjectID) to standard traps, as to its own.
[ "$(snmp snmpget -Oqv "$C.14.0")" = 1 ] || fail "ipmibdNotifyLinkUpDown: $(snmp snmpget -Oqv "$C.14.0")"
IF=.1.3.6.1.2.1.2.2.1
ENT=".1.3.6.1.6.3.1.1.4.3.0 .1.3.6.1.4.1.8072.3.2.10"
before=$SEEN
ip -n "$NS" link set l0 down
expect_trap ".1.3.6.1.6.3.1.1.5.3|$IF.1.$L0 $L0|$IF.7.$L0 2|$IF.8.$L0 2|$ENT"
# A link going down changes some 24 rows (addresses, routes, neighbors, IP interfaces): more than
# notifyRate 20, so the next second is a storm second; bring it up after that.
sleep 2.2
ip -n "$NS" link set l0 up
expect_trap ".1.3.6.1.6.3.1.1.5.4|$IF.1.$L0 $L0|$IF.7.$L0 1|$IF.8.$L0 7|$ENT" \
  ".1.3.6.1.6.3.1.1.5.4|$IF.1.$L0 $L0|$IF.7.$L0 1|$IF.8.$L0 1|$ENT"
if tail -n +$((before + 1)) "$TRAPS" | grep -q "|$IF\.1\.$L1 "; then
  fail "linkUp/linkDown for l1 (up <-> lowerLayerDown): $(tail -n +$((before + 1)) "$TRAPS")"
fi
sleep 2.2 # the link's burst of row changes may have started a storm second: let it pass

# 4. Through snmpset: a committed createAndGo and destroy are announced (after the PDU ends).
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
RS=1.4.203.0.113.0.24.2.0.0.1.4.192.0.2.1
setp "$RT.17.$RS" i 4 >/dev/null || fail "createAndGo refused: $(setp "$RT.17.$RS" i 4)"
expect_trap "$N.1|$K 1|$RT.7.$RS $D0|$RT.8.$RS 4|$RT.9.$RS 3|$RT.17.$RS 1"
setp "$RT.17.$RS" i 6 >/dev/null || fail "destroy refused"
expect_trap "$N.3|$K 3|$RT.7.$RS $D0|$RT.8.$RS 4|$RT.9.$RS 3|$RT.17.$RS 1"

# 5. An undone SET announces nothing: two good creates and a third the kernel refuses (its
# interface d2 is down) make commitFailed; the first two were made and undone in the kernel.
UA=1.4.198.51.100.0.25.2.0.0.1.4.192.0.2.1
UB=1.4.198.51.100.128.25.2.0.0.1.4.192.0.2.1
UC=1.4.203.0.113.0.26.3.0.0.$D2.1.4.0.0.0.0
out=$(setp "$RT.17.$UA" i 4 "$RT.17.$UB" i 4 "$RT.17.$UC" i 4 "$RT.8.$UC" i 3) && fail "SET via a down interface succeeded"
grep -q "Reason: commitFailed" <<<"$out" || fail "SET via a down interface gave: $out (expected commitFailed)"
[ -z "$(ip -n "$NS" route show root 198.51.100.0/24)" ] || fail "undone SET left routes: $(ip -n "$NS" route)"
# A marker change afterwards: once its notification is in, nothing for the undone rows came before it.
ip -n "$NS" route add 192.0.2.128/25 dev d0 proto static
RM=1.4.192.0.2.128.25.3.0.0.$D0.1.4.0.0.0.0
before=$SEEN
expect_trap "$N.1|$K 1|$RT.7.$RM $D0|$RT.8.$RM 3|$RT.9.$RM 3|$RT.17.$RM 1"
if tail -n +$((before + 1)) "$TRAPS" | grep -q "198\.51\.100\.\(0\|128\)\.25"; then
  fail "the undone SET was announced: $(tail -n +$((before + 1)) "$TRAPS")"
fi
suppressed=$(snmp snmpget -Oqv "$C.7.0")
[ "$suppressed" -ge 2 ] || fail "ipmibdNotifySuppressed is $suppressed after an undone SET"

# 6. A flood: 3000 routes added at once give at most notifyRate (20) per-row notifications and
# summaries (ipmibdChangesCoalesced, table inetCidrRouteTable(1)) whose counts make up the rest.
flood() { # flood add|del: one ip -batch of 3000 IPv6 routes
  for i in $(seq 0 2999); do printf 'route %s 2001:db8:100:%x::/64 dev d0\n' "$1" "$i"; done >"$WORK/batch"
  ip -n "$NS" -batch "$WORK/batch"
}
# coalesced_total COLUMN: per-row notifications of type N.$1 plus summary counts in COLUMN (11
# added, 13 removed) received since SEEN; waits until they reach 3000.
coalesced_total() {
  local rows sum
  for _ in $(seq 100); do
    rows=$(tail -n +$((SEEN + 1)) "$TRAPS" | grep -c "|$TRAPOID $N\.$1|" || true)
    sum=$(tail -n +$((SEEN + 1)) "$TRAPS" | { grep "|$TRAPOID $N\.10|$C\.10\.0 1|" || true; } |
      sed -n "s/.*|$C\.$2\.0 \([0-9]*\).*/\1/p" | awk '{s += $1} END {print s + 0}')
    [ $((rows + sum)) -ge 3000 ] && break
    sleep 0.1
  done
  summaries=$(tail -n +$((SEEN + 1)) "$TRAPS" | grep -c "|$TRAPOID $N\.10|" || true)
  echo "flood $1: $rows per-row, $summaries summaries, $sum coalesced"
  [ "$rows" -le 20 ] || fail "flood: $rows per-row notifications (rate 20)"
  [ "$summaries" -ge 1 ] && [ "$summaries" -le 10 ] || fail "flood: $summaries summaries"
  [ $((rows + sum)) -eq 3000 ] || fail "flood: $rows per-row + $sum coalesced != 3000"
  SEEN=$(wc -l <"$TRAPS")
}
flood add
coalesced_total 1 11
sleep 1.2 # let the storm end (a quiet second)
flood del
coalesced_total 3 13
[ "$(snmp snmpget -Oqv "$C.6.0")" -ge 5960 ] || fail "ipmibdNotifyCoalesced: $(snmp snmpget -Oqv "$C.6.0")"
[ "$(snmp snmpget -Oqv "$C.8.0")" -eq 0 ] || fail "ipmibdNotifyDropped: $(snmp snmpget -Oqv "$C.8.0")"

# 7. While the master is away notifications are dropped and counted, not queued for later.
if daemon_only "section 7, notifications while the AgentX master is away (in-process there is no master apart from ipmibd)"; then
  kill "$MASTER_PID"
  wait "$MASTER_PID" 2>/dev/null || true
  ip -n "$NS" route add 198.51.100.64/26 via 192.0.2.1 proto static
  sleep 0.5
  snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
    -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
  MASTER_PID=$!
  for _ in $(seq 100); do
    [ "$(snmp snmpget -Oqv "$C.8.0" 2>/dev/null)" = 1 ] && break
    sleep 0.1
  done
  [ "$(snmp snmpget -Oqv "$C.8.0")" = 1 ] || fail "ipmibdNotifyDropped after a change without master: $(snmp snmpget -Oqv "$C.8.0")"
  ip -n "$NS" route del 192.0.2.128/25 dev d0 # a marker: once it is in, the dropped one never came
  before=$SEEN
  expect_trap "$N.3|$K 3|$RT.7.$RM $D0|$RT.8.$RM 3|$RT.9.$RM 3|$RT.17.$RM 1"
  if tail -n +$((before + 1)) "$TRAPS" | grep -q "198\.51\.100\.64\.26"; then fail "a dropped notification was sent later"; fi
fi

echo "PASS"
