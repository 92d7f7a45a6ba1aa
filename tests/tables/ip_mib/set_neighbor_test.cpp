// Writable ipNetToPhysicalTable over the simulator: static neighbors created, changed and deleted
// (RowStatus and Type = invalid), every refusal with its error index and the kernel untouched,
// out-of-band races caught in ACTION, and full rollback when the platform refuses a create.
#include "platform/sim/sim_backend.h"
#include "tables/engine/set_request.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tests/tables/ip_tables_test_support.h"
#include "tests/tables/set_pdu.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <tuple>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using ipmibd::platform::Family;
using ipmibd::platform::NeighborRow;
using ipmibd::platform::NeighborState;
using ipmibd::platform::Result;
using ipmibd::platform::RouteRow;
using ipmibd::platform::Status;
using ipmibd::platform::sim::Operation;
using ipmibd::platform::sim::SimBackend;

namespace {

// lo = 1, eth0 = 2, eth1 = 3. A static, a dynamic and an unresolved neighbor on eth0.
const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 2001:db8:1::2/64 dev eth1
route add default via 192.0.2.1 dev eth0
neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0
neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev eth0 nud reachable
neigh add 192.0.2.9 dev eth0 nud incomplete
)";

enum : SubId { kPhys = 4, kLastUpdated = 5, kType = 6, kState = 7, kStatus = 8 };
enum : std::int32_t { kInvalid = 2, kDynamic = 3, kStatic = 4 };

Oid v4(std::uint32_t ifIndex, std::uint8_t last) { return Oid{ifIndex, 1, 4, 192, 0, 2, last}; }
const Oid kNew = v4(2, 50);
const Oid kStaticRow = v4(2, 7);
const Oid kDynamicRow = v4(2, 8);
const Oid kIncompleteRow = v4(2, 9);

Value integer(std::int32_t v) { return Value::integer32(v); }
Value mac(std::uint8_t last) { return Value::octetString(Value::Bytes{0x02, 0, 0, 0, 0xaa, last}); }
std::string macText(std::uint8_t last) {
  return ipmibd::platform::formatPhysicalAddress(
      ipmibd::platform::PhysicalAddress{0x02, 0, 0, 0, 0xaa, last});
}

struct Fixture : testing::SetPduDriver<Fixture> {
  std::unique_ptr<SimBackend> backend = makeSim(kScenario);
  IpNetToPhysicalTable neighbors;
  InetCidrRouteTable routes;
  RequestContext context{backend->now(), backend->now()};

  Fixture() {
    REQUIRE(backend);
    REQUIRE(neighbors.attach(*backend).ok());
    REQUIRE(routes.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, neighbors, routes); }
  const MibObject& table() const { return *neighbors.objects()[0]; }
  static Oid col(SubId column, const Oid& index) {
    return IpNetToPhysicalTable::entryOid() + Oid{column} + index;
  }

  // The kernel's neighbors as "address dev N state lladdr" lines, for "exactly as it was" checks.
  std::vector<std::string> kernel() {
    std::vector<NeighborRow> rows;
    REQUIRE(backend->getIpNetTable2(Family::Unspecified, rows).ok());
    std::vector<std::string> out;
    for (const NeighborRow& r : rows)
      out.push_back(r.address.toString() + " dev " + std::to_string(r.interfaceIndex) + " " +
                    std::string(ipmibd::platform::toString(r.state)) + " " +
                    ipmibd::platform::formatPhysicalAddress(r.physicalAddress));
    std::sort(out.begin(), out.end());
    return out;
  }
  std::optional<NeighborRow> neighbor(const char* address, std::uint32_t ifIndex) {
    NeighborRow row;
    row.address = *ipmibd::platform::IpAddress::parse(address);
    row.interfaceIndex = ifIndex;
    if (!backend->getIpNetEntry2(row).ok()) return std::nullopt;
    return row;
  }
  std::vector<RouteRow> kernelRoutes() {
    std::vector<RouteRow> rows;
    REQUIRE(backend->getIpForwardTable2(Family::Unspecified, rows).ok());
    std::sort(rows.begin(), rows.end(),
              [](const RouteRow& a, const RouteRow& b) { return keyOf(a) < keyOf(b); });
    return rows;
  }
  std::string get(SubId column, const Oid& index) {
    GetResult result = table().getOid(col(column, index), context);
    if (const auto* value = std::get_if<Value>(&result)) return value->toString();
    return "noSuchInstance";
  }
  // ipNetToPhysicalPhysAddress as served; empty when there is no such instance.
  Value::Bytes phys(const Oid& index) {
    GetResult result = table().getOid(col(kPhys, index), context);
    if (const auto* value = std::get_if<Value>(&result)) return value->asBytes();
    return {};
  }
};

} // namespace

