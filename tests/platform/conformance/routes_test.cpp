// Conformance: routes (GetIpForwardTable2, Get/Create/Set/DeleteIpForwardEntry2, multipath rows,
// GetBestRoute2) and their notifications.
#include "tests/platform/conformance/support.h"

namespace ipmibd::conformance {
namespace {

auto isRoute(const RouteRow& wanted) {
  return [key = keyOf(wanted)](const RouteRow& r) { return keyOf(r) == key; };
}
auto toDestination(std::string_view destination) {
  return [p = prefix(destination)](const RouteRow& r) { return r.destinationPrefix == p; };
}

// The stored row for `row`'s key, via getIpForwardEntry2; nullopt when NotFound.
std::optional<RouteRow> getRoute(Backend& b, const RouteRow& row) {
  RouteRow key;
  initializeIpForwardEntry(key);
  key.table = row.table;
  key.destinationPrefix = row.destinationPrefix;
  key.metric = row.metric;
  key.nextHop = row.nextHop;
  key.interfaceIndex = row.interfaceIndex;
  const auto r = b.getIpForwardEntry2(key);
  if (r.status == Status::NotFound) return std::nullopt;
  INFO(r.toString());
  REQUIRE(r.ok());
  return key;
}

TEST_CASE("the route table holds the connected routes, filtered by family", "[routes]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  for (const auto& [destination, index] :
       {std::pair{"192.0.2.0/24", v0}, std::pair{"198.51.100.0/24", v2}, std::pair{"2001:db8:1::/64", v0},
        std::pair{"2001:db8:2::/64", v2}}) {
    INFO(destination);
    const auto rows = routesTo(b, destination);
    REQUIRE(rows.size() == 1);
    const auto& r = rows.front();
    CHECK(r.interfaceIndex == index);
    CHECK(r.nextHop == IpAddress::zero(r.destinationPrefix.family()));
    CHECK(r.type == RouteType::Unicast);
    CHECK(r.table == kMainRouteTable);
    CHECK(r.luid == luidOf(b, index == v0 ? "v0" : "v2"));
    const auto got = getRoute(b, r);
    REQUIRE(got.has_value());
    CHECK(normalized(*got) == normalized(r));
  }
  for (const auto& r : routes(b, Family::V4))
    CHECK(r.destinationPrefix.family() == Family::V4);
  for (const auto& r : routes(b, Family::V6))
    CHECK(r.destinationPrefix.family() == Family::V6);
  CHECK(routes(b, Family::Unspecified).size() == routes(b, Family::V4).size() + routes(b, Family::V6).size());
}

TEST_CASE("create routes of every kind, read them back, delete them", "[routes][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  EventLog<RouteRow> log(b);
  Mirror<RouteRow> mirror(b, Family::Unspecified);

  std::vector<RouteRow> created;
  auto createAndCheck = [&](const RouteRow& row) {
    INFO("creating " << Catch::StringMaker<RouteRow>::convert(row));
    REQUIRE_OK(b.createIpForwardEntry2(row));
    const auto stored = getRoute(b, row);
    REQUIRE(stored.has_value());
    CHECK(stored->destinationPrefix == row.destinationPrefix);
    CHECK(stored->nextHop == row.nextHop);
    CHECK(stored->interfaceIndex == row.interfaceIndex);
    CHECK(stored->type == row.type);
    CHECK(stored->metric == row.metric);
    CHECK(stored->table == kMainRouteTable);
    CHECK(stored->weight == 1);
    CHECK(stored->protocol != RouteProtocol::Unspecified); // the backend's "static" default
    if (row.interfaceIndex != 0) CHECK(stored->luid.value != 0);
    created.push_back(*stored);
    return *stored;
  };

  SECTION("via a gateway") {
    createAndCheck(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100));
    createAndCheck(makeRoute("2001:db8:ff::/48", "2001:db8:1::fe", v0, 100));
  }
  SECTION("on-link through a device") {
    createAndCheck(makeRoute("203.0.113.0/25", "", v2, 100));
    createAndCheck(makeRoute("2001:db8:fe::/48", "", v2, 100));
  }
  SECTION("blackhole, unreachable and prohibit routes have no device and no next hop") {
    createAndCheck(makeTypedRoute("203.0.113.0/26", RouteType::Blackhole, 100));
    createAndCheck(makeTypedRoute("203.0.113.64/26", RouteType::Unreachable, 100));
    createAndCheck(makeTypedRoute("203.0.113.128/26", RouteType::Prohibit, 100));
    // IPv6 ones are attached to lo in the kernel; the API still shows no device.
    createAndCheck(makeTypedRoute("2001:db8:f1::/48", RouteType::Blackhole, 100));
    createAndCheck(makeTypedRoute("2001:db8:f2::/48", RouteType::Unreachable, 100));
    createAndCheck(makeTypedRoute("2001:db8:f3::/48", RouteType::Prohibit, 100));
  }
  SECTION("the same destination at two metrics is two rows") {
    createAndCheck(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100));
    createAndCheck(makeRoute("203.0.113.0/24", "198.51.100.254", v2, 200));
    CHECK(routesTo(b, "203.0.113.0/24").size() == 2);
  }
  SECTION("a second next hop for the same destination and metric makes a multipath route") {
    createAndCheck(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100));
    createAndCheck(makeRoute("203.0.113.0/24", "198.51.100.254", v2, 100));
    createAndCheck(makeRoute("2001:db8:ff::/48", "2001:db8:1::fe", v0, 100));
    createAndCheck(makeRoute("2001:db8:ff::/48", "2001:db8:2::fe", v2, 100));
    CHECK(routesTo(b, "203.0.113.0/24").size() == 2);
    CHECK(routesTo(b, "2001:db8:ff::/48").size() == 2);
  }
  // Notifications wait for dispatch(); each created row is then announced as an Add.
  CHECK(log.changes().empty());
  CHECK(stack.settleUntil([&] {
    for (const auto& row : created)
      if (!log.has(ChangeKind::Add, isRoute(row))) return false;
    return true;
  }));
  CHECK_MIRROR(stack, mirror);

  log.clear();
  for (const auto& row : created) {
    INFO("deleting " << Catch::StringMaker<RouteRow>::convert(row));
    REQUIRE_OK(b.deleteIpForwardEntry2(row));
    CHECK_FALSE(getRoute(b, row).has_value());
    CHECK_STATUS(b.deleteIpForwardEntry2(row), Status::NotFound);
  }
  CHECK(stack.settleUntil([&] {
    for (const auto& row : created)
      if (!log.has(ChangeKind::Delete, isRoute(row))) return false;
    return true;
  }));
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("a route without a metric gets the kernel's default priority", "[routes]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "192.0.2.254", v0)));
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("2001:db8:ff::/48", "2001:db8:1::fe", v0)));
  const auto v4 = routesTo(b, "203.0.113.0/24");
  const auto v6 = routesTo(b, "2001:db8:ff::/48");
  REQUIRE(v4.size() == 1);
  REQUIRE(v6.size() == 1);
  // Linux: IPv4 routes default to priority 0, IPv6 ones to 1024 (IP6_RT_PRIO_USER).
  CHECK(v4.front().metric == 0);
  CHECK(v6.front().metric == 1024);
}

