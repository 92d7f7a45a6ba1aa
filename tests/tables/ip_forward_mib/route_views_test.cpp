// ipCidrRouteTable over hand-fed inetCidrRouteTable rows: index order against inetCidr's,
// collisions, main table only, GET/GETNEXT at odd OIDs, and a change seen by every view at once.
#include "tests/tables/route_views_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using ipmibd::platform::ChangeKind;
using ipmibd::platform::RouteType;

TEST_CASE("ipCidrRouteTable: index order, collisions, main table only", "[views][cidr]") {
  Views v;
  v.apply(ChangeKind::Add, kRoutes);
  // inetCidr orders 10.0.0.0/16's rows 192.0.2.3 before 198.51.100.3 by next hop too, but within
  // a prefix length it puts gateways ({0 0}) before on-link rows ({0 0 N}); ipCidr puts 0.0.0.0
  // first. Tos is always 0.
  CHECK(v.column(v.cidr.view(), 5) == std::vector<std::string>{
                                          "0.0.0.0.0.0.0.0.0.192.0.2.254=INTEGER: 3",
                                          "10.0.0.0.255.0.0.0.0.192.0.2.2=INTEGER: 3",
                                          "10.0.0.0.255.255.0.0.0.192.0.2.3=INTEGER: 3",
                                          "10.0.0.0.255.255.0.0.0.198.51.100.3=INTEGER: 5",
                                          "10.0.0.0.255.255.255.0.0.0.0.0.0=INTEGER: 3",
                                          "10.8.0.0.255.255.0.0.0.0.0.0.0=INTEGER: 0",
                                          "10.9.0.0.255.255.0.0.0.0.0.0.0=INTEGER: 0",
                                          "200.250.0.0.255.255.0.0.0.192.0.2.250=INTEGER: 3",
                                      });
  CHECK(v.column(v.cidr.view(), 11) == std::vector<std::string>{
                                           "0.0.0.0.0.0.0.0.0.192.0.2.254=INTEGER: 0",
                                           "10.0.0.0.255.0.0.0.0.192.0.2.2=INTEGER: 0",
                                           "10.0.0.0.255.255.0.0.0.192.0.2.3=INTEGER: 0",
                                           "10.0.0.0.255.255.0.0.0.198.51.100.3=INTEGER: 5",
                                           "10.0.0.0.255.255.255.0.0.0.0.0.0=INTEGER: 7",
                                           "10.8.0.0.255.255.0.0.0.0.0.0.0=INTEGER: 0",
                                           "10.9.0.0.255.255.0.0.0.0.0.0.0=INTEGER: 0",
                                           "200.250.0.0.255.255.0.0.0.192.0.2.250=INTEGER: 0",
                                       });
  // Types: remote(4), local(3), reject(2) for unreachable and blackhole alike.
  const Oid base = IpCidrRouteTable::entryOid();
  CHECK(get(v.cidr.view(), base + Oid{6, 10, 9, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0}, v.context) ==
        "INTEGER: 2");
  CHECK(get(v.cidr.view(), base + Oid{6, 10, 8, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0}, v.context) ==
        "INTEGER: 2");
  CHECK(get(v.cidr.view(), base + Oid{6, 10, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0}, v.context) ==
        "INTEGER: 3");
  CHECK(get(v.cidr.view(), base + Oid{9, 10, 0, 0, 0, 255, 0, 0, 0, 0, 192, 0, 2, 2}, v.context) ==
        "OID: 0.0");
  CHECK(get(v.cidr.view(), base + Oid{2, 10, 0, 0, 0, 255, 0, 0, 0, 0, 192, 0, 2, 2}, v.context) ==
        "IpAddress: 255.0.0.0");
  // Not instances: Tos 1, the table-100 next hop, a truncated index, a column that does not exist.
  CHECK(get(v.cidr.view(), base + Oid{5, 10, 0, 0, 0, 255, 0, 0, 0, 1, 192, 0, 2, 2}, v.context) ==
        "noSuchInstance");
  CHECK(get(v.cidr.view(), base + Oid{5, 10, 0, 0, 0, 255, 255, 255, 0, 0, 192, 0, 2, 9}, v.context) ==
        "noSuchInstance");
  CHECK(get(v.cidr.view(), base + Oid{5, 10, 0, 0, 0}, v.context) == "noSuchInstance");
  CHECK(get(v.cidr.view(), base + Oid{17, 10, 0, 0, 0, 255, 0, 0, 0, 0, 192, 0, 2, 2}, v.context) ==
        "noSuchObject");
  // 8 rows (the two /24 on-link rows are one, table 100 and IPv6 are not here).
  CHECK(v.cidr.rowCount() == 8);
  CHECK(get(*v.cidr.objects()[0], IpCidrRouteTable::numberOid() + Oid{0}, v.context) == "Gauge32: 8");
  // The loser of a collision takes the row when the winner goes.
  v.apply(ChangeKind::Delete, {route("10.0.0.0/24", nullptr, 3, 7)});
  CHECK(get(v.cidr.view(), base + Oid{5, 10, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0}, v.context) ==
        "INTEGER: 5");
  CHECK(v.cidr.rowCount() == 8);
}

