// Rows of the addresses an interface answers besides its unicast ones: multicast group memberships
// (MIB_MULTICASTIPADDRESS_ROW) and anycast addresses (MIB_ANYCASTIPADDRESS_ROW).
#pragma once

#include "platform/rows.h"

namespace ipmibd::platform {

// Key: address + interfaceIndex (or the interface named by luid when non-zero, as IP Helper looks
// it up). As in UnicastAddressRow, an IPv6 link-local (fe80::/10) anycast address carries its scope
// id in `address`; a multicast group never does (ff02::1 is one group joined on many interfaces).
// scopeId is IP Helper's ScopeId: the interface index for IPv6 addresses of interface- or
// link-local scope (ff01::/16, ff02::/16, fe80::/10), else 0.
struct MulticastAddressRow {
  IpAddress address;
  InterfaceIndex interfaceIndex = 0;
  InterfaceLuid luid;
  std::uint32_t scopeId = 0;
  friend bool operator==(const MulticastAddressRow&, const MulticastAddressRow&) = default;
};

struct AnycastAddressRow {
  IpAddress address;
  InterfaceIndex interfaceIndex = 0;
  InterfaceLuid luid;
  std::uint32_t scopeId = 0;
  friend bool operator==(const AnycastAddressRow&, const AnycastAddressRow&) = default;
};

// IP Helper's ScopeId for a group or anycast address on `interfaceIndex`.
std::uint32_t groupScopeId(const IpAddress& address, InterfaceIndex interfaceIndex);

} // namespace ipmibd::platform