TEST_CASE("refused route creations and deletions change nothing", "[routes][errors]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  const auto existing = makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100);
  REQUIRE_OK(b.createIpForwardEntry2(existing));
  stack.settle();
  const auto before = snapshot(b);
  EventLog<RouteRow> log(b);

  SECTION("AlreadyExists") { CHECK_STATUS(b.createIpForwardEntry2(existing), Status::AlreadyExists); }
  SECTION("NotFound: no such interface") {
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("198.18.0.0/15", "192.0.2.254", unusedIndex(b), 100)),
                 Status::NotFound);
  }
  SECTION("InvalidParameter: family mismatch between destination and next hop") {
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("198.18.0.0/15", "2001:db8:1::fe", v0, 100)),
                 Status::InvalidParameter);
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("2001:db8:ff::/48", "192.0.2.254", v0, 100)),
                 Status::InvalidParameter);
  }
  SECTION("InvalidParameter: non-canonical or malformed prefixes") {
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("198.18.0.1/15", "192.0.2.254", v0, 100)),
                 Status::InvalidParameter);
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("2001:db8:ff::1/48", "2001:db8:1::fe", v0, 100)),
                 Status::InvalidParameter);
    auto tooLong = makeRoute("198.18.0.0/15", "192.0.2.254", v0, 100);
    tooLong.destinationPrefix.length = 33;
    CHECK_STATUS(b.createIpForwardEntry2(tooLong), Status::InvalidParameter);
    auto noFamily = makeRoute("198.18.0.0/15", "", v0, 100);
    noFamily.destinationPrefix = IpPrefix{};
    noFamily.nextHop = IpAddress{};
    CHECK_STATUS(b.createIpForwardEntry2(noFamily), Status::InvalidParameter);
  }
  SECTION("InvalidParameter: a next hop on a type that takes none") {
    auto blackhole = makeTypedRoute("198.18.0.0/15", RouteType::Blackhole, 100);
    blackhole.nextHop = addr("192.0.2.254");
    CHECK_STATUS(b.createIpForwardEntry2(blackhole), Status::InvalidParameter);
  }
  SECTION("NetworkUnreachable: a gateway on no connected network") {
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("198.18.0.0/15", "10.9.9.9", v0, 100)),
                 Status::NetworkUnreachable);
    CHECK_STATUS(b.createIpForwardEntry2(makeRoute("2001:db8:ff::/48", "2001:db8:99::1", v0, 100)),
                 Status::NetworkUnreachable);
  }
  SECTION("NotFound: get or delete of an absent route") {
    const auto absent = makeRoute("198.18.0.0/15", "192.0.2.254", v0, 100);
    CHECK_FALSE(getRoute(b, absent).has_value());
    CHECK_STATUS(b.deleteIpForwardEntry2(absent), Status::NotFound);
    // Same destination and next hop, other metric: a different route.
    auto otherMetric = existing;
    otherMetric.metric = 101;
    CHECK_STATUS(b.deleteIpForwardEntry2(otherMetric), Status::NotFound);
  }
  CHECK_UNCHANGED(stack, before);
  CHECK(log.changes().empty());
}

