#!/usr/bin/env bash
# Integration test of nonVolatile persistence: addresses created by snmpset with ipAddressStorageType
# nonVolatile(3) go to the state file (mode 0600, in a directory made 0700) and come back after a
# restart, a kill -9 and a renumbering of their interface; volatile ones do not; a damaged state
# file is refused as a whole and moved aside; a failed save is logged and counted. ipmibd on a Linux
# network namespace behind a private snmpd master (root; skipped otherwise).
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

test_namespace ipmibd-persist
make_link() { test_link 2001:db8:1::10/64; }
make_link

STATE="$WORK/lib/ipmibd/state" # neither directory exists yet
start_write_master
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess ipAddressTable
stateFile $STATE
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

A=1.3.6.1.2.1.4.34.1
NV4=1.4.192.0.2.77                                   # nonVolatile
NV6=2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.119       # 2001:db8:1::77, nonVolatile
VOL=1.4.192.0.2.78                                   # volatile
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
d0() { # d0 ADDRESS/LEN: that address's line of `ip addr show dev d0`, or nothing
  local out
  out=$(ip -n "$NS" addr show dev d0)
  grep " $1 " <<<"$out" || true
}
wait_get() {
  for _ in $(seq 50); do snmp snmpget "$1" | grep -q "$2" && return 0; sleep 0.1; done
  fail "GET $1 never matched '$2': $(snmp snmpget "$1")"
}
stop_agent() { # stop_agent SIGNAL
  kill -"$1" "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=""
}
# expect_file LINE...: the state file holds exactly these records, a valid end line, mode 0600.
# Waits for it: over AgentX the master answers the manager at CommitSet, and ipmibd saves at the
# CleanupSet that follows (Net-SNMP's COMMIT phase), a moment later.
expect_file() {
  local records="" expected
  expected=$(printf '%s\n' "$@" | sort)
  for _ in $(seq 50); do
    records=$(grep -s '^address ' "$STATE" | sort || true)
    [ "$records" = "$expected" ] && break
    sleep 0.1
  done
  [ "$records" = "$expected" ] || fail "state file records: $records (expected $expected)"
  [ "$(stat -c %a "$STATE")" = 600 ] || fail "state file mode $(stat -c %a "$STATE")"
  [ ! -e "$STATE.tmp" ] || fail "$STATE.tmp left behind"
  head -1 "$STATE" | grep -qx '# ipmibd state v1' || fail "state file header: $(head -1 "$STATE")"
  tail -1 "$STATE" | grep -qx "end $# crc32 $(head -n -1 "$STATE" | python3 -c 'import sys,zlib; print("%08x" % zlib.crc32(sys.stdin.buffer.read()))')" ||
    fail "state file end line: $(tail -1 "$STATE")"
}

# 1. Two nonVolatile addresses and a volatile one.
setp "$A.10.$NV4" i 4 "$A.3.$NV4" i "$D0" "$A.11.$NV4" i 3 "$A.10.$NV6" i 4 "$A.3.$NV6" i "$D0" "$A.11.$NV6" i 3 \
  >/dev/null || fail "nonVolatile createAndGo: $(setp "$A.10.$NV4" i 4 "$A.3.$NV4" i "$D0" "$A.11.$NV4" i 3)"
setp "$A.10.$VOL" i 4 "$A.3.$VOL" i "$D0" >/dev/null || fail "volatile createAndGo"
[ -n "$(d0 192.0.2.77/24)" ] && [ -n "$(d0 2001:db8:1::77/64)" ] && [ -n "$(d0 192.0.2.78/24)" ] ||
  fail "addresses not created: $(ip -n "$NS" addr show dev d0)"
[ "$(stat -c %a "$WORK/lib")" = 700 ] && [ "$(stat -c %a "$WORK/lib/ipmibd")" = 700 ] ||
  fail "state directories not 0700: $(stat -c '%n %a' "$WORK/lib" "$WORK/lib/ipmibd")"
expect_file "address 192.0.2.77/24 dev d0 ifindex $D0" "address 2001:db8:1::77/64 dev d0 ifindex $D0"
wait_get "$A.11.$NV4" "INTEGER: 3"
wait_get "$A.11.$VOL" "INTEGER: 2"