TEST_CASE_METHOD(Fixture, "createAndGo a static neighbor, change PhysAddress, destroy", "[set][neighbor]") {
  REQUIRE(set({vb(kStatus, kNew, integer(kCreateAndGo)), vb(kPhys, kNew, mac(1))}).ok());
  auto created = neighbor("192.0.2.50", 2);
  REQUIRE(created);
  CHECK(created->state == NeighborState::Permanent);
  CHECK(ipmibd::platform::formatPhysicalAddress(created->physicalAddress) == macText(1));
  CHECK(get(kType, kNew) == "INTEGER: 4");
  CHECK(get(kStatus, kNew) == "INTEGER: 1");

  REQUIRE(set1(kPhys, kNew, mac(2)).ok());
  CHECK(phys(kNew) == mac(2).asBytes());
  CHECK(ipmibd::platform::formatPhysicalAddress(neighbor("192.0.2.50", 2)->physicalAddress) == macText(2));
  CHECK(neighbor("192.0.2.50", 2)->state == NeighborState::Permanent);
  // Type static on a static entry and the same PhysAddress again change nothing, and succeed.
  const auto before = kernel();
  REQUIRE(set({vb(kType, kNew, integer(kStatic)), vb(kPhys, kNew, mac(2))}).ok());
  CHECK(kernel() == before);

  REQUIRE(set1(kStatus, kNew, integer(kDestroy)).ok());
  CHECK_FALSE(neighbor("192.0.2.50", 2));
  CHECK(get(kStatus, kNew) == "noSuchInstance");
  CHECK(set1(kStatus, kNew, integer(kDestroy)).ok()); // RFC 2579 state A: destroy is noError
}

TEST_CASE_METHOD(Fixture, "createAndGo with Type static and an IPv6 neighbor", "[set][neighbor]") {
  REQUIRE(set({vb(kType, kNew, integer(kStatic)), vb(kPhys, kNew, mac(3)),
               vb(kStatus, kNew, integer(kCreateAndGo))})
              .ok());
  CHECK(neighbor("192.0.2.50", 2)->state == NeighborState::Permanent);

  const Oid v6{3, 2, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77};
  REQUIRE(set({vb(kStatus, v6, integer(kCreateAndGo)), vb(kPhys, v6, mac(4))}).ok());
  auto row = neighbor("2001:db8:1::77", 3);
  REQUIRE(row);
  CHECK(row->state == NeighborState::Permanent);
  CHECK(phys(v6) == mac(4).asBytes());
  CHECK(get(kStatus, v6) == "INTEGER: 1");
}

TEST_CASE_METHOD(Fixture, "Type invalid(2) deletes static and dynamic entries", "[set][neighbor]") {
  REQUIRE(set1(kType, kStaticRow, integer(kInvalid)).ok());
  CHECK_FALSE(neighbor("192.0.2.7", 2));
  CHECK(get(kType, kStaticRow) == "noSuchInstance");
  REQUIRE(set1(kType, kDynamicRow, integer(kInvalid)).ok());
  CHECK_FALSE(neighbor("192.0.2.8", 2));
  // An unresolved entry too (it is served as invalid(2) / incomplete(7) already).
  REQUIRE(set1(kStatus, kIncompleteRow, integer(kDestroy)).ok());
  CHECK_FALSE(neighbor("192.0.2.9", 2));
}

TEST_CASE_METHOD(Fixture, "writing a learnt entry makes it static", "[set][neighbor]") {
  SECTION("Type static keeps the learnt address") {
    REQUIRE(set1(kType, kDynamicRow, integer(kStatic)).ok());
    auto row = neighbor("192.0.2.8", 2);
    CHECK(row->state == NeighborState::Permanent);
    CHECK(ipmibd::platform::formatPhysicalAddress(row->physicalAddress) == "02:00:00:00:00:08");
    CHECK(get(kType, kDynamicRow) == "INTEGER: 4");
  }
  SECTION("PhysAddress replaces it") {
    REQUIRE(set1(kPhys, kDynamicRow, mac(9)).ok());
    auto row = neighbor("192.0.2.8", 2);
    CHECK(row->state == NeighborState::Permanent);
    CHECK(ipmibd::platform::formatPhysicalAddress(row->physicalAddress) == macText(9));
  }
  SECTION("an unresolved entry gets an address with PhysAddress, but not with Type alone") {
    const auto before = kernel();
    auto outcome = set1(kType, kIncompleteRow, integer(kStatic));
    CHECK(outcome.error == SetError::InconsistentValue);
    CHECK(outcome.varbind == 1);
    CHECK(kernel() == before);
    REQUIRE(set1(kPhys, kIncompleteRow, mac(5)).ok());
    CHECK(neighbor("192.0.2.9", 2)->state == NeighborState::Permanent);
  }
}

