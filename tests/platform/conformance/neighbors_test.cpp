// Conformance: neighbors (GetIpNetTable2, Create/Set/DeleteIpNetEntry2, FlushIpNetTable2) and their
// notifications.
#include "tests/platform/conformance/support.h"

namespace ipmibd::conformance {
namespace {

std::optional<NeighborRow> findNeighbor(Backend& b, std::string_view address, InterfaceIndex index) {
  NeighborRow key;
  key.address = addr(address);
  key.interfaceIndex = index;
  const auto r = b.getIpNetEntry2(key);
  if (r.status == Status::NotFound) return std::nullopt;
  INFO(r.toString());
  REQUIRE(r.ok());
  return key;
}

auto isNeighbor(const IpAddress& a, InterfaceIndex index) {
  return [a, index](const NeighborRow& r) { return r.address == a && r.interfaceIndex == index; };
}

TEST_CASE("create, set and delete static neighbors, each reported once dispatched", "[neighbors][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<NeighborRow> log(b);
  Mirror<NeighborRow> mirror(b, Family::Unspecified);

  for (const std::string_view text : {"192.0.2.7", "2001:db8:1::7"}) {
    INFO(text);
    log.clear();
    const IpAddress a = addr(text);
    auto row = makeNeighbor(text, v0, "02:00:00:00:00:07");
    REQUIRE_OK(b.createIpNetEntry2(row));
    auto readBack = findNeighbor(b, text, v0);
    REQUIRE(readBack.has_value());
    CHECK(readBack->state == NeighborState::Permanent);
    CHECK(formatPhysicalAddress(readBack->physicalAddress) == "02:00:00:00:00:07");
    CHECK(readBack->luid == luidOf(b, "v0"));
    CHECK(log.changes().empty());
    CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Add, isNeighbor(a, v0)); }));
    bool inTable = false;
    for (const auto& n : neighbors(b, a.family()))
      inTable |= isNeighbor(a, v0)(n);
    CHECK(inTable);

    log.clear();
    row.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:08");
    REQUIRE_OK(b.setIpNetEntry2(row));
    readBack = findNeighbor(b, text, v0);
    REQUIRE(readBack.has_value());
    CHECK(formatPhysicalAddress(readBack->physicalAddress) == "02:00:00:00:00:08");
    CHECK(readBack->state == NeighborState::Permanent);
    CHECK(stack.settleUntil([&] {
      return log.has(ChangeKind::ParameterChange, [&](const NeighborRow& r) {
        return isNeighbor(a, v0)(r) && formatPhysicalAddress(r.physicalAddress) == "02:00:00:00:00:08";
      });
    }));

    log.clear();
    REQUIRE_OK(b.deleteIpNetEntry2(row));
    CHECK_FALSE(findNeighbor(b, text, v0).has_value());
    CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Delete, isNeighbor(a, v0)); }));
    CHECK_STATUS(b.deleteIpNetEntry2(row), Status::NotFound);
  }
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("refused neighbor calls change nothing", "[neighbors][errors]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("192.0.2.7", v0, "02:00:00:00:00:07")));
  REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("192.0.2.8", v0, "02:00:00:00:00:08", NeighborState::Stale)));
  stack.settle();
  const auto before = snapshot(b);

  SECTION("AlreadyExists for a static and for a dynamic entry") {
    CHECK_STATUS(b.createIpNetEntry2(makeNeighbor("192.0.2.7", v0, "02:00:00:00:00:09")),
                 Status::AlreadyExists);
    CHECK_STATUS(b.createIpNetEntry2(makeNeighbor("192.0.2.8", v0, "02:00:00:00:00:09")),
                 Status::AlreadyExists);
  }
  SECTION("NotFound: no such interface") {
    CHECK_STATUS(b.createIpNetEntry2(makeNeighbor("192.0.2.9", unusedIndex(b), "02:00:00:00:00:09")),
                 Status::NotFound);
    CHECK_STATUS(b.flushIpNetTable2(Family::V4, unusedIndex(b)), Status::NotFound);
  }
  SECTION("InvalidParameter: multicast, zero, or no address; bad link-layer length") {
    CHECK_STATUS(b.createIpNetEntry2(makeNeighbor("224.0.0.5", v0, "02:00:00:00:00:09")),
                 Status::InvalidParameter);
    CHECK_STATUS(b.createIpNetEntry2(makeNeighbor("ff02::5", v0, "02:00:00:00:00:09")),
                 Status::InvalidParameter);
    CHECK_STATUS(b.createIpNetEntry2(makeNeighbor("0.0.0.0", v0, "02:00:00:00:00:09")),
                 Status::InvalidParameter);
    auto none = makeNeighbor("192.0.2.9", v0, "02:00:00:00:00:09");
    none.address = IpAddress{};
    CHECK_STATUS(b.createIpNetEntry2(none), Status::InvalidParameter);
    auto shortMac = makeNeighbor("192.0.2.9", v0, "02:00:00:00:00:09");
    shortMac.physicalAddress.resize(3);
    CHECK_STATUS(b.createIpNetEntry2(shortMac), Status::InvalidParameter);
    auto badSet = makeNeighbor("192.0.2.7", v0, "02:00:00:00:00:09");
    badSet.physicalAddress.resize(3);
    CHECK_STATUS(b.setIpNetEntry2(badSet), Status::InvalidParameter);
  }
  SECTION("NotFound: set or delete of an absent entry") {
    CHECK_STATUS(b.setIpNetEntry2(makeNeighbor("192.0.2.99", v0, "02:00:00:00:00:09")), Status::NotFound);
    CHECK_STATUS(b.deleteIpNetEntry2(makeNeighbor("192.0.2.99", v0, "02:00:00:00:00:09")), Status::NotFound);
    // The right address on the wrong interface.
    CHECK_STATUS(b.deleteIpNetEntry2(makeNeighbor("192.0.2.7", indexOf(b, "v2"), "02:00:00:00:00:07")),
                 Status::NotFound);
    NeighborRow key;
    key.address = addr("192.0.2.99");
    key.interfaceIndex = v0;
    CHECK_STATUS(b.getIpNetEntry2(key), Status::NotFound);
  }
  CHECK_UNCHANGED(stack, before);
}

