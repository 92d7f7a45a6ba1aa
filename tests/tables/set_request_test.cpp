// The SET engine over the simulator: every error class with its error index, all-or-nothing
// rollback (commitFailed / undoFailed), out-of-band changes, RowStatus lifecycles and expiry,
// and the writable scalars and IP interface columns.
#include "platform/sim/sim_backend.h"
#include "tables/engine/scalar.h"
#include "tables/engine/set_request.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_mib/ip_interface_tables.h"
#include "tables/ip_mib/ip_scalars.h"
#include "tests/tables/ip_tables_test_support.h"
#include "tests/tables/set_pdu.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <tuple>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using ipmibd::platform::Family;
using ipmibd::platform::Result;
using ipmibd::platform::RouteRow;
using ipmibd::platform::Status;
using ipmibd::platform::sim::Operation;
using ipmibd::platform::sim::SimBackend;

namespace {

// lo = 1, eth0 = 2, eth1 = 3.
const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 198.51.100.2/24 dev eth1
addr add 2001:db8:1::2/64 dev eth1
route add default via 192.0.2.1 dev eth0
route add 203.0.113.0/24 via 198.51.100.1 dev eth1 proto static metric 7
)";

enum : SubId {
  kIfIndex = 7,
  kType = 8,
  kProto = 9,
  kAge = 10,
  kNextHopAs = 11,
  kMetric1 = 12,
  kMetric2 = 13,
  kStatus = 17
};

// A test-only writer whose one action runs a callback when ACTION reaches it: it arms the
// simulator's fault injection exactly between two route creations of one PDU.
class Tripwire final : public RowWriter {
public:
  explicit Tripwire(std::function<void()> fire) : fire_(std::move(fire)) {}
  SetError check(const MibObject&, std::span<const SubId>, const Value&, WriteTarget& target) override {
    target.row = Oid{0};
    return SetError::NoError;
  }
  SetError plan(const Oid&, std::span<const ColumnWrite>, const RequestContext&,
                std::vector<WriteAction>& actions, std::size_t&) override {
    WriteAction action;
    action.order = WriteAction::Order::Create;
    action.description = "tripwire";
    action.apply = [this] {
      fire_();
      return Result::success();
    };
    action.undo = [] { return Result::success(); };
    actions.push_back(std::move(action));
    return SetError::NoError;
  }

private:
  std::function<void()> fire_;
};

struct Fixture : testing::SetPduDriver<Fixture> {
  std::unique_ptr<SimBackend> backend = makeSim(kScenario);
  InetCidrRouteTable routes;
  IpScalars scalars{IpScalarsOptions{0ms}};
  IpInterfaceTables interfaces;
  RequestContext context{backend->now(), backend->now()};

  Fixture() {
    REQUIRE(backend);
    REQUIRE(routes.attach(*backend).ok());
    REQUIRE(scalars.attach(*backend, backend->now()).ok());
    REQUIRE(interfaces.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, routes, interfaces); }
  const MibObject& table() const { return *routes.objects()[1]; }
  static Oid col(SubId column, const Oid& index) {
    return InetCidrRouteTable::entryOid() + Oid{column} + index;
  }

  // The kernel's routes, for "exactly as it was" comparisons.
  std::vector<RouteRow> kernel() {
    std::vector<RouteRow> rows;
    REQUIRE(backend->getIpForwardTable2(Family::Unspecified, rows).ok());
    std::sort(rows.begin(), rows.end(),
              [](const RouteRow& a, const RouteRow& b) { return keyOf(a) < keyOf(b); });
    return rows;
  }
  std::optional<RouteRow> route(const char* prefix) {
    for (const RouteRow& row : kernel())
      if (row.destinationPrefix.toString() == prefix) return row;
    return std::nullopt;
  }
  std::string get(SubId column, const Oid& index) {
    GetResult result = table().getOid(col(column, index), context);
    if (const auto* value = std::get_if<Value>(&result)) return value->toString();
    return "noSuchInstance";
  }
};

