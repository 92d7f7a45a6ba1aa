// Integration tests of LinuxBackend's stepwise resync against the real kernel, in network namespaces of
// their own: the route dump after an overrun is spread over many zero-budget dispatch() calls, the
// rows stay served meanwhile, changes made during the dump all arrive, and losing events again
// (or holding too many) starts the resync over. They need root and skip otherwise.
#include "platform/linux/linux_backend.h"
#include "tests/platform/linux/backend_test_support.h"
#include "tests/platform/linux/test_namespace.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;
using namespace ipmibd::testing;
using namespace std::chrono_literals;

// 12,288 IPv4 /24s in 10.1.0.0 - 10.48.255.0 and 8,000 IPv6 /128s in 2001:db8:5::/48, through v0:
// enough for a dump of many datagrams, and, added at once, far more events than the socket holds.
std::string bulkRoutes(const std::string& verb) {
  std::ostringstream out;
  for (int i = 0; i < 12288; ++i)
    out << "route " << verb << " 10." << 1 + i / 256 << "." << i % 256 << ".0/24 via 198.51.100.254\n";
  for (int i = 0; i < 8000; ++i)
    out << "route " << verb << " 2001:db8:5::" << std::hex << i << std::dec << "/128 via 2001:db8:1::fe\n";
  return out.str();
}

struct Lab {
  TestNamespace ns{"rs"};
  std::unique_ptr<LinuxBackend> backend;
  View<RouteKey, RouteRow> view{routeKey};
  Subscription subscription;
  BackendStats before;

  explicit Lab(std::size_t resyncEventLimit = LinuxOptions{}.resyncEventLimit) {
    buildTopology(ns);
    ns.ip("route add 10.0.200.0/24 via 198.51.100.254"); // early in the dump
    LinuxOptions options;
    options.netns = ns.name();
    options.eventReceiveBuffer = 1 << 20; // a few thousand events
    options.resyncEventLimit = resyncEventLimit;
    Result error;
    backend = LinuxBackend::open(options, error);
    INFO(error.toString());
    REQUIRE(backend);
    finishRouteLoad(*backend);
    subscription = backend->notifyRouteChange2(Family::Unspecified, [this](auto c) { view.apply(c); });
    std::vector<RouteRow> initial;
    REQUIRE(backend->getIpForwardTable2(Family::Unspecified, initial).ok());
    view.rows = asMap(initial, routeKey);
  }

  // Adds the bulk routes without dispatching (the event socket overruns), then dispatches with a
  // zero budget until the resync has begun and taken three steps of its route dump.
  void startResync() {
    ns.batch(bulkRoutes("add"));
    before = backend->stats();
    for (int calls = 0; backend->stats().resyncSteps < before.resyncSteps + 3; ++calls) {
      REQUIRE(calls < 1000);
      backend->dispatch(0ms);
    }
    REQUIRE(backend->stats().resyncs == before.resyncs); // still running
  }

  // Zero-budget dispatch() calls until the backend is idle; returns how many it took.
  int finish() {
    int calls = 1;
    while (backend->dispatch(0ms))
      REQUIRE(++calls < 1'000'000);
    return calls;
  }

  // The backend's table, its subscribers' view of it and the kernel's table all agree.
  void checkConverged() {
    settle(*backend);
    CHECK(ourRoutes(*backend, Family::V4) == ipRoutes(ns, false));
    CHECK(ourRoutes(*backend, Family::V6) == ipRoutes(ns, true));
    std::vector<RouteRow> table;
    REQUIRE(backend->getIpForwardTable2(Family::Unspecified, table).ok());
    CHECK(view.anomalies == std::vector<std::string>{});
    CHECK(view.rows == asMap(table, routeKey));
  }
};

RouteRow routeKeyOf(const std::string& destination, const std::string& nextHop, InterfaceIndex index,
                    std::uint32_t metric) {
  RouteRow key;
  key.destinationPrefix = prefix(destination);
  key.nextHop = addr(nextHop);
  key.interfaceIndex = index;
  key.metric = metric;
  return key;
}

