#!/usr/bin/env bash
# Integration test of the deprecated route tables on a real kernel: ipmibd (Linux backend) behind a
# private snmpd master, next to Debian's own snmpd (all its modules) on the same namespace. A walk of
# ipRouteTable and ipCidrRouteTable matches Debian's on every column Debian serves, over routes
# that collide (one destination with three prefix lengths, two metrics, two links); writes through
# both tables change the kernel (`ip -j route`); refusals leave it unchanged.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

test_namespace ipmibd-views
test_link
ip -n "$NS" link add e0 type veth peer name e1
ip -n "$NS" link set e0 up
ip -n "$NS" link set e1 up
ip -n "$NS" addr add 198.51.100.10/24 dev e0
# proto kernel: Debian calls every route local(2); ipmibd reports the platform's protocol.
r() { ip -n "$NS" route add "$@" proto kernel; }
r default via 192.0.2.254
r 10.0.0.0/8 via 192.0.2.2
r 10.0.0.0/16 via 192.0.2.3
r 10.0.0.0/16 via 198.51.100.3 metric 5
r 10.0.0.0/24 dev e0 metric 9
r 10.0.0.0/24 dev d0 metric 7

start_write_master
cat >"$WORK/ipmibd.conf" <<CONF
backend linux netns $NS
writeAccess ipCidrRouteTable,ipRouteTable
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

# Debian's snmpd with its IP modules, inside the namespace (it reads /proc/net/route there).
REF_PORT="$(free_udp_port)"
printf 'rocommunity public 127.0.0.1\n' >"$WORK/ref.conf"
ip netns exec "$NS" snmpd -f -Lf "$WORK/ref.log" -C -c "$WORK/ref.conf" -p "$WORK/ref.pid" "udp:127.0.0.1:$REF_PORT" &
REF_PID=$!
trap 'kill $REF_PID 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; cleanup' EXIT
ref() { ip netns exec "$NS" snmpwalk -v2c -c public -On -t 2 -r 1 "127.0.0.1:$REF_PORT" "$@"; }
for _ in $(seq 50); do
  ip netns exec "$NS" snmpget -v2c -c public -t 0.3 -r 0 "127.0.0.1:$REF_PORT" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done

IPROUTE=1.3.6.1.2.1.4.21.1
CIDR=1.3.6.1.2.1.4.24.4.1
# 1. Every instance Debian serves is served with the same value (ipmibd serves more columns).
for table in $IPROUTE $CIDR; do
  ref "$table" >"$WORK/debian.txt"
  snmp snmpwalk "$table" >"$WORK/ours.txt"
  [ "$(wc -l <"$WORK/debian.txt")" -gt 20 ] || fail "Debian's walk of $table is too short: $(cat "$WORK/debian.txt")"
  missing=$(grep -vxFf "$WORK/ours.txt" "$WORK/debian.txt" || true)
  [ -z "$missing" ] || fail "walk of $table differs from Debian's: $missing"
done
# 10.0.0.0: the /24 through d0 (metric 7) in both tables; the metric-9 twin is not an ipCidr row.
snmp snmpget "$IPROUTE.2.10.0.0.0" | grep -q "INTEGER: $D0\$" || fail "ipRouteIfIndex.10.0.0.0 is not d0"
snmp snmpget "$CIDR.11.10.0.0.0.255.255.255.0.0.0.0.0.0" | grep -q "INTEGER: 7$" || fail "ipCidr collision winner"
snmp snmpget 1.3.6.1.2.1.4.24.3.0 | grep -q "Gauge32: 7$" || fail "ipCidrRouteNumber: $(snmp snmpget 1.3.6.1.2.1.4.24.3.0)"