// Indexes: remote 10.1.0.0/16 via 192.0.2.1 (policy {0 0}); on-link 10.2.0.0/16 dev eth0 (policy
// {0 0 2}, next hop 0.0.0.0); blackhole 10.3.0.0/16 (policy {0 0 0}).
const Oid kRemote{1, 4, 10, 1, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1};
const Oid kOnLink{1, 4, 10, 2, 0, 0, 16, 3, 0, 0, 2, 1, 4, 0, 0, 0, 0};
const Oid kDiscard{1, 4, 10, 3, 0, 0, 16, 3, 0, 0, 0, 1, 4, 0, 0, 0, 0};
const Oid kStatic{1, 4, 203, 0, 113, 0, 24, 2, 0, 0, 1, 4, 198, 51, 100, 1};
const Oid kConnected{1, 4, 192, 0, 2, 0, 24, 3, 0, 0, 2, 1, 4, 0, 0, 0, 0};
Oid remoteIndex(std::uint8_t second) { return Oid{1, 4, 10, second, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1}; }

Value integer(std::int32_t v) { return Value::integer32(v); }

} // namespace

TEST_CASE_METHOD(Fixture, "createAndGo, change Metric1 and IfIndex, destroy", "[set][route]") {
  REQUIRE(set({{&table(), col(kStatus, kRemote), integer(kCreateAndGo)},
               {&table(), col(kMetric1, kRemote), integer(40)}})
              .ok());
  auto created = route("10.1.0.0/16");
  REQUIRE(created);
  CHECK(created->metric == 40);
  CHECK(created->nextHop.toString() == "192.0.2.1");
  CHECK(created->protocol == ipmibd::platform::RouteProtocol::NetMgmt);
  CHECK(get(kStatus, kRemote) == "INTEGER: 1");
  CHECK(get(kMetric1, kRemote) == "INTEGER: 40");

  REQUIRE(set1(kMetric1, kRemote, integer(50)).ok());
  CHECK(route("10.1.0.0/16")->metric == 50);
  CHECK(get(kMetric1, kRemote) == "INTEGER: 50");
  REQUIRE(set1(kIfIndex, kRemote, integer(2)).ok()); // already eth0: no change, no error
  CHECK(set1(kIfIndex, kRemote, integer(99)).error == SetError::InconsistentValue);

  REQUIRE(set1(kStatus, kRemote, integer(kDestroy)).ok());
  CHECK_FALSE(route("10.1.0.0/16"));
  CHECK(get(kStatus, kRemote) == "noSuchInstance");
  // destroy of a row that does not exist is noError (RFC 2579 state A).
  CHECK(set1(kStatus, kRemote, integer(kDestroy)).ok());
}

TEST_CASE_METHOD(Fixture, "createAndGo with RowStatus alone: on-link and discarding routes", "[set][route]") {
  REQUIRE(set1(kStatus, kOnLink, integer(kCreateAndGo)).ok());
  auto onLink = route("10.2.0.0/16");
  REQUIRE(onLink);
  CHECK(onLink->interfaceIndex == 2);
  CHECK(get(kType, kOnLink) == "INTEGER: 3");
  // Blackhole needs its type: RowStatus alone says nothing about what the row is.
  CHECK(set1(kStatus, kDiscard, integer(kCreateAndGo)).error == SetError::InconsistentValue);
  REQUIRE(set({{&table(), col(kType, kDiscard), integer(5)},
               {&table(), col(kStatus, kDiscard), integer(kCreateAndGo)}})
              .ok());
  CHECK(route("10.3.0.0/16")->type == ipmibd::platform::RouteType::Blackhole);
  // reject <-> blackhole is a change of an active row; local -> blackhole would move its index.
  REQUIRE(set1(kType, kDiscard, integer(2)).ok());
  CHECK(route("10.3.0.0/16")->type == ipmibd::platform::RouteType::Unreachable);
  CHECK(set1(kType, kOnLink, integer(5)).error == SetError::InconsistentValue);
}

