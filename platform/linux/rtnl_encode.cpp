// Builds rtnetlink request messages from platform rows with libmnl (no I/O, no validation).
#include "platform/linux/rtnl_encode.h"

#include "platform/linux/rtnl_decode.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

namespace ipmibd::platform::linux_backend {

namespace {

std::uint8_t addressFamily(Family family) {
  switch (family) {
  case Family::V4: return AF_INET;
  case Family::V6: return AF_INET6;
  case Family::Unspecified: break;
  }
  return AF_UNSPEC;
}

// Starts a message of `type` with a zeroed family header of `headerSize` bytes; nullptr when the
// buffer cannot hold even that.
template <class Header>
nlmsghdr* start(std::span<std::uint8_t> buffer, std::uint16_t type, std::uint16_t flags,
                std::uint32_t sequence, Header*& header) {
  if (buffer.size() < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(Header))) return nullptr;
  nlmsghdr* message = mnl_nlmsg_put_header(buffer.data());
  message->nlmsg_type = type;
  message->nlmsg_flags = flags;
  message->nlmsg_seq = sequence;
  header = static_cast<Header*>(mnl_nlmsg_put_extra_header(message, sizeof(Header)));
  return message;
}

bool putAddress(nlmsghdr* message, std::size_t size, std::uint16_t type, const IpAddress& address) {
  return mnl_attr_put_check(message, size, type, address.size(), address.data());
}

// The route-level attributes shared by RTM_NEWROUTE and RTM_DELROUTE.
bool putRouteKey(nlmsghdr* message, std::size_t size, rtmsg* header, const RouteRow& row) {
  header->rtm_family = addressFamily(row.destinationPrefix.family());
  header->rtm_dst_len = row.destinationPrefix.length;
  // Tables above 255 only fit RTA_TABLE; rtm_table then says RT_TABLE_UNSPEC, as iproute2 does.
  header->rtm_table = row.table < 256 ? std::uint8_t(row.table) : std::uint8_t(RT_TABLE_UNSPEC);
  if (row.destinationPrefix.length > 0 && !putAddress(message, size, RTA_DST, row.destinationPrefix.address))
    return false;
  if (!mnl_attr_put_u32_check(message, size, RTA_TABLE, row.table)) return false;
  if (row.metric != kUnspecifiedMetric && !mnl_attr_put_u32_check(message, size, RTA_PRIORITY, row.metric))
    return false;
  return true;
}

std::uint8_t hopsField(std::uint8_t weight) { return weight == 0 ? 0 : std::uint8_t(weight - 1); }

} // namespace

std::uint32_t defaultRouteMetric(Family family) { return family == Family::V6 ? 1024 : 0; }

std::uint32_t effectiveMetric(const RouteRow& row) {
  return row.metric == kUnspecifiedMetric ? defaultRouteMetric(row.destinationPrefix.family()) : row.metric;
}

std::optional<std::uint8_t> kernelRouteType(RouteType type) {
  switch (type) {
  case RouteType::Unicast: return RTN_UNICAST;
  case RouteType::Local: return RTN_LOCAL;
  case RouteType::Broadcast: return RTN_BROADCAST;
  case RouteType::Anycast: return RTN_ANYCAST;
  case RouteType::Multicast: return RTN_MULTICAST;
  case RouteType::Blackhole: return RTN_BLACKHOLE;
  case RouteType::Unreachable: return RTN_UNREACHABLE;
  case RouteType::Prohibit: return RTN_PROHIBIT;
  case RouteType::Throw: return RTN_THROW;
  case RouteType::Nat: return RTN_NAT;
  case RouteType::Other: break;
  }
  return std::nullopt;
}

bool routeTypeTakesNoNextHop(RouteType type) {
  return type == RouteType::Blackhole || type == RouteType::Unreachable || type == RouteType::Prohibit ||
         type == RouteType::Throw;
}

std::uint8_t kernelRouteScope(std::span<const RouteRow> nextHops) {
  if (nextHops.empty()) return RT_SCOPE_UNIVERSE;
  const RouteRow& first = nextHops.front();
  if (first.scope != 0) return first.scope;
  switch (first.type) {
  case RouteType::Local:
  case RouteType::Nat: return RT_SCOPE_HOST;
  case RouteType::Broadcast:
  case RouteType::Multicast:
  case RouteType::Anycast: return RT_SCOPE_LINK;
  case RouteType::Unicast:
    for (const RouteRow& hop : nextHops)
      if (!hop.nextHop.isZero()) return RT_SCOPE_UNIVERSE;
    return RT_SCOPE_LINK;
  default: return RT_SCOPE_UNIVERSE;
  }
}

