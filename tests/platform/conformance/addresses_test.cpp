// Conformance: unicast addresses (Get/Create/Set/DeleteUnicastIpAddressEntry) and their notifications.
#include "tests/platform/conformance/support.h"

namespace ipmibd::conformance {
namespace {

std::optional<UnicastAddressRow> findAddress(Backend& b, std::string_view address, InterfaceIndex index) {
  const IpAddress wanted = addr(address);
  for (const auto& row : addresses(b, wanted.family()))
    if (row.address == wanted && row.interfaceIndex == index) return row;
  return std::nullopt;
}

auto isAddress(const IpAddress& a, InterfaceIndex index) {
  return [a, index](const UnicastAddressRow& r) { return r.address == a && r.interfaceIndex == index; };
}

TEST_CASE("the address table holds the configured addresses, filtered by family", "[addresses]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0"), v2 = indexOf(b, "v2");
  const auto a4 = findAddress(b, "192.0.2.1", v0);
  REQUIRE(a4.has_value());
  CHECK(a4->onLinkPrefixLength == 24);
  CHECK(a4->luid == luidOf(b, "v0"));
  CHECK(a4->dadState == DadState::Preferred);
  CHECK(a4->validLifetime == kInfiniteLifetime);
  CHECK(a4->permanent);
  const auto a6 = findAddress(b, "2001:db8:2::1", v2);
  REQUIRE(a6.has_value());
  CHECK(a6->onLinkPrefixLength == 64);
  CHECK(a6->dadState == DadState::Preferred);

  for (const auto& row : addresses(b, Family::V4))
    CHECK(row.address.isV4());
  for (const auto& row : addresses(b, Family::V6))
    CHECK(row.address.isV6());
  CHECK(addresses(b, Family::Unspecified).size() ==
        addresses(b, Family::V4).size() + addresses(b, Family::V6).size());

  UnicastAddressRow key;
  key.address = addr("192.0.2.1");
  key.interfaceIndex = v0;
  REQUIRE_OK(b.getUnicastIpAddressEntry(key));
  CHECK(normalized(key) == normalized(*a4));
  key = UnicastAddressRow{};
  key.address = addr("192.0.2.1");
  key.interfaceIndex = v2; // the right address on the wrong interface
  CHECK_STATUS(b.getUnicastIpAddressEntry(key), Status::NotFound);
  key.address = addr("192.0.2.99");
  key.interfaceIndex = v0;
  CHECK_STATUS(b.getUnicastIpAddressEntry(key), Status::NotFound);
}

TEST_CASE("create, set and delete an address, each reported once dispatched", "[addresses][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<UnicastAddressRow> log(b);
  Mirror<UnicastAddressRow> mirror(b, Family::Unspecified);

  for (const auto& [text, length] : {std::pair{"192.0.2.10", 24}, std::pair{"2001:db8:1::10", 64}}) {
    INFO(text);
    log.clear();
    const IpAddress a = addr(text);
    auto row = makeAddress(text, v0, std::uint8_t(length));
    REQUIRE_OK(b.createUnicastIpAddressEntry(row));
    // Synchronous: readable at once; notifications wait for dispatch().
    auto readBack = findAddress(b, text, v0);
    REQUIRE(readBack.has_value());
    CHECK(readBack->onLinkPrefixLength == length);
    CHECK(readBack->luid == luidOf(b, "v0"));
    CHECK(log.changes().empty());
    CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Add, isAddress(a, v0)); }));
    // Without DAD the kernel still starts IPv6 addresses tentative and clears that a moment later.
    CHECK(stack.settleUntil([&] { return findAddress(b, text, v0)->dadState == DadState::Preferred; }));

    log.clear();
    row.validLifetime = 3600;
    row.preferredLifetime = 1800;
    REQUIRE_OK(b.setUnicastIpAddressEntry(row));
    readBack = findAddress(b, text, v0);
    REQUIRE(readBack.has_value());
    CHECK(readBack->validLifetime <= 3600);
    CHECK(readBack->validLifetime >= 3500);
    CHECK(readBack->preferredLifetime <= 1800);
    CHECK(readBack->preferredLifetime >= 1700);
    CHECK(stack.settleUntil([&] { return log.has(ChangeKind::ParameterChange, isAddress(a, v0)); }));

    log.clear();
    REQUIRE_OK(b.deleteUnicastIpAddressEntry(row));
    CHECK_FALSE(findAddress(b, text, v0).has_value());
    CHECK(stack.settleUntil([&] { return log.has(ChangeKind::Delete, isAddress(a, v0)); }));
    CHECK_STATUS(b.deleteUnicastIpAddressEntry(row), Status::NotFound);
  }
  CHECK_MIRROR(stack, mirror);
}