TEST_CASE_METHOD(Fixture, "Every error class, with the error index of the failing varbind", "[set][errors]") {
  const auto before = kernel();
  auto second = [&](SubId column, const Oid& index, Value value) {
    return set({{&table(), col(kStatus, remoteIndex(9)), integer(kCreateAndGo)},
                {&table(), col(column, index), std::move(value)}});
  };
  auto expect = [&](SetOutcome outcome, SetError error, VarbindId at) {
    INFO(outcome.message);
    CHECK(outcome.error == error);
    CHECK(outcome.varbind == at);
  };
  expect(second(kStatus, kRemote, Value::gauge32(4)), SetError::WrongType, 2);
  expect(second(kMetric1, kRemote, Value::octetString("x")), SetError::WrongType, 2);
  expect(second(kStatus, kRemote, integer(kNotReady)), SetError::WrongValue, 2);
  expect(second(kStatus, kRemote, integer(7)), SetError::WrongValue, 2);
  expect(second(kType, kRemote, integer(1)), SetError::WrongValue, 2);
  expect(second(kMetric2, kRemote, integer(5)), SetError::WrongValue, 2);
  expect(second(kNextHopAs, kRemote, Value::unsigned32(65000)), SetError::WrongValue, 2);
  expect(second(kIfIndex, kRemote, integer(-1)), SetError::WrongValue, 2);
  expect(second(kProto, kStatic, integer(3)), SetError::NotWritable, 2);
  expect(second(kAge, kStatic, Value::gauge32(0)), SetError::NotWritable, 2);
  expect(second(99, kStatic, integer(0)), SetError::NoCreation, 2);
  expect(second(kStatus, Oid{1, 4, 10, 1}, integer(kCreateAndGo)), SetError::NoCreation, 2); // truncated
  // Index consistency (RFC 4292): host bits beyond the prefix, prefix too long, next hop of
  // another family, policy shape not matching the next hop, an address length wrong for its type.
  expect(second(kStatus, Oid{1, 4, 10, 1, 0, 1, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1}, integer(kCreateAndGo)),
         SetError::InconsistentName, 2);
  expect(second(kStatus, Oid{1, 4, 10, 1, 0, 0, 33, 2, 0, 0, 1, 4, 192, 0, 2, 1}, integer(kCreateAndGo)),
         SetError::InconsistentName, 2);
  expect(second(kStatus, Oid{1,  4,   10, 1, 0, 0, 16, 2, 0, 0, 2, 16, 32, 1,
                             13, 184, 0,  1, 0, 0, 0,  0, 0, 0, 0, 0,  0,  1},
                integer(kCreateAndGo)),
         SetError::InconsistentName, 2);
  expect(second(kStatus, Oid{1, 4, 10, 1, 0, 0, 16, 3, 0, 0, 2, 1, 4, 192, 0, 2, 1}, integer(kCreateAndGo)),
         SetError::InconsistentName, 2);
  expect(second(kStatus, Oid{1, 5, 10, 1, 0, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1}, integer(kCreateAndGo)),
         SetError::InconsistentName, 2);
  expect(second(kStatus, Oid{1, 4, 10, 1, 0, 0, 16, 2, 0, 0, 0, 0}, integer(kCreateAndGo)),
         SetError::InconsistentName, 2); // unknown next hop (non-remote) with a remote's policy {0 0}
  // Row-level checks against current state (RESERVE2).
  expect(second(kIfIndex, remoteIndex(9), integer(99)), SetError::InconsistentValue,
         1); // reported on RowStatus
  expect(second(kStatus, kStatic, integer(kCreateAndGo)), SetError::InconsistentValue, 2);
  expect(second(kStatus, kRemote, integer(kActive)), SetError::InconsistentValue, 2);
  expect(second(kMetric1, kRemote, integer(5)), SetError::NoCreation, 2); // no such row, no RowStatus
  // Rows the system owns: the connected route of eth0.
  expect(second(kMetric1, kConnected, integer(5)), SetError::NotWritable, 2);
  expect(second(kStatus, kConnected, integer(kDestroy)), SetError::InconsistentValue, 2);
  CHECK(kernel() == before); // not even the valid first varbind was applied
}

