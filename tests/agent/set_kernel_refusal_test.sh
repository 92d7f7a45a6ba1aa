#!/usr/bin/env bash
# Integration test of SET atomicity against real kernel refusals: ipmibd (Linux backend) on a network
# namespace behind a private snmpd master. A PDU creating three routes whose third the kernel refuses
# in ACTION (an interface that is administratively down: ENETDOWN, which RESERVE does not check)
# answers commitFailed on the third varbind with `ip -j route show table all` unchanged; a next hop
# on no connected network is refused earlier, in RESERVE2, as inconsistentValue; a PDU creating two
# neighbors whose second the kernel refuses (IPv6 disabled on its interface) leaves no neighbor.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

test_namespace ipmibd-krf
test_link 2001:db8:1::10/64
# e0/e1 stay administratively down; e1 has IPv6 disabled.
ip -n "$NS" link add e0 type veth peer name e1
ip netns exec "$NS" sysctl -qw net.ipv6.conf.e1.disable_ipv6=1
ifindex() { ip -n "$NS" -j link show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }
D0=$(ifindex d0)
E0=$(ifindex e0)
E1=$(ifindex e1)

start_write_master
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess inetCidrRouteTable,ipNetToPhysicalTable
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

ENTRY=1.3.6.1.2.1.4.24.7.1
NE=1.3.6.1.2.1.4.35.1
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
routes() { ip -j -n "$NS" route show table all | python3 -m json.tool; }
# Static (permanent) neighbors only: what a SET creates; dynamic entries may change state on their own.
neighbors() { ip -j -n "$NS" neigh show nud permanent | python3 -m json.tool; }

# expect_error STATUS FAILED-OID ARGS...: the SET fails with STATUS on the varbind FAILED-OID and
# leaves the kernel's routes and neighbors exactly as they were.
expect_error() {
  local status="$1" failed="$2"
  shift 2
  local routes_before neighbors_before out
  routes_before=$(routes)
  neighbors_before=$(neighbors)
  out=$(setp "$@") && fail "SET $* succeeded, expected $status"
  grep -Eq "Reason: $status( |\$)" <<<"$out" || fail "SET gave: $out (expected $status)"
  grep -q "Failed object: \\.$failed\$" <<<"$out" || fail "SET gave: $out (expected the error on .$failed)"
  [ "$routes_before" = "$(routes)" ] || fail "SET changed the routes: $(diff <(echo "$routes_before") <(routes))"
  [ "$neighbors_before" = "$(neighbors)" ] ||
    fail "SET changed the neighbors: $(diff <(echo "$neighbors_before") <(neighbors))"
}

R1=1.4.203.0.113.0.26.2.0.0.1.4.192.0.2.1
R2=1.4.203.0.113.64.26.2.0.0.1.4.192.0.2.1
DOWN=1.4.203.0.113.128.26.3.0.0.$E0.1.4.0.0.0.0 # an interface route on e0, which is down
FAR=1.4.203.0.113.192.26.2.0.0.1.4.198.51.100.1 # a next hop on no connected network

# 1. The kernel refuses the third route in ACTION: the first two are created, then rolled back.
expect_error commitFailed "$ENTRY.17.$DOWN" "$ENTRY.17.$R1" i 4 "$ENTRY.17.$R2" i 4 "$ENTRY.17.$DOWN" i 4
grep -q "SET ACTION: commitFailed (varbind 3): 'create unicast route 203.0.113.128/26 dev $E0 table 254' failed: .*Network is down.*; rolled back 2 earlier change(s), state is as before" \
  "$WORK/ipmibd.log" || fail "no report of the kernel's refusal and the rollback in the log"

# 2. A next hop on no connected network: refused in RESERVE2 (inconsistentValue), nothing applied.
expect_error inconsistentValue "$ENTRY.17.$FAR" "$ENTRY.17.$R1" i 4 "$ENTRY.17.$R2" i 4 "$ENTRY.17.$FAR" i 4
grep -q "SET RESERVE2: inconsistentValue (varbind 3)" "$WORK/ipmibd.log" || fail "not refused in RESERVE2"

# 3. Neighbors: 192.0.2.50 on d0 is fine, 2001:db8:1::50 on e1 (IPv6 disabled) the kernel refuses.
N1="$D0.1.4.192.0.2.50"
N2="$E1.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.80"
expect_error commitFailed "$NE.8.$N2" "$NE.8.$N1" i 4 "$NE.4.$N1" x 020000aa0001 "$NE.8.$N2" i 4 "$NE.4.$N2" x 020000aa0002
grep -q "SET ACTION: commitFailed (varbind 3): .*rolled back 1 earlier change(s), state is as before" \
  "$WORK/ipmibd.log" || fail "no report of the neighbor rollback in the log"

# The same PDUs without the refused part go through: the refusals above were the kernel's.
setp "$ENTRY.17.$R1" i 4 "$ENTRY.17.$R2" i 4 >/dev/null || fail "two good routes refused"
[ "$(ip -n "$NS" route show root 203.0.113.0/24 | wc -l)" -eq 2 ] || fail "good routes not created"
setp "$NE.8.$N1" i 4 "$NE.4.$N1" x 020000aa0001 >/dev/null || fail "good neighbor refused"
ip -n "$NS" neigh show 192.0.2.50 dev d0 | grep -q PERMANENT || fail "good neighbor not created"
echo "PASS"
