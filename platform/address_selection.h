// RFC 6724 default address selection as a pure function: source selection (section 5, rules 1-8)
// and destination ordering (section 6, rules 1-10) over inputs a backend gathers (CreateSortedAddressPairs).
#pragma once

#include "platform/rows.h"

#include <cstdint>
#include <span>
#include <vector>

namespace ipmibd::platform {

// One row of the kernel's address label table (`ip addrlabel`; RTM_GETADDRLABEL): the label RFC 6724
// rules 5 (destination) and 6 (source) compare. Beyond IP Helper (Windows keeps its policy table in
// netsh `interface ipv6 show prefixpolicies`, outside IP Helper). Prefixes are IPv6; IPv4 addresses
// are looked up as IPv4-mapped (::ffff:a.b.c.d), as RFC 6724 section 2.1 says.
struct AddressLabelRow {
  IpPrefix prefix;
  InterfaceIndex interfaceIndex = 0; // 0: every interface; else only addresses of (routes through) it
  std::uint32_t label = 0;
  friend bool operator==(const AddressLabelRow&, const AddressLabelRow&) = default;
};

// RFC 6724 section 2.1's policy table: precedence and label per prefix.
struct PolicyEntry {
  IpPrefix prefix;
  std::uint32_t precedence = 0;
  std::uint32_t label = 0;
};
const std::vector<PolicyEntry>& defaultPolicyTable();
// The labels of defaultPolicyTable() as address label rows (the simulator's initial table).
std::vector<AddressLabelRow> defaultAddressLabels();

// A candidate source address: one of the host's usable unicast addresses.
struct SourceCandidate {
  IpAddress address;
  std::uint8_t prefixLength = 0; // on-link prefix: CommonPrefixLen stops there (RFC 6724 section 2.2)
  InterfaceIndex interfaceIndex = 0;
  bool deprecated = false; // rule 3
  bool home = false;       // rule 4: a Mobile IPv6 home address
  bool temporary = false;  // rule 7: an RFC 8981 temporary address
};

// How the host would reach one destination (from the route lookup).
struct DestinationRoute {
  bool reachable = true;             // destination rule 1: false when no route reaches it
  InterfaceIndex interfaceIndex = 0; // the outgoing interface; 0 unknown (no interface restriction)
  bool encapsulated = false;         // destination rule 7: the route goes through a tunnel
};

struct SelectionPolicy {
  std::vector<PolicyEntry> precedences = defaultPolicyTable();  // rule 6 (labels here are ignored)
  std::vector<AddressLabelRow> labels = defaultAddressLabels(); // source rule 6, destination rule 5
  bool preferTemporary = true;                                  // source rule 7 (RFC default)
};

// SOCKADDR_IN6_PAIR: the source to use for a destination; an unspecified source (IpAddress{}) when
// no candidate fits (such a destination sorts last by destination rule 1).
struct AddressPair {
  IpAddress source;
  IpAddress destination;
  friend bool operator==(const AddressPair&, const AddressPair&) = default;
};

// RFC 6724 section 3.1 scopes: 1 interface-local, 2 link-local, 5 site-local, 8 organization-local,
// 0xe global; IPv4 (section 3.2): loopback and 169.254/16 link-local, everything else global.
unsigned addressScope(const IpAddress& address);
// Section 2.2: leading bits in common, up to the source's on-link prefix length (0xff: the whole
// address); 0 across families.
unsigned commonPrefixLength(const IpAddress& source, std::uint8_t sourcePrefixLength,
                            const IpAddress& destination);
std::uint32_t precedenceOf(const IpAddress& address, std::span<const PolicyEntry> table);
// Longest match, an interface-specific row winning a tie; no match: label 0xffffffff (matches
// nothing the table gives).
std::uint32_t labelOf(const IpAddress& address, InterfaceIndex interfaceIndex,
                      std::span<const AddressLabelRow> table);

// Section 5. Candidates: same family; link-local-scope sources only on the outgoing interface (when
// known), and for link-local or multicast destinations every source must be on it (section 4);
// loopback sources only for loopback destinations. Unspecified when no candidate remains.
SourceCandidate selectSource(const IpAddress& destination, const DestinationRoute& route,
                             std::span<const SourceCandidate> sources, const SelectionPolicy& policy);

// Section 6: pairs every destination with its source (selectSource) and orders them, stably.
// `routes` has one entry per destination, in the same order.
std::vector<AddressPair> sortAddressPairs(std::span<const IpAddress> destinations,
                                          std::span<const DestinationRoute> routes,
                                          std::span<const SourceCandidate> sources,
                                          const SelectionPolicy& policy);

} // namespace ipmibd::platform