TEST_CASE_METHOD(Fixture, "A PDU creating three routes is undone when the third fails", "[set][rollback]") {
  const auto before = kernel();
  Oid marker = IpScalars::forwardingOid();
  MibScalar tripObject(marker, "tripwire", Syntax::Integer32, Access::ReadWrite,
                       [](const RequestContext&) { return Value::integer32(0); });

  SECTION("fault injected on the third create: commitFailed, the first two are gone") {
    Tripwire trip([&] { backend->injectFault(Operation::CreateRoute, Status::GeneralFailure, 1); });
    tripObject.setWriter(&trip);
    const SetOutcome outcome = set({{&table(), col(kStatus, remoteIndex(1)), integer(kCreateAndGo)},
                                    {&table(), col(kStatus, remoteIndex(2)), integer(kCreateAndGo)},
                                    {&tripObject, marker + Oid{0}, integer(1)},
                                    {&table(), col(kStatus, remoteIndex(3)), integer(kCreateAndGo)}});
    INFO(outcome.message);
    CHECK(outcome.error == SetError::CommitFailed);
    CHECK(outcome.varbind == 4);
    CHECK(kernel() == before);
    CHECK(get(kStatus, remoteIndex(1)) == "noSuchInstance");
  }
  SECTION("and the undo of the second fails too: undoFailed, the log names what remains") {
    Tripwire trip([&] {
      backend->injectFault(Operation::CreateRoute, Status::GeneralFailure, 1);
      backend->injectFault(Operation::DeleteRoute, Status::Busy, 1);
    });
    tripObject.setWriter(&trip);
    const SetOutcome outcome = set({{&table(), col(kStatus, remoteIndex(1)), integer(kCreateAndGo)},
                                    {&table(), col(kStatus, remoteIndex(2)), integer(kCreateAndGo)},
                                    {&tripObject, marker + Oid{0}, integer(1)},
                                    {&table(), col(kStatus, remoteIndex(3)), integer(kCreateAndGo)}});
    CHECK(outcome.error == SetError::UndoFailed);
    CHECK(outcome.varbind == 4);
    CHECK(outcome.message.find("still applied: [create unicast route 10.2.0.0/16 via 192.0.2.1 dev 2") !=
          std::string::npos);
    CHECK(route("10.2.0.0/16"));       // the one whose undo failed
    CHECK_FALSE(route("10.1.0.0/16")); // undone
  }
  SECTION("a next hop on no connected network is refused in RESERVE2: inconsistentValue") {
    const SetOutcome outcome =
        set({{&table(), col(kStatus, remoteIndex(1)), integer(kCreateAndGo)},
             {&table(), col(kStatus, Oid{1, 4, 10, 9, 0, 0, 16, 2, 0, 0, 1, 4, 203, 0, 113, 9}),
              integer(kCreateAndGo)}});
    CHECK(outcome.error == SetError::InconsistentValue);
    CHECK(outcome.varbind == 2);
    CHECK(kernel() == before);
  }
  SECTION("the platform refusing a create in ACTION: commitFailed, nothing left") {
    backend->injectFault(Operation::CreateRoute, Status::AccessDenied, 1);
    const SetOutcome outcome = set({{&table(), col(kStatus, kStatic), integer(kDestroy)},
                                    {&table(), col(kStatus, remoteIndex(1)), integer(kCreateAndGo)}});
    CHECK(outcome.error == SetError::CommitFailed);
    CHECK(outcome.varbind == 2);
    CHECK(kernel() == before); // the destroy that ran first was undone
  }
}

