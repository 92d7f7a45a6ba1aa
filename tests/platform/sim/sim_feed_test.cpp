// Tests of the scripted change feed on the manual clock: route flaps, neighbor cycles, one-shot timers.
#include "sim_test_support.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

namespace {
constexpr std::chrono::milliseconds kBudget{100};
}

TEST_CASE("every: a route flaps on schedule", "[sim][feed]") {
  auto b = load(std::string(kTwoLinks) + "route add 203.0.113.0/24 via 192.0.2.254\n"
                                         "every 2s route flap 203.0.113.0/24 via 192.0.2.254\n");
  Recorder<RouteRow> recorder;
  auto sub = b->notifyRouteChange2(Family::Unspecified, recorder.callback());
  const Timestamp start = b->now();
  REQUIRE(b->nextDeadline());
  CHECK(*b->nextDeadline() == start + std::chrono::seconds(2));
  b->advance(std::chrono::milliseconds(1999));
  CHECK_FALSE(b->dispatch(kBudget));
  CHECK(recorder.batches.empty());
  b->advance(std::chrono::milliseconds(1));
  b->dispatch(kBudget);
  REQUIRE(recorder.all().size() == 1);
  CHECK(recorder.all()[0].kind == ChangeKind::Delete);
  CHECK_FALSE(findRoute(routes(*b), "203.0.113.0/24"));
  CHECK(*b->nextDeadline() == start + std::chrono::seconds(4));
  b->advance(std::chrono::seconds(2));
  b->dispatch(kBudget);
  REQUIRE(recorder.all().size() == 2);
  CHECK(recorder.all()[1].kind == ChangeKind::Add);
  CHECK(findRoute(routes(*b), "203.0.113.0/24"));
  // Several periods at once run every missed step, in order.
  b->advance(std::chrono::seconds(6));
  b->dispatch(kBudget);
  CHECK(recorder.all().size() == 5);
  CHECK_FALSE(findRoute(routes(*b), "203.0.113.0/24"));
  CHECK(b->lastFeedError().ok());
}

TEST_CASE("every: a neighbor cycles reachable, stale, delay", "[sim][feed]") {
  auto b =
      load(std::string(kTwoLinks) + "neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0 nud reachable\n"
                                    "every 5s neigh cycle 192.0.2.7 dev eth0\n"
                                    "every 1s neigh cycle 192.0.2.8 dev eth0 lladdr 02:00:00:00:00:08\n");
  NeighborRow row;
  row.address = ip("192.0.2.7");
  row.interfaceIndex = 2;
  std::vector<NeighborState> seen;
  for (int i = 0; i < 4; ++i) {
    b->advance(std::chrono::seconds(5));
    b->dispatch(kBudget);
    REQUIRE(b->getIpNetEntry2(row).ok());
    seen.push_back(row.state);
  }
  CHECK(seen == std::vector<NeighborState>{NeighborState::Stale, NeighborState::Delay,
                                           NeighborState::Reachable, NeighborState::Stale});
  NeighborRow created;
  created.address = ip("192.0.2.8");
  created.interfaceIndex = 2;
  REQUIRE(b->getIpNetEntry2(created).ok());
  CHECK(created.physicalAddress == mac("02:00:00:00:00:08"));
}

TEST_CASE("at: one-shot commands - failures are kept, not fatal", "[sim][feed]") {
  auto b = load(std::string(kTwoLinks) + "at 10s link set dev eth1 alias 'uplink B'\n"
                                         "at 12s link set dev eth9 down\n");
  InterfaceRow link;
  link.index = 3;
  b->advance(std::chrono::seconds(9));
  b->dispatch(kBudget);
  REQUIRE(b->getIfEntry2(link).ok());
  CHECK(link.alias.empty());
  b->advance(std::chrono::seconds(1));
  b->dispatch(kBudget);
  REQUIRE(b->getIfEntry2(link).ok());
  CHECK(link.alias == "uplink B");
  b->advance(std::chrono::seconds(2));
  b->dispatch(kBudget);
  CHECK(b->lastFeedError().status == Status::NotFound);
  CHECK(b->lastFeedError().message == "unknown device 'eth9'");
  CHECK_FALSE(b->nextDeadline());
}

TEST_CASE("apply() adds commands and timers at run time", "[sim][feed]") {
  auto b = load(kTwoLinks);
  REQUIRE(b->apply("# nothing").ok());
  CHECK(b->apply("link set eth7 up").message == "unknown device 'eth7'");
  CHECK(b->apply("link sit eth0 up").status == Status::InvalidParameter);
  REQUIRE(b->apply("at 3s route add 10.0.0.0/8 dev eth0").ok());
  b->advance(std::chrono::seconds(3));
  b->dispatch(kBudget);
  CHECK(findRoute(routes(*b), "10.0.0.0/8"));
}

TEST_CASE("the real clock drives timers unless switched to manual", "[sim][feed]") {
  Result error;
  auto b = SimBackend::fromScenario("every 1h link set lo up\n", "t", error);
  REQUIRE(b);
  const auto deadline = b->nextDeadline();
  REQUIRE(deadline);
  CHECK(*deadline > Clock::now() + std::chrono::minutes(59));
  b->advance(std::chrono::hours(2)); // ignored on the real clock
  CHECK(b->nextDeadline() == deadline);
  b->setManualClock(true);
  b->advance(std::chrono::hours(1));
  b->dispatch(std::chrono::milliseconds(10));
  REQUIRE(b->nextDeadline());
  CHECK(*b->nextDeadline() == *deadline + std::chrono::hours(1));
}
