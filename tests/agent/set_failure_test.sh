#!/usr/bin/env bash
# Integration test of the SET engine's all-or-nothing guarantee through a real snmpd master, with the
# simulator's fault injection (`fault` scenario lines) failing platform calls in ACTION: a 3-route
# PDU whose third create fails (commitFailed, nothing left), the same with the undo of the first
# create failing too (undoFailed, the log names what remains), a scalar SET undone when a route in
# its PDU fails, and refusals in RESERVE on the last varbind leaving everything untouched.
# What Net-SNMP's master (5.9.3) does, seen with -Dagentx/master: TestSet (RESERVE1; nothing is sent
# for RESERVE2), CommitSet (ACTION); when the subagent answers CommitSet with commitFailed or
# undoFailed and an error index, the master sends UndoSet (no CleanupSet) and answers the manager with
# that status on that varbind, unchanged: the statuses asserted below are what a manager gets.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

start_write_master

ENTRY=1.3.6.1.2.1.4.24.7.1
TTL=1.3.6.1.2.1.4.2.0
# Three routes inside 203.0.113.0/24 via 192.0.2.1 on eth0 (index 2) of routes.scn.
R1=1.4.203.0.113.16.28.2.0.0.1.4.192.0.2.1
R2=1.4.203.0.113.32.28.2.0.0.1.4.192.0.2.1
R3=1.4.203.0.113.48.28.2.0.0.1.4.192.0.2.1
R4=1.4.203.0.113.64.28.2.0.0.1.4.192.0.2.1
THREE=("$ENTRY.17.$R1" i 4 "$ENTRY.17.$R2" i 4 "$ENTRY.17.$R3" i 4)

setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
# cidr_rows: the inetCidrRouteStatus instances of the walk, one per line.
cidr_rows() { snmp snmpbulkwalk "$ENTRY.17" | sed -n 's/^\.\([0-9.]*\) = .*/\1/p'; }

# run_agent NAME FAULT-LINES...: (re)starts ipmibd on routes.scn plus the given `fault` lines.
run_agent() {
  local name="$1"
  shift
  if [ -n "$AGENT_PID" ]; then
    kill "$AGENT_PID"
    wait "$AGENT_PID" 2>/dev/null || true
    AGENT_PID=""
  fi
  cp "$TESTLIB_ROOT/tests/agent/routes.scn" "$WORK/$name.scn"
  printf '%s\n' "$@" >>"$WORK/$name.scn"
  cat >"$WORK/$name.conf" <<CONF
backend sim $WORK/$name.scn
writeAccess inetCidrRouteTable,ipDefaultTTL
agentxPingInterval 1
CONF
  : >"$WORK/ipmibd.log"
  start_agent "$IPMIBD" "$WORK/$name.conf"
}

# expect_error STATUS FAILED-OID ARGS...: the SET fails with STATUS on the varbind FAILED-OID.
expect_error() {
  local status="$1" failed="$2"
  shift 2
  local out
  out=$(setp "$@") && fail "SET $* succeeded, expected $status"
  grep -Eq "Reason: $status( |\$)" <<<"$out" || fail "SET gave: $out (expected $status)"
  grep -q "Failed object: \\.$failed\$" <<<"$out" || fail "SET gave: $out (expected the error on .$failed)"
}

# settle: a successful create and destroy of R4 seen through GET; the simulator publishes changes in
# order, so afterwards every change of the SETs before it has reached the agent's tables.
settle() {
  setp "$ENTRY.17.$R4" i 4 >/dev/null || fail "create of R4 refused: $(setp "$ENTRY.17.$R4" i 4)"
  for _ in $(seq 50); do snmp snmpget "$ENTRY.17.$R4" | grep -q "INTEGER: 1" && break; sleep 0.1; done
  snmp snmpget "$ENTRY.17.$R4" | grep -q "INTEGER: 1" || fail "R4 never appeared"
  setp "$ENTRY.17.$R4" i 6 >/dev/null || fail "destroy of R4 refused"
  for _ in $(seq 50); do snmp snmpget "$ENTRY.17.$R4" | grep -q "No Such Instance" && return 0; sleep 0.1; done
  fail "R4 never went away"
}

# (a) The third CreateIpForwardEntry2 fails: commitFailed on the third varbind, the first two undone.
run_agent commit "fault create-route general-failure skip 2 message 'refused by the test'"
before=$(cidr_rows)
expect_error commitFailed "$ENTRY.17.$R3" "${THREE[@]}"
grep -q "SET ACTION: commitFailed (varbind 3): 'create unicast route 203.0.113.48/28 via 192.0.2.1 dev 2 table 254' failed: GeneralFailure: refused by the test; rolled back 2 earlier change(s), state is as before" \
  "$WORK/ipmibd.log" || fail "no commitFailed report in the log"