std::uint8_t kernelRouteProtocol(const RouteRow& row) {
  if (row.protocol == RouteProtocol::Unspecified) return RTPROT_STATIC;
  if (row.nativeProtocol != RTPROT_UNSPEC && routeProtocolFromKernel(row.nativeProtocol) == row.protocol)
    return row.nativeProtocol;
  return kernelProtocolFromRoute(row.protocol);
}

nlmsghdr* encodeNewRoute(std::span<std::uint8_t> buffer, std::uint16_t flags, std::uint32_t sequence,
                         std::span<const RouteRow> nextHops) {
  if (nextHops.empty()) return nullptr;
  const RouteRow& first = nextHops.front();
  const auto type = kernelRouteType(first.type);
  if (!type) return nullptr;
  rtmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_NEWROUTE, flags, sequence, header);
  if (!message) return nullptr;
  const std::size_t size = buffer.size();
  header->rtm_type = *type;
  header->rtm_protocol = kernelRouteProtocol(first);
  header->rtm_scope = kernelRouteScope(nextHops);
  if (!putRouteKey(message, size, header, first)) return nullptr;
  if (!first.preferredSource.isUnspecified() && !first.preferredSource.isZero() &&
      !putAddress(message, size, RTA_PREFSRC, first.preferredSource))
    return nullptr;
  if (routeTypeTakesNoNextHop(first.type)) return message;

  if (nextHops.size() == 1) {
    if (!first.nextHop.isUnspecified() && !first.nextHop.isZero() &&
        !putAddress(message, size, RTA_GATEWAY, first.nextHop))
      return nullptr;
    if (first.interfaceIndex != 0 && !mnl_attr_put_u32_check(message, size, RTA_OIF, first.interfaceIndex))
      return nullptr;
    return message;
  }

  nlattr* multipath = mnl_attr_nest_start_check(message, size, RTA_MULTIPATH);
  if (!multipath) return nullptr;
  for (const RouteRow& hop : nextHops) {
    // libmnl has no rtnexthop helper: reserve the fixed part by hand, then attributes follow it.
    if (message->nlmsg_len + MNL_ALIGN(sizeof(rtnexthop)) > size) return nullptr;
    auto* rtnh = static_cast<rtnexthop*>(mnl_nlmsg_get_payload_tail(message));
    std::memset(rtnh, 0, MNL_ALIGN(sizeof(rtnexthop)));
    message->nlmsg_len += MNL_ALIGN(sizeof(rtnexthop));
    rtnh->rtnh_hops = hopsField(hop.weight);
    rtnh->rtnh_ifindex = int(hop.interfaceIndex);
    if (!hop.nextHop.isUnspecified() && !hop.nextHop.isZero() &&
        !putAddress(message, size, RTA_GATEWAY, hop.nextHop))
      return nullptr;
    rtnh->rtnh_len = std::uint16_t(static_cast<std::uint8_t*>(mnl_nlmsg_get_payload_tail(message)) -
                                   reinterpret_cast<std::uint8_t*>(rtnh));
  }
  mnl_attr_nest_end(message, multipath);
  return message;
}

nlmsghdr* encodeDelRoute(std::span<std::uint8_t> buffer, std::uint32_t sequence, const RouteRow& row) {
  const auto type = kernelRouteType(row.type);
  if (!type) return nullptr;
  rtmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_DELROUTE, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  const std::size_t size = buffer.size();
  header->rtm_type = *type;
  header->rtm_protocol = RTPROT_UNSPEC;
  header->rtm_scope = RT_SCOPE_NOWHERE;
  if (!putRouteKey(message, size, header, row)) return nullptr;
  if (routeTypeTakesNoNextHop(row.type)) return message;
  if (!row.nextHop.isUnspecified() && !row.nextHop.isZero() &&
      !putAddress(message, size, RTA_GATEWAY, row.nextHop))
    return nullptr;
  if (row.interfaceIndex != 0 && !mnl_attr_put_u32_check(message, size, RTA_OIF, row.interfaceIndex))
    return nullptr;
  return message;
}

