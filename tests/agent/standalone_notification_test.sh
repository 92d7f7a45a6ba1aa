#!/usr/bin/env bash
# Integration test of notifications in standalone mode (ipmibd -S): with no AgentX master, ipmibd
# sends to the sinks its own ipmibd.conf names with snmpd's directives (trap2sink, informsink and
# trapsess here) and counts them as sent. A real snmptrapd receives an ipmibdRouteAdded / Removed
# and an IF-MIB linkDown / linkUp (notifyLinkUpDown yes) from changes the simulator's scenario
# makes on timers (`at`), once per sink (two traps, one inform), with exact varbinds. No root needed.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"
command -v snmptrapd >/dev/null || { echo "SKIP: snmptrapd not installed"; exit 77; }

TRAPD_PID=""
STANDALONE_PID=""
trap '[ -n "$STANDALONE_PID" ] && kill "$STANDALONE_PID" 2>/dev/null; [ -n "$TRAPD_PID" ] && kill "$TRAPD_PID" 2>/dev/null; cleanup' EXIT

# snmptrapd: one line per notification, "|" between varbinds, numeric OIDs and values.
TPORT="$(free_udp_port)"
TRAPS="$WORK/snmptrapd.log"
echo "disableAuthorization yes" >"$WORK/snmptrapd.conf"
MIBS="" snmptrapd -f -C -c "$WORK/snmptrapd.conf" -Lf "$TRAPS" -On -Oe -Oq -OU -Ot \
  -F "%V|%v\n" -p "$WORK/snmptrapd.pid" "udp:127.0.0.1:$TPORT" &
TRAPD_PID=$!
for _ in $(seq 50); do [ -s "$WORK/snmptrapd.pid" ] && break; sleep 0.1; done

# The changes come from the scenario's timers, counted from the load: after start-up.
cat >"$WORK/lab.scn" <<'SCN'
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.10/24 dev eth0
addr add 203.0.113.1/24 dev eth1
at 2s route add 198.51.100.0/24 via 192.0.2.1 dev eth0 proto static
at 3s route del 198.51.100.0/24 via 192.0.2.1 dev eth0
at 4s link set eth1 down
at 5s link set eth1 up
SCN
SPORT="$(free_udp_port)"
cat >"$WORK/standalone.conf" <<CONF
backend sim $WORK/lab.scn
notifyLinkUpDown yes
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:$TPORT public
informsink 127.0.0.1:$TPORT public
trapsess -v 2c -c public 127.0.0.1:$TPORT
CONF
"$IPMIBD" -f -Lf "$WORK/standalone.log" -C -c "$WORK/standalone.conf" -S "udp:127.0.0.1:$SPORT" &
STANDALONE_PID=$!
ss() { snmpget -v2c -c public -On -Oqv -t 2 -r 1 "127.0.0.1:$SPORT" "$@"; }
for _ in $(seq 50); do
  ss 1.3.6.1.2.1.4.24.6.0 >/dev/null 2>&1 && break
  kill -0 "$STANDALONE_PID" 2>/dev/null || fail "standalone ipmibd exited during start-up"
  sleep 0.1
done
ETH0=$(ss 1.3.6.1.2.1.4.34.1.3.1.4.192.0.2.10) || fail "standalone ipmibd does not answer"
ETH1=$(ss 1.3.6.1.2.1.4.34.1.3.1.4.203.0.113.1)

N=.1.3.6.1.4.1.8072.9999.9999.42.0     # ipmibdNotifications
K=.1.3.6.1.4.1.8072.9999.9999.42.3.9.0 # ipmibdNotifyChangeKind.0
C=.1.3.6.1.4.1.8072.9999.9999.42.3     # ipmibdNotify
RT=.1.3.6.1.2.1.4.24.7.1               # inetCidrRouteEntry
IF=.1.3.6.1.2.1.2.2.1                  # ifEntry
TRAPOID=.1.3.6.1.6.3.1.1.4.1.0

# expect_thrice LINE: waits until snmptrapd logged three notifications (one per sink) whose
# varbinds after sysUpTime are exactly LINE.
expect_thrice() {
  local want="$TRAPOID $1" n=0
  for _ in $(seq 100); do
    n=$(sed 's/^[^|]*|//' "$TRAPS" | grep -cxF "$want" || true)
    [ "$n" -ge 3 ] && break
    sleep 0.1
  done
  [ "$n" -eq 3 ] || { echo "--- received:" >&2; cat "$TRAPS" >&2; fail "'$want' received $n times (want 3)"; }
}

R4=1.4.198.51.100.0.24.2.0.0.1.4.192.0.2.1
expect_thrice "$N.1|$K 1|$RT.7.$R4 $ETH0|$RT.8.$R4 4|$RT.9.$R4 3|$RT.17.$R4 1"
expect_thrice "$N.3|$K 3|$RT.7.$R4 $ETH0|$RT.8.$R4 4|$RT.9.$R4 3|$RT.17.$R4 1"
# Net-SNMP appends snmpTrapEnterprise.0 (its sysObjectID, netSnmpAgentOIDs.linux) to the standard
# traps it sends, as snmpd does for its own linkUp/linkDown.
ENT=".1.3.6.1.6.3.1.1.4.3.0 .1.3.6.1.4.1.8072.3.2.10"
expect_thrice ".1.3.6.1.6.3.1.1.5.3|$IF.1.$ETH1 $ETH1|$IF.7.$ETH1 2|$IF.8.$ETH1 2|$ENT"
expect_thrice ".1.3.6.1.6.3.1.1.5.4|$IF.1.$ETH1 $ETH1|$IF.7.$ETH1 1|$IF.8.$ETH1 1|$ENT"

# Counted as sent (once per notification, whatever the number of sinks), none dropped.
sent=$(ss "$C.5.0")
[ "$sent" -ge 4 ] || fail "ipmibdNotifySent is $sent after 4 notifications"
[ "$(ss "$C.8.0")" = 0 ] || fail "ipmibdNotifyDropped is $(ss "$C.8.0") in standalone mode"
[ "$(ss "$C.14.0")" = 1 ] || fail "ipmibdNotifyLinkUpDown is $(ss "$C.14.0")"

kill -TERM "$STANDALONE_PID"
status=0
wait "$STANDALONE_PID" || status=$?
STANDALONE_PID=""
[ "$status" -eq 0 ] || fail "standalone ipmibd exited with $status on SIGTERM"
echo "PASS"
