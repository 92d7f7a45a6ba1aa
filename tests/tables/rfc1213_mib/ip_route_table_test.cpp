// ipRouteTable over hand-fed inetCidrRouteTable rows: one route per destination by Debian's rule,
// and the next route taking the row when the served one goes.
#include "tests/tables/route_views_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using ipmibd::platform::ChangeKind;

TEST_CASE("ipRouteTable: one route per destination, Debian's choice", "[views][rfc1213]") {
  Views v;
  v.apply(ChangeKind::Add, kRoutes);
  const Oid base = IpRouteTable::entryOid();
  // 10.0.0.0: the /24 (longest prefix) with the lowest metric, through ifIndex 3.
  CHECK(v.column(v.rfc1213.view(), 11) == std::vector<std::string>{
                                              "0.0.0.0=IpAddress: 0.0.0.0",
                                              "10.0.0.0=IpAddress: 255.255.255.0",
                                              "10.8.0.0=IpAddress: 255.255.0.0",
                                              "10.9.0.0=IpAddress: 255.255.0.0",
                                              "200.250.0.0=IpAddress: 255.255.0.0",
                                          });
  CHECK(get(v.rfc1213.view(), base + Oid{2, 10, 0, 0, 0}, v.context) == "INTEGER: 3");
  CHECK(get(v.rfc1213.view(), base + Oid{7, 10, 0, 0, 0}, v.context) == "IpAddress: 0.0.0.0");
  CHECK(get(v.rfc1213.view(), base + Oid{8, 10, 0, 0, 0}, v.context) == "INTEGER: 3"); // direct
  CHECK(get(v.rfc1213.view(), base + Oid{8, 0, 0, 0, 0}, v.context) == "INTEGER: 4");  // indirect
  CHECK(get(v.rfc1213.view(), base + Oid{8, 10, 9, 0, 0}, v.context) == "INTEGER: 1"); // blackhole: other
  // Debian's Metric1: 1 via a gateway, 0 otherwise; Metric2-5 -1; Info 0.0.
  CHECK(get(v.rfc1213.view(), base + Oid{3, 0, 0, 0, 0}, v.context) == "INTEGER: 1");
  CHECK(get(v.rfc1213.view(), base + Oid{3, 10, 0, 0, 0}, v.context) == "INTEGER: 0");
  CHECK(get(v.rfc1213.view(), base + Oid{12, 10, 0, 0, 0}, v.context) == "INTEGER: -1");
  CHECK(get(v.rfc1213.view(), base + Oid{13, 10, 0, 0, 0}, v.context) == "OID: 0.0");
  CHECK(get(v.rfc1213.view(), base + Oid{2, 10, 0, 0}, v.context) == "noSuchInstance");
  CHECK(get(v.rfc1213.view(), base + Oid{2, 10, 0, 0, 0, 0}, v.context) == "noSuchInstance");
  CHECK(v.rfc1213.rowCount() == 5);

  // Each deletion hands the row to the next route: /24 metric 9, then the /16 of metric 0, then
  // the /16 of metric 5, then the /8.
  v.apply(ChangeKind::Delete, {route("10.0.0.0/24", nullptr, 3, 7)});
  CHECK(get(v.rfc1213.view(), base + Oid{2, 10, 0, 0, 0}, v.context) == "INTEGER: 5");
  v.apply(ChangeKind::Delete, {route("10.0.0.0/24", nullptr, 5, 9)});
  CHECK(get(v.rfc1213.view(), base + Oid{7, 10, 0, 0, 0}, v.context) == "IpAddress: 192.0.2.3");
  v.apply(ChangeKind::Delete, {route("10.0.0.0/16", "192.0.2.3", 3)});
  CHECK(get(v.rfc1213.view(), base + Oid{7, 10, 0, 0, 0}, v.context) == "IpAddress: 198.51.100.3");
  v.apply(ChangeKind::Delete, {route("10.0.0.0/16", "198.51.100.3", 5, 5)});
  CHECK(get(v.rfc1213.view(), base + Oid{11, 10, 0, 0, 0}, v.context) == "IpAddress: 255.0.0.0");
  v.apply(ChangeKind::Delete, {route("10.0.0.0/8", "192.0.2.2", 3)});
  CHECK(get(v.rfc1213.view(), base + Oid{11, 10, 0, 0, 0}, v.context) == "noSuchInstance"); // table 100 only
}

TEST_CASE("ipRouteTable: equal prefix and metric go to the lowest next hop", "[views][rfc1213]") {
  Views v;
  v.apply(ChangeKind::Add, {route("10.6.0.0/16", "198.51.100.6", 5), route("10.6.0.0/16", "192.0.2.6", 3)});
  CHECK(get(v.rfc1213.view(), IpRouteTable::entryOid() + Oid{7, 10, 6, 0, 0}, v.context) ==
        "IpAddress: 192.0.2.6");
  // Both multipath next hops are ipCidr rows.
  CHECK(v.cidr.rowCount() == 2);
}
