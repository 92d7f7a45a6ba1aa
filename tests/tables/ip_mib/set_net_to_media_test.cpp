// Writable ipNetToMediaTable over the simulator: static ARP entries created by PhysAddress, changed,
// deleted by Type invalid(2), all through IpNetToPhysicalWriter; every refusal with its error
// index and the kernel untouched, and rollback when the platform refuses.
#include "platform/sim/sim_backend.h"
#include "tables/engine/set_request.h"
#include "tables/ip_mib/ip_net_to_media_table.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tests/tables/ip_tables_test_support.h"
#include "tests/tables/set_pdu.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using ipmibd::platform::Family;
using ipmibd::platform::NeighborRow;
using ipmibd::platform::NeighborState;
using ipmibd::platform::Status;
using ipmibd::platform::sim::Operation;
using ipmibd::platform::sim::SimBackend;

namespace {

// lo = 1, eth0 = 2, eth1 = 3 (no IPv4 address).
const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 2001:db8:1::2/64 dev eth0
neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0
neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev eth0 nud reachable
neigh add 192.0.2.9 dev eth0 nud incomplete
neigh add 2001:db8:1::7 lladdr 02:00:00:00:01:07 dev eth0
)";

enum : SubId { kIfIndex = 1, kPhys = 2, kNet = 3, kType = 4 };
enum : std::int32_t { kOther = 1, kInvalid = 2, kDynamic = 3, kStatic = 4 };

Oid at(std::uint32_t ifIndex, std::uint8_t last) { return Oid{ifIndex, 192, 0, 2, last}; }
const Oid kNew = at(2, 50);
Value integer(std::int32_t v) { return Value::integer32(v); }
Value mac(std::uint8_t last) { return Value::octetString(Value::Bytes{0x02, 0, 0, 0, 0xaa, last}); }
Value ip(std::uint8_t last) { return Value::ipAddress({192, 0, 2, last}); }

struct Fixture : SetPduDriver<Fixture> {
  std::unique_ptr<SimBackend> backend = makeSim(kScenario);
  IpNetToPhysicalTable neighbors;
  IpNetToMediaTable media{neighbors};
  RequestContext context{backend->now(), backend->now()};

  Fixture() {
    REQUIRE(neighbors.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, neighbors); }
  const MibObject& table() const { return *media.objects()[0]; }
  static Oid col(SubId column, const Oid& index) {
    return IpNetToMediaTable::entryOid() + Oid{column} + index;
  }
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
  std::optional<NeighborRow> neighbor(std::uint8_t last, std::uint32_t ifIndex = 2) {
    NeighborRow row;
    row.address = ipmibd::platform::IpAddress::v4({192, 0, 2, last});
    row.interfaceIndex = ifIndex;
    if (!backend->getIpNetEntry2(row).ok()) return std::nullopt;
    return row;
  }
  std::string get(SubId column, const Oid& index) {
    return testing::get(table(), col(column, index), context);
  }
};

} // namespace

