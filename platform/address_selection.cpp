// RFC 6724 address selection: scopes, policy lookups, the source rules and the destination order.
#include "platform/address_selection.h"

#include <algorithm>
#include <numeric>

namespace ipmibd::platform {
namespace {

IpPrefix v6Prefix(std::string_view text) { return *IpPrefix::parse(text); }

// IPv4 takes part in the IPv6 policy table as IPv4-mapped (RFC 6724 section 2.1).
IpAddress policyForm(const IpAddress& address) {
  if (!address.isV4()) return address.withScope(0);
  std::array<std::uint8_t, 16> bytes{};
  bytes[10] = bytes[11] = 0xff;
  std::copy(address.data(), address.data() + 4, bytes.begin() + 12);
  return IpAddress::v6(bytes);
}

bool isV4Mapped(const IpAddress& a) {
  if (!a.isV6()) return false;
  const std::uint8_t* b = a.data();
  return std::all_of(b, b + 10, [](std::uint8_t x) { return x == 0; }) && b[10] == 0xff && b[11] == 0xff;
}

unsigned v4Scope(const std::uint8_t* b) {
  if (b[0] == 127 || (b[0] == 169 && b[1] == 254)) return 2;
  return 0xe;
}

// Longest matching prefix in a table of rows with a `prefix`; `better` breaks equal-length ties.
template <class Row, class Better>
const Row* longestMatch(const IpAddress& address, std::span<const Row> table, Better better) {
  const IpAddress key = policyForm(address);
  const Row* best = nullptr;
  for (const Row& row : table) {
    if (!row.prefix.isValid() || row.prefix.family() != Family::V6) continue;
    if (!IpPrefix{row.prefix.address.withScope(0), row.prefix.length}.contains(key)) continue;
    if (!best || row.prefix.length > best->prefix.length ||
        (row.prefix.length == best->prefix.length && better(row, *best)))
      best = &row;
  }
  return best;
}

} // namespace

const std::vector<PolicyEntry>& defaultPolicyTable() {
  static const std::vector<PolicyEntry> table = {
      {v6Prefix("::1/128"), 50, 0},   {v6Prefix("::/0"), 40, 1},      {v6Prefix("::ffff:0:0/96"), 35, 4},
      {v6Prefix("2002::/16"), 30, 2}, {v6Prefix("2001::/32"), 5, 5},  {v6Prefix("fc00::/7"), 3, 13},
      {v6Prefix("::/96"), 1, 3},      {v6Prefix("fec0::/10"), 1, 11}, {v6Prefix("3ffe::/16"), 1, 12},
  };
  return table;
}

std::vector<AddressLabelRow> defaultAddressLabels() {
  std::vector<AddressLabelRow> rows;
  for (const auto& entry : defaultPolicyTable())
    rows.push_back({entry.prefix, 0, entry.label});
  return rows;
}

unsigned addressScope(const IpAddress& address) {
  const std::uint8_t* b = address.data();
  if (address.isV4()) return v4Scope(b);
  if (!address.isV6()) return 0xe;
  if (isV4Mapped(address)) return v4Scope(b + 12);
  if (b[0] == 0xff) return b[1] & 0x0f;                           // multicast: its scope field
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return 2;            // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return 5;            // fec0::/10 (deprecated site-local)
  if (address.withScope(0) == *IpAddress::parse("::1")) return 2; // loopback: link-local (RFC 4007)
  return 0xe;
}

unsigned commonPrefixLength(const IpAddress& source, std::uint8_t sourcePrefixLength,
                            const IpAddress& destination) {
  if (source.family() != destination.family() || source.isUnspecified()) return 0;
  const unsigned bits = unsigned(source.size() * 8);
  const unsigned limit = std::min<unsigned>(bits, sourcePrefixLength);
  unsigned n = 0;
  while (n < limit) {
    const unsigned byte = n / 8, bit = 7 - n % 8;
    if (((source.data()[byte] >> bit) & 1) != ((destination.data()[byte] >> bit) & 1)) break;
    ++n;
  }
  return n;
}

std::uint32_t precedenceOf(const IpAddress& address, std::span<const PolicyEntry> table) {
  const PolicyEntry* e =
      longestMatch(address, table, [](const PolicyEntry&, const PolicyEntry&) { return false; });
  return e ? e->precedence : 0;
}

std::uint32_t labelOf(const IpAddress& address, InterfaceIndex interfaceIndex,
                      std::span<const AddressLabelRow> table) {
  std::vector<AddressLabelRow> applicable;
  for (const auto& row : table)
    if (row.interfaceIndex == 0 || row.interfaceIndex == interfaceIndex) applicable.push_back(row);
  const AddressLabelRow* e = longestMatch(
      address, std::span<const AddressLabelRow>(applicable),
      [](const AddressLabelRow& a, const AddressLabelRow& b) { return a.interfaceIndex > b.interfaceIndex; });
  return e ? e->label : 0xffffffff;
}

namespace {

// Source rules 1-8 for destination `d`: < 0 when `a` is the better source, > 0 when `b` is, 0 on a tie.
int compareSources(const SourceCandidate& a, const SourceCandidate& b, const IpAddress& d,
                   const DestinationRoute& route, const SelectionPolicy& policy) {
  const IpAddress dKey = d.withScope(0);
  // Rule 1: prefer the same address.
  const bool aSame = a.address.withScope(0) == dKey, bSame = b.address.withScope(0) == dKey;
  if (aSame != bSame) return aSame ? -1 : 1;
  // Rule 2: prefer appropriate scope.
  const unsigned sa = addressScope(a.address), sb = addressScope(b.address), sd = addressScope(d);
  if (sa < sb) return sa < sd ? 1 : -1;
  if (sb < sa) return sb < sd ? -1 : 1;
  // Rule 3: avoid deprecated addresses.
  if (a.deprecated != b.deprecated) return a.deprecated ? 1 : -1;
  // Rule 4: prefer home addresses.
  if (a.home != b.home) return a.home ? -1 : 1;
  // Rule 5: prefer the outgoing interface.
  if (route.interfaceIndex != 0) {
    const bool aOut = a.interfaceIndex == route.interfaceIndex,
               bOut = b.interfaceIndex == route.interfaceIndex;
    if (aOut != bOut) return aOut ? -1 : 1;
  }
  // (Rule 5.5, prefer addresses in a prefix advertised by the next hop, needs per-router prefix
  // knowledge that the platform rows do not carry; skipped, as RFC 6724 allows.)
  // Rule 6: prefer matching label.
  const std::uint32_t ld = labelOf(d, route.interfaceIndex, policy.labels);
  const bool aLabel = labelOf(a.address, a.interfaceIndex, policy.labels) == ld;
  const bool bLabel = labelOf(b.address, b.interfaceIndex, policy.labels) == ld;
  if (aLabel != bLabel) return aLabel ? -1 : 1;
  // Rule 7: prefer temporary addresses (or public ones, when the policy says so).
  if (a.temporary != b.temporary) return (a.temporary == policy.preferTemporary) ? -1 : 1;
  // Rule 8: use the longest matching prefix.
  const unsigned ca = commonPrefixLength(a.address, a.prefixLength, d);
  const unsigned cb = commonPrefixLength(b.address, b.prefixLength, d);
  if (ca != cb) return ca > cb ? -1 : 1;
  return 0;
}

bool isLoopback(const IpAddress& a) { return a.isLoopback() || (isV4Mapped(a) && a.data()[12] == 127); }

} // namespace

SourceCandidate selectSource(const IpAddress& destination, const DestinationRoute& route,
                             std::span<const SourceCandidate> sources, const SelectionPolicy& policy) {
  const unsigned destinationScope = addressScope(destination);
  const bool confined = route.interfaceIndex != 0 && (destinationScope <= 2 || destination.isMulticast());
  const SourceCandidate* best = nullptr;
  for (const auto& s : sources) {
    if (s.address.family() != destination.family()) continue;
    if (isLoopback(s.address) && !isLoopback(destination)) continue;
    if (route.interfaceIndex != 0 && s.interfaceIndex != route.interfaceIndex &&
        (confined || addressScope(s.address) <= 2))
      continue;
    if (!best || compareSources(s, *best, destination, route, policy) < 0) best = &s;
  }
  return best ? *best : SourceCandidate{};
}

namespace {

struct Candidate {
  IpAddress destination;
  DestinationRoute route;
  SourceCandidate source;
  bool usable = false;
};

// Destination rules 1-9: < 0 when `a` sorts first, > 0 when `b` does, 0 to keep their order.
int compareDestinations(const Candidate& a, const Candidate& b, const SelectionPolicy& policy) {
  // Rule 1: avoid unusable destinations.
  if (a.usable != b.usable) return a.usable ? -1 : 1;
  if (!a.usable) return 0;
  const unsigned sda = addressScope(a.destination), sdb = addressScope(b.destination);
  // Rule 2: prefer matching scope.
  const bool aScope = sda == addressScope(a.source.address), bScope = sdb == addressScope(b.source.address);
  if (aScope != bScope) return aScope ? -1 : 1;
  // Rule 3: avoid deprecated source addresses.
  if (a.source.deprecated != b.source.deprecated) return a.source.deprecated ? 1 : -1;
  // Rule 4: prefer home addresses.
  if (a.source.home != b.source.home) return a.source.home ? -1 : 1;
  // Rule 5: prefer matching label.
  const bool aLabel = labelOf(a.source.address, a.source.interfaceIndex, policy.labels) ==
                      labelOf(a.destination, a.route.interfaceIndex, policy.labels);
  const bool bLabel = labelOf(b.source.address, b.source.interfaceIndex, policy.labels) ==
                      labelOf(b.destination, b.route.interfaceIndex, policy.labels);
  if (aLabel != bLabel) return aLabel ? -1 : 1;
  // Rule 6: prefer higher precedence.
  const std::uint32_t pa = precedenceOf(a.destination, policy.precedences);
  const std::uint32_t pb = precedenceOf(b.destination, policy.precedences);
  if (pa != pb) return pa > pb ? -1 : 1;
  // Rule 7: prefer native transport.
  if (a.route.encapsulated != b.route.encapsulated) return a.route.encapsulated ? 1 : -1;
  // Rule 8: prefer smaller scope.
  if (sda != sdb) return sda < sdb ? -1 : 1;
  // Rule 9: use the longest matching prefix (same family only).
  if (a.destination.family() == b.destination.family()) {
    const unsigned ca = commonPrefixLength(a.source.address, a.source.prefixLength, a.destination);
    const unsigned cb = commonPrefixLength(b.source.address, b.source.prefixLength, b.destination);
    if (ca != cb) return ca > cb ? -1 : 1;
  }
  // Rule 10: otherwise, leave the order unchanged.
  return 0;
}

} // namespace

std::vector<AddressPair> sortAddressPairs(std::span<const IpAddress> destinations,
                                          std::span<const DestinationRoute> routes,
                                          std::span<const SourceCandidate> sources,
                                          const SelectionPolicy& policy) {
  std::vector<Candidate> candidates;
  candidates.reserve(destinations.size());
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    Candidate c;
    c.destination = destinations[i];
    if (i < routes.size()) c.route = routes[i];
    if (c.route.reachable) c.source = selectSource(c.destination, c.route, sources, policy);
    c.usable = c.route.reachable && !c.source.address.isUnspecified();
    candidates.push_back(std::move(c));
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    return compareDestinations(a, b, policy) < 0;
  });
  std::vector<AddressPair> pairs;
  pairs.reserve(candidates.size());
  for (const auto& c : candidates)
    pairs.push_back({c.source.address, c.destination});
  return pairs;
}

} // namespace ipmibd::platform
