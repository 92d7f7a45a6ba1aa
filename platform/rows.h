// The platform's row structs, modelled on IP Helper's MIB_*_ROW2 structures (no Windows types).
#pragma once

#include "platform/address.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ipmibd::platform {

using InterfaceIndex = std::uint32_t; // NET_IFINDEX; 0 = none/any
using Clock = std::chrono::steady_clock;
using Timestamp = Clock::time_point; // CLOCK_MONOTONIC; a default-constructed value means "unknown"

// NET_LUID: a stable 64-bit interface identifier. As in Windows, bits 48..63 hold the IANAifType and
// bits 24..47 a per-type index; backends keep it stable for the life of the interface.
struct InterfaceLuid {
  std::uint64_t value = 0;
  static InterfaceLuid make(std::uint16_t ifType, std::uint32_t netLuidIndex) {
    return {(std::uint64_t(ifType) << 48) | ((std::uint64_t(netLuidIndex) & 0xffffff) << 24)};
  }
  std::uint16_t ifType() const { return std::uint16_t(value >> 48); }
  friend auto operator<=>(const InterfaceLuid&, const InterfaceLuid&) = default;
};

inline constexpr std::uint32_t kInfiniteLifetime = 0xffffffff; // seconds, as IP Helper

// ---------------------------------------------------------------------------------------------
// MIB_IF_ROW2
enum class AdminStatus : std::uint8_t { Up = 1, Down = 2, Testing = 3 };
// IF_OPER_STATUS (= IF-MIB ifOperStatus values)
enum class OperStatus : std::uint8_t {
  Up = 1,
  Down = 2,
  Testing = 3,
  Unknown = 4,
  Dormant = 5,
  NotPresent = 6,
  LowerLayerDown = 7
};

struct InterfaceRow {
  InterfaceIndex index = 0;
  InterfaceLuid luid;
  std::string name;        // kernel name ("eth0"); IP Helper's ifName / ConvertInterfaceLuidToName
  std::string alias;       // operator-set alias (IFLA_IFALIAS); IP Helper's Alias
  std::string description; // driver/kind description ("veth", "loopback")
  std::uint16_t type = 1;  // IANAifType: 6 ethernetCsmacd, 24 softwareLoopback, 1 other, ...
  std::uint32_t mtu = 0;
  PhysicalAddress physicalAddress;
  PhysicalAddress permanentPhysicalAddress;
  AdminStatus adminStatus = AdminStatus::Down;
  OperStatus operStatus = OperStatus::Unknown;
  bool promiscuous = false;
  std::uint64_t transmitLinkSpeed = 0; // bits per second; 0 = unknown
  std::uint64_t receiveLinkSpeed = 0;
  Timestamp lastChange{}; // last oper-status change the backend saw (ifLastChange)
  // 64-bit counters (IF-MIB ifX*); absent ones stay 0.
  std::uint64_t inOctets = 0, inUcastPkts = 0, inNUcastPkts = 0, inDiscards = 0, inErrors = 0,
                inUnknownProtos = 0, inMulticastPkts = 0;
  std::uint64_t outOctets = 0, outUcastPkts = 0, outNUcastPkts = 0, outDiscards = 0, outErrors = 0;
  // Beyond IP Helper: the bridge, bond or VRF device this interface is enslaved to (Linux
  // IFLA_MASTER); 0 none.
  InterfaceIndex masterIndex = 0;
  // Beyond IP Helper: a VRF device's route table (IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VRF_TABLE); 0
  // for every other kind of interface.
  std::uint32_t vrfTable = 0;
  // Beyond IP Helper, for GetIfStackTable (platform/if_stack.h): IFLA_LINK when it names the
  // interface this one is layered over in the same namespace (a VLAN's or macvlan's parent, a
  // tunnel's underlying device); 0 none. A veth's IFLA_LINK names its peer, which is beside it, not
  // below: 0 (see if_stack.h).
  InterfaceIndex linkIndex = 0;

