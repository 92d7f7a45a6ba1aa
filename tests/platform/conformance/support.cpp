// Helpers shared by the conformance cases: builders, reads, normalization and snapshots.
#include "tests/platform/conformance/support.h"

#include <algorithm>
#include <set>

namespace ipmibd::conformance {

IpAddress addr(std::string_view text) {
  auto a = IpAddress::parse(text);
  INFO("address " << text);
  REQUIRE(a.has_value());
  return *a;
}

IpPrefix prefix(std::string_view text) {
  auto p = IpPrefix::parse(text);
  INFO("prefix " << text);
  REQUIRE(p.has_value());
  return *p;
}

InterfaceIndex indexOf(Backend& backend, const std::string& name) {
  for (const auto& row : interfaces(backend))
    if (row.name == name) return row.index;
  FAIL("no interface named " << name);
  return 0;
}

InterfaceLuid luidOf(Backend& backend, const std::string& name) {
  for (const auto& row : interfaces(backend))
    if (row.name == name) return row.luid;
  FAIL("no interface named " << name);
  return {};
}

InterfaceIndex unusedIndex(Backend& backend) {
  InterfaceIndex highest = 0;
  for (const auto& row : interfaces(backend))
    highest = std::max(highest, row.index);
  return highest + 1000;
}

RouteRow makeRoute(std::string_view destination, std::string_view nextHop, InterfaceIndex interfaceIndex,
                   std::uint32_t metric) {
  RouteRow row;
  initializeIpForwardEntry(row);
  row.destinationPrefix = prefix(destination);
  row.nextHop = nextHop.empty() ? IpAddress::zero(row.destinationPrefix.family()) : addr(nextHop);
  row.interfaceIndex = interfaceIndex;
  row.metric = metric;
  return row;
}

RouteRow makeTypedRoute(std::string_view destination, RouteType type, std::uint32_t metric) {
  RouteRow row = makeRoute(destination, "", 0, metric);
  row.type = type;
  return row;
}

UnicastAddressRow makeAddress(std::string_view address, InterfaceIndex interfaceIndex,
                              std::uint8_t prefixLength) {
  UnicastAddressRow row;
  initializeUnicastIpAddressEntry(row);
  row.address = addr(address);
  row.interfaceIndex = interfaceIndex;
  row.onLinkPrefixLength = prefixLength;
  return row;
}

NeighborRow makeNeighbor(std::string_view address, InterfaceIndex interfaceIndex, std::string_view lladdr,
                         NeighborState state) {
  NeighborRow row;
  row.address = addr(address);
  row.interfaceIndex = interfaceIndex;
  auto mac = parsePhysicalAddress(lladdr);
  INFO("lladdr " << lladdr);
  REQUIRE(mac.has_value());
  row.physicalAddress = *mac;
  row.state = state;
  return row;
}

std::vector<InterfaceRow> interfaces(Backend& backend) {
  std::vector<InterfaceRow> table;
  REQUIRE_OK(backend.getIfTable2(table));
  return table;
}

std::vector<IpInterfaceRow> ipInterfaces(Backend& backend, Family family) {
  std::vector<IpInterfaceRow> table;
  REQUIRE_OK(backend.getIpInterfaceTable(family, table));
  return table;
}

std::vector<UnicastAddressRow> addresses(Backend& backend, Family family) {
  std::vector<UnicastAddressRow> table;
  REQUIRE_OK(backend.getUnicastIpAddressTable(family, table));
  return table;
}

std::vector<NeighborRow> neighbors(Backend& backend, Family family) {
  std::vector<NeighborRow> table;
  REQUIRE_OK(backend.getIpNetTable2(family, table));
  return table;
}

std::vector<RouteRow> routes(Backend& backend, Family family) {
  std::vector<RouteRow> table;
  REQUIRE_OK(backend.getIpForwardTable2(family, table));
  return table;
}

std::vector<RouteRow> routesTo(Backend& backend, std::string_view destination) {
  const IpPrefix wanted = prefix(destination);
  std::vector<RouteRow> out;
  for (const auto& row : routes(backend, wanted.family()))
    if (row.destinationPrefix == wanted) out.push_back(row);
  return out;
}

IpInterfaceRow ipInterface(Backend& backend, Family family, InterfaceIndex index) {
  IpInterfaceRow row;
  initializeIpInterfaceEntry(row);
  row.family = family;
  row.interfaceIndex = index;
  REQUIRE_OK(backend.getIpInterfaceEntry(row));
  return row;
}

InterfaceRow normalized(InterfaceRow row) {
  row.inOctets = row.inUcastPkts = row.inNUcastPkts = row.inDiscards = row.inErrors = row.inUnknownProtos =
      row.inMulticastPkts = 0;
  row.outOctets = row.outUcastPkts = row.outNUcastPkts = row.outDiscards = row.outErrors = 0;
  return row;
}

IpInterfaceRow normalized(IpInterfaceRow row) {
  row.reachableTime = 0; // the kernel re-randomizes it around baseReachableTime
  return row;
}

UnicastAddressRow normalized(UnicastAddressRow row) {
  if (row.validLifetime != kInfiniteLifetime) row.validLifetime = 0;
  if (row.preferredLifetime != kInfiniteLifetime) row.preferredLifetime = 0;
  return row;
}

NeighborRow normalized(NeighborRow row) {
  row.reachabilityTime = 0;
  return row;
}

RouteRow normalized(RouteRow row) {
  if (row.validLifetime != kInfiniteLifetime) row.validLifetime = 0;
  if (row.preferredLifetime != kInfiniteLifetime) row.preferredLifetime = 0;
  row.expires = {}; // two reads of one expiry differ by their rounding
  return row;
}

bool isNoise(const NeighborRow& row) { return row.address.isMulticast(); }

namespace {
template <class Row> std::vector<Row> normalizedSorted(std::vector<Row> rows) {
  for (auto& r : rows)
    r = normalized(r);
  std::erase_if(rows, [](const Row& r) {
    if constexpr (std::is_same_v<Row, NeighborRow>) return isNoise(r);
    return false;
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return keyFor(a) < keyFor(b); });
  return rows;
}

template <class Row> void lines(const std::vector<Row>& rows, std::set<std::string>& out) {
  for (const auto& r : rows) {
    if constexpr (std::is_same_v<Row, InterfaceRow>)
      out.insert(cli::describe(r));
    else
      out.insert(cli::describe(r, {}));
  }
}

std::set<std::string> lines(const Snapshot& s) {
  std::set<std::string> out;
  lines(s.interfaces, out);
  lines(s.ipInterfaces, out);
  lines(s.addresses, out);
  lines(s.neighbors, out);
  lines(s.routes, out);
  for (const auto& g : {s.v4, s.v6})
    out.insert("settings " + std::string(toString(g.family)) + " forwarding " + std::to_string(g.forwarding) +
               " hoplimit " + std::to_string(g.defaultHopLimit));
  return out;
}
} // namespace

Snapshot snapshot(Backend& backend) {
  Snapshot s;
  s.interfaces = normalizedSorted(interfaces(backend));
  s.ipInterfaces = normalizedSorted(ipInterfaces(backend, Family::Unspecified));
  s.addresses = normalizedSorted(addresses(backend, Family::Unspecified));
  s.neighbors = normalizedSorted(neighbors(backend, Family::Unspecified));
  s.routes = normalizedSorted(routes(backend, Family::Unspecified));
  s.v4.family = Family::V4;
  s.v6.family = Family::V6;
  REQUIRE_OK(backend.getIpGlobalSettings(s.v4));
  REQUIRE_OK(backend.getIpGlobalSettings(s.v6));
  return s;
}

std::string difference(const Snapshot& before, const Snapshot& after) {
  const auto a = lines(before), b = lines(after);
  std::string out;
  for (const auto& l : a)
    if (!b.contains(l)) out += "  before: " + l + "\n";
  for (const auto& l : b)
    if (!a.contains(l)) out += "  after:  " + l + "\n";
  if (out.empty() && !(before == after)) out = "  (a field not shown in the one-line form differs)\n";
  return out;
}

Subscription subscribe(Backend& backend, Family, ChangeCallback<InterfaceRow> callback) {
  return backend.notifyInterfaceChange(std::move(callback));
}
Subscription subscribe(Backend& backend, Family family, ChangeCallback<IpInterfaceRow> callback) {
  return backend.notifyIpInterfaceChange(family, std::move(callback));
}
Subscription subscribe(Backend& backend, Family family, ChangeCallback<UnicastAddressRow> callback) {
  return backend.notifyUnicastIpAddressChange(family, std::move(callback));
}
Subscription subscribe(Backend& backend, Family family, ChangeCallback<NeighborRow> callback) {
  return backend.notifyIpNetChange(family, std::move(callback));
}
Subscription subscribe(Backend& backend, Family family, ChangeCallback<RouteRow> callback) {
  return backend.notifyRouteChange2(family, std::move(callback));
}

} // namespace ipmibd::conformance