TEST_CASE_METHOD(Fixture, "Deletions run before modifications and creations", "[set][order]") {
  SetRequest request;
  REQUIRE(request.add(1, table(), col(kStatus, kRemote), integer(kCreateAndGo)) == SetError::NoError);
  REQUIRE(request.add(2, table(), col(kMetric1, kStatic), integer(9)) == SetError::NoError);
  REQUIRE(request.add(3, table(), col(kStatus, kStatic), integer(kDestroy)) == SetError::NoError);
  REQUIRE(request.add(4, *scalars.objects()[1], IpScalars::defaultTtlOid() + Oid{0}, integer(99)) ==
          SetError::NoError);
  REQUIRE(request.prepare(context).ok());
  const auto plan = request.planDescription();
  REQUIRE(plan.size() == 3); // destroy wins over the Metric1 change of the same row
  CHECK(plan[0].rfind("delete unicast route 203.0.113.0/24", 0) == 0);
  CHECK(plan[1].rfind("set IPv4 forwarding", 0) == 0);
  CHECK(plan[2].rfind("create unicast route 10.1.0.0/16", 0) == 0);
  request.discard();
}

TEST_CASE_METHOD(Fixture, "Out-of-band changes between RESERVE2 and ACTION are not overwritten",
                 "[set][race]") {
  SECTION("the route to destroy was replaced by another protocol's meanwhile") {
    SetRequest request;
    REQUIRE(request.add(1, table(), col(kStatus, kStatic), integer(kDestroy)) == SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("route del 203.0.113.0/24").ok());
    REQUIRE(backend->apply("route add 203.0.113.0/24 via 198.51.100.1 dev eth1 proto boot metric 7").ok());
    const auto before = kernel();
    const SetOutcome outcome = request.execute();
    CHECK(outcome.error == SetError::InconsistentValue);
    CHECK(outcome.varbind == 1);
    CHECK(kernel() == before);
  }
  SECTION("the route to create appeared meanwhile") {
    SetRequest request;
    REQUIRE(request.add(1, table(), col(kStatus, kRemote), integer(kCreateAndGo)) == SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("route add 10.1.0.0/16 via 192.0.2.1 dev eth0").ok());
    settle();
    const auto before = kernel();
    CHECK(request.execute().error == SetError::InconsistentValue);
    CHECK(kernel() == before);
  }
  SECTION("ipDefaultTTL changed meanwhile") {
    SetRequest request;
    REQUIRE(request.add(1, *scalars.objects()[1], IpScalars::defaultTtlOid() + Oid{0}, integer(99)) ==
            SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("sysctl net.ipv4.ip_default_ttl=77").ok());
    CHECK(request.execute().error == SetError::InconsistentValue);
    ipmibd::platform::IpGlobalSettings now;
    now.family = Family::V4;
    REQUIRE(backend->getIpGlobalSettings(now).ok());
    CHECK(now.defaultHopLimit == 77);
  }
}

TEST_CASE_METHOD(Fixture, "createAndWait rows live in the agent until activated, and expire when idle",
                 "[set][createAndWait]") {
  const auto before = kernel();
  REQUIRE(set1(kStatus, kRemote, integer(kCreateAndWait)).ok());
  CHECK(kernel() == before);
  CHECK(get(kStatus, kRemote) == "INTEGER: 2"); // notInService: everything needed is known
  CHECK(get(kType, kRemote) == "INTEGER: 4");
  CHECK(set1(kStatus, kRemote, integer(kCreateAndWait)).error == SetError::InconsistentValue);
  REQUIRE(set1(kMetric1, kRemote, integer(33)).ok());
  CHECK(get(kMetric1, kRemote) == "INTEGER: 33");
  REQUIRE(set1(kStatus, kRemote, integer(kActive)).ok());
  REQUIRE(route("10.1.0.0/16"));
  CHECK(route("10.1.0.0/16")->metric == 33);
  CHECK(get(kStatus, kRemote) == "INTEGER: 1");
  CHECK(routes.writer().pendingRows() == 0);

  // A blackhole row without its type is notReady until the type is set.
  REQUIRE(set1(kStatus, kDiscard, integer(kCreateAndWait)).ok());
  CHECK(get(kStatus, kDiscard) == "INTEGER: 3");
  CHECK(set1(kStatus, kDiscard, integer(kActive)).error == SetError::InconsistentValue);
  REQUIRE(set1(kType, kDiscard, integer(5)).ok());
  CHECK(get(kStatus, kDiscard) == "INTEGER: 2");

  // Idle expiry (rowIdleTimeout, default 300 s), measured from the last SET that touched the row.
  const auto touched = context.now();
  routes.writer().expireIdle(touched + 299s);
  CHECK(get(kStatus, kDiscard) == "INTEGER: 2");
  routes.writer().expireIdle(touched + 300s);
  CHECK(get(kStatus, kDiscard) == "noSuchInstance");
  CHECK(routes.writer().pendingRows() == 0);
}