TEST_CASE("flushIpNetTable2 removes dynamic entries of one interface and family only", "[neighbors]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("192.0.2.7", v0, "02:00:00:00:00:07")));
  REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("192.0.2.8", v0, "02:00:00:00:00:08", NeighborState::Stale)));
  REQUIRE_OK(
      b.createIpNetEntry2(makeNeighbor("2001:db8:1::8", v0, "02:00:00:00:00:08", NeighborState::Stale)));
  REQUIRE_OK(
      b.createIpNetEntry2(makeNeighbor("198.51.100.8", v2, "02:00:00:00:00:18", NeighborState::Stale)));
  auto dynamic = findNeighbor(b, "192.0.2.8", v0);
  REQUIRE(dynamic.has_value());
  CHECK(dynamic->state == NeighborState::Stale);
  stack.settle(); // the creations' Adds are delivered before the mirror starts
  EventLog<NeighborRow> log(b);
  Mirror<NeighborRow> mirror(b, Family::Unspecified);

  REQUIRE_OK(b.flushIpNetTable2(Family::V4, v0));
  CHECK_FALSE(findNeighbor(b, "192.0.2.8", v0).has_value());
  CHECK(findNeighbor(b, "192.0.2.7", v0).has_value());     // static entries stay
  CHECK(findNeighbor(b, "2001:db8:1::8", v0).has_value()); // other family
  CHECK(findNeighbor(b, "198.51.100.8", v2).has_value());  // other interface
  CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Delete, isNeighbor(addr("192.0.2.8"), v0)); }));

  // Interface 0 means all interfaces; Unspecified both families.
  REQUIRE_OK(b.flushIpNetTable2(Family::Unspecified, 0));
  CHECK_FALSE(findNeighbor(b, "2001:db8:1::8", v0).has_value());
  CHECK_FALSE(findNeighbor(b, "198.51.100.8", v2).has_value());
  CHECK(findNeighbor(b, "192.0.2.7", v0).has_value());
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("out-of-band neighbor changes arrive as notifications, filtered by family", "[neighbors][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<NeighborRow> all(b);
  EventLog<NeighborRow> onlyV6(b, Family::V6);
  Mirror<NeighborRow> mirror(b, Family::Unspecified);
  const IpAddress a4 = addr("192.0.2.7"), a6 = addr("2001:db8:1::7");

  REQUIRE_OK(stack.outOfBand("neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent"));
  REQUIRE_OK(stack.outOfBand("neigh add 2001:db8:1::7 lladdr 02:00:00:00:00:17 dev v0 nud permanent"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Add, isNeighbor(a4, v0)) && all.has(ChangeKind::Add, isNeighbor(a6, v0));
  }));
  const auto added = all.rows(ChangeKind::Add, isNeighbor(a4, v0));
  REQUIRE(!added.empty());
  CHECK(added.front().state == NeighborState::Permanent);
  CHECK(formatPhysicalAddress(added.front().physicalAddress) == "02:00:00:00:00:07");

  REQUIRE_OK(stack.outOfBand("neigh change 192.0.2.7 lladdr 02:00:00:00:00:27 dev v0 nud permanent"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::ParameterChange, [&](const NeighborRow& r) {
      return isNeighbor(a4, v0)(r) && formatPhysicalAddress(r.physicalAddress) == "02:00:00:00:00:27";
    });
  }));

  REQUIRE_OK(stack.outOfBand("neigh del 192.0.2.7 dev v0"));
  REQUIRE_OK(stack.outOfBand("neigh del 2001:db8:1::7 dev v0"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Delete, isNeighbor(a4, v0)) && all.has(ChangeKind::Delete, isNeighbor(a6, v0));
  }));
  CHECK_MIRROR(stack, mirror);

  CHECK(onlyV6.has(ChangeKind::Add, isNeighbor(a6, v0)));
  CHECK_FALSE(onlyV6.has(ChangeKind::Add, isNeighbor(a4, v0)));
  for (const auto& c : onlyV6.changes())
    CHECK(c.row.address.isV6());
}

} // namespace
} // namespace ipmibd::conformance