TEST_CASE("address creation details: host prefix default, finite lifetimes", "[addresses]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v2 = indexOf(b, "v2");

  // onLinkPrefixLength 0xff (as initialized) means a host prefix.
  REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("203.0.113.5", v2, 0xff)));
  auto host = findAddress(b, "203.0.113.5", v2);
  REQUIRE(host.has_value());
  CHECK(host->onLinkPrefixLength == 32);
  REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("2001:db8:2::5", v2, 0xff)));
  auto host6 = findAddress(b, "2001:db8:2::5", v2);
  REQUIRE(host6.has_value());
  CHECK(host6->onLinkPrefixLength == 128);

  auto finite = makeAddress("198.51.100.20", v2, 24);
  finite.validLifetime = 600;
  finite.preferredLifetime = 300;
  REQUIRE_OK(b.createUnicastIpAddressEntry(finite));
  auto readBack = findAddress(b, "198.51.100.20", v2);
  REQUIRE(readBack.has_value());
  CHECK(readBack->validLifetime <= 600);
  CHECK(readBack->validLifetime >= 590);
  CHECK(readBack->preferredLifetime <= 300);
  CHECK(readBack->preferredLifetime >= 290);
  CHECK_FALSE(readBack->permanent);
}

TEST_CASE("changing an address's prefix length either works or is refused without effect", "[addresses]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  auto row = makeAddress("192.0.2.10", v0, 24);
  REQUIRE_OK(b.createUnicastIpAddressEntry(row));
  stack.settle();
  const auto before = snapshot(b);
  row.onLinkPrefixLength = 25;
  const auto result = b.setUnicastIpAddressEntry(row);
  INFO(result.toString());
  if (result.status == Status::NotSupported) {
    CHECK_UNCHANGED(stack, before);
  } else {
    REQUIRE(result.ok());
    auto readBack = findAddress(b, "192.0.2.10", v0);
    REQUIRE(readBack.has_value());
    CHECK(readBack->onLinkPrefixLength == 25);
  }
}

TEST_CASE("refused address calls change nothing", "[addresses][errors]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  stack.settle();
  const auto before = snapshot(b);
  EventLog<UnicastAddressRow> log(b);

  SECTION("AlreadyExists") {
    CHECK_STATUS(b.createUnicastIpAddressEntry(makeAddress("192.0.2.1", v0, 24)), Status::AlreadyExists);
    CHECK_STATUS(b.createUnicastIpAddressEntry(makeAddress("2001:db8:1::1", v0, 64)), Status::AlreadyExists);
  }
  SECTION("NotFound: no such interface") {
    CHECK_STATUS(b.createUnicastIpAddressEntry(makeAddress("192.0.2.10", unusedIndex(b), 24)),
                 Status::NotFound);
  }
  SECTION("InvalidParameter: prefix length beyond the family") {
    CHECK_STATUS(b.createUnicastIpAddressEntry(makeAddress("192.0.2.10", v0, 33)), Status::InvalidParameter);
    CHECK_STATUS(b.createUnicastIpAddressEntry(makeAddress("2001:db8:1::10", v0, 129)),
                 Status::InvalidParameter);
  }
  SECTION("InvalidParameter: no address family") {
    auto row = makeAddress("192.0.2.10", v0, 24);
    row.address = IpAddress{};
    CHECK_STATUS(b.createUnicastIpAddressEntry(row), Status::InvalidParameter);
  }
  SECTION("InvalidParameter: preferred lifetime beyond the valid one") {
    auto row = makeAddress("192.0.2.10", v0, 24);
    row.validLifetime = 100;
    row.preferredLifetime = 200;
    CHECK_STATUS(b.createUnicastIpAddressEntry(row), Status::InvalidParameter);
    auto existing = makeAddress("192.0.2.1", v0, 24);
    existing.validLifetime = 100;
    existing.preferredLifetime = 200;
    CHECK_STATUS(b.setUnicastIpAddressEntry(existing), Status::InvalidParameter);
  }
  SECTION("NotFound: set or delete of an absent address") {
    auto row = makeAddress("192.0.2.99", v0, 24);
    row.validLifetime = 100;
    row.preferredLifetime = 50;
    CHECK_STATUS(b.setUnicastIpAddressEntry(row), Status::NotFound);
    CHECK_STATUS(b.deleteUnicastIpAddressEntry(row), Status::NotFound);
    // The right address on the wrong interface is absent too.
    CHECK_STATUS(b.deleteUnicastIpAddressEntry(makeAddress("192.0.2.1", indexOf(b, "v2"), 24)),
                 Status::NotFound);
  }
  CHECK_UNCHANGED(stack, before);
  CHECK(log.changes().empty());
}