  friend bool operator==(const InterfaceRow&, const InterfaceRow&) = default; // every field
};

// ---------------------------------------------------------------------------------------------
// MIB_IPINTERFACE_ROW: one per interface and family.
struct IpInterfaceRow {
  Family family = Family::Unspecified;
  InterfaceIndex interfaceIndex = 0;
  InterfaceLuid luid;
  bool enabled = true; // beyond IP Helper: IP enabled on this interface (v6: !disable_ipv6)
  bool forwardingEnabled = false;
  bool advertisingEnabled = false;     // v6 router advertisements sent
  bool routerDiscoveryEnabled = false; // v6 accept_ra
  bool useAutomaticMetric = false;
  std::uint32_t metric = 0;
  std::uint32_t nlMtu = 0;             // network-layer MTU
  std::uint32_t reachableTime = 0;     // ms, current (randomized) value
  std::uint32_t baseReachableTime = 0; // ms
  std::uint32_t retransmitTime = 0;    // ms
  std::uint32_t dadTransmits = 0;
  std::uint32_t curHopLimit = 0;       // 0 = system default
  bool connected = false;              // the interface is operationally up
  std::uint32_t reassemblyMaxSize = 0; // largest datagram reassembled (ipv4/ipv6InterfaceReasmMaxSize)
  // v6: the interface identifier used to form addresses (ipv6InterfaceIdentifier), up to 8 bytes.
  PhysicalAddress interfaceIdentifier;
  Timestamp lastChange{}; // last change to this row the backend saw

  friend bool operator==(const IpInterfaceRow&, const IpInterfaceRow&) = default; // every field
};

// Per-interface (interfaceIndex != 0) or system-wide (interfaceIndex == 0) IP counters, the
// RFC 4293 ipSystemStats/ipIfStats set. A counter the platform does not keep is nullopt.
// Linux keeps per-interface counters for IPv6 only (IFLA_INET6_STATS); per-interface IPv4
// counters do not exist in the kernel and are always nullopt there.
struct IpStatisticsRow {
  Family family = Family::Unspecified;
  InterfaceIndex interfaceIndex = 0;
  std::optional<std::uint64_t> inReceives, inOctets, inHdrErrors, inNoRoutes, inAddrErrors, inUnknownProtos,
      inTruncatedPkts, inForwDatagrams, reasmReqds, reasmOKs, reasmFails, inDiscards, inDelivers, outRequests,
      outNoRoutes, outForwDatagrams, outDiscards, outFragReqds, outFragOKs, outFragFails, outFragCreates,
      outTransmits, outOctets, inMcastPkts, inMcastOctets, outMcastPkts, outMcastOctets, inBcastPkts,
      outBcastPkts;
  // Beyond RFC 4293's set: RFC 2011's ipRoutingDiscards (IP Helper dwRoutingDiscards), valid routing
  // entries discarded, e.g. to free memory for others; system-wide IPv4 only.
  std::optional<std::uint64_t> routingDiscards;
  Timestamp discontinuityTime{};

  friend bool operator==(const IpStatisticsRow&, const IpStatisticsRow&) = default; // every field
};

// ---------------------------------------------------------------------------------------------
// MIB_UNICASTIPADDRESS_ROW
enum class PrefixOrigin : std::uint8_t {
  Other = 0,
  Manual = 1,
  WellKnown = 2,
  Dhcp = 3,
  RouterAdvertisement = 4,
  Unchanged = 16
};
enum class SuffixOrigin : std::uint8_t {
  Other = 0,
  Manual = 1,
  WellKnown = 2,
  Dhcp = 3,
  LinkLayerAddress = 4,
  Random = 5,
  Unchanged = 16
};
enum class DadState : std::uint8_t {
  Invalid = 0,
  Tentative = 1,
  Duplicate = 2,
  Deprecated = 3,
  Preferred = 4
};

