// IpRouteTable: RFC1213-MIB's ipRouteTable (MIB-II, dropped from RFC 4293), one row per IPv4
// destination address, served as a view of the rows inetCidrRouteTable holds.
#pragma once

#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_forward_mib/ipv4_route_view.h"
#include "tables/rfc1213_mib/ip_route_writer.h"

#include <array>

namespace ipmibd::tables {

// INDEX { ipRouteDest }: one row per destination address, although a routing table holds many
// routes per address (10.0.0.0/8 and 10.0.0.0/16, several metrics or next hops). Which one is
// served is Debian's rule: snmpd 5.9.3 (agent/mibgroup/mibII/var_route.c) reads /proc/net/route
// (main table, IPv4), sorts it by destination only (glibc's qsort is a stable merge sort), and
// answers with the first entry of a destination; /proc/net/route lists a destination's routes
// longest prefix first, then by ascending priority. So the row is the installed main-table route
// of that address with the longest prefix, then the lowest metric; remaining ties (multipath next
// hops, `ip route append`), where the kernel lists insertion order, go to the lowest next hop, then
// the lowest ifIndex. Verified against Debian's snmpd in a namespace holding 10.0.0.0/8 via A,
// 10.0.0.0/16 via B (metric 0) and via C (metric 5), 10.0.0.0/24 dev v0 metric 7 and dev w0 metric 9:
// both serve 10.0.0.0 as the /24 through v0. Rows the agent holds (createAndWait) are not routes
// and are never served here. The other routes of the address stay in inetCidrRouteTable and
// ipCidrRouteTable, and the next one takes the row when the served one goes.
//
// Values: Debian's (Metric1 is 1 for routes via a gateway, 0 otherwise, as var_route.c derives
// it from RTF_GATEWAY; Mask from the prefix; Info 0.0), plus the columns Debian omits: Metric2-5
// -1 ("not used") and Age, the seconds since the route appeared. Where ipmibd's inetCidrRouteTable
// deliberately differs from Debian, this view follows it: Type is other(1) for reject, blackhole
// and other non-forwarding routes (Debian: direct(3)), and Proto comes from the platform, with
// IANA values past bgp(14) as other(1) (Debian: local(2) always).
//
// Writes (Debian's snmpd answers notWritable to every ipRouteTable SET on Linux, tested): only
// ipRouteType, and only invalid(2) — "invalidating the corresponding entry" deletes the served
// route through InetCidrRouteWriter (destroy), with its atomicity and its refusals (system routes:
// inconsistentValue) — or the value it already has (no change). Other columns are read-only
// (notWritable), a destination without a row is noCreation: MIB-II has no way to say which of a
// destination's routes a new row would be, and RFC 2096/4292 rows exist for creating routes.
class IpRouteTable {
public:
  // 1.3.6.1.2.1.4.21.1 ipRouteEntry.
  static const Oid& entryOid();

  explicit IpRouteTable(InetCidrRouteTable& routes);
  IpRouteTable(const IpRouteTable&) = delete;
  IpRouteTable& operator=(const IpRouteTable&) = delete;

  std::array<const MibObject*, 1> objects() const { return {&view_}; }
  const Ipv4RouteView& view() const { return view_; }
  std::size_t rowCount() const { return view_.rowCount(); }

private:
  Ipv4RouteView view_;
  IpRouteWriter writer_;
};

} // namespace ipmibd::tables
