// IpCidrRouteTable: RFC 2096's deprecated ipCidrRouteTable and ipCidrRouteNumber, served as a view
// of the rows inetCidrRouteTable holds (IPv4, main table), writable through its route writer.
#pragma once

#include "tables/engine/scalar.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_forward_mib/ip_cidr_route_writer.h"
#include "tables/ip_forward_mib/ipv4_route_view.h"

#include <array>

namespace ipmibd::tables {

// INDEX { Dest, Mask, Tos, NextHop }: 13 sub-identifiers, ordered by destination, mask (= prefix
// length), next hop. inetCidrRouteTable orders a destination's rows by prefix length, then policy,
// then next hop, so each destination's few rows are re-sorted per request (Ipv4RouteView).
//
// Values follow Debian's snmpd 5.9.3 (walked side by side): main-table IPv4 routes only (it reads
// /proc/net/route), Tos 0 (Linux TOS routes included, as Debian does: the index has Tos 0 there
// too), NextHop 0.0.0.0 for non-remote routes, Info 0.0, NextHopAS 0, Metric1 the route priority,
// Metric2-5 -1. Where ipmibd's inetCidrRouteTable deliberately differs from Debian, this view
// follows it: Type reject(2) for unreachable, prohibit and blackhole routes (RFC 2096 has no
// blackhole; Debian says local(3)), Proto from the platform (Debian: local(2) always; IANA values
// above ciscoEigrp(16) are other(1) here), and Age, Metric4 and Metric5, which Debian omits, are
// served. Multipath routes show every next hop (Debian: only the first).
//
// Collisions: rows that differ only in what this index cannot carry (the interface of a
// non-remote route, the metric) share an index; the view serves one of them, the one the kernel
// would use: an installed route before an agent-held one, then the lowest metric, then the lowest
// ifIndex. Debian serves the one /proc/net/route lists first, which is the lowest metric too. The
// others stay visible in inetCidrRouteTable (and come back here when the winner goes).
class IpCidrRouteTable {
public:
  // 1.3.6.1.2.1.4.24: .3 ipCidrRouteNumber, .4.1 ipCidrRouteEntry.
  static const Oid& entryOid();
  static const Oid& numberOid();

  explicit IpCidrRouteTable(InetCidrRouteTable& routes);
  IpCidrRouteTable(const IpCidrRouteTable&) = delete;
  IpCidrRouteTable& operator=(const IpCidrRouteTable&) = delete;

  // In OID order: ipCidrRouteNumber, ipCidrRouteTable.
  std::array<const MibObject*, 2> objects() const { return {&number_, &view_}; }
  const Ipv4RouteView& view() const { return view_; }
  std::size_t rowCount() const { return view_.rowCount(); } // = ipCidrRouteNumber
  // The ipCidrRouteTable index of a route (dest.mask.tos.nexthop); nullopt for anything not IPv4.
  static std::optional<Oid> indexOf(const platform::RouteRow& row);

private:
  Ipv4RouteView view_;
  MibScalar number_;
  IpCidrRouteWriter writer_;
};

} // namespace ipmibd::tables