TEST_CASE_METHOD(Fixture, "refusals: error class and index, kernel untouched", "[set][neighbor]") {
  const auto before = kernel();
  auto expect = [&](std::vector<Varbind> varbinds, SetError error, int varbind) {
    const SetOutcome outcome = set(varbinds);
    CHECK(toString(outcome.error) == toString(error));
    CHECK(outcome.varbind == varbind);
    CHECK(kernel() == before);
  };
  // RESERVE1: the varbind alone.
  expect({vb(kStatus, kNew, integer(kCreateAndWait)), vb(kPhys, kNew, mac(1))}, SetError::WrongValue, 1);
  expect({vb(kPhys, kNew, mac(1)), vb(kStatus, kNew, integer(kNotReady))}, SetError::WrongValue, 2);
  expect({vb(kStatus, kNew, integer(kCreateAndGo)), vb(kType, kNew, integer(kDynamic))}, SetError::WrongValue,
         2);
  expect({vb(kType, kStaticRow, integer(1))}, SetError::WrongValue, 1); // other(1)
  expect({vb(kType, kStaticRow, integer(5))}, SetError::WrongValue, 1); // local(5)
  expect({vb(kType, kStaticRow, integer(7))}, SetError::WrongValue, 1); // not an enum member
  expect({vb(kStatus, kNew, integer(kCreateAndGo)),
          vb(kPhys, kNew, Value::octetString(Value::Bytes{1, 2, 3, 4, 5}))},
         SetError::WrongLength, 2);
  expect({vb(kPhys, kStaticRow, Value::octetString(Value::Bytes{}))}, SetError::WrongLength, 1);
  expect({vb(kPhys, kStaticRow, integer(1))}, SetError::WrongType, 1);
  expect({vb(kLastUpdated, kStaticRow, Value::timeTicks(1))}, SetError::NotWritable, 1);
  expect({vb(kState, kStaticRow, integer(1))}, SetError::NotWritable, 1);
  // Indexes: a length that does not fit the type, unknown/zoned/dns types, non-neighbor addresses.
  expect({vb(kStatus, Oid{2, 1, 5, 192, 0, 2, 50, 1}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 1, 16, 192, 0, 2, 50}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 0, 0}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 3, 8, 192, 0, 2, 50, 0, 0, 0, 2}, integer(kCreateAndGo))},
         SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 16, 1, 97}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 1, 4, 224, 0, 0, 1}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 1, 4, 0, 0, 0, 0}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kStatus, Oid{2, 1, 4, 192, 0}, integer(kCreateAndGo))}, SetError::NoCreation, 1); // truncated
  // RESERVE2: the row against the current state.
  expect({vb(kPhys, kNew, mac(1))}, SetError::NoCreation, 1); // no row, no RowStatus
  expect({vb(kPhys, kNew, mac(1)), vb(kStatus, kNew, integer(kActive))}, SetError::InconsistentValue, 2);
  expect({vb(kType, kNew, integer(kStatic)), vb(kStatus, kNew, integer(kCreateAndGo))},
         SetError::InconsistentValue,
         2); // no PhysAddress
  expect(
      {vb(kStatus, kNew, integer(kCreateAndGo)), vb(kPhys, kNew, mac(1)), vb(kType, kNew, integer(kInvalid))},
      SetError::InconsistentValue, 3);
  expect({vb(kPhys, v4(99, 50), mac(1)), vb(kStatus, v4(99, 50), integer(kCreateAndGo))},
         SetError::InconsistentValue, 2); // no interface 99
  expect({vb(kStatus, kStaticRow, integer(kCreateAndGo)), vb(kPhys, kStaticRow, mac(1))},
         SetError::InconsistentValue, 1); // exists
  expect({vb(kStatus, kDynamicRow, integer(kCreateAndGo)), vb(kPhys, kDynamicRow, mac(1))},
         SetError::InconsistentValue, 1);
  expect({vb(kStatus, kStaticRow, integer(kNotInService))}, SetError::InconsistentValue, 1);
  // A row the table serves on another interface is another row: 192.0.2.7 on eth1 does not exist.
  expect({vb(kPhys, v4(3, 7), mac(1))}, SetError::NoCreation, 1);
}