TEST_CASE_METHOD(Fixture,
                 "ipNetToMediaTable: PhysAddress creates a static entry, changes it; invalid deletes",
                 "[set][v4views]") {
  REQUIRE(media.objects()[0]->writer() == &media);
  REQUIRE(set({vb(kPhys, kNew, mac(1)), vb(kNet, kNew, ip(50)), vb(kType, kNew, integer(kStatic)),
               vb(kIfIndex, kNew, integer(2))})
              .ok());
  auto created = neighbor(50);
  REQUIRE(created);
  CHECK(created->state == NeighborState::Permanent);
  CHECK(ipmibd::platform::formatPhysicalAddress(created->physicalAddress) == "02:00:00:00:aa:01");
  CHECK(get(kType, kNew) == "INTEGER: 4");
  CHECK(get(kPhys, kNew) == "STRING: 0x02000000aa01");
  // The same row in ipNetToPhysicalTable.
  CHECK(testing::get(neighbors.table(), IpNetToPhysicalTable::entryOid() + Oid{8, 2, 1, 4, 192, 0, 2, 50},
                     context) == "INTEGER: 1");

  SECTION("PhysAddress alone creates too") {
    REQUIRE(set1(kPhys, at(2, 51), mac(2)).ok());
    CHECK(neighbor(51)->state == NeighborState::Permanent);
  }
  SECTION("changing PhysAddress modifies the entry") {
    REQUIRE(set1(kPhys, kNew, mac(3)).ok());
    CHECK(ipmibd::platform::formatPhysicalAddress(neighbor(50)->physicalAddress) == "02:00:00:00:aa:03");
    // IfIndex and NetAddress rewritten with their own values change nothing and succeed.
    const auto before = kernel();
    REQUIRE(set({vb(kIfIndex, kNew, integer(2)), vb(kNet, kNew, ip(50))}).ok());
    CHECK(kernel() == before);
  }
  SECTION("Type invalid deletes it; again is noError") {
    REQUIRE(set1(kType, kNew, integer(kInvalid)).ok());
    CHECK_FALSE(neighbor(50));
    CHECK(get(kType, kNew) == "noSuchInstance");
    const auto before = kernel();
    REQUIRE(set1(kType, kNew, integer(kInvalid)).ok());
    CHECK(kernel() == before);
  }
}

TEST_CASE_METHOD(Fixture, "ipNetToMediaTable: learnt and unresolved entries", "[set][v4views]") {
  // Type static of a learnt entry makes it static with its address; Type invalid deletes it.
  REQUIRE(set1(kType, at(2, 8), integer(kStatic)).ok());
  CHECK(neighbor(8)->state == NeighborState::Permanent);
  CHECK(get(kType, at(2, 8)) == "INTEGER: 4");
  REQUIRE(set1(kType, at(2, 8), integer(kInvalid)).ok());
  CHECK_FALSE(neighbor(8));
  // The unresolved entry is not served here, but exists: PhysAddress gives it its mapping.
  CHECK(get(kPhys, at(2, 9)) == "noSuchInstance");
  REQUIRE(set1(kPhys, at(2, 9), mac(9)).ok());
  CHECK(neighbor(9)->state == NeighborState::Permanent);
  CHECK(get(kType, at(2, 9)) == "INTEGER: 4");
}

TEST_CASE_METHOD(Fixture, "ipNetToMediaTable: refusals, error index, kernel untouched", "[set][v4views]") {
  const auto before = kernel();
  auto expect = [&](std::vector<Varbind> varbinds, SetError error, int varbind) {
    const SetOutcome outcome = set(varbinds);
    CHECK(toString(outcome.error) == toString(error));
    CHECK(outcome.varbind == varbind);
    CHECK(kernel() == before);
  };
  // RESERVE1.
  expect({vb(kPhys, kNew, integer(1))}, SetError::WrongType, 1);
  expect({vb(kNet, kNew, mac(1))}, SetError::WrongType, 1);
  expect({vb(kPhys, kNew, Value::octetString(Value::Bytes{1, 2, 3}))}, SetError::WrongLength, 1);
  expect({vb(kType, kNew, integer(kDynamic))}, SetError::WrongValue, 1);
  expect({vb(kType, kNew, integer(kOther))}, SetError::WrongValue, 1);
  expect({vb(kType, kNew, integer(5))}, SetError::WrongValue, 1);
  expect({vb(kPhys, kNew, mac(1)), vb(kNet, kNew, ip(51))}, SetError::WrongValue, 2);
  expect({vb(kPhys, kNew, mac(1)), vb(kIfIndex, kNew, integer(3))}, SetError::WrongValue, 2);
  expect({vb(5, kNew, integer(1))}, SetError::NoCreation, 1);
  expect({vb(kPhys, Oid{2, 192, 0, 2}, mac(1))}, SetError::NoCreation, 1);
  expect({vb(kPhys, Oid{2, 192, 0, 2, 300}, mac(1))}, SetError::NoCreation, 1);
  expect({vb(kPhys, Oid{0, 192, 0, 2, 50}, mac(1))}, SetError::NoCreation, 1);
  expect({vb(kPhys, Oid{2, 0, 0, 0, 0}, mac(1))}, SetError::InconsistentName, 1);
  expect({vb(kPhys, Oid{2, 224, 0, 0, 1}, mac(1))}, SetError::InconsistentName, 1);
  expect({vb(kPhys, Oid{2, 255, 255, 255, 255}, mac(1))}, SetError::InconsistentName, 1);
  // RESERVE2: nothing to map a new entry to, no such interface, a creation typed invalid.
  expect({vb(kType, kNew, integer(kStatic))}, SetError::NoCreation, 1);
  expect({vb(kNet, kNew, ip(50))}, SetError::NoCreation, 1);
  expect({vb(kPhys, at(9, 50), mac(1))}, SetError::InconsistentValue, 1);
  expect({vb(kNet, kNew, ip(50)), vb(kType, kNew, integer(kInvalid)), vb(kPhys, kNew, mac(1))},
         SetError::InconsistentValue, 2);
}