std::uint8_t kernelAddressScope(const IpAddress& address) {
  return address.isV4() && address.isLoopback() ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
}

AddressExtras addressExtrasOf(const nlmsghdr& message) {
  AddressExtras extras;
  if (message.nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(&message) < sizeof(ifaddrmsg))
    return extras;
  const auto* header = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&message));
  extras.flags = header->ifa_flags & kAddressConfigFlags;
  mnl_attr_parse(
      &message, sizeof(ifaddrmsg),
      [](const nlattr* attribute, void* data) {
        auto& out = *static_cast<AddressExtras*>(data);
        switch (mnl_attr_get_type(attribute)) {
        case IFA_FLAGS:
          if (mnl_attr_validate(attribute, MNL_TYPE_U32) == 0)
            out.flags = mnl_attr_get_u32(attribute) & kAddressConfigFlags;
          break;
        case IFA_RT_PRIORITY:
          if (mnl_attr_validate(attribute, MNL_TYPE_U32) == 0)
            out.routePriority = mnl_attr_get_u32(attribute);
          break;
        case IFA_PROTO:
          if (mnl_attr_validate(attribute, MNL_TYPE_U8) == 0) out.protocol = mnl_attr_get_u8(attribute);
          break;
        default: break;
        }
        return MNL_CB_OK;
      },
      &extras);
  return extras;
}

nlmsghdr* encodeNewAddress(std::span<std::uint8_t> buffer, std::uint16_t flags, std::uint32_t sequence,
                           const UnicastAddressRow& row, std::uint8_t prefixLength,
                           const AddressExtras& extras) {
  ifaddrmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_NEWADDR, flags, sequence, header);
  if (!message) return nullptr;
  const std::size_t size = buffer.size();
  header->ifa_family = addressFamily(row.address.family());
  header->ifa_prefixlen = prefixLength;
  header->ifa_scope = kernelAddressScope(row.address);
  header->ifa_index = row.interfaceIndex;
  if (!putAddress(message, size, IFA_LOCAL, row.address) ||
      !putAddress(message, size, IFA_ADDRESS, row.address))
    return nullptr;
  if (row.address.isV4() && row.broadcast.isV4() && !putAddress(message, size, IFA_BROADCAST, row.broadcast))
    return nullptr;
  ifa_cacheinfo lifetimes{};
  lifetimes.ifa_prefered = row.preferredLifetime;
  lifetimes.ifa_valid = row.validLifetime;
  if (!mnl_attr_put_check(message, size, IFA_CACHEINFO, sizeof lifetimes, &lifetimes)) return nullptr;
  const std::uint32_t configFlags = extras.flags & kAddressConfigFlags;
  // The u8 ifa_flags cannot hold NOPREFIXROUTE/MANAGETEMPADDR; IFA_FLAGS carries them all.
  header->ifa_flags = std::uint8_t(configFlags & 0xff);
  if (configFlags != 0 && !mnl_attr_put_u32_check(message, size, IFA_FLAGS, configFlags)) return nullptr;
  if (extras.routePriority != 0 &&
      !mnl_attr_put_u32_check(message, size, IFA_RT_PRIORITY, extras.routePriority))
    return nullptr;
  if (extras.protocol != 0 && !mnl_attr_put_u8_check(message, size, IFA_PROTO, extras.protocol))
    return nullptr;
  return message;
}

nlmsghdr* encodeDelAddress(std::span<std::uint8_t> buffer, std::uint32_t sequence,
                           const UnicastAddressRow& row, std::uint8_t prefixLength) {
  ifaddrmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_DELADDR, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  const std::size_t size = buffer.size();
  header->ifa_family = addressFamily(row.address.family());
  header->ifa_prefixlen = prefixLength;
  header->ifa_index = row.interfaceIndex;
  if (!putAddress(message, size, IFA_LOCAL, row.address) ||
      !putAddress(message, size, IFA_ADDRESS, row.address))
    return nullptr;
  return message;
}

std::optional<std::uint16_t> kernelNeighborState(NeighborState state) {
  switch (state) {
  case NeighborState::Permanent: return NUD_PERMANENT;
  case NeighborState::Reachable: return NUD_REACHABLE;
  case NeighborState::Stale: return NUD_STALE;
  case NeighborState::Delay: return NUD_DELAY;
  case NeighborState::Probe: return NUD_PROBE;
  case NeighborState::NoArp: return NUD_NOARP;
  case NeighborState::Incomplete:
  case NeighborState::Unreachable: break;
  }
  return std::nullopt;
}