# 2. Stop, delete all three with ip, start: the nonVolatile ones are back, served as nonVolatile.
stop_agent TERM
ip -n "$NS" addr del 192.0.2.77/24 dev d0
ip -n "$NS" addr del 2001:db8:1::77/64 dev d0
ip -n "$NS" addr del 192.0.2.78/24 dev d0
start_agent "$IPMIBD" "$WORK/ipmibd.conf"
[ -n "$(d0 192.0.2.77/24)" ] && [ -n "$(d0 2001:db8:1::77/64)" ] || fail "not re-applied: $(ip -n "$NS" addr show dev d0)"
[ -z "$(d0 192.0.2.78/24)" ] || fail "the volatile address came back"
grep -q "nonVolatile address 192.0.2.77/24 dev d0: re-created" "$WORK/ipmibd.log" || fail "re-apply not logged"
wait_get "$A.11.$NV4" "INTEGER: 3"
wait_get "$A.11.$NV6" "INTEGER: 3"
wait_get "$A.10.$VOL" "No Such Instance"

# 3. kill -9, delete, start again.
stop_agent KILL
ip -n "$NS" addr del 192.0.2.77/24 dev d0
start_agent "$IPMIBD" "$WORK/ipmibd.conf"
[ -n "$(d0 192.0.2.77/24)" ] || fail "not re-applied after kill -9: $(ip -n "$NS" addr show dev d0)"
wait_get "$A.11.$NV4" "INTEGER: 3"

# 4. The interface renumbers (deleted and made again): found by its name, at its new ifIndex.
stop_agent TERM
OLD=$D0
ip -n "$NS" link del d0
make_link
[ "$D0" != "$OLD" ] || fail "d0 kept ifindex $OLD"
start_agent "$IPMIBD" "$WORK/ipmibd.conf"
[ -n "$(d0 192.0.2.77/24)" ] && [ -n "$(d0 2001:db8:1::77/64)" ] || fail "not re-applied on the new d0"
grep -q "re-created (ifindex $D0 now, $OLD when saved)" "$WORK/ipmibd.log" || fail "renumbering not logged"
wait_get "$A.3.$NV4" "INTEGER: $D0"
# Destroying one through SNMP removes it from the file, which now names the new ifIndex.
setp "$A.10.$NV6" i 6 >/dev/null || fail "destroy refused"
expect_file "address 192.0.2.77/24 dev d0 ifindex $D0"

# 5. A damaged file is refused as a whole (nothing applied), moved aside, and replaced at the next save.
stop_agent TERM
ip -n "$NS" addr del 192.0.2.77/24 dev d0
sed -i 's/192.0.2.77/192.0.2.79/' "$STATE" # an edit: the checksum no longer fits
start_agent "$IPMIBD" "$WORK/ipmibd.conf"
grep -q "state file REFUSED, starting without its addresses: $STATE line .*: checksum mismatch" "$WORK/ipmibd.log" ||
  fail "refusal not logged: $(grep state "$WORK/ipmibd.log")"
[ -z "$(d0 192.0.2.77/24)$(d0 192.0.2.79/24)" ] || fail "a refused file was applied"
[ -f "$STATE.corrupt" ] && [ ! -e "$STATE" ] || fail "the refused file was not moved aside"
setp "$A.10.$NV4" i 4 "$A.3.$NV4" i "$D0" "$A.11.$NV4" i 3 >/dev/null || fail "createAndGo after refusal"
expect_file "address 192.0.2.77/24 dev d0 ifindex $D0"
grep -q 192.0.2.79 "$STATE.corrupt" || fail "the refused file was overwritten"

# 6. A save that fails (the temporary file's place is taken) cannot undo the committed SET: logged
# loudly and counted; the next successful save catches up.
mkdir -p "$STATE.tmp/x"
setp "$A.10.$VOL" i 4 "$A.3.$VOL" i "$D0" "$A.11.$VOL" i 3 >/dev/null || fail "createAndGo with a failing save"
for _ in $(seq 50); do grep -q "STATE FILE NOT SAVED (1 failure(s) since start): cannot remove $STATE.tmp" \
  "$WORK/ipmibd.log" && break; sleep 0.1; done
grep -q "STATE FILE NOT SAVED (1 failure(s) since start)" "$WORK/ipmibd.log" || fail "failed save not logged"
[ -n "$(d0 192.0.2.78/24)" ] || fail "the SET was undone"
expect_file_unchanged=$(grep '^address ' "$STATE")
[ "$expect_file_unchanged" = "address 192.0.2.77/24 dev d0 ifindex $D0" ] || fail "a failed save changed the file"
rm -rf "$STATE.tmp"
setp "$A.11.$VOL" i 2 >/dev/null || fail "StorageType volatile refused"
setp "$A.11.$VOL" i 3 >/dev/null || fail "StorageType nonVolatile refused"
expect_file "address 192.0.2.77/24 dev d0 ifindex $D0" "address 192.0.2.78/24 dev d0 ifindex $D0"
echo "PASS"
