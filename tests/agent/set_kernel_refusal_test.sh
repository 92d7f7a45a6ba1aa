#!/usr/bin/env bash
# Integration test of SET atomicity against real kernel refusals: ipmibd (Linux backend) on a network
# namespace behind a private snmpd master. A PDU creating three routes whose third the kernel refuses
# in ACTION (an interface that is administratively down: ENETDOWN, which RESERVE does not check)
# answers commitFailed on the third varbind with `ip -j route show table all` unchanged; a next hop
# on no connected network is refused earlier, in RESERVE2, as inconsistentValue; a PDU creating two
# neighbors whose second the kernel refuses (IPv6 disabled on its interface) leaves no neighbor.
# The deprecated tables write through the same writers: an ipCidrRouteTable createAndGo through the
# down interface is refused in ACTION after a destroy, a Metric1 change and a create of the same PDU
# went through; an ipRouteType invalid(2) deletion and ipNetToMediaTable deletion, PhysAddress change
# and creation are undone when a later varbind of their PDU is refused (the kernel refuses no IPv4
# static ARP entry the writer's checks let through: the refusal is an IPv6 neighbor or a route).
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

test_namespace ipmibd-krf
test_link 2001:db8:1::10/64
# e0/e1 stay administratively down; e1 has IPv6 disabled.
ip -n "$NS" link add e0 type veth peer name e1
ip netns exec "$NS" sysctl -qw net.ipv6.conf.e1.disable_ipv6=1
ifindex() { ip netns exec "$NS" cat "/sys/class/net/$1/ifindex"; }
D0=$(ifindex d0)
E0=$(ifindex e0)
E1=$(ifindex e1)

start_write_master
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess inetCidrRouteTable,ipNetToPhysicalTable,ipCidrRouteTable,ipRouteTable,ipNetToMediaTable
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

ENTRY=1.3.6.1.2.1.4.24.7.1
NE=1.3.6.1.2.1.4.35.1
setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
# Compared as printed (one JSON line each, no Python start-up per call); pretty() for the diff.
routes() { ip -j -n "$NS" route show table all; }
# Static (permanent) neighbors only: what a SET creates; dynamic entries may change state on their own.
neighbors() { ip -j -n "$NS" neigh show nud permanent; }
pretty() { python3 -m json.tool <<<"$1"; }

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
  [ "$routes_before" = "$(routes)" ] ||
    fail "SET changed the routes: $(diff <(pretty "$routes_before") <(pretty "$(routes)"))"
  [ "$neighbors_before" = "$(neighbors)" ] ||
    fail "SET changed the neighbors: $(diff <(pretty "$neighbors_before") <(pretty "$(neighbors)"))"
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

# 4-6: the deprecated tables. Routes and neighbors made out of band, the manager's to change.
CIDR=1.3.6.1.2.1.4.24.4.1   # ipCidrRouteEntry: dest.mask.tos.nexthop; .5 IfIndex, .11 Metric1, .16 Status
IPROUTE=1.3.6.1.2.1.4.21.1  # ipRouteEntry: dest; .8 Type
MEDIA=1.3.6.1.2.1.4.22.1    # ipNetToMediaEntry: ifIndex.a.b.c.d; .2 PhysAddress, .4 Type
ip -n "$NS" route add 10.60.0.0/16 via 192.0.2.1 proto static
ip -n "$NS" route add 10.61.0.0/16 via 192.0.2.2 metric 20 proto static
ip -n "$NS" route add 10.62.0.0/16 via 192.0.2.3 proto static
ip -n "$NS" neigh add 192.0.2.60 lladdr 02:00:00:aa:00:60 dev d0 nud permanent
ip -n "$NS" neigh add 192.0.2.61 lladdr 02:00:00:aa:00:61 dev d0 nud permanent
sleep 0.3 # the kernel's events reach the tables
C1=10.60.0.0.255.255.0.0.0.192.0.2.1            # destroyed
C2=10.61.0.0.255.255.0.0.0.192.0.2.2            # Metric1 20 -> 30
C3=10.63.0.0.255.255.0.0.0.192.0.2.4            # created
CDOWN=203.0.113.128.255.255.255.192.0.0.0.0.0 # through e0 (IfIndex in the PDU): down, ENETDOWN

# 4. ipCidrRouteTable: destroy, modify, create, then the kernel refuses the fourth row: all undone.
expect_error commitFailed "$CIDR.16.$CDOWN" "$CIDR.16.$C1" i 6 "$CIDR.11.$C2" i 30 "$CIDR.16.$C3" i 4 \
  "$CIDR.16.$CDOWN" i 4 "$CIDR.5.$CDOWN" i "$E0"