TEST_CASE("setIpForwardEntry2 replaces a route atomically", "[routes][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  const auto original = makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100);
  REQUIRE_OK(b.createIpForwardEntry2(original));
  const auto stored = getRoute(b, original);
  REQUIRE(stored.has_value());
  stack.settle();
  EventLog<RouteRow> log(b);
  Mirror<RouteRow> mirror(b, Family::Unspecified);

  auto replacedBy = [&](const RouteRow& next) {
    INFO("replacing with " << Catch::StringMaker<RouteRow>::convert(next));
    REQUIRE_OK(b.setIpForwardEntry2(*stored, next));
    CHECK_FALSE(getRoute(b, original).has_value());
    const auto now = getRoute(b, next);
    REQUIRE(now.has_value());
    CHECK(now->type == next.type);
    CHECK(routesTo(b, "203.0.113.0/24").size() == 1);
    return *now;
  };

  SECTION("a protocol change keeps the key: one ParameterChange") {
    auto next = *stored;
    next.protocol = RouteProtocol::Ospf;
    REQUIRE_OK(b.setIpForwardEntry2(*stored, next));
    const auto now = getRoute(b, original);
    REQUIRE(now.has_value());
    CHECK(now->protocol == RouteProtocol::Ospf);
    CHECK(stack.settleUntil([&] {
      return log.has(ChangeKind::ParameterChange, [&](const RouteRow& r) {
        return isRoute(original)(r) && r.protocol == RouteProtocol::Ospf;
      });
    }));
    CHECK_FALSE(log.has(ChangeKind::Delete, isRoute(original)));
  }
  SECTION("a metric change") {
    auto next = *stored;
    next.metric = 150;
    replacedBy(next);
  }
  SECTION("a next hop and interface change") {
    auto next = *stored;
    next.nextHop = addr("198.51.100.254");
    next.interfaceIndex = v2;
    next.luid = RouteRow{}.luid;
    const auto now = replacedBy(next);
    CHECK(now.luid == luidOf(b, "v2"));
  }
  SECTION("a type change to blackhole drops the next hop and device") {
    auto next = makeTypedRoute("203.0.113.0/24", RouteType::Blackhole, 100);
    replacedBy(next);
  }
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("a replacement keeps the kernel's own protocol number of the row it read", "[routes]") {
  // tests/fuzz/corpus/set_request_fuzz/route-fault-in-action: the simulator stored "static"
  // for a "boot" route changed and changed back (a SET's undo), where Linux keeps "boot".
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  REQUIRE_OK(stack.outOfBand("route add 203.0.113.0/24 via 192.0.2.254 dev v0 metric 100 proto boot"));
  const auto stored = getRoute(b, makeRoute("203.0.113.0/24", "192.0.2.254", indexOf(b, "v0"), 100));
  REQUIRE(stored.has_value());
  CHECK(stored->nativeProtocol == 3);
  auto changed = *stored;
  changed.metric = 150;
  REQUIRE_OK(b.setIpForwardEntry2(*stored, changed));
  const auto now = getRoute(b, changed);
  REQUIRE(now.has_value());
  CHECK(now->nativeProtocol == 3);
  REQUIRE_OK(b.setIpForwardEntry2(*now, *stored));
  const auto back = getRoute(b, *stored);
  REQUIRE(back.has_value());
  CHECK(back->nativeProtocol == 3);
  CHECK(back->protocol == stored->protocol);
}

TEST_CASE("refused route replacements change nothing", "[routes][errors]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  const auto original = makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100);
  const auto other = makeRoute("203.0.113.0/24", "192.0.2.253", v0, 200);
  REQUIRE_OK(b.createIpForwardEntry2(original));
  REQUIRE_OK(b.createIpForwardEntry2(other));
  const auto stored = getRoute(b, original);
  REQUIRE(stored.has_value());
  stack.settle();
  const auto before = snapshot(b);
  EventLog<RouteRow> log(b);

  SECTION("NotFound: no route has the key") {
    auto absent = *stored;
    absent.destinationPrefix = prefix("198.18.0.0/15");
    auto next = absent;
    next.metric = 300;
    CHECK_STATUS(b.setIpForwardEntry2(absent, next), Status::NotFound);
  }
  SECTION("InvalidParameter: non-canonical new destination, family mismatch") {
    auto next = *stored;
    next.destinationPrefix = prefix("203.0.113.1/24");
    CHECK_STATUS(b.setIpForwardEntry2(*stored, next), Status::InvalidParameter);
    next = *stored;
    next.nextHop = addr("2001:db8:1::fe");
    CHECK_STATUS(b.setIpForwardEntry2(*stored, next), Status::InvalidParameter);
  }
  SECTION("NetworkUnreachable: the new gateway is on no connected network") {
    auto next = *stored;
    next.nextHop = addr("10.9.9.9");
    CHECK_STATUS(b.setIpForwardEntry2(*stored, next), Status::NetworkUnreachable);
  }
  SECTION("AlreadyExists: the new key is another route's") {
    auto next = *stored;
    next.nextHop = other.nextHop;
    next.metric = other.metric;
    CHECK_STATUS(b.setIpForwardEntry2(*stored, next), Status::AlreadyExists);
  }
  CHECK_UNCHANGED(stack, before);
  CHECK(log.changes().empty());
}

TEST_CASE("a multipath route is one row per next hop", "[routes][multipath][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  EventLog<RouteRow> log(b);
  Mirror<RouteRow> mirror(b, Family::Unspecified);

  REQUIRE_OK(stack.outOfBand("route add 203.0.113.0/24 metric 100 nexthop via 192.0.2.254 dev v0 weight 3 "
                             "nexthop via 198.51.100.254 dev v2"));
  REQUIRE_OK(stack.outOfBand("-6 route add 2001:db8:ff::/48 metric 100 nexthop via 2001:db8:1::fe dev v0 "
                             "nexthop via 2001:db8:2::fe dev v2"));
  CHECK(stack.settleUntil([&] {
    return log.rows(ChangeKind::Add, toDestination("203.0.113.0/24")).size() == 2 &&
           log.rows(ChangeKind::Add, toDestination("2001:db8:ff::/48")).size() == 2;
  }));
  auto rows = routesTo(b, "203.0.113.0/24");
  REQUIRE(rows.size() == 2);
  std::sort(rows.begin(), rows.end(),
            [](const RouteRow& x, const RouteRow& y) { return x.nextHop < y.nextHop; });
  CHECK(rows[0].nextHop == addr("192.0.2.254"));
  CHECK(rows[0].interfaceIndex == v0);
  CHECK(rows[0].weight == 3);
  CHECK(rows[1].nextHop == addr("198.51.100.254"));
  CHECK(rows[1].interfaceIndex == v2);
  CHECK(rows[1].weight == 1);
  for (const auto& r : rows) {
    CHECK(r.metric == 100);
    CHECK(r.table == kMainRouteTable);
    CHECK(getRoute(b, r).has_value());
  }
  REQUIRE(routesTo(b, "2001:db8:ff::/48").size() == 2);
  CHECK_MIRROR(stack, mirror);

  // Deleting one row removes that next hop only.
  log.clear();
  REQUIRE_OK(b.deleteIpForwardEntry2(rows[0]));
  auto left = routesTo(b, "203.0.113.0/24");
  REQUIRE(left.size() == 1);
  CHECK(left.front().nextHop == addr("198.51.100.254"));
  CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Delete, isRoute(rows[0])); }));
  CHECK_FALSE(log.has(ChangeKind::Delete, isRoute(rows[1])));
  CHECK_MIRROR(stack, mirror);

  auto rows6 = routesTo(b, "2001:db8:ff::/48");
  REQUIRE(rows6.size() == 2);
  REQUIRE_OK(b.deleteIpForwardEntry2(rows6[1]));
  auto left6 = routesTo(b, "2001:db8:ff::/48");
  REQUIRE(left6.size() == 1);
  CHECK(keyOf(left6.front()) == keyOf(rows6[0]));
  CHECK_MIRROR(stack, mirror);

  // Removing the whole route out of band reports every remaining row.
  log.clear();
  REQUIRE_OK(stack.outOfBand("route del 203.0.113.0/24 metric 100"));
  CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Delete, isRoute(rows[1])); }));
  CHECK(routesTo(b, "203.0.113.0/24").empty());
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("single-row route reads see changes not dispatched yet, and deliver them later",
          "[routes][lookup][multipath][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  EventLog<RouteRow> log(b);
  Mirror<RouteRow> mirror(b, Family::Unspecified);

  // No dispatch between the kernel changes and the reads: the backend must catch up by itself.
  REQUIRE_OK(stack.outOfBand("route add 203.0.113.0/24 metric 100 nexthop via 192.0.2.254 dev v0 weight 3 "
                             "nexthop via 198.51.100.254 dev v2"));
  REQUIRE_OK(stack.outOfBand("route add 203.0.113.128/25 via 192.0.2.254 dev v0 table 100"));
  const auto first = getRoute(b, makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100));
  REQUIRE(first.has_value());
  CHECK(first->weight == 3);
  CHECK(first->luid == luidOf(b, "v0"));
  const auto second = getRoute(b, makeRoute("203.0.113.0/24", "198.51.100.254", v2, 100));
  REQUIRE(second.has_value());
  CHECK(second->weight == 1);
  CHECK(second->interfaceIndex == v2);
  // Not a next hop of it, another metric, a missing prefix, a table that is not exported.
  CHECK_FALSE(getRoute(b, makeRoute("203.0.113.0/24", "192.0.2.253", v0, 100)).has_value());
  CHECK_FALSE(getRoute(b, makeRoute("203.0.113.0/24", "192.0.2.254", v0, 200)).has_value());
  CHECK_FALSE(getRoute(b, makeRoute("203.0.113.0/25", "192.0.2.254", v0, 100)).has_value());
  RouteRow inTable100 = makeRoute("203.0.113.128/25", "192.0.2.254", v0, kUnspecifiedMetric);
  CHECK_FALSE(getRoute(b, inTable100).has_value());
  inTable100.table = 100;
  CHECK_STATUS(b.getIpForwardEntry2(inTable100), Status::NotFound);

  // The routes through one interface that cover an address (the address writer's prefix rule).
  std::vector<RouteRow> covering;
  REQUIRE_OK(b.getRoutesCovering(addr("203.0.113.200"), v0, covering));
  REQUIRE(covering.size() == 1); // not the table 100 route, not the v2 leg
  CHECK(covering.front().destinationPrefix == prefix("203.0.113.0/24"));
  CHECK(covering.front().nextHop == addr("192.0.2.254"));
  REQUIRE_OK(b.getRoutesCovering(addr("192.0.2.77"), v0, covering));
  REQUIRE(covering.size() == 1);
  CHECK(covering.front().destinationPrefix == prefix("192.0.2.0/24"));
  CHECK(covering.front().nextHop.isZero());
  REQUIRE_OK(b.getRoutesCovering(addr("192.0.2.77"), v2, covering));
  CHECK(covering.empty());
  REQUIRE_OK(b.getRoutesCovering(addr("2001:db8:2::9"), v2, covering));
  REQUIRE(covering.size() == 1);
  CHECK(covering.front().destinationPrefix == prefix("2001:db8:2::/64"));
  CHECK_STATUS(b.getRoutesCovering(IpAddress{}, v0, covering), Status::InvalidParameter);

  // A create right after an out-of-band route at its key joins it instead of colliding.
  REQUIRE_OK(stack.outOfBand("route add 203.0.113.64/26 metric 100 via 192.0.2.254 dev v0"));
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.64/26", "198.51.100.254", v2, 100)));
  CHECK(getRoute(b, makeRoute("203.0.113.64/26", "192.0.2.254", v0, 100)).has_value());
  CHECK(getRoute(b, makeRoute("203.0.113.64/26", "198.51.100.254", v2, 100)).has_value());
  CHECK_STATUS(b.createIpForwardEntry2(makeRoute("203.0.113.64/26", "198.51.100.254", v2, 100)),
               Status::AlreadyExists);

  // A delete is seen at once too; every change is still notified once dispatched.
  REQUIRE_OK(stack.outOfBand("route del 203.0.113.0/24 metric 100"));
  CHECK_FALSE(getRoute(b, *first).has_value());
  CHECK(stack.settleUntil([&] {
    return log.has(ChangeKind::Delete, isRoute(*first)) && log.has(ChangeKind::Delete, isRoute(*second)) &&
           log.rows(ChangeKind::Add, toDestination("203.0.113.64/26")).size() == 2;
  }));
  CHECK(log.rows(ChangeKind::Add, toDestination("203.0.113.0/24")).size() == 2);
  CHECK(routesTo(b, "203.0.113.128/25").empty());
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("getBestRoute2 finds the longest match and a source address", "[routes][bestroute]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100)));
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.64/26", "198.51.100.254", v2, 100)));
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("2001:db8:ff::/48", "2001:db8:1::fe", v0, 100)));

  RouteRow best;
  IpAddress source;
  REQUIRE_OK(b.getBestRoute2(addr("203.0.113.77"), best, source));
  CHECK(best.destinationPrefix == prefix("203.0.113.64/26"));
  CHECK(best.interfaceIndex == v2);
  CHECK(source == addr("198.51.100.1"));

  REQUIRE_OK(b.getBestRoute2(addr("203.0.113.5"), best, source));
  CHECK(best.destinationPrefix == prefix("203.0.113.0/24"));
  CHECK(best.nextHop == addr("192.0.2.254"));
  CHECK(source == addr("192.0.2.1"));

  // Connected networks are routes too.
  REQUIRE_OK(b.getBestRoute2(addr("198.51.100.99"), best, source));
  CHECK(best.destinationPrefix == prefix("198.51.100.0/24"));
  CHECK(best.interfaceIndex == v2);
  CHECK(source == addr("198.51.100.1"));

  REQUIRE_OK(b.getBestRoute2(addr("2001:db8:ff::5"), best, source));
  CHECK(best.destinationPrefix == prefix("2001:db8:ff::/48"));
  CHECK(best.interfaceIndex == v0);
  CHECK(source == addr("2001:db8:1::1"));

  CHECK_STATUS(b.getBestRoute2(addr("10.1.2.3"), best, source), Status::NetworkUnreachable);
  CHECK_STATUS(b.getBestRoute2(addr("2001:db8:77::1"), best, source), Status::NetworkUnreachable);
  CHECK_STATUS(b.getBestRoute2(IpAddress{}, best, source), Status::InvalidParameter);

  // A default route catches the rest.
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("0.0.0.0/0", "192.0.2.254", v0, 100)));
  REQUIRE_OK(b.getBestRoute2(addr("10.1.2.3"), best, source));
  CHECK(best.destinationPrefix == prefix("0.0.0.0/0"));
  CHECK(best.nextHop == addr("192.0.2.254"));
}

