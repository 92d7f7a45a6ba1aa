// Conformance: GetIfTable2/GetIfEntry2, the Convert… functions, and link change notifications.
#include "tests/platform/conformance/support.h"

#include <set>

namespace ipmibd::conformance {
namespace {

const InterfaceRow* findByName(const std::vector<InterfaceRow>& table, const std::string& name) {
  for (const auto& row : table)
    if (row.name == name) return &row;
  return nullptr;
}

TEST_CASE("getIfTable2 lists every link with distinct identities", "[interfaces]") {
  CONFORMANCE_STACK(stack);
  const auto table = interfaces(stack.backend());
  std::set<InterfaceIndex> indexes;
  std::set<InterfaceLuid> luids;
  for (const auto& row : table) {
    CHECK(row.index != 0);
    CHECK(row.luid.value != 0);
    CHECK(indexes.insert(row.index).second);
    CHECK(luids.insert(row.luid).second);
    // The LUID carries the IANAifType in its top bits, as NET_LUID does.
    CHECK(row.luid.ifType() == row.type);
  }
  const auto* lo = findByName(table, "lo");
  REQUIRE(lo != nullptr);
  CHECK(lo->type == 24); // softwareLoopback
  CHECK(lo->adminStatus == AdminStatus::Up);
  for (const std::string name : {"v0", "v1", "v2", "v3"}) {
    INFO("interface " << name);
    const auto* row = findByName(table, name);
    REQUIRE(row != nullptr);
    CHECK(row->type == 6); // ethernetCsmacd
    CHECK(row->mtu == 1500);
    CHECK(row->physicalAddress.size() == 6);
    CHECK(row->adminStatus == AdminStatus::Up);
  }
  // Both ends of a pair are up, so the carrier is: operationally up (the kernel reports this a
  // little later, hence the wait).
  CHECK(stack.settleUntil([&] {
    const auto fresh = interfaces(stack.backend());
    const auto* v0 = findByName(fresh, "v0");
    return v0 && v0->operStatus == OperStatus::Up;
  }));
}

TEST_CASE("getIfEntry2 finds by LUID first, else by index", "[interfaces]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto table = interfaces(b);
  const auto* v0 = findByName(table, "v0");
  const auto* v2 = findByName(table, "v2");
  REQUIRE(v0 != nullptr);
  REQUIRE(v2 != nullptr);

  SECTION("by index") {
    InterfaceRow row;
    row.index = v0->index;
    REQUIRE_OK(b.getIfEntry2(row));
    CHECK(normalized(row) == normalized(*v0));
  }
  SECTION("by LUID") {
    InterfaceRow row;
    row.luid = v2->luid;
    REQUIRE_OK(b.getIfEntry2(row));
    CHECK(normalized(row) == normalized(*v2));
  }
  SECTION("the LUID wins over a conflicting index") {
    InterfaceRow row;
    row.luid = v2->luid;
    row.index = v0->index;
    REQUIRE_OK(b.getIfEntry2(row));
    CHECK(row.name == "v2");
    CHECK(row.index == v2->index);
  }
  SECTION("NotFound for an unknown index or LUID") {
    InterfaceRow row;
    row.index = unusedIndex(b);
    CHECK_STATUS(b.getIfEntry2(row), Status::NotFound);
    InterfaceRow byLuid;
    byLuid.luid = InterfaceLuid::make(6, 0xfffff0);
    CHECK_STATUS(b.getIfEntry2(byLuid), Status::NotFound);
  }
  SECTION("InvalidParameter when neither key is set") {
    InterfaceRow row;
    CHECK_STATUS(b.getIfEntry2(row), Status::InvalidParameter);
  }
}

TEST_CASE("Convert functions map index, LUID, name and alias both ways", "[interfaces][convert]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  REQUIRE_OK(stack.outOfBand("link set v2 alias uplink-a"));
  stack.settle();
  const auto table = interfaces(b);
  const auto* v0 = findByName(table, "v0");
  const auto* v2 = findByName(table, "v2");
  REQUIRE(v0 != nullptr);
  REQUIRE(v2 != nullptr);
  CHECK(v2->alias == "uplink-a");

  InterfaceLuid luid;
  REQUIRE_OK(b.convertInterfaceIndexToLuid(v0->index, luid));
  CHECK(luid == v0->luid);
  InterfaceIndex index = 0;
  REQUIRE_OK(b.convertInterfaceLuidToIndex(v0->luid, index));
  CHECK(index == v0->index);
  std::string name;
  REQUIRE_OK(b.convertInterfaceLuidToName(v2->luid, name));
  CHECK(name == "v2");
  InterfaceLuid byName;
  REQUIRE_OK(b.convertInterfaceNameToLuid("v2", byName));
  CHECK(byName == v2->luid);
  std::string alias;
  REQUIRE_OK(b.convertInterfaceLuidToAlias(v2->luid, alias));
  CHECK(alias == "uplink-a");
  InterfaceLuid byAlias;
  REQUIRE_OK(b.convertInterfaceAliasToLuid("uplink-a", byAlias));
  CHECK(byAlias == v2->luid);

  // Failures leave the outputs untouched.
  const InterfaceLuid unknownLuid = InterfaceLuid::make(6, 0xfffff0);
  InterfaceLuid untouched = v0->luid;
  CHECK_STATUS(b.convertInterfaceIndexToLuid(unusedIndex(b), untouched), Status::NotFound);
  CHECK(untouched == v0->luid);
  CHECK_STATUS(b.convertInterfaceLuidToIndex(unknownLuid, index), Status::NotFound);
  CHECK_STATUS(b.convertInterfaceLuidToName(unknownLuid, name), Status::NotFound);
  CHECK_STATUS(b.convertInterfaceNameToLuid("no-such-if", untouched), Status::NotFound);
  CHECK(untouched == v0->luid);
  CHECK_STATUS(b.convertInterfaceLuidToAlias(unknownLuid, alias), Status::NotFound);
  CHECK_STATUS(b.convertInterfaceAliasToLuid("no-such-alias", untouched), Status::NotFound);
  CHECK(untouched == v0->luid);
  // Zero keys are malformed rather than merely absent.
  CHECK_STATUS(b.convertInterfaceIndexToLuid(0, luid), Status::InvalidParameter);
  CHECK_STATUS(b.convertInterfaceLuidToIndex(InterfaceLuid{}, index), Status::InvalidParameter);
  CHECK_STATUS(b.convertInterfaceAliasToLuid("", luid), Status::InvalidParameter);
}

TEST_CASE("link notifications: add, parameter change, delete from out-of-band changes",
          "[interfaces][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  EventLog<InterfaceRow> log(b);
  Mirror<InterfaceRow> mirror(b, Family::Unspecified);
  auto named = [](const std::string& name) {
    return [name](const InterfaceRow& r) { return r.name == name; };
  };

  REQUIRE_OK(stack.outOfBand("link add v4 type veth peer name v5"));
  CHECK(stack.settleUntil(
      [&] { return log.has(ChangeKind::Add, named("v4")) && log.has(ChangeKind::Add, named("v5")); }));
  const auto added = log.rows(ChangeKind::Add, named("v4"));
  REQUIRE(!added.empty());
  CHECK(added.back().adminStatus == AdminStatus::Down);
  CHECK(added.back().index == indexOf(b, "v4"));
  CHECK_MIRROR(stack, mirror);

  log.clear();
  REQUIRE_OK(stack.outOfBand("link set v4 mtu 1400"));
  CHECK(stack.settleUntil([&] {
    return log.has(ChangeKind::ParameterChange,
                   [](const InterfaceRow& r) { return r.name == "v4" && r.mtu == 1400; });
  }));
  CHECK_MIRROR(stack, mirror);

  log.clear();
  REQUIRE_OK(stack.outOfBand("link set v2 down"));
  CHECK(stack.settleUntil([&] {
    return log.has(ChangeKind::ParameterChange, [](const InterfaceRow& r) {
      return r.name == "v2" && r.adminStatus == AdminStatus::Down;
    });
  }));
  CHECK_MIRROR(stack, mirror);

  log.clear();
  const InterfaceIndex v4 = indexOf(b, "v4");
  REQUIRE_OK(stack.outOfBand("link del v4"));
  // Deleting one end of a veth pair deletes the other: both are reported, with their last rows.
  CHECK(stack.settleUntil(
      [&] { return log.has(ChangeKind::Delete, named("v4")) && log.has(ChangeKind::Delete, named("v5")); }));
  const auto deleted = log.rows(ChangeKind::Delete, named("v4"));
  REQUIRE(!deleted.empty());
  CHECK(deleted.back().index == v4);
  CHECK(deleted.back().mtu == 1400);
  CHECK_MIRROR(stack, mirror);
  InterfaceRow gone;
  gone.index = v4;
  CHECK_STATUS(b.getIfEntry2(gone), Status::NotFound);
}

} // namespace
} // namespace ipmibd::conformance