struct UnicastAddressRow {
  IpAddress address; // key, with InterfaceIndex (IPv6 link-local carries the scope id)
  InterfaceIndex interfaceIndex = 0;
  InterfaceLuid luid;
  PrefixOrigin prefixOrigin = PrefixOrigin::Unchanged;
  SuffixOrigin suffixOrigin = SuffixOrigin::Unchanged;
  std::uint32_t validLifetime = kInfiniteLifetime;     // seconds remaining
  std::uint32_t preferredLifetime = kInfiniteLifetime; // seconds remaining
  std::uint8_t onLinkPrefixLength = 0xff;              // 0xff = "illegal", as InitializeUnicastIpAddressEntry
  bool skipAsSource = false;
  DadState dadState = DadState::Preferred;
  bool permanent = true;  // beyond IP Helper: configured, not learned (Linux IFA_F_PERMANENT)
  bool secondary = false; // beyond IP Helper: Linux secondary IPv4 address
  IpAddress broadcast;    // v4 broadcast address if any
  Timestamp creationTimeStamp{};
  Timestamp lastChange{};

  friend bool operator==(const UnicastAddressRow&, const UnicastAddressRow&) = default; // every field
};

// ---------------------------------------------------------------------------------------------
// MIB_IPNET_ROW2
// NL_NEIGHBOR_STATE, plus NoArp (Linux NUD_NOARP: resolution not needed, e.g. point-to-point).
enum class NeighborState : std::uint8_t {
  Unreachable = 0,
  Incomplete = 1,
  Probe = 2,
  Delay = 3,
  Stale = 4,
  Reachable = 5,
  Permanent = 6,
  NoArp = 7
};

struct NeighborRow {
  IpAddress address; // key, with InterfaceIndex
  InterfaceIndex interfaceIndex = 0;
  InterfaceLuid luid;
  PhysicalAddress physicalAddress;
  NeighborState state = NeighborState::Permanent;
  bool isRouter = false;
  bool isUnreachable = false;
  std::uint32_t reachabilityTime = 0; // ms since last confirmed reachable (IP Helper LastReachable)
  Timestamp lastUpdated{};            // last change the backend saw (ipNetToPhysicalLastUpdated)

  friend bool operator==(const NeighborRow&, const NeighborRow&) = default; // every field
};

// ---------------------------------------------------------------------------------------------
// MIB_IPFORWARD_ROW2
// NL_ROUTE_PROTOCOL values (= IANAipRouteProtocol for 1..16) plus Windows' NT_* ones.
enum class RouteProtocol : std::uint32_t {
  Other = 1,
  Local = 2,
  NetMgmt = 3,
  Icmp = 4,
  Egp = 5,
  Ggp = 6,
  Hello = 7,
  Rip = 8,
  IsIs = 9,
  EsIs = 10,
  Cisco = 11,
  Bbn = 12,
  Ospf = 13,
  Bgp = 14,
  Idpr = 15,
  Eigrp = 16,
  Dvmrp = 17,
  Rpl = 18,
  Dhcp = 19,
  NtAutostatic = 10002,
  NtStatic = 10006,
  NtStaticNonDod = 10007,
  Unspecified = 0xffffffff, // "illegal value" of InitializeIpForwardEntry: backend default (static)
};
enum class RouteOrigin : std::uint8_t {
  Manual = 0,
  WellKnown = 1,
  Dhcp = 2,
  RouterAdvertisement = 3,
  SixToFour = 4
};
// Beyond IP Helper (whose rows are all unicast): the forwarding action, needed by inetCidrRouteType.
enum class RouteType : std::uint8_t {
  Unicast,
  Local,
  Broadcast,
  Anycast,
  Multicast,
  Blackhole,
  Unreachable,
  Prohibit,
  Throw,
  Nat,
  Other
};

// Beyond IP Helper: the RFC 4191 Default Router Preference a router advertisement gave its default
// route, in the RFC's 2-bit encoding (10 is reserved; Linux treats it as medium).
enum class RouterPreference : std::uint8_t { Medium = 0, High = 1, Reserved = 2, Low = 3 };

