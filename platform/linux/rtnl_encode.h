// Pure rtnetlink request builders: platform rows -> RTM_NEW/DEL{ROUTE,ADDR,NEIGH}, RTM_SETLINK and
// the filtered dump requests the write side uses to look before it leaps.
//
// Every builder writes one message into the caller's buffer (which must be aligned for nlmsghdr)
// and returns it, or nullptr when the buffer is too small or the row cannot be expressed at all
// (e.g. a RouteType the kernel has no rtm_type for). Builders do not validate semantics (family
// mismatches, canonical prefixes, ...): linux_writes.cpp does that before encoding, so that refused
// calls never reach the kernel. NLM_F_ACK is left to NetlinkSocket::request.
#pragma once

#include "platform/rows.h"

#include <linux/if_addr.h>

#include <cstdint>
#include <optional>
#include <span>

struct nlmsghdr;

namespace ipmibd::platform::linux_backend {

// Large enough for any request built here; a multipath route with N IPv6 next hops needs about
// 80 + 28 * N bytes, so this holds a few hundred next hops.
inline constexpr std::size_t kRequestBufferSize = 16384;

// The kernel's default route priority when RTA_PRIORITY is omitted: IPv4 0, IPv6 1024
// (IP6_RT_PRIO_USER). A row with kUnspecifiedMetric means this value once it is in the kernel.
std::uint32_t defaultRouteMetric(Family family);
// row.metric, with kUnspecifiedMetric resolved to defaultRouteMetric().
std::uint32_t effectiveMetric(const RouteRow& row);

// RouteType -> RTN_*; nullopt for RouteType::Other (no kernel equivalent).
std::optional<std::uint8_t> kernelRouteType(RouteType type);
// True for the types whose routes have no next hop or device (blackhole, unreachable, prohibit,
// throw): the kernel refuses a gateway, device or multipath for them.
bool routeTypeTakesNoNextHop(RouteType type);
// rtm_scope for a new route. RouteRow::scope cannot tell "universe" (0) from "not given", so a
// zero scope is derived as `ip route` does: host for local/nat, link for broadcast/multicast/
// anycast and for unicast routes without any gateway (on-link), universe otherwise.
std::uint8_t kernelRouteScope(std::span<const RouteRow> nextHops);
// rtm_protocol for a new route: Unspecified -> RTPROT_STATIC. A row read from the kernel keeps its
// verbatim nativeProtocol as long as `protocol` still says what the kernel reported, so a
// read-modify-write does not turn e.g. "bird" into "static".
std::uint8_t kernelRouteProtocol(const RouteRow& row);

// RTM_NEWROUTE carrying every next hop of one kernel route. The first row supplies what the
// kernel keeps per route (destination, table, metric, type, protocol, scope, preferred source);
// the others contribute only their next hop (gateway, interface, weight). One row is encoded as
// RTA_GATEWAY/RTA_OIF, several as RTA_MULTIPATH (rtnh_hops = weight - 1). Types that take no next
// hop get neither gateway nor device. kUnspecifiedMetric omits RTA_PRIORITY (kernel default).
// `flags`: NLM_F_REQUEST plus NLM_F_CREATE|NLM_F_EXCL (create), NLM_F_REPLACE (set) or
// NLM_F_CREATE|NLM_F_APPEND (an IPv6 sibling next hop).
nlmsghdr* encodeNewRoute(std::span<std::uint8_t> buffer, std::uint16_t flags, std::uint32_t sequence,
                         std::span<const RouteRow> nextHops);
// RTM_DELROUTE for one kernel route (or, for IPv6, one sibling next hop): destination, table,
// RTA_PRIORITY (unless kUnspecifiedMetric), rtm_type, and the row's gateway/device when it has
// them, so the kernel deletes exactly that route. rtm_protocol is 0 and rtm_scope
// RT_SCOPE_NOWHERE: both are wildcards to the kernel, and neither is part of the row key.
nlmsghdr* encodeDelRoute(std::span<std::uint8_t> buffer, std::uint32_t sequence, const RouteRow& row);

// rtm_scope of an address as `ip address add` picks it: host for 127/8, universe otherwise (the
// kernel derives IPv6 scopes itself and ignores this).
std::uint8_t kernelAddressScope(const IpAddress& address);
// What the kernel keeps per address beyond the row: the configuration flags (IFA_F_NODAD,
// IFA_F_NOPREFIXROUTE, IFA_F_MANAGETEMPADDR, IFA_F_HOMEADDRESS), the prefix route's metric and the
// address protocol. An NLM_F_REPLACE resets each of them that the request omits, so a set sends
// back what the address had.
struct AddressExtras {
  std::uint32_t flags = 0;
  std::uint32_t routePriority = 0;
  std::uint8_t protocol = 0;
};
// The configuration flags the kernel accepts on RTM_NEWADDR (state flags such as tentative are its own).
inline constexpr std::uint32_t kAddressConfigFlags =
    IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE;
// The extras of an RTM_NEWADDR message (from a dump); zeros for whatever it lacks.
AddressExtras addressExtrasOf(const nlmsghdr& message);

// RTM_NEWADDR: IFA_LOCAL and IFA_ADDRESS (both the address: not a point-to-point peer),
// IFA_BROADCAST for an IPv4 row that has one, IFA_CACHEINFO with the row's lifetimes, and
// ifa_prefixlen = prefixLength; IFA_FLAGS, IFA_RT_PRIORITY and IFA_PROTO only when `extras` has
// them. A new address gets no extras: DAD, prefix routes and the rest keep the kernel's defaults,
// so a created IPv6 address is tentative until DAD completes, as with `ip address add`.
nlmsghdr* encodeNewAddress(std::span<std::uint8_t> buffer, std::uint16_t flags, std::uint32_t sequence,
                           const UnicastAddressRow& row, std::uint8_t prefixLength,
                           const AddressExtras& extras = {});
// RTM_DELADDR: IFA_LOCAL and IFA_ADDRESS with the address's current prefix length. With
// IFA_ADDRESS present the kernel deletes only the address with exactly that prefix length, which
// matters while an IPv4 prefix change briefly holds the same address with two masks.
nlmsghdr* encodeDelAddress(std::span<std::uint8_t> buffer, std::uint32_t sequence,
                           const UnicastAddressRow& row, std::uint8_t prefixLength);

// NeighborState -> NUD_*; nullopt for the states that cannot be written (Incomplete, Unreachable:
// the kernel reaches them by itself while resolving).
std::optional<std::uint16_t> kernelNeighborState(NeighborState state);
// RTM_NEWNEIGH: NDA_DST, NDA_LLADDR (when the row has one), ndm_state from the row (Permanent by
// default), NTF_ROUTER when isRouter. nullptr for a state kernelNeighborState() refuses.
nlmsghdr* encodeNewNeighbor(std::span<std::uint8_t> buffer, std::uint16_t flags, std::uint32_t sequence,
                            const NeighborRow& row);
// RTM_DELNEIGH: ndm_ifindex + NDA_DST.
nlmsghdr* encodeDelNeighbor(std::span<std::uint8_t> buffer, std::uint32_t sequence, const NeighborRow& row);
// RTM_NEWNEIGH with NLM_F_CREATE and NTF_USE (issue 19 part C, ResolveIpNetEntry2): NDA_DST only;
// the kernel creates the entry if missing and starts resolving it (neigh_event_send), ignoring
// ndm_state.
nlmsghdr* encodeResolveNeighbor(std::span<std::uint8_t> buffer, std::uint32_t sequence,
                                const NeighborRow& row);

// RTM_SETLINK (AF_UNSPEC) with IFLA_MTU: the link MTU, which is also the IPv4 network-layer MTU.
nlmsghdr* encodeSetLinkMtu(std::span<std::uint8_t> buffer, std::uint32_t sequence, InterfaceIndex index,
                           std::uint32_t mtu);

// Dump requests narrowed the way strict checking (NETLINK_GET_STRICT_CHK) allows; without strict
// checking the kernel ignores the filters, so callers filter the replies again.
// RTM_GETROUTE for one family and table (rtm_table + RTA_TABLE), optionally one device (RTA_OIF).
nlmsghdr* encodeRouteDump(std::span<std::uint8_t> buffer, std::uint32_t sequence, Family family,
                          std::uint32_t table, InterfaceIndex interfaceIndex);
// RTM_GETADDR for one family (Unspecified = both), optionally one interface (ifa_index).
nlmsghdr* encodeAddressDump(std::span<std::uint8_t> buffer, std::uint32_t sequence, Family family,
                            InterfaceIndex interfaceIndex);
// RTM_GETNEIGH for one family (Unspecified = both), optionally one interface (NDA_IFINDEX).
nlmsghdr* encodeNeighborDump(std::span<std::uint8_t> buffer, std::uint32_t sequence, Family family,
                             InterfaceIndex interfaceIndex);

} // namespace ipmibd::platform::linux_backend