setp() { snmpset -v2c -c private -On -t 5 -r 0 "127.0.0.1:$PORT" "$@" 2>&1; }
routes() { ip -n "$NS" route show table all; }
has_route() { ip -j -n "$NS" route show "$@" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin) else 1)'; }
expect_error() { # STATUS FAILED-OID ARGS...: refused with STATUS on that varbind, routes unchanged
  local status="$1" failed="$2" before out
  shift 2
  before=$(routes)
  out=$(setp "$@") && fail "SET $* succeeded, expected $status"
  grep -Eq "Reason: $status( |\$)" <<<"$out" || fail "SET gave: $out (expected $status)"
  grep -q "Failed object: \\.$failed\$" <<<"$out" || fail "SET gave: $out (expected the error on .$failed)"
  [ "$before" = "$(routes)" ] || fail "SET changed the routes: $(diff <(echo "$before") <(routes))"
}

# 2. ipCidrRouteTable createAndGo (remote with a metric; a reject route), then destroy.
NEW=10.1.0.0.255.255.0.0.0.192.0.2.1
setp "$CIDR.16.$NEW" i 4 "$CIDR.11.$NEW" i 40 >/dev/null || fail "ipCidr createAndGo refused"
has_route 10.1.0.0/16 via 192.0.2.1 metric 40 || fail "createAndGo: no route in the kernel: $(routes)"
REJ=10.2.0.0.255.255.0.0.0.0.0.0.0
setp "$CIDR.16.$REJ" i 4 "$CIDR.6.$REJ" i 2 >/dev/null || fail "ipCidr createAndGo of a reject route refused"
has_route type unreachable 10.2.0.0/16 || fail "no unreachable route: $(routes)"
setp "$CIDR.16.$NEW" i 6 "$CIDR.16.$REJ" i 6 >/dev/null || fail "ipCidr destroy refused"
! has_route 10.1.0.0/16 && ! has_route type unreachable 10.2.0.0/16 || fail "destroy left routes: $(routes)"

# 3. ipRouteType invalid(2) deletes the served route; the next route of the address takes the row.
# (proto kernel routes are the system's: refused, see 4.)
ip -n "$NS" route add 10.50.0.0/24 dev d0 metric 7 proto static
ip -n "$NS" route add 10.50.0.0/24 dev e0 metric 9 proto static
sleep 0.3 # the kernel's events reach the table
setp "$IPROUTE.8.10.50.0.0" i 2 >/dev/null || fail "ipRouteType invalid of 10.50.0.0 refused"
! has_route 10.50.0.0/24 dev d0 || fail "the served 10.50.0.0/24 dev d0 is still there"
has_route 10.50.0.0/24 dev e0 || fail "the metric-9 route went too"
sleep 0.3
E0=$(ip -n "$NS" -j link show e0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])')
snmp snmpget "$IPROUTE.2.10.50.0.0" | grep -q "INTEGER: $E0\$" ||
  fail "ipRouteTable does not serve the remaining 10.50.0.0/24 dev e0"

# 4. Refusals, the kernel unchanged: the connected network (system route), a Tos, a non-writable
# ipRouteTable column, a row that does not exist, a next hop on no connected network.
expect_error inconsistentValue "$IPROUTE.8.192.0.2.0" "$IPROUTE.8.192.0.2.0" i 2
expect_error inconsistentValue "$CIDR.16.192.0.2.0.255.255.255.0.0.0.0.0.0" "$CIDR.16.192.0.2.0.255.255.255.0.0.0.0.0.0" i 6
expect_error inconsistentName "$CIDR.16.10.3.0.0.255.255.0.0.4.192.0.2.1" "$CIDR.16.10.3.0.0.255.255.0.0.4.192.0.2.1" i 4
expect_error notWritable "$IPROUTE.3.10.0.0.0" "$IPROUTE.3.10.0.0.0" i 3
expect_error noCreation "$IPROUTE.8.10.99.0.0" "$IPROUTE.8.10.99.0.0" i 2
expect_error inconsistentValue "$CIDR.16.10.4.0.0.255.255.0.0.0.203.0.113.1" "$CIDR.16.10.4.0.0.255.255.0.0.0.203.0.113.1" i 4
# A PDU whose second row is refused applies nothing of the first.
expect_error inconsistentValue "$IPROUTE.8.192.0.2.0" "$IPROUTE.8.10.50.0.0" i 2 "$IPROUTE.8.192.0.2.0" i 2
echo "PASS: route views"
