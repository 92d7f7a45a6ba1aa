// Tests of change notifications: content, ordering, batching, family filters, delivery only from
// dispatch(), cancellation, and the eventsDelivered statistic.
#include "sim_test_support.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

namespace {
constexpr std::chrono::milliseconds kBudget{100};
}

TEST_CASE("a loaded scenario is the starting state, not news", "[sim][notify]") {
  auto b = load(kTwoLinks);
  CHECK(b->pendingChanges() == 0);
  CHECK(b->nextDeadline() == std::nullopt);
  Recorder<RouteRow> routes;
  auto sub = b->notifyRouteChange2(Family::Unspecified, routes.callback());
  CHECK_FALSE(b->dispatch(kBudget));
  CHECK(routes.batches.empty());
}

TEST_CASE("API writes are echoed, but only from dispatch()", "[sim][notify]") {
  auto b = load(kTwoLinks);
  Recorder<RouteRow> routes;
  auto sub = b->notifyRouteChange2(Family::Unspecified, routes.callback());
  REQUIRE(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "192.0.2.254", 2)).ok());
  CHECK(routes.batches.empty());
  REQUIRE(b->nextDeadline());
  CHECK(*b->nextDeadline() <= b->now());
  CHECK(b->eventDescriptor() == -1);
  CHECK_FALSE(b->dispatch(kBudget));
  REQUIRE(routes.batches.size() == 1);
  REQUIRE(routes.batches[0].size() == 1);
  const auto& change = routes.batches[0][0];
  CHECK(change.kind == ChangeKind::Add);
  CHECK(change.row.destinationPrefix == prefix("203.0.113.0/24"));
  CHECK(change.row.nextHop == ip("192.0.2.254"));
  RouteRow read = change.row;
  REQUIRE(b->getIpForwardEntry2(read).ok());
  CHECK(read == change.row);
  CHECK(b->stats().eventsDelivered == 1);
  CHECK(b->stats().resyncs == 0);

  auto moved = read;
  moved.metric = 9;
  REQUIRE(b->setIpForwardEntry2(read, moved).ok());
  REQUIRE(b->deleteIpForwardEntry2(moved).ok());
  b->dispatch(kBudget);
  REQUIRE(routes.batches.size() == 2);
  const auto& batch = routes.batches[1];
  REQUIRE(batch.size() == 3);
  CHECK(batch[0].kind == ChangeKind::Add); // another route key: add the new row, then delete the old
  CHECK(batch[0].row.metric == 9);
  CHECK(batch[1].kind == ChangeKind::Delete);
  CHECK(batch[1].row.metric == 0);
  CHECK(batch[2].kind == ChangeKind::Delete);
  CHECK(batch[2].row.metric == 9);
}

TEST_CASE("same-key changes are ParameterChange - unchanged writes are silent", "[sim][notify]") {
  auto b =
      load(std::string(kTwoLinks) + "neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0 nud reachable\n");
  Recorder<NeighborRow> recorder;
  auto sub = b->notifyIpNetChange(Family::Unspecified, recorder.callback());
  REQUIRE(b->apply("neigh replace 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0 nud reachable").ok());
  REQUIRE(b->apply("neigh change 192.0.2.7 dev eth0 nud stale").ok());
  b->dispatch(kBudget);
  const auto all = recorder.all();
  REQUIRE(all.size() == 1);
  CHECK(all[0].kind == ChangeKind::ParameterChange);
  CHECK(all[0].row.state == NeighborState::Stale);
  CHECK(all[0].row.physicalAddress == mac("02:00:00:00:00:07"));
}

TEST_CASE("an address brings its routes, in kernel order, in separate kind batches", "[sim][notify]") {
  auto b = load(kTwoLinks);
  Recorder<UnicastAddressRow> addrs;
  Recorder<RouteRow> routes;
  auto s1 = b->notifyUnicastIpAddressChange(Family::Unspecified, addrs.callback());
  auto s2 = b->notifyRouteChange2(Family::Unspecified, routes.callback());
  REQUIRE(b->apply("addr add 198.51.100.200/24 dev eth0").ok());
  b->dispatch(kBudget);
  REQUIRE(addrs.batches.size() == 1);
  CHECK(addrs.batches[0][0].kind == ChangeKind::Add);
  CHECK(addrs.batches[0][0].row.address == ip("198.51.100.200"));
  // The local route (table 255) is not exported; the prefix route is.
  REQUIRE(routes.batches.size() == 1);
  REQUIRE(routes.batches[0].size() == 1);
  CHECK(routes.batches[0][0].row.destinationPrefix == prefix("198.51.100.0/24"));
  CHECK(routes.batches[0][0].row.interfaceIndex == 2);
}

