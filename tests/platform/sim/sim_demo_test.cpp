// Tests that the shipped demo scenario loads and has the promised shape.
#include "sim_test_support.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

TEST_CASE("demo.scn loads and runs its feed", "[sim][demo]") {
  Result error;
  SimOptions options;
  options.manualClock = true;
  auto b = SimBackend::fromFile(IPMIBD_SIM_SCENARIOS "/demo.scn", error, options);
  INFO(error.toString());
  REQUIRE(b);

  std::vector<InterfaceRow> links;
  REQUIRE(b->getIfTable2(links).ok());
  CHECK(links.size() == 6);
  const auto table = routes(*b);
  CHECK(table.size() >= 45);
  CHECK(table.size() <= 60);
  auto has = [&](RouteType type, Family family) {
    return std::any_of(table.begin(), table.end(), [&](const auto& r) {
      return r.type == type && r.destinationPrefix.family() == family;
    });
  };
  for (auto type : {RouteType::Blackhole, RouteType::Unreachable, RouteType::Prohibit})
    for (auto family : {Family::V4, Family::V6})
      CHECK(has(type, family));
  CHECK(std::any_of(table.begin(), table.end(), [](const auto& r) { return r.nextHop.isV6LinkLocal(); }));
  CHECK(std::any_of(table.begin(), table.end(), [](const auto& r) { return r.weight == 2; }));
  const auto neighs = neighbors(*b);
  CHECK(std::any_of(neighs.begin(), neighs.end(), [](const auto& n) { return n.isRouter; }));
  CHECK(std::any_of(neighs.begin(), neighs.end(),
                    [](const auto& n) { return n.state == NeighborState::Permanent; }));
  CHECK(std::any_of(neighs.begin(), neighs.end(),
                    [](const auto& n) { return n.state == NeighborState::Stale; }));

  Recorder<RouteRow> routeChanges;
  Recorder<NeighborRow> neighborChanges;
  auto s1 = b->notifyRouteChange2(Family::Unspecified, routeChanges.callback());
  auto s2 = b->notifyIpNetChange(Family::Unspecified, neighborChanges.callback());
  for (int second = 0; second < 30; ++second) {
    b->advance(std::chrono::seconds(1));
    b->dispatch(std::chrono::milliseconds(50));
  }
  CHECK(b->lastFeedError().ok());
  CHECK(routeChanges.all().size() == 16); // 15 flaps and the 30 s route
  CHECK(neighborChanges.all().size() == 6);
}