settle
after=$(cidr_rows)
[ "$before" = "$after" ] || fail "commitFailed PDU changed the routes: $(diff <(echo "$before") <(echo "$after"))"
# The same PDU without a fault goes through, so the refusal above was the fault's doing.
setp "${THREE[@]}" >/dev/null || fail "the 3-route PDU fails without a fault: $(setp "${THREE[@]}")"
for r in "$R1" "$R2" "$R3"; do
  for _ in $(seq 50); do snmp snmpget "$ENTRY.17.$r" | grep -q "INTEGER: 1" && break; sleep 0.1; done
  snmp snmpget "$ENTRY.17.$r" | grep -q "INTEGER: 1" || fail "route $r not created"
done

# (b) The third create fails and so does the undo (delete) of the first: undoFailed, and the log
# names exactly the first route as what remains (rollback runs in reverse: R2 is undone first).
run_agent undo "fault create-route general-failure skip 2" \
  "fault delete-route general-failure skip 1 message 'undo refused by the test'"
expect_error undoFailed "$ENTRY.17.$R3" "${THREE[@]}"
grep -q "SET ACTION: undoFailed (varbind 3): 'create unicast route 203.0.113.48/28 via 192.0.2.1 dev 2 table 254' failed: GeneralFailure: injected fault; undo of 'create unicast route 203.0.113.16/28 via 192.0.2.1 dev 2 table 254' failed: GeneralFailure: undo refused by the test; still applied: \[create unicast route 203.0.113.16/28 via 192.0.2.1 dev 2 table 254\]\$" \
  "$WORK/ipmibd.log" || fail "no undoFailed report naming what remains in the log"
settle
rows=$(cidr_rows)
grep -qx "$ENTRY.17.$R1" <<<"$rows" || fail "after undoFailed the first route should remain: $rows"
grep -qx "$ENTRY.17.$R2" <<<"$rows" && fail "after undoFailed the second route should be gone: $rows"
grep -qx "$ENTRY.17.$R3" <<<"$rows" && fail "the failed third route exists: $rows"

# (c) A valid ipDefaultTTL SET and a failing route create in one PDU: the TTL change is undone.
# (d) Refusals in RESERVE on the last varbind: wrongType (RESERVE1) and a next hop on no
# connected network (inconsistentValue, RESERVE2); nothing is applied.
run_agent mixed "fault create-route general-failure message 'refused by the test'"
ttl=$(snmp snmpget "$TTL" | sed -n 's/.*INTEGER: //p')
[ -n "$ttl" ] || fail "cannot read ipDefaultTTL"
new_ttl=$((ttl == 99 ? 98 : 99))
before=$(cidr_rows)
expect_error wrongType "$TTL" "$ENTRY.17.$R1" i 4 "$ENTRY.17.$R2" i 4 "$TTL" s 99
expect_error inconsistentValue "$ENTRY.17.1.4.203.0.113.80.28.2.0.0.1.4.203.0.113.9" \
  "$TTL" i "$new_ttl" "$ENTRY.17.$R1" i 4 "$ENTRY.17.1.4.203.0.113.80.28.2.0.0.1.4.203.0.113.9" i 4
[ "$(snmp snmpget "$TTL" | sed -n 's/.*INTEGER: //p')" = "$ttl" ] || fail "a refused PDU changed ipDefaultTTL"
expect_error commitFailed "$ENTRY.17.$R1" "$TTL" i "$new_ttl" "$ENTRY.17.$R1" i 4
grep -q "rolled back 1 earlier change(s), state is as before" "$WORK/ipmibd.log" ||
  fail "the TTL change was not rolled back"
[ "$(snmp snmpget "$TTL" | sed -n 's/.*INTEGER: //p')" = "$ttl" ] || fail "ipDefaultTTL changed by a failed PDU"
settle
after=$(cidr_rows)
[ "$before" = "$after" ] || fail "failed PDUs changed the routes: $(diff <(echo "$before") <(echo "$after"))"
# The fault is spent: the same PDU now applies both.
setp "$TTL" i "$new_ttl" "$ENTRY.17.$R1" i 4 >/dev/null || fail "TTL + route PDU fails without a fault"
[ "$(snmp snmpget "$TTL" | sed -n 's/.*INTEGER: //p')" = "$new_ttl" ] || fail "ipDefaultTTL not set"
echo "PASS"
