// Shared by the route view tests: an inetCidrRouteTable fed by hand with both deprecated views over
// it, and a route set full of collisions.
#pragma once

#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_forward_mib/ip_cidr_route_table.h"
#include "tables/rfc1213_mib/ip_route_table.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

namespace ipmibd::tables::testing {

using platform::Change;
using platform::ChangeKind;
using platform::IpAddress;
using platform::IpPrefix;
using platform::RouteProtocol;
using platform::RouteRow;
using platform::RouteType;

inline RouteRow route(const char* prefix, const char* nextHop, std::uint32_t ifIndex,
                      std::uint32_t metric = 0, RouteType type = RouteType::Unicast,
                      std::uint32_t table = 254) {
  RouteRow row;
  row.destinationPrefix = *IpPrefix::parse(prefix);
  row.nextHop = nextHop ? *IpAddress::parse(nextHop) : IpAddress::zero(row.destinationPrefix.family());
  row.interfaceIndex = ifIndex;
  row.metric = metric;
  row.type = type;
  row.table = table;
  row.protocol = RouteProtocol::NetMgmt;
  return row;
}

struct Views {
  InetCidrRouteTable routes;
  IpCidrRouteTable cidr{routes};
  IpRouteTable rfc1213{routes};
  RequestContext context = RequestContext::current(ipmibd::platform::Clock::now());

  void apply(ChangeKind kind, std::initializer_list<RouteRow> rows) {
    std::vector<Change<RouteRow>> batch;
    for (const RouteRow& row : rows)
      batch.push_back({kind, row});
    routes.enqueue(batch);
    while (routes.applyPending(std::chrono::milliseconds(50))) {}
  }
  // One column of a view, as "index=value".
  std::vector<std::string> column(const MibObject& view, SubId id) {
    std::vector<std::string> out;
    const std::string prefix = std::to_string(id) + ".";
    for (const std::string& line : walk(view, context))
      if (line.starts_with(prefix)) out.push_back(line.substr(prefix.size()));
    return out;
  }
};

// The collision set: one destination, three prefix lengths, several next hops, metrics and links,
// a row in another table, an IPv6 route and routes on both sides of it.
inline const std::initializer_list<RouteRow> kRoutes = {
    route("0.0.0.0/0", "192.0.2.254", 3),
    route("10.0.0.0/8", "192.0.2.2", 3),
    route("10.0.0.0/16", "198.51.100.3", 5, 5),
    route("10.0.0.0/16", "192.0.2.3", 3),
    route("10.0.0.0/24", nullptr, 5, 9), // same ipCidr index as the next: metric 7 wins
    route("10.0.0.0/24", nullptr, 3, 7),
    route("10.0.0.0/24", "192.0.2.9", 3, 0, RouteType::Unicast, 100), // table 100: not in the views
    route("10.9.0.0/16", nullptr, 0, 0, RouteType::Blackhole),
    route("10.8.0.0/16", nullptr, 0, 0, RouteType::Unreachable),
    route("200.250.0.0/16", "192.0.2.250", 3), // address bytes >= 248: multi-byte key codes
    route("2001:db8::/32", "2001:db8:1::1", 3),
};

} // namespace ipmibd::tables::testing
