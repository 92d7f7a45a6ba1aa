// Conformance: NotifyStableUnicastIpAddressTable across DAD: stable at once without tentative
// addresses, else one callback from dispatch() once DAD ends, with a duplicate (the veth peer holds
// the address) reported as such.
#include "tests/platform/conformance/support.h"

namespace ipmibd::conformance {
namespace {

struct Delivery {
  std::vector<UnicastAddressRow> table;
  int calls = 0;
};

Backend::StableTableCallback recordInto(Delivery& delivery) {
  return [&delivery](std::span<const UnicastAddressRow> table) {
    delivery.table.assign(table.begin(), table.end());
    ++delivery.calls;
  };
}

// The row of `address` on `index` (0: on any interface).
const UnicastAddressRow* find(const std::vector<UnicastAddressRow>& table, std::string_view address,
                              InterfaceIndex index = 0) {
  for (const auto& row : table)
    if (row.address == addr(address) && (index == 0 || row.interfaceIndex == index)) return &row;
  return nullptr;
}

bool anyTentative(const std::vector<UnicastAddressRow>& table) {
  for (const auto& row : table)
    if (row.dadState == DadState::Tentative) return true;
  return false;
}

TEST_CASE("stable address table: at once without DAD, else after it, duplicates named",
          "[stable][addresses]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");

  std::vector<UnicastAddressRow> table;
  Subscription subscription;
  Delivery unexpected;
  REQUIRE_OK(
      b.notifyStableUnicastIpAddressTable(Family::Unspecified, table, recordInto(unexpected), subscription));
  CHECK_FALSE(subscription.active());
  CHECK(find(table, "192.0.2.1") != nullptr);
  CHECK(find(table, "2001:db8:1::1") != nullptr);
  CHECK_FALSE(anyTentative(table));

  // DAD on v0; the peer end holds ::6, so its probe is answered.
  REQUIRE_OK(stack.outOfBand("sysctl -w net.ipv6.conf.v0.accept_dad=1"));
  REQUIRE_OK(stack.outOfBand("-6 addr add 2001:db8:1::6/64 dev v1 nodad"));
  stack.settle();
  REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("2001:db8:1::5", v0, 64)));
  REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("2001:db8:1::6", v0, 64)));
  UnicastAddressRow fresh = makeAddress("2001:db8:1::5", v0, 64);
  REQUIRE_OK(b.getUnicastIpAddressEntry(fresh));
  CHECK(fresh.dadState == DadState::Tentative);

  Delivery v6;
  Subscription pending;
  REQUIRE_OK(b.notifyStableUnicastIpAddressTable(Family::V6, table, recordInto(v6), pending));
  CHECK(pending.active());
  CHECK(table.empty());
  // IPv4 knows no tentative addresses here: its table is stable at once.
  Subscription v4pending;
  std::vector<UnicastAddressRow> v4table;
  REQUIRE_OK(b.notifyStableUnicastIpAddressTable(Family::V4, v4table, recordInto(unexpected), v4pending));
  CHECK_FALSE(v4pending.active());
  CHECK(find(v4table, "192.0.2.1") != nullptr);

  CHECK(v6.calls == 0); // only dispatch() delivers
  CHECK(stack.settleUntil([&] { return v6.calls > 0; }, kSettleTimeout));
  REQUIRE(v6.calls == 1);
  CHECK_FALSE(anyTentative(v6.table));
  for (const auto& row : v6.table)
    CHECK(row.address.isV6());
  const auto* usable = find(v6.table, "2001:db8:1::5", v0);
  const auto* duplicate = find(v6.table, "2001:db8:1::6", v0);
  const auto* original = find(v6.table, "2001:db8:1::6", indexOf(b, "v1"));
  REQUIRE(usable != nullptr);
  REQUIRE(duplicate != nullptr);
  CHECK(usable->dadState == DadState::Preferred);
  CHECK(duplicate->dadState == DadState::Duplicate);
  REQUIRE(original != nullptr);
  CHECK(original->dadState == DadState::Preferred); // the peer's, without DAD, keeps it
  UnicastAddressRow reread = makeAddress("2001:db8:1::6", v0, 64);
  REQUIRE_OK(b.getUnicastIpAddressEntry(reread));
  CHECK(reread.dadState == DadState::Duplicate);

  // Later changes do not call again; a cancelled wait never calls.
  REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("2001:db8:1::7", v0, 64)));
  Delivery cancelled;
  Subscription dropped;
  REQUIRE_OK(b.notifyStableUnicastIpAddressTable(Family::V6, table, recordInto(cancelled), dropped));
  CHECK(dropped.active());
  dropped.cancel();
  UnicastAddressRow seventh = makeAddress("2001:db8:1::7", v0, 64);
  CHECK(stack.settleUntil(
      [&] { return b.getUnicastIpAddressEntry(seventh).ok() && seventh.dadState == DadState::Preferred; },
      kSettleTimeout));
  stack.settle();
  CHECK(cancelled.calls == 0);
  CHECK(v6.calls == 1);
  CHECK(unexpected.calls == 0);
}

} // namespace
} // namespace ipmibd::conformance
