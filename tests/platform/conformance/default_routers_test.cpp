// Conformance: default routes learned from router advertisements (proto ra, with a lifetime and an
// RFC 4191 preference) and static ones, as ipDefaultRouterTable reads them: expiry, remaining
// lifetime counting down, preference, origin, and refreshes announced as parameter changes.
#include "tests/platform/conformance/support.h"

#include <thread>

namespace ipmibd::conformance {
namespace {

auto isDefaultVia(std::string_view gateway) {
  return [g = addr(gateway)](const RouteRow& r) {
    return r.destinationPrefix.length == 0 && r.nextHop.withScope(0) == g.withScope(0);
  };
}

std::optional<RouteRow> defaultVia(Backend& b, std::string_view gateway) {
  for (const auto& r : routes(b, Family::V6))
    if (isDefaultVia(gateway)(r)) return r;
  return std::nullopt;
}

// Seconds from now to `t` (negative when past).
double secondsUntil(Timestamp t) { return std::chrono::duration<double>(t - Clock::now()).count(); }

TEST_CASE("an RA default route carries its expiry and router preference",
          "[routes][default_router][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<RouteRow> log(b, Family::V6);
  REQUIRE_OK(
      stack.outOfBand("-6 route add default via fe80::1 dev v0 proto ra metric 1024 expires 1800 pref high"));
  REQUIRE(stack.settleUntil([&] { return log.has(ChangeKind::Add, isDefaultVia("fe80::1")); }));
  const RouteRow added = log.rows(ChangeKind::Add, isDefaultVia("fe80::1")).front();
  CHECK(added.interfaceIndex == v0);
  CHECK(added.origin == RouteOrigin::RouterAdvertisement);
  CHECK(added.nativeProtocol == 9); // RTPROT_RA
  CHECK(added.routerPreference == RouterPreference::High);
  CHECK(!added.immortal);
  CHECK(added.validLifetime <= 1800);
  CHECK(added.validLifetime >= 1795);
  CHECK(secondsUntil(added.expires) == Approx(1800).margin(5));

  // Read back: the same expiry; the remaining lifetime counts down from it.
  auto read = defaultVia(b, "fe80::1");
  REQUIRE(read);
  CHECK(read->routerPreference == RouterPreference::High);
  CHECK(std::chrono::abs(read->expires - added.expires) <= 1s);
  const std::uint32_t first = read->validLifetime;
  std::this_thread::sleep_for(2100ms);
  read = defaultVia(b, "fe80::1");
  REQUIRE(read);
  CHECK(read->validLifetime < first);
  CHECK(read->validLifetime >= first - 4);
  CHECK(std::chrono::abs(read->expires - added.expires) <= 1s);

  // A new advertisement (here: a replace) moves expiry and preference: a parameter change.
  log.clear();
  REQUIRE_OK(stack.outOfBand(
      "-6 route replace default via fe80::1 dev v0 proto ra metric 1024 expires 600 pref low"));
  REQUIRE(stack.settleUntil([&] { return log.has(ChangeKind::ParameterChange, isDefaultVia("fe80::1")); }));
  INFO(log.dump());
  const RouteRow changed = log.rows(ChangeKind::ParameterChange, isDefaultVia("fe80::1")).back();
  CHECK(changed.routerPreference == RouterPreference::Low);
  CHECK(secondsUntil(changed.expires) == Approx(600).margin(5));
  CHECK(changed.validLifetime <= 600);
  read = defaultVia(b, "fe80::1");
  REQUIRE(read);
  CHECK(read->routerPreference == RouterPreference::Low);
  CHECK(read->validLifetime <= 600);
  CHECK(read->validLifetime >= 595);
}

TEST_CASE("a static default route has no lifetime and medium preference", "[routes][default_router]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  REQUIRE_OK(stack.outOfBand("-6 route add default via 2001:db8:1::fe dev v0 metric 2048"));
  REQUIRE_OK(stack.outOfBand("route add default via 192.0.2.254 dev v0"));
  stack.settle();
  const auto v6 = defaultVia(b, "2001:db8:1::fe");
  REQUIRE(v6);
  CHECK(v6->validLifetime == kInfiniteLifetime);
  CHECK(v6->expires == Timestamp{});
  CHECK(v6->routerPreference == RouterPreference::Medium);
  CHECK(v6->origin == RouteOrigin::Manual);
  bool sawV4 = false;
  for (const auto& r : routes(b, Family::V4))
    if (r.destinationPrefix.length == 0) {
      sawV4 = true;
      CHECK(r.validLifetime == kInfiniteLifetime);
      CHECK(r.expires == Timestamp{});
      CHECK(r.routerPreference == RouterPreference::Medium);
    }
  CHECK(sawV4);
}

} // namespace
} // namespace ipmibd::conformance