inline constexpr std::uint32_t kMainRouteTable = 254;
inline constexpr std::uint32_t kLocalRouteTable = 255;
inline constexpr std::uint32_t kUnspecifiedMetric = 0xffffffff;

// One row per next hop: a multipath route is several rows sharing destination/table/metric.
// Identity (what Get/Set/Delete match on): table, destinationPrefix, metric, nextHop,
// interfaceIndex. (IP Helper keys on interface+prefix+next hop; Linux also distinguishes routes by
// table and priority, so they are part of the key here.)
struct RouteRow {
  InterfaceIndex interfaceIndex = 0; // 0 for routes without a device (blackhole, unreachable, ...)
  InterfaceLuid luid;
  IpPrefix destinationPrefix;
  IpAddress nextHop; // family-zero (0.0.0.0 / ::) for on-link routes
  std::uint8_t sitePrefixLength = 0xff;
  std::uint32_t validLifetime = kInfiniteLifetime;     // seconds remaining when the row was read
  std::uint32_t preferredLifetime = kInfiniteLifetime; // (Linux: the same as validLifetime)
  // Beyond IP Helper: when a finite validLifetime runs out (e.g. a default route learned from a
  // router advertisement), so that a reader can compute what remains at any later time instead of
  // serving a count that went stale; a default value while the lifetime is infinite.
  Timestamp expires{};
  std::uint32_t metric = kUnspecifiedMetric; // Linux route priority
  RouteProtocol protocol = RouteProtocol::Unspecified;
  std::uint8_t nativeProtocol = 0; // beyond IP Helper: the kernel's rtm_protocol, kept verbatim
  bool loopback = true;
  bool autoconfigureAddress = true;
  bool publish = true;
  bool immortal = true;
  RouteOrigin origin = RouteOrigin::Manual;
  RouteType type = RouteType::Unicast;
  std::uint32_t table = kMainRouteTable;
  std::uint8_t weight = 1;   // multipath next-hop weight (rtnh_hops + 1)
  std::uint8_t scope = 0;    // beyond IP Helper: Linux rtm_scope (0 universe, 253 link, 254 host)
  IpAddress preferredSource; // RTA_PREFSRC, if any
  RouterPreference routerPreference = RouterPreference::Medium; // RTA_PREF; meaningful for RA routes
  Timestamp created{}; // when the backend first saw the route (Age = now - created)

  friend bool operator==(const RouteRow&, const RouteRow&) = default; // every field
};

// The key parts of RouteRow, ordered; convenient for maps.
struct RouteKey {
  std::uint32_t table;
  IpPrefix destination;
  std::uint32_t metric;
  IpAddress nextHop;
  InterfaceIndex interfaceIndex;
  friend auto operator<=>(const RouteKey&, const RouteKey&) = default;
};
inline RouteKey keyOf(const RouteRow& r) {
  return {r.table, r.destinationPrefix, r.metric, r.nextHop, r.interfaceIndex};
}

// Initialize…Entry: defaults as IP Helper documents them.
// Route: lifetimes infinite; loopback/autoconfigureAddress/publish/immortal true; sitePrefixLength,
// metric and protocol "illegal" (= let the backend choose); everything else zero.
void initializeIpForwardEntry(RouteRow& row);
// Address: origins Unchanged, onLinkPrefixLength illegal (0xff), lifetimes infinite, skipAsSource false.
void initializeUnicastIpAddressEntry(UnicastAddressRow& row);
// IP interface: every field zero/false; family Unspecified. Callers Get, modify, then Set.
void initializeIpInterfaceEntry(IpInterfaceRow& row);

std::string_view toString(NeighborState);
std::string_view toString(RouteType);
std::string_view toString(RouteProtocol);
std::string_view toString(OperStatus);
std::string_view toString(DadState);

} // namespace ipmibd::platform