TEST_CASE_METHOD(Fixture, "out-of-band changes between RESERVE2 and ACTION", "[set][neighbor]") {
  SECTION("the neighbor was learnt meanwhile: the dynamic entry stays") {
    SetRequest request;
    REQUIRE(request.add(1, table(), col(kStatus, kNew), integer(kCreateAndGo)) == SetError::NoError);
    REQUIRE(request.add(2, table(), col(kPhys, kNew), mac(1)) == SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("neigh add 192.0.2.50 lladdr 02:00:00:00:00:50 dev eth0 nud reachable").ok());
    const SetOutcome outcome = request.execute();
    CHECK(outcome.error == SetError::InconsistentValue);
    CHECK(outcome.varbind == 1);
    request.discard();
    auto row = neighbor("192.0.2.50", 2);
    REQUIRE(row);
    CHECK(row->state == NeighborState::Reachable);
    CHECK(ipmibd::platform::formatPhysicalAddress(row->physicalAddress) == "02:00:00:00:00:50");
  }
  SECTION("the entry was replaced meanwhile: the new address stays") {
    SetRequest request;
    REQUIRE(request.add(1, table(), col(kPhys, kStaticRow), mac(1)) == SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("neigh replace 192.0.2.7 lladdr 02:00:00:00:00:77 dev eth0").ok());
    const SetOutcome outcome = request.execute();
    CHECK(outcome.error == SetError::InconsistentValue);
    request.discard();
    CHECK(ipmibd::platform::formatPhysicalAddress(neighbor("192.0.2.7", 2)->physicalAddress) ==
          "02:00:00:00:00:77");
  }
}

TEST_CASE_METHOD(Fixture, "a create refused in ACTION rolls back the whole PDU", "[set][neighbor]") {
  const auto neighborsBefore = kernel();
  const auto routesBefore = kernelRoutes();
  const MibObject& routeTable = *routes.objects()[1];
  const Oid route{1, 4, 10, 1, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1};
  // Order in ACTION: the deletion (Type invalid of .8), the change (PhysAddress of .7), then the
  // creations in PDU order (route, then neighbor .50, which the platform refuses).
  backend->injectFault(Operation::CreateNeighbor, Status::AccessDenied, 1);
  const SetOutcome outcome =
      set({vb(kPhys, kStaticRow, mac(7)),
           {&routeTable, InetCidrRouteTable::entryOid() + Oid{17} + route, integer(kCreateAndGo)},
           vb(kType, kDynamicRow, integer(kInvalid)),
           vb(kStatus, kNew, integer(kCreateAndGo)),
           vb(kPhys, kNew, mac(1))});
  CHECK(outcome.error == SetError::CommitFailed);
  CHECK(outcome.varbind == 4);
  CHECK(backend->pendingFaults(Operation::CreateNeighbor) == 0);
  CHECK(kernelRoutes() == routesBefore);
  // The deleted dynamic entry comes back as stale (the kernel re-verifies it); everything else
  // exactly as it was.
  auto expected = neighborsBefore;
  std::replace(expected.begin(), expected.end(), std::string("192.0.2.8 dev 2 reachable 02:00:00:00:00:08"),
               std::string("192.0.2.8 dev 2 stale 02:00:00:00:00:08"));
  CHECK(kernel() == expected);
  CHECK(phys(kStaticRow) == Value::Bytes{2, 0, 0, 0, 0, 7}); // the table follows the restored entry
}

TEST_CASE_METHOD(Fixture, "a refused change is undone, a refused delete leaves the entry",
                 "[set][neighbor]") {
  const auto before = kernel();
  backend->injectFault(Operation::DeleteNeighbor, Status::AccessDenied, 1);
  SetOutcome outcome = set({vb(kPhys, kNew, mac(1)), vb(kStatus, kNew, integer(kCreateAndGo)),
                            vb(kStatus, kStaticRow, integer(kDestroy))});
  CHECK(outcome.error == SetError::CommitFailed);
  CHECK(outcome.varbind == 3); // deletions run first: nothing else was applied yet
  CHECK(kernel() == before);

  backend->injectFault(Operation::CreateNeighbor, Status::GeneralFailure, 1);
  outcome =
      set({vb(kPhys, kStaticRow, mac(7)), vb(kStatus, kNew, integer(kCreateAndGo)), vb(kPhys, kNew, mac(1))});
  CHECK(outcome.error == SetError::CommitFailed);
  CHECK(outcome.varbind == 2);
  CHECK(kernel() == before); // the PhysAddress change of .7 was set back
}