TEST_CASE("bulk changes arrive as one batch - filters by family", "[sim][notify]") {
  auto b = load(kTwoLinks);
  Recorder<RouteRow> all, v4, v6;
  auto s1 = b->notifyRouteChange2(Family::Unspecified, all.callback());
  auto s2 = b->notifyRouteChange2(Family::V4, v4.callback());
  auto s3 = b->notifyRouteChange2(Family::V6, v6.callback());
  for (int i = 0; i < 100; ++i) {
    const std::string destination = "10." + std::to_string(i) + ".0.0/16";
    REQUIRE(b->apply("route add " + destination + " via 192.0.2.254 dev eth0").ok());
  }
  REQUIRE(b->apply("route add 2001:db8:77::/48 via 2001:db8:1::2 dev eth0").ok());
  b->dispatch(kBudget);
  REQUIRE(all.batches.size() == 1);
  CHECK(all.batches[0].size() == 101);
  REQUIRE(v4.batches.size() == 1);
  CHECK(v4.batches[0].size() == 100);
  REQUIRE(v6.batches.size() == 1);
  CHECK(v6.batches[0].size() == 1);
  CHECK(b->stats().eventsDelivered == 101);
}

TEST_CASE("link changes: interface, IP interface, then the flushed rows", "[sim][notify]") {
  auto b = load(std::string(kTwoLinks) + "neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0\n");
  Recorder<InterfaceRow> links;
  Recorder<IpInterfaceRow> ipifs;
  Recorder<NeighborRow> neighs;
  Recorder<UnicastAddressRow> addrs;
  Recorder<RouteRow> routes;
  auto s1 = b->notifyInterfaceChange(links.callback());
  auto s2 = b->notifyIpInterfaceChange(Family::Unspecified, ipifs.callback());
  auto s3 = b->notifyIpNetChange(Family::Unspecified, neighs.callback());
  auto s4 = b->notifyUnicastIpAddressChange(Family::V6, addrs.callback());
  auto s5 = b->notifyRouteChange2(Family::Unspecified, routes.callback());
  REQUIRE(b->apply("link set eth0 down").ok());
  b->dispatch(kBudget);
  REQUIRE(links.all().size() == 1);
  CHECK(links.all()[0].kind == ChangeKind::ParameterChange);
  CHECK(links.all()[0].row.operStatus == OperStatus::Down);
  REQUIRE(ipifs.all().size() == 2);
  CHECK_FALSE(ipifs.all()[0].row.connected);
  REQUIRE(neighs.all().size() == 1);
  CHECK(neighs.all()[0].kind == ChangeKind::Delete);
  CHECK(addrs.all().size() == 2); // the link-local and 2001:db8:1::1
  for (const auto& c : addrs.all())
    CHECK(c.kind == ChangeKind::Delete);
  for (const auto& c : routes.all())
    CHECK(c.kind == ChangeKind::Delete);
  CHECK(routes.all().size() == 3); // 192.0.2.0/24, 2001:db8:1::/64, fe80::/64

  REQUIRE(b->apply("link add eth5 type dummy").ok());
  REQUIRE(b->apply("link del eth5").ok());
  b->dispatch(kBudget);
  const auto linkChanges = links.all();
  REQUIRE(linkChanges.size() == 3);
  CHECK(linkChanges[1].kind == ChangeKind::Add);
  CHECK(linkChanges[1].row.name == "eth5");
  CHECK(linkChanges[2].kind == ChangeKind::Delete);
  const auto ipChanges = ipifs.all();
  REQUIRE(ipChanges.size() == 6);
  CHECK(ipChanges[2].kind == ChangeKind::Add);
  CHECK(ipChanges[5].kind == ChangeKind::Delete);
}

TEST_CASE("destroying a Subscription cancels it, even from inside a callback", "[sim][notify]") {
  auto b = load(kTwoLinks);
  Recorder<RouteRow> kept;
  auto keep = b->notifyRouteChange2(Family::Unspecified, kept.callback());
  int calls = 0;
  {
    auto gone = b->notifyRouteChange2(Family::Unspecified, [&](auto) { ++calls; });
  }
  Subscription self;
  int selfCalls = 0;
  self = b->notifyRouteChange2(Family::Unspecified, [&](auto) {
    ++selfCalls;
    self.cancel();
  });
  REQUIRE(b->apply("route add 10.0.0.0/8 dev eth0").ok());
  b->dispatch(kBudget);
  REQUIRE(b->apply("route del 10.0.0.0/8").ok());
  b->dispatch(kBudget);
  CHECK(calls == 0);
  CHECK(selfCalls == 1);
  CHECK(kept.batches.size() == 2);
}

TEST_CASE("changes made from a callback are delivered in the same dispatch", "[sim][notify]") {
  auto b = load(kTwoLinks);
  Recorder<RouteRow> recorder;
  bool reacted = false;
  auto reactor = b->notifyRouteChange2(Family::V4, [&](std::span<const Change<RouteRow>> changes) {
    if (reacted || changes[0].kind != ChangeKind::Add) return;
    reacted = true;
    CHECK(b->createIpForwardEntry2(routeRow("10.1.0.0/16", "192.0.2.9", 2)).ok());
  });
  auto sub = b->notifyRouteChange2(Family::Unspecified, recorder.callback());
  REQUIRE(b->apply("route add 10.0.0.0/16 dev eth0").ok());
  CHECK_FALSE(b->dispatch(kBudget));
  CHECK(recorder.all().size() == 2);
}