nlmsghdr* encodeNewNeighbor(std::span<std::uint8_t> buffer, std::uint16_t flags, std::uint32_t sequence,
                            const NeighborRow& row) {
  const auto state = kernelNeighborState(row.state);
  if (!state) return nullptr;
  ndmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_NEWNEIGH, flags, sequence, header);
  if (!message) return nullptr;
  const std::size_t size = buffer.size();
  header->ndm_family = addressFamily(row.address.family());
  header->ndm_ifindex = int(row.interfaceIndex);
  header->ndm_state = *state;
  // Only IPv6 neighbor discovery knows routers; IPv4 would merely store the flag.
  header->ndm_flags = row.isRouter && row.address.isV6() ? NTF_ROUTER : 0;
  if (!putAddress(message, size, NDA_DST, row.address)) return nullptr;
  if (!row.physicalAddress.empty() &&
      !mnl_attr_put_check(message, size, NDA_LLADDR, row.physicalAddress.size(), row.physicalAddress.data()))
    return nullptr;
  return message;
}

nlmsghdr* encodeDelNeighbor(std::span<std::uint8_t> buffer, std::uint32_t sequence, const NeighborRow& row) {
  ndmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_DELNEIGH, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  header->ndm_family = addressFamily(row.address.family());
  header->ndm_ifindex = int(row.interfaceIndex);
  if (!putAddress(message, buffer.size(), NDA_DST, row.address)) return nullptr;
  return message;
}

nlmsghdr* encodeResolveNeighbor(std::span<std::uint8_t> buffer, std::uint32_t sequence,
                                const NeighborRow& row) {
  ndmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_CREATE, sequence, header);
  if (!message) return nullptr;
  header->ndm_family = addressFamily(row.address.family());
  header->ndm_ifindex = int(row.interfaceIndex);
  header->ndm_state = NUD_NONE;
  header->ndm_flags = NTF_USE;
  if (!putAddress(message, buffer.size(), NDA_DST, row.address)) return nullptr;
  return message;
}

nlmsghdr* encodeSetLinkMtu(std::span<std::uint8_t> buffer, std::uint32_t sequence, InterfaceIndex index,
                           std::uint32_t mtu) {
  ifinfomsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_SETLINK, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  header->ifi_family = AF_UNSPEC;
  header->ifi_index = int(index);
  if (!mnl_attr_put_u32_check(message, buffer.size(), IFLA_MTU, mtu)) return nullptr;
  return message;
}

nlmsghdr* encodeRouteDump(std::span<std::uint8_t> buffer, std::uint32_t sequence, Family family,
                          std::uint32_t table, InterfaceIndex interfaceIndex) {
  rtmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_GETROUTE, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  header->rtm_family = addressFamily(family);
  header->rtm_table = table < 256 ? std::uint8_t(table) : std::uint8_t(RT_TABLE_UNSPEC);
  if (!mnl_attr_put_u32_check(message, buffer.size(), RTA_TABLE, table)) return nullptr;
  if (interfaceIndex != 0 && !mnl_attr_put_u32_check(message, buffer.size(), RTA_OIF, interfaceIndex))
    return nullptr;
  return message;
}

nlmsghdr* encodeAddressDump(std::span<std::uint8_t> buffer, std::uint32_t sequence, Family family,
                            InterfaceIndex interfaceIndex) {
  ifaddrmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_GETADDR, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  header->ifa_family = addressFamily(family);
  header->ifa_index = interfaceIndex;
  return message;
}

nlmsghdr* encodeNeighborDump(std::span<std::uint8_t> buffer, std::uint32_t sequence, Family family,
                             InterfaceIndex interfaceIndex) {
  ndmsg* header = nullptr;
  nlmsghdr* message = start(buffer, RTM_GETNEIGH, NLM_F_REQUEST, sequence, header);
  if (!message) return nullptr;
  header->ndm_family = addressFamily(family);
  if (interfaceIndex != 0 && !mnl_attr_put_u32_check(message, buffer.size(), NDA_IFINDEX, interfaceIndex))
    return nullptr;
  return message;
}

} // namespace ipmibd::platform::linux_backend