TEST_CASE("out-of-band address changes arrive as notifications, filtered by family", "[addresses][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<UnicastAddressRow> all(b);
  EventLog<UnicastAddressRow> onlyV4(b, Family::V4);
  EventLog<UnicastAddressRow> onlyV6(b, Family::V6);
  Mirror<UnicastAddressRow> mirror(b, Family::Unspecified);
  const IpAddress a4 = addr("192.0.2.20"), a6 = addr("2001:db8:1::20");

  REQUIRE_OK(stack.outOfBand("addr add 192.0.2.20/24 dev v0"));
  REQUIRE_OK(stack.outOfBand("addr add 2001:db8:1::20/64 dev v0 nodad"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Add, isAddress(a4, v0)) && all.has(ChangeKind::Add, isAddress(a6, v0));
  }));
  const auto added = all.rows(ChangeKind::Add, isAddress(a4, v0));
  REQUIRE(!added.empty());
  CHECK(added.front().onLinkPrefixLength == 24);

  REQUIRE_OK(stack.outOfBand("addr del 192.0.2.20/24 dev v0"));
  REQUIRE_OK(stack.outOfBand("addr del 2001:db8:1::20/64 dev v0"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Delete, isAddress(a4, v0)) && all.has(ChangeKind::Delete, isAddress(a6, v0));
  }));
  CHECK_MIRROR(stack, mirror);

  CHECK(onlyV4.has(ChangeKind::Add, isAddress(a4, v0)));
  CHECK(onlyV6.has(ChangeKind::Add, isAddress(a6, v0)));
  for (const auto& c : onlyV4.changes())
    CHECK(c.row.address.isV4());
  for (const auto& c : onlyV6.changes())
    CHECK(c.row.address.isV6());
}

TEST_CASE("an out-of-band lifetime change arrives as a parameter change", "[addresses][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  REQUIRE_OK(stack.outOfBand("addr add 192.0.2.20/24 dev v0"));
  stack.settle();
  EventLog<UnicastAddressRow> log(b);
  Mirror<UnicastAddressRow> mirror(b, Family::Unspecified);
  const IpAddress a = addr("192.0.2.20");
  REQUIRE_OK(stack.outOfBand("addr change 192.0.2.20/24 dev v0 valid_lft 900 preferred_lft 600"));
  CHECK(stack.settleUntil([&] {
    return log.has(ChangeKind::ParameterChange,
                   [&](const UnicastAddressRow& r) { return isAddress(a, v0)(r) && r.validLifetime <= 900; });
  }));
  CHECK_FALSE(log.has(ChangeKind::Delete, isAddress(a, v0)));
  CHECK_MIRROR(stack, mirror);
}

} // namespace
} // namespace ipmibd::conformance