TEST_CASE_METHOD(Fixture, "notInService takes an active route out of the kernel, active puts it back",
                 "[set][createAndWait]") {
  REQUIRE(set1(kStatus, kStatic, integer(kNotInService)).ok());
  CHECK_FALSE(route("203.0.113.0/24"));
  CHECK(get(kStatus, kStatic) == "INTEGER: 2");
  CHECK(get(kMetric1, kStatic) == "INTEGER: 7");
  REQUIRE(set1(kStatus, kStatic, integer(kActive)).ok());
  REQUIRE(route("203.0.113.0/24"));
  CHECK(route("203.0.113.0/24")->metric == 7);
  REQUIRE(set1(kStatus, kStatic, integer(kNotInService)).ok());
  REQUIRE(set1(kStatus, kStatic, integer(kDestroy)).ok());
  CHECK(get(kStatus, kStatic) == "noSuchInstance");
}

TEST_CASE_METHOD(Fixture, "IP scalars: range checks and one platform call per family", "[set][scalars]") {
  const MibObject& forwarding = *scalars.objects()[0];
  const MibObject& ttl = *scalars.objects()[1];
  const MibObject& hopLimit = *scalars.objects()[4];
  const Oid ttl0 = IpScalars::defaultTtlOid() + Oid{0};
  CHECK(set({{&ttl, ttl0, integer(0)}}).error == SetError::WrongValue);
  CHECK(set({{&ttl, ttl0, integer(256)}}).error == SetError::WrongValue);
  CHECK(set({{&ttl, ttl0, Value::gauge32(64)}}).error == SetError::WrongType);
  CHECK(set({{&ttl, IpScalars::defaultTtlOid() + Oid{1}, integer(64)}}).error == SetError::NoCreation);
  CHECK(set({{&forwarding, IpScalars::forwardingOid() + Oid{0}, integer(3)}}).error == SetError::WrongValue);
  CHECK(set({{&hopLimit, IpScalars::ipv6DefaultHopLimitOid() + Oid{0}, integer(0)}}).error ==
        SetError::WrongValue);

  REQUIRE(
      set({{&forwarding, IpScalars::forwardingOid() + Oid{0}, integer(1)}, {&ttl, ttl0, integer(100)}}).ok());
  ipmibd::platform::IpGlobalSettings v4;
  v4.family = Family::V4;
  REQUIRE(backend->getIpGlobalSettings(v4).ok());
  CHECK(v4.forwarding);
  CHECK(v4.defaultHopLimit == 100);
  CHECK(std::get<Value>(ttl.getOid(ttl0, context)) == integer(100));

  // A failing platform call leaves both settings as they were.
  backend->injectFault(Operation::SetGlobal, Status::AccessDenied, 1);
  CHECK(set({{&forwarding, IpScalars::forwardingOid() + Oid{0}, integer(2)}, {&ttl, ttl0, integer(64)}})
            .error == SetError::CommitFailed);
  REQUIRE(backend->getIpGlobalSettings(v4).ok());
  CHECK(v4.forwarding);
  CHECK(v4.defaultHopLimit == 100);
}

