// InetCidrRouteTable against the simulator backend: initial load, then route changes flowing
// through Backend::dispatch() notifications into the served rows.
#include "platform/sim/sim_backend.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/notify/change_watches.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Result;
using ipmibd::platform::sim::SimBackend;

namespace {

const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 2001:db8:1::2/64 dev eth1
route add default via 192.0.2.1 dev eth0
route add blackhole 203.0.113.0/24
route add unreachable 198.51.100.0/24
)";

struct SimFixture {
  Result error;
  std::unique_ptr<SimBackend> backend = SimBackend::fromScenario(kScenario, "test", error);
  InetCidrRouteTable table;
  RequestContext context = RequestContext::current(ipmibd::platform::Clock::now());

  void settle() {
    for (int i = 0; i < 100; ++i) {
      bool more = backend->dispatch(20ms);
      more = table.applyPending(20ms) || more;
      if (!more) return;
    }
  }
  // Every instance of one column, as "index=value".
  std::vector<std::string> column(SubId id) {
    std::vector<std::string> out;
    Oid prefix = InetCidrRouteTable::entryOid();
    prefix.append(id);
    Oid at = prefix;
    while (auto vb = table.table().getNextOid(at, context)) {
      if (!prefix.isPrefixOf(vb->oid)) break;
      out.push_back(Oid(vb->oid.suffixAfter(prefix)).toString() + "=" + vb->value.toString());
      at = vb->oid;
    }
    return out;
  }
  bool has(const std::vector<std::string>& rows, const std::string& row) {
    return std::find(rows.begin(), rows.end(), row) != rows.end();
  }
};

} // namespace

TEST_CASE_METHOD(SimFixture, "Route table loads from the simulator and follows its changes",
                 "[inet_cidr_route][sim]") {
  REQUIRE(backend);
  INFO(error.toString());
  REQUIRE(table.attach(*backend).ok());
  settle();
  std::vector<ipmibd::platform::RouteRow> rows;
  REQUIRE(backend->getIpForwardTable2(ipmibd::platform::Family::Unspecified, rows).ok());
  CHECK(table.rowCount() == rows.size());
  CHECK(table.objects()[0]->getOid(InetCidrRouteTable::numberOid() + Oid{0}, context) ==
        GetResult{Value::gauge32(std::uint32_t(rows.size()))});

  auto types = column(8);
  CHECK(has(types, "1.4.0.0.0.0.0.2.0.0.1.4.192.0.2.1=INTEGER: 4"));       // remote
  CHECK(has(types, "1.4.203.0.113.0.24.3.0.0.0.1.4.0.0.0.0=INTEGER: 5"));  // blackhole, no interface
  CHECK(has(types, "1.4.198.51.100.0.24.3.0.0.0.1.4.0.0.0.0=INTEGER: 2")); // unreachable -> reject
  for (const auto& row : rows)
    CHECK(table.indexOf(row));

  // A new route arrives through a notification batch.
  REQUIRE(backend->apply("route add 10.0.0.0/8 via 192.0.2.9 dev eth0 metric 50 proto static").ok());
  settle();
  CHECK(table.rowCount() == rows.size() + 1);
  auto metrics = column(12);
  CHECK(has(metrics, "1.4.10.0.0.0.8.2.0.0.1.4.192.0.2.9=INTEGER: 50"));
  auto protos = column(9);
  CHECK(has(protos, "1.4.10.0.0.0.8.2.0.0.1.4.192.0.2.9=INTEGER: 3")); // static -> netmgmt

  // Multipath: one row per next hop.
  REQUIRE(
      backend
          ->apply("route add 172.16.0.0/12 nexthop via 192.0.2.10 dev eth0 nexthop via 192.0.2.11 dev eth0")
          .ok());
  settle();
  CHECK(table.rowCount() == rows.size() + 3);

  // ECMP over one link-local next hop through two interfaces: distinct rows.
  REQUIRE(
      backend->apply("route add 2001:db8:99::/48 nexthop via fe80::1 dev eth0 nexthop via fe80::1 dev eth1")
          .ok());
  settle();
  CHECK(table.rowCount() == rows.size() + 5);

  REQUIRE(backend->apply("route del 10.0.0.0/8 via 192.0.2.9 dev eth0 metric 50").ok());
  settle();
  CHECK(table.rowCount() == rows.size() + 4);
  CHECK_FALSE(has(column(12), "1.4.10.0.0.0.8.2.0.0.1.4.192.0.2.9=INTEGER: 50"));
  CHECK(table.discardCount() == 0);
}

TEST_CASE_METHOD(SimFixture, "Changes notified while the dump is loading apply after it",
                 "[inet_cidr_route][sim]") {
  REQUIRE(backend);
  REQUIRE(table.attach(*backend).ok());
  CHECK(table.loading());
  CHECK(table.rowCount() == 0); // nothing served before applyPending()
  REQUIRE(backend->apply("route del default via 192.0.2.1 dev eth0").ok());
  REQUIRE(backend->apply("route add 10.9.0.0/16 via 192.0.2.1 dev eth0").ok());
  backend->dispatch(20ms); // delivered while the dump is still queued
  CHECK(table.rowCount() == 0);
  settle();
  CHECK_FALSE(table.loading());
  std::vector<ipmibd::platform::RouteRow> rows;
  REQUIRE(backend->getIpForwardTable2(ipmibd::platform::Family::Unspecified, rows).ok());
  CHECK(table.rowCount() == rows.size());
  auto ifIndexes = column(7);
  CHECK_FALSE(has(ifIndexes, "1.4.0.0.0.0.0.2.0.0.1.4.192.0.2.1=INTEGER: 2"));
  CHECK(std::any_of(ifIndexes.begin(), ifIndexes.end(), [](const std::string& s) {
    return s.rfind("1.4.10.9.0.0.16.2.0.0.1.4.192.0.2.1=", 0) == 0;
  }));
}

TEST_CASE_METHOD(SimFixture, "Change notifications: the dump is not announced, later changes are",
                 "[inet_cidr_route][sim][notify]") {
  REQUIRE(backend);
  ChangeNotifier notifier({}, [] { return ChangeNotifier::Clock::now(); });
  REQUIRE(table.attach(*backend).ok());
  auto watch = watchChanges(table, notifier); // as the agent: watching starts after attach
  // Delivered while the dump is still queued: a real change, announced after the dump.
  REQUIRE(backend->apply("route add 10.9.0.0/16 via 192.0.2.1 dev eth0").ok());
  settle();
  CHECK(table.rowCount() > 3);
  auto sent = notifier.take();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].trapOid == NotificationOids::rowNotification(NotifyTable::Route, RowEvent::Added));
  CHECK(sent[0].varbinds.at(1).oid.toString() ==
        "1.3.6.1.2.1.4.24.7.1.7.1.4.10.9.0.0.16.2.0.0.1.4.192.0.2.1");
  REQUIRE(backend->apply("route del blackhole 203.0.113.0/24").ok());
  settle();
  sent = notifier.take();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].trapOid == NotificationOids::rowNotification(NotifyTable::Route, RowEvent::Removed));
}