grep -q "SET ACTION: commitFailed (varbind 4): 'create unicast route 203.0.113.128/26 dev $E0 table 254' failed: .*Network is down.*; rolled back 3 earlier change(s), state is as before" \
  "$WORK/ipmibd.log" || fail "no report of the ipCidrRouteTable refusal and its rollback in the log"

# 5. ipRouteTable: ipRouteType invalid(2) deletes 10.62.0.0/16, the kernel refuses the route after.
expect_error commitFailed "$CIDR.16.$CDOWN" "$IPROUTE.8.10.62.0.0" i 2 "$CIDR.16.$CDOWN" i 4 "$CIDR.5.$CDOWN" i "$E0"
grep -q "SET ACTION: commitFailed (varbind 2): .*Network is down.*; rolled back 1 earlier change(s), state is as before" \
  "$WORK/ipmibd.log" || fail "no report of the ipRouteTable rollback in the log"

# 6. ipNetToMediaTable: Type invalid(2) deletes .60, PhysAddress changes .61 and creates .62, then
# the kernel refuses the IPv6 neighbor on e1 (N2): the three are undone.
expect_error commitFailed "$NE.8.$N2" "$MEDIA.4.$D0.192.0.2.60" i 2 "$MEDIA.2.$D0.192.0.2.61" x 020000bb0061 \
  "$MEDIA.2.$D0.192.0.2.62" x 020000aa0062 "$NE.8.$N2" i 4 "$NE.4.$N2" x 020000aa0002
grep -q "SET ACTION: commitFailed (varbind 4): .*rolled back 3 earlier change(s), state is as before" \
  "$WORK/ipmibd.log" || fail "no report of the ipNetToMediaTable rollback in the log"
# ... and a route the kernel refuses after them: the same.
expect_error commitFailed "$CIDR.16.$CDOWN" "$MEDIA.4.$D0.192.0.2.60" i 2 "$MEDIA.2.$D0.192.0.2.61" x 020000bb0061 \
  "$MEDIA.2.$D0.192.0.2.62" x 020000aa0062 "$CIDR.16.$CDOWN" i 4 "$CIDR.5.$CDOWN" i "$E0"
# (the second such line: the first was 4.'s)
[ "$(grep -c "SET ACTION: commitFailed (varbind 4): 'create unicast route 203.0.113.128/26 .*; rolled back 3 earlier change(s), state is as before" \
  "$WORK/ipmibd.log")" -eq 2 ] || fail "no report of the ipNetToMediaTable rollback after the refused route"

# The same PDUs without the refused part go through: the refusals above were the kernel's.
setp "$ENTRY.17.$R1" i 4 "$ENTRY.17.$R2" i 4 >/dev/null || fail "two good routes refused"
[ "$(ip -n "$NS" route show root 203.0.113.0/24 | wc -l)" -eq 2 ] || fail "good routes not created"
setp "$NE.8.$N1" i 4 "$NE.4.$N1" x 020000aa0001 >/dev/null || fail "good neighbor refused"
ip -n "$NS" neigh show 192.0.2.50 dev d0 | grep -q PERMANENT || fail "good neighbor not created"
setp "$CIDR.16.$C1" i 6 "$CIDR.11.$C2" i 30 "$CIDR.16.$C3" i 4 "$IPROUTE.8.10.62.0.0" i 2 >/dev/null ||
  fail "good ipCidrRouteTable/ipRouteTable writes refused"
[ "$(ip -n "$NS" route show 10.61.0.0/16 via 192.0.2.2 metric 30 | wc -l)" -eq 1 ] &&
  [ "$(ip -n "$NS" route show root 10.60.0.0/14 | cut -d' ' -f1 | sort | tr '\n' ' ')" = "10.61.0.0/16 10.63.0.0/16 " ] ||
  fail "good route writes not applied: $(ip -n "$NS" route show root 10.60.0.0/14)"
setp "$MEDIA.4.$D0.192.0.2.60" i 2 "$MEDIA.2.$D0.192.0.2.61" x 020000bb0061 "$MEDIA.2.$D0.192.0.2.62" x 020000aa0062 \
  >/dev/null || fail "good ipNetToMediaTable writes refused"
[ -z "$(ip -n "$NS" neigh show 192.0.2.60 dev d0)" ] &&
  ip -n "$NS" neigh show 192.0.2.61 dev d0 | grep -q "02:00:00:bb:00:61 PERMANENT" &&
  ip -n "$NS" neigh show 192.0.2.62 dev d0 | grep -q "02:00:00:aa:00:62 PERMANENT" ||
  fail "good neighbor writes not applied: $(ip -n "$NS" neigh show nud permanent)"
echo "PASS"
