#!/usr/bin/env bash
# Integration test of ipAddressTable / ipAddressSpinLock SETs: real snmpset through a private snmpd
# master against ipmibd on a Linux network namespace: IPv4 and IPv6 addresses created with the spin
# lock in the same PDU, a stale lock refusing the whole PDU, Status and StorageType changes,
# system-owned rows refused, destroy; every refusal with its exact error-status and error-index and
# `ip -j addr show` unchanged.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

# No IPv6 DAD (test_namespace): created IPv6 addresses are preferred at once, not tentative.
test_namespace ipmibd-addrset
test_link 2001:db8:1::10/64
# d0's link-local address as an ipAddressTable index (ipv6(2), 16 bytes: served zoneless).
link_local_index() {
  ip -n "$NS" -j -6 addr show dev d0 scope link | python3 -c '
import ipaddress, json, sys
for a in json.load(sys.stdin)[0]["addr_info"]:
    if "local" in a:
        print("2.16." + ".".join(str(b) for b in ipaddress.IPv6Address(a["local"]).packed))
        break'
}
for _ in $(seq 50); do LL=$(link_local_index) && [ -n "$LL" ] && break; sleep 0.1; done
[ -n "$LL" ] || fail "d0 has no link-local address: $(ip -n "$NS" addr show dev d0)"

start_write_master
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess ipAddressTable,ipAddressSpinLock
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

A=1.3.6.1.2.1.4.34.1
LOCK=1.3.6.1.2.1.4.33.0
V4=1.4.192.0.2.77
V6=2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.119 # 2001:db8:1::77
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
addrs() { ip -j -n "$NS" addr show | python3 -m json.tool; }
# d0 ADDRESS/LEN: the line `ip addr show dev d0` prints for that address (no `| grep -q`: under
# pipefail an early grep exit can fail the pipeline with SIGPIPE).
d0() {
  local out
  out=$(ip -n "$NS" addr show dev d0)
  grep -A1 " $1 " <<<"$out" || true
}
lock() { snmp snmpget -Oqv "$LOCK"; }
wait_get() {
  for _ in $(seq 50); do snmp snmpget "$1" | grep -q "$2" && return 0; sleep 0.1; done
  fail "GET $1 never matched '$2': $(snmp snmpget "$1")"
}
# expect_refused REASON FAILED-OID ARGS...: the SET fails with REASON, its error-index names the
# varbind FAILED-OID, and the kernel's addresses are exactly as before.
expect_refused() {
  local reason="$1" failed="$2"
  shift 2
  local before after out
  before=$(addrs)
  out=$(setp "$@") && fail "SET $* succeeded, expected $reason"
  grep -q "^Reason: $reason" <<<"$out" || fail "SET $* gave: $out (expected $reason)"
  grep -qx "Failed object: \.$failed" <<<"$out" || fail "SET $* gave: $out (expected failed object $failed)"
  after=$(addrs)
  [ "$before" = "$after" ] || fail "refused SET $* changed the addresses: $(diff <(echo "$before") <(echo "$after"))"
}

# 1. IPv4: the spin lock first, then the row (the NMS pattern of the ipAddressSpinLock DESCRIPTION).
L=$(lock)
setp "$LOCK" i "$L" "$A.10.$V4" i 4 "$A.3.$V4" i "$D0" >/dev/null ||
  fail "IPv4 createAndGo: $(setp "$LOCK" i "$L" "$A.10.$V4" i 4 "$A.3.$V4" i "$D0")"
[ -n "$(d0 192.0.2.77/24)" ] || fail "address not created: $(ip -n "$NS" addr show dev d0)"
[ "$(lock)" = $(((L + 1) % 2147483648)) ] || fail "spin lock not advanced: $L -> $(lock)"
wait_get "$A.10.$V4" "INTEGER: 1"
wait_get "$A.11.$V4" "INTEGER: 2" # volatile
# A stale lock (another manager got there first) refuses the whole PDU; error-index: the lock.
expect_refused inconsistentValue "$LOCK" "$A.10.1.4.192.0.2.78" i 4 "$A.3.1.4.192.0.2.78" i "$D0" "$LOCK" i "$L"
expect_refused inconsistentValue "$LOCK" "$LOCK" i "$L" "$A.10.1.4.192.0.2.78" i 4 "$A.3.1.4.192.0.2.78" i "$D0"

