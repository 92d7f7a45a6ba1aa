// SimKernel's multicast memberships and anycast addresses: those Linux makes itself, derived from
// the links and addresses at read time, plus the ones sockets joined.
#include "platform/sim/sim_kernel.h"

#include <algorithm>
#include <array>
#include <set>

namespace ipmibd::platform::sim {

namespace {

IpAddress v6Group(std::uint8_t scope, std::uint8_t last) {
  std::array<std::uint8_t, 16> b{};
  b[0] = 0xff;
  b[1] = scope;
  b[15] = last;
  return IpAddress::v6(b);
}

// ff02::1:ffXX:XXXX (RFC 4291 2.7.1)
IpAddress solicitedNode(const IpAddress& address) {
  std::array<std::uint8_t, 16> b{};
  b[0] = 0xff;
  b[1] = 0x02;
  b[11] = 0x01;
  b[12] = 0xff;
  std::copy(address.data() + 13, address.data() + 16, b.begin() + 13);
  return IpAddress::v6(b);
}

Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }

} // namespace

std::vector<MulticastAddressRow> SimKernel::multicastView(Family family) const {
  std::set<std::pair<InterfaceIndex, IpAddress>> groups;
  for (const auto& [index, l] : links_) {
    if (l.row.adminStatus != AdminStatus::Up) continue;
    const bool loopback = l.kind == LinkKind::Loopback;
    if (family != Family::V6 && l.ipv4.enabled) groups.insert({index, IpAddress::v4(0xe0000001u)});
    if (family == Family::V4 || !l.ipv6.enabled || l.row.operStatus != OperStatus::Up) continue;
    groups.insert({index, v6Group(0x01, 1)});
    groups.insert({index, v6Group(0x02, 1)});
    if (loopback) continue; // lo is neither multicast-capable nor ARP-ing: no other groups
    if (l.ipv6.forwardingEnabled)
      for (std::uint8_t scope : {0x01, 0x02, 0x05})
        groups.insert({index, v6Group(scope, 2)});
    for (const auto& [key, entry] : addresses_)
      if (key.second == index && key.first.isV6()) groups.insert({index, solicitedNode(key.first)});
  }
  for (const auto& [key, users] : joinedGroups_)
    if (family == Family::Unspecified || key.first.family() == family) groups.insert({key.second, key.first});
  std::vector<MulticastAddressRow> out;
  for (const auto& [index, address] : groups) {
    const Link* l = link(index);
    out.push_back({address, index, l ? l->row.luid : InterfaceLuid{}, groupScopeId(address, index)});
  }
  return out;
}

std::vector<AnycastAddressRow> SimKernel::anycastView() const {
  std::set<std::pair<InterfaceIndex, IpAddress>> anycast;
  for (const auto& [key, entry] : addresses_) {
    const Link* l = link(key.second);
    if (!key.first.isV6() || !l || l->kind == LinkKind::Loopback || !l->ipv6.forwardingEnabled) continue;
    const std::uint8_t length = entry.row.onLinkPrefixLength;
    if (length >= 127) continue;
    anycast.insert({key.second, key.first.masked(length)});
  }
  for (const auto& [key, users] : joinedAnycast_)
    anycast.insert({key.second, key.first.isV6LinkLocal() ? key.first.withScope(key.second) : key.first});
  std::vector<AnycastAddressRow> out;
  for (const auto& [index, address] : anycast) {
    const Link* l = link(index);
    out.push_back({address, index, l ? l->row.luid : InterfaceLuid{}, groupScopeId(address, index)});
  }
  return out;
}

Result SimKernel::joinGroup(const IpAddress& group, InterfaceIndex index) {
  if (!group.isMulticast())
    return failure(Status::InvalidParameter, group.toString() + " is not a multicast group");
  if (!link(index)) return failure(Status::NotFound, "no such device (index " + std::to_string(index) + ")");
  ++joinedGroups_[{group.withScope(0), index}];
  return Result::success();
}

Result SimKernel::leaveGroup(const IpAddress& group, InterfaceIndex index) {
  auto it = joinedGroups_.find({group.withScope(0), index});
  if (it == joinedGroups_.end()) return failure(Status::NotFound, group.toString() + " was not joined there");
  if (--it->second == 0) joinedGroups_.erase(it);
  return Result::success();
}

Result SimKernel::joinAnycast(const IpAddress& address, InterfaceIndex index) {
  if (address.isV4()) return failure(Status::NotSupported, "Linux has no IPv4 anycast addresses");
  if (!address.isV6() || address.isMulticast() || address.isZero())
    return failure(Status::InvalidParameter, address.toString() + " is not valid as anycast");
  const Link* l = link(index);
  if (!l) return failure(Status::NotFound, "no such device (index " + std::to_string(index) + ")");
  const IpAddress bare = address.withScope(0);
  bool onLink = false;
  for (const auto& [key, entry] : addresses_) {
    if (key.first.withScope(0) == bare)
      return failure(Status::InvalidParameter, address.toString() + " is a unicast address of this host");
    if (key.second == index && key.first.isV6() &&
        key.first.withScope(0).masked(entry.row.onLinkPrefixLength) ==
            bare.masked(entry.row.onLinkPrefixLength))
      onLink = true;
  }
  if (!onLink && !l->ipv6.forwardingEnabled)
    return failure(Status::InvalidParameter,
                   "not within an on-link prefix of the interface (forwarding off: a host joins only those)");
  ++joinedAnycast_[{bare, index}];
  return Result::success();
}

Result SimKernel::leaveAnycast(const IpAddress& address, InterfaceIndex index) {
  auto it = joinedAnycast_.find({address.withScope(0), index});
  if (it == joinedAnycast_.end())
    return failure(Status::NotFound, address.toString() + " was not joined there");
  if (--it->second == 0) joinedAnycast_.erase(it);
  return Result::success();
}

} // namespace ipmibd::platform::sim