TEST_CASE("a resync's route dump runs in dispatch() steps, serving rows, and takes in changes made meanwhile",
          "[integration][linux][events][overrun][resync]") {
  REQUIRE_ROOT();
  Lab lab;
  LinuxBackend& b = *lab.backend;
  const auto v0 = indexByName(b)["v0"];
  lab.startResync();

  // Served meanwhile: subscribers were told of no deletion, single-row reads answer (from the kernel,
  // the cache being not current), and so do table reads.
  for (const char* route : {"203.0.113.0/24", "192.0.2.0/24", "2001:db8:ff::/48"}) {
    INFO(route);
    CHECK(std::any_of(lab.view.rows.begin(), lab.view.rows.end(),
                      [&](const auto& kv) { return kv.second.destinationPrefix == prefix(route); }));
  }
  RouteRow existing = routeKeyOf("203.0.113.0/24", "198.51.100.254", v0, 0);
  REQUIRE(b.getIpForwardEntry2(existing).ok());
  CHECK(existing.protocol == RouteProtocol::NetMgmt);
  std::vector<RouteRow> during;
  REQUIRE(b.getIpForwardTable2(Family::V4, during).ok());
  CHECK(during.size() > 12288);

  // Changes while the IPv4 part of the dump is under way (a few datagrams in, of ~30): behind its
  // position (10.0/16, and the first bulk routes, already dumped) and ahead of it (10.200/16, the
  // last bulk routes, 203.0.113.0/24), parameter changes on either side, and IPv6 routes, whose
  // dump has not started.
  std::ostringstream changes;
  for (int i = 0; i < 20; ++i) {
    changes << "route add 10.0." << i << ".0/24 via 198.51.100.254\n";
    changes << "route add 10.200." << i << ".0/24 via 198.51.100.254\n";
    changes << "route del 10.1." << i << ".0/24 via 198.51.100.254\n";
    changes << "route del 10.48." << i << ".0/24 via 198.51.100.254\n";
    changes << "route add 2001:db8:6::" << i << "/128 via 2001:db8:1::fe\n";
    changes << "route del 2001:db8:5::" << i << "/128 via 2001:db8:1::fe\n";
  }
  changes << "route replace 10.0.200.0/24 via 198.51.100.254 proto static\n";
  changes << "route replace 203.0.113.0/24 via 198.51.100.254 proto static\n";
  lab.ns.batch(changes.str());

  const int calls = lab.finish();
  const BackendStats after = b.stats();
  CHECK(after.resyncs == lab.before.resyncs + 1);
  CHECK(after.lastResync > lab.before.lastResync);
  CHECK(after.resyncRestarts == lab.before.resyncRestarts);
  // ~20k routes are more than 60 dump datagrams and 10 merge steps: far from one call.
  INFO(calls << " calls, " << after.resyncSteps - lab.before.resyncSteps << " resync steps");
  CHECK(after.resyncSteps - lab.before.resyncSteps >= 40);
  CHECK(calls >= 40);
  lab.checkConverged();

  auto present = [&](const std::string& route) {
    return std::any_of(lab.view.rows.begin(), lab.view.rows.end(),
                       [&](const auto& kv) { return kv.second.destinationPrefix == prefix(route); });
  };
  CHECK(present("10.0.7.0/24"));
  CHECK(present("10.200.7.0/24"));
  CHECK_FALSE(present("10.1.7.0/24"));
  CHECK_FALSE(present("10.48.7.0/24"));
  CHECK(present("10.2.7.0/24"));
  CHECK(present("2001:db8:6::7/128"));
  CHECK_FALSE(present("2001:db8:5::7/128"));
  for (const char* route : {"10.0.200.0/24", "203.0.113.0/24"}) {
    INFO(route);
    RouteRow replaced = routeKeyOf(route, "198.51.100.254", v0, 0);
    REQUIRE(b.getIpForwardEntry2(replaced).ok());
    CHECK(replaced.nativeProtocol == 4); // RTPROT_STATIC, from RTPROT_BOOT
    CHECK(lab.view.saw(ChangeKind::ParameterChange, [&](const RouteRow& r) {
      return r.destinationPrefix == prefix(route) && r.nativeProtocol == 4;
    }));
  }
}

