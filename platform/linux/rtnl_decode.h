// Pure rtnetlink message parsers: one function per object kind, feeding both full dumps and live
// events (as BIRD's krt does). They never trust the message: truncated or malformed input yields
// nullopt / false, never a crash (fuzzed in tests/fuzz). Also the parsers of the /proc/net counter
// files that statistics come from instead of rtnetlink (see below).
#pragma once

#include "platform/address_selection.h"
#include "platform/ip_path.h"
#include "platform/rows.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct nlmsghdr;

namespace ipmibd::platform::linux_backend {

// Whether a whole message starts at `m` within the `remaining` bytes of a receive buffer: what
// mnl_nlmsg_ok() checks, with nlmsg_len compared unsigned. libmnl casts nlmsg_len to int, so a length
// above INT_MAX passed as negative and mnl_nlmsg_next() then jumped outside the buffer (found by
// tests/fuzz/rtnl_decode_fuzz). Every walk over received messages uses this.
bool messageFits(const nlmsghdr* m, int remaining);

// RTM_NEWLINK / RTM_DELLINK -> InterfaceRow (name, alias, type from ARPHRD, MTU, address, flags,
// operstate, IFLA_STATS64 counters). The LUID is InterfaceLuid::make(type, ifindex).
std::optional<InterfaceRow> decodeLink(const nlmsghdr& message);

// RTM_NEWLINK (AF_UNSPEC dump with IFLA_AF_SPEC) -> the per-family IP interface rows it carries
// (IFLA_INET_CONF for IPv4, IFLA_INET6_CONF/CACHEINFO/TOKEN for IPv6). Appends 0..2 rows.
void decodeIpInterfaces(const nlmsghdr& message, std::vector<IpInterfaceRow>& out);

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

// ---- /proc/net counter files ------------------------------------------------------------------
// IP statistics come from the files in which the kernel prints its counters BY NAME, never from
// the positional IFLA_INET6_STATS array of RTM_NEWLINK. That array is the kernel's internal
// IPSTATS_MIB_* enum order, which changes under userspace's feet although it is in a uapi header:
// 6.3 appended OutTransmits (37 -> 38 entries), and 6.15 ("net: reorganize IP MIB values (II)")
// moved the ECN counters, OutTransmits and OutForwDatagrams into the hot cache line, so that
// positions 4..11 now hold other counters (slot 10, once InAddrErrors, is OutOctets) while the
// length stayed 38: validating it against __IPSTATS_MIB_MAX cannot detect a reorder (and the
// build's headers, 6.1, say 37 anyway). Only the names are a stable interface.
// /proc/net/dev_snmp6/IF, which Net-SNMP's snmpd reads, carries the same per-interface counters
// keyed by name, as /proc/net/snmp, netstat and snmp6 do the system-wide ones.
using NamedCounters = std::map<std::string, std::uint64_t, std::less<>>;

// "Prefix: Name1 Name2 ..." / "Prefix: v1 v2 ..." line pairs (/proc/net/snmp, /proc/net/netstat)
// -> "Prefix.Name" = value, added to `out` so that both files fill one map. Values that are not
// unsigned numbers (Tcp's MaxConn -1, a torn line) are left out.
void parseProcNetPairs(std::string_view content, NamedCounters& out);
// "Name value" lines (/proc/net/snmp6 and /proc/net/dev_snmp6/IF) -> "Name" = value.
NamedCounters parseProcNetNameValue(std::string_view content);

// The system-wide IPv4 row: "Ip." (/proc/net/snmp) and "IpExt." (/proc/net/netstat) counters.
IpStatisticsRow ipv4Statistics(const NamedCounters& counters);
// An IPv6 row from "Ip6..." counters: system-wide (/proc/net/snmp6, interfaceIndex 0) or of the
// interface a /proc/net/dev_snmp6/IF file names in its "ifIndex" line.
IpStatisticsRow ipv6Statistics(const NamedCounters& counters);

// Kernel rtm_protocol <-> RouteProtocol (IANAipRouteProtocol): kernel/boot -> Local/NetMgmt, static
// -> NetMgmt, ra -> Icmp, dhcp -> Dhcp, zebra/bird/... by the routing protocol they carry where known.
RouteProtocol routeProtocolFromKernel(std::uint8_t protocol);
std::uint8_t kernelProtocolFromRoute(RouteProtocol protocol);

// ---- Issue 19, h-sort ----------------------------------------------------------------------------
// RTM_NEWADDRLABEL (RTM_GETADDRLABEL dump) -> AddressLabelRow. The kernel's table is IPv6 only (IPv4
// appears as ::ffff:0:0/96); nullopt for another family, a prefix length over 128, or an
// IFAL_ADDRESS that is not 16 bytes or an IFAL_LABEL missing.
std::optional<AddressLabelRow> decodeAddressLabel(const nlmsghdr& message);

// RTM_NEWLINK (AF_UNSPEC) -> the interface index and its operational state as the device itself
// has it, for GetIfTable2Ex's Raw level: up when IFF_UP and IFF_LOWER_UP (carrier) are both set,
// else down, whatever IFLA_OPERSTATE says. nullopt for other messages.
struct RawLinkState {
  InterfaceIndex index = 0;
  OperStatus operStatus = OperStatus::Down;
};
std::optional<RawLinkState> decodeRawLinkState(const nlmsghdr& message);

// ---- Issue 19, IP paths ------------------------------------------------------------------------
// RTM_NEWROUTE with RTM_F_CLONED (an RTM_GETROUTE dump asked with RTM_F_CLONED: IPv4 next-hop
// exceptions, IPv6 RTF_CACHE routes) -> the exception: RTA_DST (a host address: rtm_dst_len 32 or
// 128), RTA_OIF, RTA_GATEWAY (the redirect's or route's next hop), RTA_METRICS' RTAX_MTU and
// RTA_CACHEINFO's expiry (USER_HZ ticks, as routes). nullopt for anything else (a route without
// RTM_F_CLONED, no destination or interface, malformed).
std::optional<PathException> decodeRouteException(const nlmsghdr& message);

// Generic netlink (NETLINK_GENERIC) messages: the controller's CTRL_CMD_NEWFAMILY reply naming
// `familyName` -> its id (CTRL_ATTR_FAMILY_ID); nullopt for another family or a malformed reply.
std::optional<std::uint16_t> decodeGenericFamilyId(const nlmsghdr& message, std::string_view familyName);
// A tcp_metrics reply (nlmsg_type `familyId`, TCP_METRICS_CMD_GET) -> the metric: destination
// (TCP_METRICS_ATTR_ADDR_IPV4/IPV6, required), source (SADDR_*; unspecified when absent), AGE (ms),
// and TCP_METRICS_ATTR_VALS' TCP_METRIC_RTT_US / RTTVAR_US (nested types are the index + 1; kernels
// before 4.1 send only the millisecond TCP_METRIC_RTT / RTTVAR, taken x 1000), unscaled as
// iproute2 does (the kernel sends TCP's srtt << 3 and rttvar << 2). The route lookup
// fields stay empty. nullopt when malformed or of another type.
std::optional<PathMetric> decodeTcpMetric(const nlmsghdr& message, std::uint16_t familyId);

} // namespace ipmibd::platform::linux_backend