TEST_CASE_METHOD(Fixture, "ipNetToMediaTable: a platform refusal rolls the whole PDU back",
                 "[set][v4views]") {
  const auto before = kernel();
  // Deletion of .7 and change of .8 run first, then the creation the platform refuses.
  backend->injectFault(Operation::CreateNeighbor, Status::AccessDenied, 1);
  const SetOutcome outcome = set({vb(kType, at(2, 7), integer(kInvalid)), vb(kPhys, at(2, 8), mac(8)),
                                  vb(kType, kNew, integer(kStatic)), vb(kPhys, kNew, mac(1))});
  CHECK(outcome.error == SetError::CommitFailed);
  CHECK(outcome.varbind == 4); // the creation is reported on its PhysAddress varbind
  auto expected = before;      // the learnt entry comes back as stale (the kernel re-verifies it)
  std::replace(expected.begin(), expected.end(), std::string("192.0.2.8 dev 2 reachable 02:00:00:00:00:08"),
               std::string("192.0.2.8 dev 2 stale 02:00:00:00:00:08"));
  CHECK(kernel() == expected);
}

TEST_CASE_METHOD(Fixture, "ipNetToMediaTable: a write is announced by its ipNetToPhysicalTable row",
                 "[set][v4views]") {
  std::vector<Oid> rows;
  media.announcingRows(table(), kNew, {}, rows);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == IpNetToPhysicalTable::entryOid() + Oid{2, 1, 4, 192, 0, 2, 50});
  CHECK(IpNetToMediaTable::physicalIndex(Oid{7}.view()) == Oid{7, 1, 4});
  CHECK(IpNetToMediaTable::physicalIndex({}) == Oid{});
}

TEST_CASE_METHOD(Fixture, "ipNetToMediaTable and ipNetToPhysicalTable naming one neighbor in a PDU: refused",
                 "[set][v4views]") {
  const auto before = kernel();
  // Both would plan the deletion of 192.0.2.7 against the same state; the second would fail in ACTION.
  const Varbind physical{&neighbors.table(), IpNetToPhysicalTable::entryOid() + Oid{8, 2, 1, 4, 192, 0, 2, 7},
                         Value::integer32(kDestroy)};
  SetOutcome outcome = set({vb(kType, at(2, 7), integer(kInvalid)), physical});
  CHECK(outcome.error == SetError::InconsistentValue);
  CHECK(outcome.varbind == 2);
  outcome = set({physical, vb(kType, at(2, 7), integer(kInvalid))});
  CHECK(outcome.error == SetError::InconsistentValue);
  CHECK(outcome.varbind == 2);
  CHECK(kernel() == before);
  // Different neighbors through the two tables: one PDU.
  const Varbind other{&neighbors.table(), IpNetToPhysicalTable::entryOid() + Oid{6, 2, 1, 4, 192, 0, 2, 8},
                      Value::integer32(kInvalid)};
  REQUIRE(set({vb(kType, at(2, 7), integer(kInvalid)), other}).ok());
  CHECK(kernel().size() == before.size() - 2);
}