TEST_CASE_METHOD(Fixture, "IP interface columns: SetIpInterfaceEntry with range checks",
                 "[set][interfaces]") {
  const MibObject& v4 = *interfaces.objects()[1];
  const MibObject& v6 = *interfaces.objects()[3];
  const Oid v6Forwarding = IpInterfaceTables::ipv6EntryOid() + Oid{8, 3};
  CHECK(set({{&v6, v6Forwarding, integer(3)}}).error == SetError::WrongValue);
  CHECK(set({{&v6, IpInterfaceTables::ipv6EntryOid() + Oid{8, 99}, integer(1)}}).error ==
        SetError::NoCreation);
  CHECK(set({{&v6, IpInterfaceTables::ipv6EntryOid() + Oid{8, 3, 0}, integer(1)}}).error ==
        SetError::NoCreation);
  CHECK(set({{&v4, IpInterfaceTables::ipv4EntryOid() + Oid{2, 2}, integer(1500)}}).error ==
        SetError::NotWritable);
  // IPv4 cannot be switched off per interface: a precise refusal before anything is applied
  // (found by tests/agent/hostile_requests_test.py as commitFailed); up(1) is a no-op.
  CHECK(set({{&v4, IpInterfaceTables::ipv4EntryOid() + Oid{3, 3}, integer(2)}}).error ==
        SetError::InconsistentValue);
  CHECK(set({{&v4, IpInterfaceTables::ipv4EntryOid() + Oid{3, 3}, integer(1)}}).ok());

  REQUIRE(set({{&v6, v6Forwarding, integer(1)}}).ok());
  ipmibd::platform::IpInterfaceRow row;
  row.family = Family::V6;
  row.interfaceIndex = 3;
  REQUIRE(backend->getIpInterfaceEntry(row).ok());
  CHECK(row.forwardingEnabled);
  CHECK(std::get<Value>(v6.getOid(v6Forwarding, context)) == integer(1));

  REQUIRE(set({{&v6, IpInterfaceTables::ipv6EntryOid() + Oid{5, 3}, integer(2)}}).ok());
  REQUIRE(backend->getIpInterfaceEntry(row).ok());
  CHECK_FALSE(row.enabled);
}

namespace {

// A test-only writer: each varbind of its scalar plans one action whose order is the value
// written (0 Delete, 1 Modify, 2 Create) and whose apply / undo / commit hook log what ran.
class HookRecorder final : public RowWriter {
public:
  std::vector<std::string> log;
  bool failApply = false; // the action of value 2 (a creation) fails in ACTION
  SetError check(const MibObject&, std::span<const SubId> suffix, const Value&,
                 WriteTarget& target) override {
    target.row = Oid(suffix);
    return SetError::NoError;
  }
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext&,
                std::vector<WriteAction>& actions, std::size_t&) override {
    const std::string name = row.toString();
    WriteAction action;
    action.order = WriteAction::Order(writes.front().value.asInteger32());
    action.description = name;
    action.apply = [this, name, fail = failApply && action.order == WriteAction::Order::Create] {
      log.push_back("apply " + name);
      return fail ? Result::failure(Status::AccessDenied, "refused") : Result::success();
    };
    action.undo = [this, name] {
      log.push_back("undo " + name);
      return Result::success();
    };
    action.commit = [this, name] { log.push_back("commit " + name); };
    actions.push_back(std::move(action));
    return SetError::NoError;
  }
};

} // namespace

