// Linux-only checks of issue 19's h-sort functions against the real kernel, beyond the conformance
// suite: GetIfTable2Ex's raw level through a dormant link mode, the kernel's own default label
// table (which differs from RFC 6724's), and the RFC 6724 source choice agreeing with the kernel's.
#include "tests/platform/linux/backend_test_support.h"

namespace ipmibd::testing {
namespace {

const InterfaceRow* named(const std::vector<InterfaceRow>& table, const std::string& name) {
  for (const auto& row : table)
    if (row.name == name) return &row;
  return nullptr;
}

TEST_CASE("getIfTable2Ex: a dormant link is dormant at the normal level and up at the raw level",
          "[selection][iftable]") {
  REQUIRE_ROOT();
  TestNamespace ns("sort");
  ns.ip("link add v0 type veth peer name v1");
  ns.ip("link set v1 up");
  // IF_LINK_MODE_DORMANT: the kernel holds the operational state at dormant until a supplicant
  // says otherwise, although the device has its carrier.
  ns.ip("link set v0 mode dormant");
  ns.ip("link set v0 up");
  auto backend = openBackend(ns);
  std::vector<InterfaceRow> normal, raw;
  for (int i = 0; i < 50; ++i) { // linkwatch applies carrier changes asynchronously
    REQUIRE(backend->getIfTable2Ex(IfTableLevel::Normal, normal).ok());
    if (named(normal, "v0") && named(normal, "v0")->operStatus == OperStatus::Dormant) break;
    ::usleep(100'000);
  }
  REQUIRE(named(normal, "v0"));
  CHECK(named(normal, "v0")->operStatus == OperStatus::Dormant);
  REQUIRE(backend->getIfTable2Ex(IfTableLevel::Raw, raw).ok());
  REQUIRE(named(raw, "v0"));
  CHECK(named(raw, "v0")->operStatus == OperStatus::Up);
}

TEST_CASE("getAddressLabelTable: the kernel's default table, as ip addrlabel lists it",
          "[selection][addrlabel]") {
  REQUIRE_ROOT();
  TestNamespace ns("sort");
  auto backend = openBackend(ns);
  std::vector<AddressLabelRow> labels;
  REQUIRE(backend->getAddressLabelTable(labels).ok());
  // net/ipv6/addrlabel.c's ip6addrlbl_init_table (RFC 3484 heritage): not RFC 6724's labels.
  const std::vector<AddressLabelRow> expected = {
      {prefix("::1/128"), 0, 0},   {prefix("::/96"), 0, 3},        {prefix("::ffff:0.0.0.0/96"), 0, 4},
      {prefix("2001::/32"), 0, 6}, {prefix("2001:10::/28"), 0, 7}, {prefix("3ffe::/16"), 0, 12},
      {prefix("2002::/16"), 0, 2}, {prefix("fec0::/10"), 0, 11},   {prefix("fc00::/7"), 0, 5},
      {prefix("::/0"), 0, 1}};
  CHECK(labels == expected);
  // And every row `ip addrlabel` prints is one the backend returns.
  const std::string listed = runCommand("ip -n " + ns.name() + " addrlabel list");
  for (const auto& row : labels)
    CHECK(listed.find("prefix " + row.prefix.toString() + " label " + std::to_string(row.label)) !=
          std::string::npos);
}

TEST_CASE("createSortedAddressPairs picks the source the kernel picks", "[selection]") {
  REQUIRE_ROOT();
  TestNamespace ns("sort");
  ns.ip("link add v0 type veth peer name v1");
  ns.ip("link set v0 up");
  ns.ip("link set v1 up");
  ns.ip("addr add 2001:db8:1::1/64 dev v0 nodad");
  ns.ip("addr add 2001:db8:9::1/64 dev v0 nodad");
  ns.ip("addr add 192.0.2.1/24 dev v0");
  ns.ip("addr add 198.51.100.1/24 dev v0");
  ns.ip("-6 route add default via 2001:db8:1::fe dev v0");
  ns.ip("route add default via 192.0.2.254 dev v0");
  auto backend = openBackend(ns);
  // Rule 8 (longest matching prefix) decides between the two global sources, in RFC and kernel alike.
  // (Not tested: destinations where both sources share as many bits, e.g. 2001:db8:77::5, 41 each;
  // RFC 6724 leaves that tie to the implementation, and the kernel takes its list order.)
  for (const char* destination : {"2001:db8:9:ff::5", "2001:db8:1:ff::5", "2001:db8:8::5", "192.0.2.77"}) {
    INFO("destination " << destination);
    const std::vector<IpAddress> one{addr(destination)};
    std::vector<AddressPair> pairs;
    REQUIRE(backend->createSortedAddressPairs(one, pairs).ok());
    REQUIRE(pairs.size() == 1);
    RouteRow best;
    IpAddress kernelSource;
    REQUIRE(backend->getBestRoute2(addr(destination), best, kernelSource).ok());
    INFO("RFC 6724: " << pairs[0].source.toString() << ", kernel: " << kernelSource.toString());
    CHECK(pairs[0].source == kernelSource);
  }
}

} // namespace
} // namespace ipmibd::testing