TEST_CASE("getBestInterfaceEx names the interface of the system's lookup", "[routes][bestroute]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "198.51.100.254", v2, 100)));

  InterfaceIndex found = 0;
  REQUIRE_OK(b.getBestInterfaceEx(addr("192.0.2.77"), found)); // connected
  CHECK(found == v0);
  REQUIRE_OK(b.getBestInterfaceEx(addr("203.0.113.9"), found)); // through a gateway
  CHECK(found == v2);
  REQUIRE_OK(b.getBestInterfaceEx(addr("2001:db8:2::9"), found));
  CHECK(found == v2);
  CHECK_STATUS(b.getBestInterfaceEx(addr("10.1.2.3"), found), Status::NetworkUnreachable);
  CHECK_STATUS(b.getBestInterfaceEx(IpAddress{}, found), Status::InvalidParameter);
  // A route that discards reaches no interface.
  REQUIRE_OK(stack.outOfBand("route add blackhole 198.18.0.0/15"));
  stack.settle();
  CHECK_STATUS(b.getBestInterfaceEx(addr("198.18.1.1"), found), Status::NetworkUnreachable);
}

TEST_CASE("out-of-band route changes arrive as notifications, filtered by family", "[routes][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<RouteRow> all(b);
  EventLog<RouteRow> onlyV4(b, Family::V4);
  EventLog<RouteRow> onlyV6(b, Family::V6);
  Mirror<RouteRow> mirror(b, Family::Unspecified);

  REQUIRE_OK(stack.outOfBand("route add 203.0.113.0/24 via 192.0.2.254 dev v0"));
  REQUIRE_OK(stack.outOfBand("-6 route add 2001:db8:ff::/48 via 2001:db8:1::fe dev v0 metric 100"));
  REQUIRE_OK(stack.outOfBand("route add blackhole 198.18.0.0/15"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Add, toDestination("203.0.113.0/24")) &&
           all.has(ChangeKind::Add, toDestination("2001:db8:ff::/48")) &&
           all.has(ChangeKind::Add, toDestination("198.18.0.0/15"));
  }));
  const auto v4Added = all.rows(ChangeKind::Add, toDestination("203.0.113.0/24"));
  REQUIRE(v4Added.size() == 1);
  CHECK(v4Added.front().nextHop == addr("192.0.2.254"));
  CHECK(v4Added.front().interfaceIndex == v0);
  const auto blackhole = all.rows(ChangeKind::Add, toDestination("198.18.0.0/15"));
  REQUIRE(blackhole.size() == 1);
  CHECK(blackhole.front().type == RouteType::Blackhole);
  CHECK(blackhole.front().interfaceIndex == 0);

  // Same key, new protocol: a parameter change, not a delete and add.
  REQUIRE_OK(stack.outOfBand("route replace 203.0.113.0/24 via 192.0.2.254 dev v0 proto ospf"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::ParameterChange,
                   [](const RouteRow& r) { return r.protocol == RouteProtocol::Ospf; });
  }));
  CHECK_FALSE(all.has(ChangeKind::Delete, toDestination("203.0.113.0/24")));

  REQUIRE_OK(stack.outOfBand("route del 203.0.113.0/24"));
  REQUIRE_OK(stack.outOfBand("-6 route del 2001:db8:ff::/48 metric 100"));
  REQUIRE_OK(stack.outOfBand("route del blackhole 198.18.0.0/15"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Delete, toDestination("203.0.113.0/24")) &&
           all.has(ChangeKind::Delete, toDestination("2001:db8:ff::/48")) &&
           all.has(ChangeKind::Delete, toDestination("198.18.0.0/15"));
  }));
  // A Delete carries the row as last known.
  const auto deleted = all.rows(ChangeKind::Delete, toDestination("203.0.113.0/24"));
  REQUIRE(deleted.size() == 1);
  CHECK(deleted.front().protocol == RouteProtocol::Ospf);
  CHECK_MIRROR(stack, mirror);

  CHECK(onlyV4.has(ChangeKind::Add, toDestination("203.0.113.0/24")));
  CHECK_FALSE(onlyV4.has(ChangeKind::Add, toDestination("2001:db8:ff::/48")));
  CHECK(onlyV6.has(ChangeKind::Add, toDestination("2001:db8:ff::/48")));
  for (const auto& c : onlyV4.changes())
    CHECK(c.row.destinationPrefix.family() == Family::V4);
  for (const auto& c : onlyV6.changes())
    CHECK(c.row.destinationPrefix.family() == Family::V6);
}

} // namespace
} // namespace ipmibd::conformance
