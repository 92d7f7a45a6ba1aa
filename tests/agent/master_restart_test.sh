#!/usr/bin/env bash
# Integration test of master faults: snmpd killed (-9) and restarted on the same socket several
# times, then hung (SIGSTOP) and resumed; ipmibd (simulator backend, default agentxPingInterval)
# must serve the same walk within 5 s of the master's return, stay alive, never hold two
# registrations of one subtree, and log each loss once (not every reconnection attempt).
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

ENTRY=1.3.6.1.2.1.4.24.7.1
MODULES=1.3.6.1.4.1.8072.1.2.1.1.4 # nsModuleName: one row per (context, subtree, priority)
# Rows of nsModuleTable for ipmibd's subtrees (IP-MIB, IP-FORWARD-MIB, IPMIBD-MIB).
OURS="^\.$MODULES\.0\.[0-9]+\.1\.3\.6\.1\.(2\.1\.4|4\.1\.8072\.9999\.9999\.42)\."

start_master
cat >"$WORK/ipmibd.conf" <<CONF
backend sim $TESTLIB_ROOT/tests/agent/routes.scn
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

# The served route table without inetCidrRouteAge (column 10), which moves with time.
route_walk() { snmp snmpwalk "$ENTRY" 2>/dev/null | grep -v "^.$ENTRY.10\." || true; }
# The master's registrations of ipmibd's subtrees. The master refuses a second registration of
# the same subtree and priority (duplicateRegistration, logged by the subagent), so a stale
# session shows up as a refusal in ipmibd's log or as rows missing here.
registrations() { snmp snmpwalk "$MODULES" 2>/dev/null | grep -Ec "$OURS" || true; }

route_walk >"$WORK/expected.txt"
[ -s "$WORK/expected.txt" ] || fail "no routes served before the faults"
expected_registrations=$(registrations)
[ "$expected_registrations" -gt 0 ] || fail "nsModuleTable shows no AgentX registration"

restart_master() { # the same configuration, socket and UDP port as start_master
  snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
    -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
  MASTER_PID=$!
}

# wait_served WHAT: within 5 s (measured from now) the walk equals the reference and the master
# holds exactly the initial registrations; more than that at any time is a failure.
wait_served() {
  local start now count
  start=$(date +%s%N)
  while :; do
    count=$(registrations)
    [ "$count" -le "$expected_registrations" ] ||
      fail "$1: the master has $count subagent registrations, expected $expected_registrations"
    route_walk >"$WORK/walk.txt"
    if [ "$count" -eq "$expected_registrations" ] && cmp -s "$WORK/expected.txt" "$WORK/walk.txt"; then
      now=$(date +%s%N)
      echo "$1: serving again after $(((now - start) / 1000000)) ms"
      break
    fi
    now=$(date +%s%N)
    [ $(((now - start) / 1000000)) -lt 5000 ] ||
      fail "$1: 5 s after the master's return: $count of $expected_registrations registrations," \
        "walk $(cmp -s "$WORK/expected.txt" "$WORK/walk.txt" && echo equal || echo different)"
    sleep 0.2
  done
  kill -0 "$AGENT_PID" 2>/dev/null || fail "$1: ipmibd died"
}

# 1. kill -9 and restart, three times, with the master away for different lengths of time.
for away in 0.5 1.5 3; do
  kill -9 "$MASTER_PID"
  wait "$MASTER_PID" 2>/dev/null || true
  sleep "$away"
  kill -0 "$AGENT_PID" 2>/dev/null || fail "ipmibd died while the master was away"
  restart_master
  wait_served "restart after ${away}s away"
done

# 2. A hung master: stopped long enough for ipmibd's pings to time out, then resumed.
kill -STOP "$MASTER_PID"
sleep 10
kill -0 "$AGENT_PID" 2>/dev/null || fail "ipmibd died while the master was stopped"
kill -CONT "$MASTER_PID"
wait_served "SIGCONT after 10 s stopped"

# 3. A short hang (less than one ping timeout) must not disturb anything either.
kill -STOP "$MASTER_PID"
sleep 1
kill -CONT "$MASTER_PID"
wait_served "SIGCONT after 1 s stopped"

grep -i "registering pdu failed\|duplicate" "$WORK/ipmibd.log" && fail "a registration was refused"
# Each loss is logged once, not every failed reconnection attempt (one every 2 s): four losses
# (three kills, the long stop), five if a ping of a freshly restarted master timed out under load.
losses=$(grep -c "lost the AgentX master" "$WORK/ipmibd.log" || true)
[ "$losses" -ge 4 ] && [ "$losses" -le 5 ] || fail "$losses loss lines logged, expected one per master loss"
grep "Failed to connect" "$WORK/ipmibd.log" && fail "failed reconnection attempts were logged"
kill -TERM "$AGENT_PID"
status=0
wait "$AGENT_PID" || status=$?
AGENT_PID=""
[ "$status" -eq 0 ] || fail "ipmibd exited with $status on SIGTERM"
echo "PASS"
