// Conformance: notification lifecycle (cancel by destroying the Subscription) and that the events of
// every kind explain the tables across link-wide changes (down, up, delete) with kernel side effects.
#include "tests/platform/conformance/support.h"

namespace ipmibd::conformance {
namespace {

TEST_CASE("destroying or cancelling a Subscription stops its callbacks", "[notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  int routeCalls = 0, addressCalls = 0, neighborCalls = 0, ipInterfaceCalls = 0, linkCalls = 0;
  auto routes = b.notifyRouteChange2(Family::Unspecified, [&](auto) { ++routeCalls; });
  auto addresses = b.notifyUnicastIpAddressChange(Family::Unspecified, [&](auto) { ++addressCalls; });
  auto neighbors = b.notifyIpNetChange(Family::Unspecified, [&](auto) { ++neighborCalls; });
  auto ipInterfaces = b.notifyIpInterfaceChange(Family::Unspecified, [&](auto) { ++ipInterfaceCalls; });
  auto links = b.notifyInterfaceChange([&](auto) { ++linkCalls; });
  CHECK(routes.active());

  auto changeEverything = [&](int round) {
    const std::string n = std::to_string(10 + round);
    REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113." + n + "/32", "192.0.2.254", v0, 100)));
    REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("192.0.2." + n, v0, 24)));
    REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("192.0.2.1" + n, v0, "02:00:00:00:00:" + n)));
    REQUIRE_OK(stack.outOfBand("link set v3 mtu " + std::to_string(1400 + round)));
  };
  changeEverything(1);
  CHECK(stack.settleUntil([&] {
    return routeCalls > 0 && addressCalls > 0 && neighborCalls > 0 && ipInterfaceCalls > 0 && linkCalls > 0;
  }));

  // Destroying (by move-assigning an empty one) and cancel() both end the registration.
  routes = Subscription{};
  addresses.cancel();
  CHECK_FALSE(addresses.active());
  { auto gone = std::move(neighbors); }
  CHECK_FALSE(neighbors.active());
  ipInterfaces.cancel();
  links.cancel();
  const int before[] = {routeCalls, addressCalls, neighborCalls, ipInterfaceCalls, linkCalls};
  changeEverything(2);
  stack.settle();
  const int after[] = {routeCalls, addressCalls, neighborCalls, ipInterfaceCalls, linkCalls};
  CHECK(std::equal(std::begin(before), std::end(before), std::begin(after)));
}

// Mirrors of every table, fed only by notifications.
struct AllMirrors {
  explicit AllMirrors(Backend& b)
      : links(b, Family::Unspecified), ipInterfaces(b, Family::Unspecified),
        addresses(b, Family::Unspecified), neighbors(b, Family::Unspecified), routes(b, Family::Unspecified) {
  }
  Mirror<InterfaceRow> links;
  Mirror<IpInterfaceRow> ipInterfaces;
  Mirror<UnicastAddressRow> addresses;
  Mirror<NeighborRow> neighbors;
  Mirror<RouteRow> routes;
};
#define CHECK_ALL_MIRRORS(stack, m)                                                                          \
  do {                                                                                                       \
    CHECK_MIRROR(stack, (m).links);                                                                          \
    CHECK_MIRROR(stack, (m).ipInterfaces);                                                                   \
    CHECK_MIRROR(stack, (m).addresses);                                                                      \
    CHECK_MIRROR(stack, (m).neighbors);                                                                      \
    CHECK_MIRROR(stack, (m).routes);                                                                         \
  } while (false)

TEST_CASE("events explain every table across link down, up and delete", "[notify][lifecycle]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v2 = indexOf(b, "v2");
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "198.51.100.254", v2, 100)));
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("2001:db8:ff::/48", "2001:db8:2::fe", v2, 100)));
  REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("198.51.100.7", v2, "02:00:00:00:00:07")));
  stack.settle();
  AllMirrors mirrors(b);

  SECTION("down then up") {
    // Down: the kernel drops the routes through v2 (IPv4 ones without telling anyone) and IPv6
    // addresses; up restores the connected routes.
    REQUIRE_OK(stack.outOfBand("link set v2 down"));
    CHECK_ALL_MIRRORS(stack, mirrors);
    CHECK(routesTo(b, "203.0.113.0/24").empty());
    REQUIRE_OK(stack.outOfBand("link set v2 up"));
    CHECK_ALL_MIRRORS(stack, mirrors);
    CHECK(routesTo(b, "198.51.100.0/24").size() == 1);
  }
  SECTION("delete") {
    // Deleting the link removes everything on it (and its veth peer).
    REQUIRE_OK(stack.outOfBand("link del v2"));
    CHECK_ALL_MIRRORS(stack, mirrors);
    CHECK(routesTo(b, "198.51.100.0/24").empty());
    CHECK(routesTo(b, "2001:db8:ff::/48").empty());
    for (const auto& a : addresses(b, Family::Unspecified))
      CHECK(a.interfaceIndex != v2);
    for (const auto& n : neighbors(b, Family::Unspecified))
      CHECK(n.interfaceIndex != v2);
  }
}

} // namespace
} // namespace ipmibd::conformance
