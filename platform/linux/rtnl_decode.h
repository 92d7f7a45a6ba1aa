// Pure rtnetlink message parsers: one function per object kind, feeding both full dumps and live
// events (as BIRD's krt does). They never trust the message: truncated or malformed input yields
// nullopt / false, never a crash (fuzzed in tests/fuzz).
#pragma once

#include "platform/rows.h"

#include <optional>
#include <vector>

struct nlmsghdr;

namespace ipmibd::platform::linux_backend {

// RTM_NEWLINK / RTM_DELLINK -> InterfaceRow (name, alias, type from ARPHRD, MTU, address, flags,
// operstate, IFLA_STATS64 counters). The LUID is InterfaceLuid::make(type, ifindex).
std::optional<InterfaceRow> decodeLink(const nlmsghdr& message);

// RTM_NEWLINK (AF_UNSPEC dump with IFLA_AF_SPEC) -> the per-family IP interface rows it carries
// (IFLA_INET_CONF for IPv4, IFLA_INET6_CONF/CACHEINFO/TOKEN for IPv6). Appends 0..2 rows.
void decodeIpInterfaces(const nlmsghdr& message, std::vector<IpInterfaceRow>& out);

// RTM_NEWLINK IFLA_AF_SPEC/AF_INET6/IFLA_INET6_STATS -> per-interface IPv6 statistics.
std::optional<IpStatisticsRow> decodeInet6Statistics(const nlmsghdr& message);

// RTM_NEWADDR / RTM_DELADDR -> UnicastAddressRow. `now` anchors IFA_CACHEINFO timestamps.
// Multicast/anycast addresses are not unicast rows (nullopt).
std::optional<UnicastAddressRow> decodeAddress(const nlmsghdr& message, Timestamp now);

// RTM_NEWNEIGH / RTM_DELNEIGH -> NeighborRow (IPv4/IPv6 only; bridge FDB entries are nullopt).
std::optional<NeighborRow> decodeNeighbor(const nlmsghdr& message, Timestamp now);

// RTM_NEWROUTE / RTM_DELROUTE -> one RouteRow per next hop (RTA_MULTIPATH expanded), appended to
// `out`. Returns false for malformed or non-IPv4/IPv6 messages (nothing appended). RTM_F_CLONED
// cache entries are skipped (returns true, nothing appended).
bool decodeRoute(const nlmsghdr& message, std::vector<RouteRow>& out);

// The kernel's answer to RTM_GETROUTE for one destination without RTM_F_FIB_MATCH: the way it would
// send a packet (IPv4 marks it RTM_F_CLONED, so decodeRoute skips it). Used for GetBestRoute2's
// source address; nullopt when malformed.
struct RouteLookup {
  RouteType type = RouteType::Unicast;
  std::uint32_t table = 0;
  InterfaceIndex interfaceIndex = 0;
  IpAddress gateway;         // none when on-link
  IpAddress preferredSource; // RTA_PREFSRC: the source address the kernel would choose
};
std::optional<RouteLookup> decodeRouteLookup(const nlmsghdr& message);

// RTM_NEWNEIGHTBL (RTM_GETNEIGHTBL dump): the per-interface neighbour parameters that IPv4 keeps
// nowhere else in rtnetlink (ARP reachable/retransmit times) and IPv6's base reachable time.
// Table-wide default parameters (no NDTPA_IFINDEX) come back with interfaceIndex 0.
struct NeighborParms {
  Family family = Family::Unspecified;
  InterfaceIndex interfaceIndex = 0;
  std::uint32_t reachableTime = 0;     // ms, the current randomized value
  std::uint32_t baseReachableTime = 0; // ms
  std::uint32_t retransmitTime = 0;    // ms
};
std::optional<NeighborParms> decodeNeighborParms(const nlmsghdr& message);

// Kernel rtm_protocol <-> RouteProtocol (IANAipRouteProtocol): kernel/boot -> Local/NetMgmt, static
// -> NetMgmt, ra -> Icmp, dhcp -> Dhcp, zebra/bird/... by the routing protocol they carry where known.
RouteProtocol routeProtocolFromKernel(std::uint8_t protocol);
std::uint8_t kernelProtocolFromRoute(RouteProtocol protocol);

} // namespace ipmibd::platform::linux_backend