TEST_CASE("ipCidrRouteTable: GETNEXT from odd places", "[views][cidr]") {
  Views v;
  v.apply(ChangeKind::Add, kRoutes);
  const Oid base = IpCidrRouteTable::entryOid();
  auto next = [&](const Oid& from) {
    auto vb = v.cidr.view().getNextOid(from, v.context);
    return vb ? Oid(vb->oid.suffixAfter(base)).toString() : std::string("end");
  };
  // Inside a destination's rows, between them, past a destination, with sub-ids above 255.
  CHECK(next(base + Oid{4, 10, 0, 0, 0, 255, 255}) == "4.10.0.0.0.255.255.0.0.0.192.0.2.3");
  CHECK(next(base + Oid{4, 10, 0, 0, 0, 255, 255, 0, 0, 0, 192, 0, 2, 3}) ==
        "4.10.0.0.0.255.255.0.0.0.198.51.100.3");
  CHECK(next(base + Oid{4, 10, 0, 0, 0, 255, 255, 0, 0, 0, 198, 51, 100, 3}) ==
        "4.10.0.0.0.255.255.255.0.0.0.0.0.0");
  CHECK(next(base + Oid{4, 10, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0}) ==
        "4.10.8.0.0.255.255.0.0.0.0.0.0.0");
  CHECK(next(base + Oid{4, 10, 0, 0, 0, 999}) == "4.10.8.0.0.255.255.0.0.0.0.0.0.0");
  CHECK(next(base + Oid{4, 10, 300}) == "4.200.250.0.0.255.255.0.0.0.192.0.2.250");
  CHECK(next(base + Oid{4, 200, 250, 0, 0, 255, 255, 0, 0, 0, 192, 0, 2, 250}) ==
        "5.0.0.0.0.0.0.0.0.0.192.0.2.254");
  CHECK(next(base + Oid{16, 200, 250, 0, 0, 255, 255, 0, 0, 0, 192, 0, 2, 250}) == "end");
  CHECK(next(base + Oid{4, 4294967295u}) == "5.0.0.0.0.0.0.0.0.0.192.0.2.254");
  CHECK(next(base) == "1.0.0.0.0.0.0.0.0.0.192.0.2.254");
}

TEST_CASE("A change shows in inetCidr and both views in the same request cycle", "[views]") {
  Views v;
  v.apply(ChangeKind::Add, kRoutes);
  const auto cidrBefore = walk(v.cidr.view(), v.context);
  const auto rfcBefore = walk(v.rfc1213.view(), v.context);
  v.apply(ChangeKind::Add, {route("10.7.0.0/16", "192.0.2.7", 3)});
  CHECK(walk(v.cidr.view(), v.context).size() == cidrBefore.size() + 16);
  CHECK(walk(v.rfc1213.view(), v.context).size() == rfcBefore.size() + 13);
  v.apply(ChangeKind::Delete, {route("10.7.0.0/16", "192.0.2.7", 3)});
  CHECK(walk(v.cidr.view(), v.context) == cidrBefore);
  CHECK(walk(v.rfc1213.view(), v.context) == rfcBefore);
}