# 2. IPv6, nonVolatile, then deprecated and preferred again.
setp "$A.10.$V6" i 4 "$A.3.$V6" i "$D0" "$A.11.$V6" i 3 >/dev/null ||
  fail "IPv6 createAndGo: $(setp "$A.10.$V6" i 4 "$A.3.$V6" i "$D0" "$A.11.$V6" i 3)"
[ -n "$(d0 2001:db8:1::77/64)" ] || fail "IPv6 address not created: $(ip -n "$NS" addr show dev d0)"
wait_get "$A.11.$V6" "INTEGER: 3"
setp "$A.7.$V6" i 2 >/dev/null || fail "deprecate refused"
[[ "$(d0 2001:db8:1::77/64)" == *"preferred_lft 0sec"* ]] || fail "not deprecated: $(d0 2001:db8:1::77/64)"
wait_get "$A.7.$V6" "INTEGER: 2"
setp "$A.7.$V6" i 1 >/dev/null || fail "preferred refused"
wait_get "$A.7.$V6" "INTEGER: 1"

# 3. Refusals, each with its error-status and error-index.
expect_refused wrongValue "$A.10.1.4.192.0.2.78" "$A.3.1.4.192.0.2.78" i "$D0" "$A.10.1.4.192.0.2.78" i 5 # createAndWait
expect_refused wrongValue "$A.4.1.4.192.0.2.78" "$A.10.1.4.192.0.2.78" i 4 "$A.3.1.4.192.0.2.78" i "$D0" \
  "$A.4.1.4.192.0.2.78" i 2 # anycast
expect_refused wrongValue "$A.11.$V4" "$A.11.$V4" i 4          # StorageType permanent is never settable
expect_refused wrongType "$A.3.$V4" "$A.3.$V4" u "$D0"
expect_refused notWritable "$A.6.$V4" "$A.6.$V4" i 2           # ipAddressOrigin
expect_refused inconsistentName "$A.10.1.5.192.0.2.78.1" "$A.10.1.5.192.0.2.78.1" i 4 # length 5 for ipv4
expect_refused noCreation "$A.3.1.4.192.0.2.78" "$A.3.1.4.192.0.2.78" i "$D0"         # no row, no RowStatus
expect_refused inconsistentValue "$A.10.1.4.192.0.2.78" "$A.10.1.4.192.0.2.78" i 4 # no IfIndex
expect_refused inconsistentValue "$A.3.1.4.192.0.2.78" "$A.10.1.4.192.0.2.78" i 4 "$A.3.1.4.192.0.2.78" i 9999
expect_refused inconsistentValue "$A.3.$V4" "$A.7.$V4" i 2 "$A.3.$V4" i 1 # an address does not move
# Rows the system owns: permanent(4); destroy inconsistentValue, StorageType wrongValue, others notWritable.
wait_get "$A.11.1.4.127.0.0.1" "INTEGER: 4"
wait_get "$A.11.$LL" "INTEGER: 4"
expect_refused inconsistentValue "$A.10.1.4.127.0.0.1" "$A.10.1.4.127.0.0.1" i 6
expect_refused inconsistentValue "$A.10.$LL" "$A.10.$LL" i 6
expect_refused wrongValue "$A.11.$LL" "$A.11.$LL" i 3
expect_refused notWritable "$A.7.$LL" "$A.7.$LL" i 2
# A refusal of the second row of a PDU leaves the first uncreated too.
expect_refused inconsistentValue "$A.10.1.4.127.0.0.1" "$A.10.1.4.192.0.2.78" i 4 "$A.3.1.4.192.0.2.78" i "$D0" \
  "$A.10.1.4.127.0.0.1" i 6

# 4. destroy both; destroy of a row that does not exist is noError (RFC 2579).
setp "$A.10.$V4" i 6 "$A.10.$V6" i 6 >/dev/null || fail "destroy refused"
[ -z "$(d0 192.0.2.77/24)$(d0 2001:db8:1::77/64)" ] || fail "addresses not destroyed"
wait_get "$A.10.$V4" "No Such Instance"
wait_get "$A.10.$V6" "No Such Instance"
setp "$A.10.$V4" i 6 >/dev/null || fail "destroy of a missing row refused"
echo "PASS"