TEST_CASE("commit hooks run at COMMIT only, in plan order", "[set][commit]") {
  HookRecorder recorder;
  MibScalar scalar(Oid{1, 3, 6, 1, 4, 1, 99999, 1}, "recorder", ipmibd::tables::Syntax::Integer32,
                   Access::ReadWrite, [](const RequestContext&) { return Value::integer32(0); });
  scalar.setWriter(&recorder);
  const RequestContext context = RequestContext::current(ipmibd::platform::Clock::now());
  auto add = [&](SetRequest& request) {
    REQUIRE(request.add(1, scalar, scalar.base() + Oid{1}, Value::integer32(2)) == SetError::NoError);
    REQUIRE(request.add(2, scalar, scalar.base() + Oid{2}, Value::integer32(0)) == SetError::NoError);
    REQUIRE(request.add(3, scalar, scalar.base() + Oid{3}, Value::integer32(1)) == SetError::NoError);
  };
  SECTION("committed: after every apply, deletions first") {
    SetRequest request;
    add(request);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(request.execute().ok());
    CHECK(recorder.log == std::vector<std::string>{"apply 2", "apply 3", "apply 1"});
    request.commit();
    CHECK(recorder.log ==
          std::vector<std::string>{"apply 2", "apply 3", "apply 1", "commit 2", "commit 3", "commit 1"});
    request.discard(); // FREE after COMMIT runs nothing more
    CHECK(recorder.log.size() == 6);
  }
  SECTION("undone after ACTION (another part of the PDU failed): no hook") {
    SetRequest request;
    add(request);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(request.execute().ok());
    REQUIRE(request.undo().ok());
    request.commit(); // a stray COMMIT after UNDO must not run the hooks either
    request.discard();
    CHECK(recorder.log ==
          std::vector<std::string>{"apply 2", "apply 3", "apply 1", "undo 1", "undo 3", "undo 2"});
  }
  SECTION("ACTION failed and rolled back: no hook") {
    recorder.failApply = true;
    SetRequest request;
    add(request);
    REQUIRE(request.prepare(context).ok());
    CHECK(request.execute().error == SetError::CommitFailed);
    request.commit();
    request.discard();
    CHECK(recorder.log == std::vector<std::string>{"apply 2", "apply 3", "apply 1", "undo 3", "undo 2"});
  }
  SECTION("refused in RESERVE2 or discarded before ACTION: no hook") {
    SetRequest request;
    add(request);
    REQUIRE(request.prepare(context).ok());
    request.discard();
    request.commit();
    CHECK(recorder.log.empty());
  }
}

namespace {

// A table context's instance: the simulator exports table 100 only, whose one route overlaps main's
// default route; the connected networks are in main (as `ip addr add` puts them on Linux).
std::unique_ptr<SimBackend> tableContextSim() {
  Result error;
  ipmibd::platform::sim::SimOptions options;
  options.manualClock = true;
  options.routeTables = {100};
  auto sim =
      SimBackend::fromScenario(std::string(kScenario) + "route add 198.18.0.0/15 via 192.0.2.1 table 100\n",
                               "table-context", error, options);
  INFO(error.toString());
  REQUIRE(sim);
  return sim;
}

InetCidrRouteOptions table100() {
  InetCidrRouteOptions options;
  options.routeTable = 100;
  return options;
}

struct TableContextFixture : testing::SetPduDriver<TableContextFixture> {
  std::unique_ptr<SimBackend> backend = tableContextSim();
  InetCidrRouteTable routes{table100()};
  RequestContext context{backend->now(), backend->now()};
  TableContextFixture() {
    REQUIRE(routes.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, routes); }
  const MibObject& table() const { return *routes.objects()[1]; }
  static Oid col(SubId column, const Oid& index) {
    return InetCidrRouteTable::entryOid() + Oid{column} + index;
  }
  std::vector<RouteRow> tableRoutes() {
    std::vector<RouteRow> rows;
    REQUIRE(backend->getIpForwardTable2(Family::Unspecified, rows).ok());
    return rows;
  }
};

} // namespace

TEST_CASE_METHOD(TableContextFixture,
                 "A table context resolves a gateway through main, as ip route add ... table N",
                 "[set][route][context]") {
  // 10.1.0.0/16 via 192.0.2.1 with no interface: table 100 has no connected route to 192.0.2.1 (its
  // one route goes through it), main has eth0's; the route is created in table 100 on eth0.
  REQUIRE(set1(kStatus, kRemote, integer(kCreateAndGo)).ok());
  const auto rows = tableRoutes();
  const auto created = std::find_if(rows.begin(), rows.end(), [](const RouteRow& r) {
    return r.destinationPrefix.toString() == "10.1.0.0/16";
  });
  REQUIRE(created != rows.end());
  CHECK(created->table == 100);
  CHECK(created->interfaceIndex == 2);
  CHECK(created->nextHop.toString() == "192.0.2.1");

  // A gateway no table reaches is refused before anything is written.
  const Oid unreachable{1, 4, 10, 9, 0, 0, 16, 2, 0, 0, 1, 4, 100, 64, 0, 1};
  const auto before = tableRoutes();
  CHECK(set1(kStatus, unreachable, integer(kCreateAndGo)).error == SetError::InconsistentValue);
  CHECK(tableRoutes() == before);
}