TEST_CASE("a resync starts over when events are lost again, or too many are held, during its route dump",
          "[integration][linux][events][overrun][resync]") {
  REQUIRE_ROOT();
  SECTION("the event socket overruns again") {
    Lab lab;
    lab.startResync();
    // 20,000 more events, again without dispatching: the socket holds a few thousand.
    std::ostringstream churn;
    for (int i = 0; i < 10000; ++i)
      churn << "route add 10.200." << i / 256 << "." << i % 256 << "/32 dev v0\n";
    for (int i = 0; i < 10000; i += 2)
      churn << "route del 10.200." << i / 256 << "." << i % 256 << "/32 dev v0\n";
    lab.ns.batch(churn.str());
    lab.finish();
    CHECK(lab.backend->stats().resyncRestarts >= lab.before.resyncRestarts + 1);
    CHECK(lab.backend->stats().resyncs >= lab.before.resyncs + 1);
    lab.checkConverged();
  }
  SECTION("held events pass resyncEventLimit") {
    Lab lab(4096); // a few dozen route events
    lab.startResync();
    std::ostringstream changes;
    for (int i = 0; i < 200; ++i)
      changes << "route add 10.200." << i << ".0/24 via 198.51.100.254\n";
    lab.ns.batch(changes.str());
    lab.finish();
    CHECK(lab.backend->stats().resyncRestarts >= lab.before.resyncRestarts + 1);
    CHECK(lab.backend->stats().resyncs >= lab.before.resyncs + 1);
    lab.checkConverged();
  }
}

TEST_CASE("a resync dumps every exported table, one that does not exist as empty",
          "[integration][linux][events][overrun][resync]") {
  REQUIRE_ROOT();
  TestNamespace ns("rs");
  buildTopology(ns);
  ns.ip("route add 203.0.113.0/24 via 198.51.100.254 table 100");
  ns.ip("-6 route add 2001:db8:aa::/48 via 2001:db8:1::fe table 100");
  LinuxOptions options;
  options.netns = ns.name();
  options.routeTables = {100, kMainRouteTable, 4242};
  options.eventReceiveBuffer = 4096;
  Result error;
  auto b = LinuxBackend::open(options, error);
  REQUIRE(b);
  finishRouteLoad(*b);
  View<RouteKey, RouteRow> view(routeKey);
  auto subscription = b->notifyRouteChange2(Family::Unspecified, [&](auto c) { view.apply(c); });
  std::vector<RouteRow> initial;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, initial).ok());
  view.rows = asMap(initial, routeKey);

  std::ostringstream flood;
  for (int i = 0; i < 2000; ++i) {
    flood << "route add blackhole 10.9." << i / 256 << "." << i % 256 << "/32 table 100\n";
    flood << "route add blackhole 10.8." << i / 256 << "." << i % 256 << "/32\n";
    flood << "route add blackhole 2001:db8:9::" << std::hex << i << std::dec << "/128 table 100\n";
    flood << "route add blackhole 10.7." << i / 256 << "." << i % 256 << "/32 table 101\n"; // not exported
  }
  ns.batch(flood.str());
  const BackendStats before = b->stats();
  for (int calls = 0; b->dispatch(0ms); ++calls)
    REQUIRE(calls < 1'000'000);
  CHECK(b->stats().resyncs == before.resyncs + 1);
  settle(*b);

  // The same tables as a backend opened now reads them (whole dumps at open).
  auto reference = LinuxBackend::open(options, error);
  REQUIRE(reference);
  std::vector<RouteRow> ours, theirs;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, ours).ok());
  REQUIRE(reference->getIpForwardTable2(Family::Unspecified, theirs).ok());
  for (auto* rows : {&ours, &theirs})
    for (auto& r : *rows)
      r.created = {};
  CHECK(ours.size() == initial.size() + 6000);
  CHECK(asMap(ours, routeKey) == asMap(theirs, routeKey));
  CHECK(view.anomalies == std::vector<std::string>{});
  CHECK(view.rows.size() == ours.size());
}

} // namespace
