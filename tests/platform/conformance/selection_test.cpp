// Conformance (issue 19, h-sort): CreateSortedAddressPairs over the stack's own addresses, routes and
// address label table (changed out of band: `ip addrlabel`), the address label table itself,
// interface GUIDs, GetIfTable2Ex's levels, and Teredo's NotSupported.
#include "tests/platform/conformance/support.h"

#include <set>

namespace ipmibd::conformance {
namespace {

std::string pairsText(const std::vector<AddressPair>& pairs) {
  std::string out;
  for (const auto& p : pairs)
    out +=
        p.destination.toString() + " <- " + (p.source.isUnspecified() ? "none" : p.source.toString()) + "\n";
  return out;
}

std::vector<AddressPair> sortedPairs(Backend& b, std::initializer_list<std::string_view> destinations) {
  std::vector<IpAddress> list;
  for (auto d : destinations)
    list.push_back(addr(d));
  std::vector<AddressPair> pairs;
  REQUIRE_OK(b.createSortedAddressPairs(list, pairs));
  REQUIRE(pairs.size() == list.size());
  return pairs;
}

bool hasLabel(const std::vector<AddressLabelRow>& table, std::string_view prefix, std::uint32_t label) {
  for (const auto& row : table)
    if (row.prefix == conformance::prefix(prefix) && row.label == label && row.interfaceIndex == 0)
      return true;
  return false;
}

TEST_CASE("createSortedAddressPairs: RFC 6724 order over the stack's addresses and label table",
          "[selection]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  REQUIRE_OK(stack.outOfBand("-6 addr add fd00:1::1/64 dev v0 nodad"));
  stack.settle();

  // Precedence (rule 6): global IPv6 40, IPv4 35, ULA 3; every destination has a source of its kind
  // with a matching label, so precedence decides.
  auto pairs = sortedPairs(b, {"fd00:1::2", "192.0.2.2", "2001:db8:1::2"});
  INFO(pairsText(pairs));
  CHECK(pairs[0].destination == addr("2001:db8:1::2"));
  CHECK(pairs[0].source == addr("2001:db8:1::1"));
  CHECK(pairs[1].destination == addr("192.0.2.2"));
  CHECK(pairs[1].source == addr("192.0.2.1"));
  CHECK(pairs[2].destination == addr("fd00:1::2"));
  CHECK(pairs[2].source == addr("fd00:1::1"));
  // The other input order gives the same result.
  CHECK(sortedPairs(b, {"2001:db8:1::2", "192.0.2.2", "fd00:1::2"}) == pairs);
  // Sources follow the outgoing interface: 198.51.100.0/24 and 2001:db8:2::/64 are on v2.
  const auto v2 = sortedPairs(b, {"198.51.100.2", "2001:db8:2::2"});
  INFO(pairsText(v2));
  CHECK(v2[0].source == addr("2001:db8:2::1"));
  CHECK(v2[1].source == addr("198.51.100.1"));

  // A label for the global destination alone (rule 5, before precedence) puts the ULA first.
  REQUIRE_OK(stack.outOfBand("addrlabel add prefix 2001:db8:1::2/128 label 99"));
  std::vector<AddressLabelRow> labels;
  REQUIRE_OK(b.getAddressLabelTable(labels));
  CHECK(hasLabel(labels, "2001:db8:1::2/128", 99));
  const auto relabeled = sortedPairs(b, {"fd00:1::2", "192.0.2.2", "2001:db8:1::2"});
  INFO("after the label change:\n" << pairsText(relabeled));
  CHECK(relabeled[0].destination == addr("192.0.2.2"));
  CHECK(relabeled[1].destination == addr("fd00:1::2"));
  CHECK(relabeled[2].destination == addr("2001:db8:1::2"));
  CHECK(relabeled[2].source == addr("2001:db8:1::1"));

  REQUIRE_OK(stack.outOfBand("addrlabel del prefix 2001:db8:1::2/128 label 99"));
  REQUIRE_OK(b.getAddressLabelTable(labels));
  CHECK_FALSE(hasLabel(labels, "2001:db8:1::2/128", 99));
  CHECK(sortedPairs(b, {"fd00:1::2", "192.0.2.2", "2001:db8:1::2"}) == pairs);
}

TEST_CASE("createSortedAddressPairs: unreachable destinations last without a source; refused inputs",
          "[selection]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  // No default route: 203.0.113.9 and 2001:db8:99::9 have no route at all.
  const auto pairs = sortedPairs(b, {"203.0.113.9", "2001:db8:99::9", "192.0.2.2"});
  INFO(pairsText(pairs));
  CHECK(pairs[0].destination == addr("192.0.2.2"));
  CHECK(pairs[0].source == addr("192.0.2.1"));
  CHECK(pairs[1].destination == addr("203.0.113.9"));
  CHECK(pairs[1].source.isUnspecified());
  CHECK(pairs[2].destination == addr("2001:db8:99::9"));
  CHECK(pairs[2].source.isUnspecified());
  // Loopback destinations pair with the loopback source; the host's own address with itself (rule 1),
  // though neither has a route in the exported main table.
  const auto local = sortedPairs(b, {"::1", "192.0.2.1"});
  INFO(pairsText(local));
  CHECK(local[0].destination == addr("::1"));
  CHECK(local[0].source == addr("::1"));
  CHECK(local[1].source == addr("192.0.2.1"));

  std::vector<AddressPair> out;
  CHECK_STATUS(b.createSortedAddressPairs({}, out), Status::InvalidParameter);
  const std::vector<IpAddress> tooMany(501, addr("192.0.2.2"));
  CHECK_STATUS(b.createSortedAddressPairs(tooMany, out), Status::InvalidParameter);
  const std::vector<IpAddress> unspecified{IpAddress{}};
  CHECK_STATUS(b.createSortedAddressPairs(unspecified, out), Status::InvalidParameter);
  const std::vector<IpAddress> fiveHundred(500, addr("192.0.2.2"));
  REQUIRE_OK(b.createSortedAddressPairs(fiveHundred, out));
  CHECK(out.size() == 500);
}

TEST_CASE("getAddressLabelTable: the default table, and out-of-band changes per interface", "[selection]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  std::vector<AddressLabelRow> labels;
  REQUIRE_OK(b.getAddressLabelTable(labels));
  // What Linux's and RFC 6724's default tables share.
  CHECK(hasLabel(labels, "::1/128", 0));
  CHECK(hasLabel(labels, "::/0", 1));
  CHECK(hasLabel(labels, "::ffff:0.0.0.0/96", 4));
  CHECK(hasLabel(labels, "2002::/16", 2));
  for (const auto& row : labels)
    CHECK(row.prefix.family() == Family::V6);

  const InterfaceIndex v0 = indexOf(b, "v0");
  REQUIRE_OK(stack.outOfBand("addrlabel add prefix 2001:db8:1::/48 dev v0 label 42"));
  REQUIRE_OK(b.getAddressLabelTable(labels));
  bool found = false;
  for (const auto& row : labels)
    found |= row.prefix == prefix("2001:db8:1::/48") && row.interfaceIndex == v0 && row.label == 42;
  CHECK(found);
  // Same prefix and interface again: refused by the kernel and the simulator alike; so is an
  // IPv4-mapped prefix longer than /96 (IPv4 has one label as a whole).
  CHECK_FALSE(stack.outOfBand("addrlabel add prefix 2001:db8:1::/48 dev v0 label 43").ok());
  CHECK_FALSE(stack.outOfBand("addrlabel add prefix ::ffff:192.0.2.2/128 label 43").ok());
  REQUIRE_OK(stack.outOfBand("addrlabel del prefix 2001:db8:1::/48 dev v0 label 42"));
  REQUIRE_OK(b.getAddressLabelTable(labels));
  for (const auto& row : labels)
    CHECK_FALSE(row.prefix == prefix("2001:db8:1::/48"));
}

TEST_CASE("interface GUIDs: stable name-based UUIDs that convert both ways", "[selection][guid]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  std::set<Guid> seen;
  for (const auto& row : interfaces(b)) {
    INFO("interface " << row.name);
    Guid guid;
    REQUIRE_OK(b.convertInterfaceLuidToGuid(row.luid, guid));
    CHECK_FALSE(guid.isNil());
    CHECK(seen.insert(guid).second);
    CHECK((guid.bytes[6] >> 4) == 5); // version 5
    CHECK((guid.bytes[8] & 0xc0) == 0x80);
    InterfaceLuid back;
    REQUIRE_OK(b.convertInterfaceGuidToLuid(guid, back));
    CHECK(back == row.luid);
    Guid again;
    REQUIRE_OK(b.convertInterfaceLuidToGuid(row.luid, again));
    CHECK(again == guid);
  }
  // veth devices have no permanent address: their GUID comes from the name.
  Guid v0;
  REQUIRE_OK(b.convertInterfaceLuidToGuid(luidOf(b, "v0"), v0));
  CHECK(v0 == nameBasedGuid(interfaceGuidNamespace(), "name:v0"));

  Guid guid;
  InterfaceLuid luid;
  CHECK_STATUS(b.convertInterfaceLuidToGuid(InterfaceLuid{}, guid), Status::InvalidParameter);
  CHECK_STATUS(b.convertInterfaceGuidToLuid(Guid{}, luid), Status::InvalidParameter);
  CHECK_STATUS(b.convertInterfaceLuidToGuid(InterfaceLuid::make(6, unusedIndex(b)), guid), Status::NotFound);
  CHECK_STATUS(b.convertInterfaceGuidToLuid(nameBasedGuid(interfaceGuidNamespace(), "name:nosuch"), luid),
               Status::NotFound);
  // A deleted interface's GUID no longer converts.
  REQUIRE_OK(stack.outOfBand("link del v2"));
  stack.settle();
  CHECK_STATUS(b.convertInterfaceGuidToLuid(nameBasedGuid(interfaceGuidNamespace(), "name:v2"), luid),
               Status::NotFound);
}

const InterfaceRow* named(const std::vector<InterfaceRow>& table, std::string_view name) {
  for (const auto& row : table)
    if (row.name == name) return &row;
  return nullptr;
}

TEST_CASE("getIfTable2Ex: normal, raw and statistics-free levels", "[selection][iftable]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  std::vector<InterfaceRow> normal, raw, bare, plain;
  REQUIRE_OK(b.getIfTable2Ex(IfTableLevel::Normal, normal));
  REQUIRE_OK(b.getIfTable2(plain));
  REQUIRE(normal.size() == plain.size());
  for (std::size_t i = 0; i < normal.size(); ++i)
    CHECK(normalized(normal[i]) == normalized(plain[i]));

  REQUIRE_OK(b.getIfTable2Ex(IfTableLevel::NormalWithoutStatistics, bare));
  REQUIRE(bare.size() == plain.size());
  for (std::size_t i = 0; i < bare.size(); ++i) {
    INFO("interface " << bare[i].name);
    CHECK(bare[i].inOctets == 0);
    CHECK(bare[i].inUcastPkts == 0);
    CHECK(bare[i].outOctets == 0);
    CHECK(bare[i].outUcastPkts == 0);
    CHECK(normalized(bare[i]) == normalized(plain[i]));
  }

  // v1 down: v0 has no carrier. The normal level says lowerLayerDown (RFC 2863), raw says down.
  REQUIRE_OK(stack.outOfBand("link set v1 down"));
  CHECK(stack.settleUntil([&] {
    std::vector<InterfaceRow> t;
    return b.getIfTable2(t).ok() && named(t, "v0") &&
           named(t, "v0")->operStatus == OperStatus::LowerLayerDown;
  }));
  REQUIRE_OK(b.getIfTable2Ex(IfTableLevel::Raw, raw));
  REQUIRE(named(raw, "v0"));
  REQUIRE(named(raw, "v1"));
  CHECK(named(raw, "v0")->operStatus == OperStatus::Down);
  CHECK(named(raw, "v1")->operStatus == OperStatus::Down);
  CHECK(named(raw, "v2")->operStatus == OperStatus::Up);
  CHECK(named(raw, "lo")->operStatus == OperStatus::Up);
  REQUIRE_OK(b.getIfTable2Ex(IfTableLevel::Normal, normal));
  CHECK(named(normal, "v0")->operStatus == OperStatus::LowerLayerDown);
  // Raw differs only in the oper status.
  InterfaceRow rawV0 = *named(raw, "v0");
  rawV0.operStatus = named(normal, "v0")->operStatus;
  CHECK(normalized(rawV0) == normalized(*named(normal, "v0")));

  CHECK_STATUS(b.getIfTable2Ex(static_cast<IfTableLevel>(7), raw), Status::InvalidParameter);
}

TEST_CASE("GetTeredoPort and NotifyTeredoPortChange are NotSupported", "[selection][teredo]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  std::uint16_t port = 1234;
  const Result r = b.getTeredoPort(port);
  CHECK(r.status == Status::NotSupported);
  CHECK(r.message.find("Teredo") != std::string::npos);
  CHECK(port == 0);
  Subscription subscription;
  bool called = false;
  CHECK_STATUS(b.notifyTeredoPortChange([&](std::uint16_t) { called = true; }, subscription),
               Status::NotSupported);
  CHECK_FALSE(subscription.active());
  stack.settle();
  CHECK_FALSE(called);
}

} // namespace
} // namespace ipmibd::conformance
