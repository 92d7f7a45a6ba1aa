// SimKernel: the simulator's model of the Linux kernel's network state on ordered maps. Every write is
// validated as the kernel validates it and has the side effects a reader of the kernel would see;
// each resulting change is queued for dispatch().
//
// What is mirrored (kernel defaults: keep_addr_on_down=0, promote_secondaries=0):
// - Links: indexes count up from lo=1; a veth peer is registered before its partner (lower index);
//   new links are down. Oper status: up when admin up and, for veth, the peer is up (else
//   lowerLayerDown). When a link starts running with IPv6 enabled it gets its EUI-64 link-local
//   address (fe80::/64, scope id = ifindex).
// - Addresses: IPv4 adds a local route (table 255) always, and while the link is up its prefix route
//   (table 254, proto kernel, scope link, src, metric 0; table 255 for loopback) unless /32 or
//   secondary. IPv6 adds, while the link is up, its prefix route (metric 256) and a local route.
//   Deleting an IPv4 primary deletes its secondaries; removing an IPv4 address removes routes using
//   it as preferred source, and the last one all IPv4 routes via the link.
// - Link down: flushes the link's neighbors (permanent ones too), its IPv6 addresses and every route
//   via it (a multipath route stays while another next hop's link is up); up re-adds IPv4 address
//   routes. Carrier loss (veth peer down) only changes oper status, as routes are kept "linkdown".
// - Link delete: the above plus IPv4 addresses, remaining neighbors and routes; deleting either end
//   of a veth pair deletes both. Every removal is queued as a Delete change.
// - VRFs (l3mdev): a vrf link has a route table; the kernel routes of a VRF device and of the links
//   enslaved to it (`link set X master V`) go to that table instead of main and local. Enslaving or
//   releasing a link sets its master (an interface change), then, as cycle_netdev() does, takes a
//   running link down and up again, so its routes, neighbors and IPv6 addresses are flushed and its
//   address routes re-added in the new table. Deleting a VRF releases its links first.
// - Routes: `ip route add` collides with any route of the same table, prefix and metric
//   (NLM_F_EXCL) and `replace` swaps that route; the API's row-level writes (addRouteRow,
//   replaceRoute, deleteRouteRow) follow the Linux backend, which joins and splits multipath
//   routes one next hop at a time. IPv6 metric 0 means 1024.
// - Stack: a bridge's ports carry its index as masterIndex (`link set P master B`; deleting the
//   bridge frees them), a VLAN or macvlan its parent's as linkIndex (deleting the parent deletes it).
//   Bridges and VLANs have carrier whenever they are up (Linux: a bridge needs a forwarding port,
//   a VLAN its parent's carrier).
// - Multicast memberships and anycast addresses: see multicastView / anycastView.
// - DAD (issue 19 part C): on a link whose net.ipv6.conf.IF.accept_dad a scenario set to 1 (the
//   simulator boots with 0 everywhere, as the kernel conformance fixture sets; Linux's default is
//   1), a configured IPv6 address added without nodad while the link is up is tentative for
//   dad_transmits x retrans_time, then preferred (deprecated with preferred_lft 0), or duplicate
//   when the veth peer holds the same address then (its NA answers the probe; the peer must be up).
//   A duplicate address stays, as with accept_dad=1. Routes are added at once (not at DAD's end).
// - IP paths (issue 19): route exceptions and TCP metrics a scenario creates (`path add`), kept
//   until `path del`, a flush, their link's deletion or (exceptions) their expiry; no traffic makes
//   them. An exception's link going away takes it along, as the kernel's flush on NETDEV_UNREGISTER.
// Not modelled: broadcast/multicast/anycast routes of the local table, RA/SLAAC, optimistic DAD, neighbor
// state machines, TOS, policy rules.
#pragma once

#include "platform/backend.h"
#include "platform/group_address.h"
#include "platform/ip_path.h"
#include "platform/sim/change_queue.h"
#include "platform/sim/link_kind.h"
#include "platform/sim/sim_clock.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ipmibd::platform::sim {

struct LinkSpec {
  std::string name;
  LinkKind kind = LinkKind::Ether;
  std::string peerName;   // veth only
  std::string parentName; // vlan and macvlan: the link it runs on (`link PARENT`)
  std::optional<std::uint32_t> mtu;
  std::optional<PhysicalAddress> address;
  std::uint32_t vrfTable = 0; // vrf only: its route table (required, not 0)
};

struct Link {
  InterfaceRow row; // counters are derived at read time (interfaceView)
  LinkKind kind = LinkKind::Ether;
  InterfaceIndex peer = 0; // the other end of a veth pair
  IpInterfaceRow ipv4, ipv6;
  Timestamp created{};
  bool acceptDad = false; // net.ipv6.conf.IF.accept_dad (issue 19 part C; see the DAD note above)
};

// Who made an address decides its origins: the kernel's own addresses differ from configured ones.
enum class AddressSource : std::uint8_t { Configured, Loopback, LinkLocal };

struct AddressRequest {
  IpAddress address;
  InterfaceIndex interfaceIndex = 0;
  std::uint8_t prefixLength = 0xff; // 0xff = host prefix (/32, /128)
  std::uint32_t validLifetime = kInfiniteLifetime;
  std::uint32_t preferredLifetime = kInfiniteLifetime;
  IpAddress broadcast;
  AddressSource source = AddressSource::Configured;
  bool nodad = false; // `ip addr add ... nodad` (IFA_F_NODAD)
};

struct AddressEntry {
  UnicastAddressRow row; // lifetimes as they were at lifetimeStart
  Timestamp lifetimeStart{};
  std::optional<Timestamp> dadEnd; // tentative until then (issue 19 part C)
};

struct NextHopSpec {
  IpAddress gateway;                 // none/zero = on-link
  InterfaceIndex interfaceIndex = 0; // 0 = find the link whose connected network holds the gateway
  std::uint8_t weight = 1;
  bool onlink = false; // skip the gateway reachability check (`ip route ... onlink`)
};

// One route as a single rtnetlink request describes it: several next hops make it multipath.
struct RouteRequest {
  std::uint32_t table = kMainRouteTable;
  IpPrefix destination;
  std::uint32_t metric = kUnspecifiedMetric;
  RouteType type = RouteType::Unicast;
  std::uint8_t protocol = 4; // RTPROT_STATIC
  IpAddress preferredSource;
  std::vector<NextHopSpec> nextHops;
  // IPv6 only, as the kernel (IPv4 ignores both): RTA_EXPIRES in seconds and RTA_PREF.
  std::uint32_t lifetime = kInfiniteLifetime;
  RouterPreference routerPreference = RouterPreference::Medium;
};

struct RouteEntry {
  RouteRow row;
  std::uint32_t group = 0; // non-zero: the rows of one multipath route share it
};

// `ip route del` matching: fields left empty match anything.
struct RouteSelector {
  std::uint32_t table = kMainRouteTable;
  IpPrefix destination;
  std::optional<std::uint32_t> metric;
  std::optional<RouteType> type;
  std::optional<std::uint8_t> protocol;
  std::optional<IpAddress> gateway;
  std::optional<InterfaceIndex> interfaceIndex;
};

// NLM_F_EXCL (Create), NLM_F_REPLACE|NLM_F_CREATE (Replace), NLM_F_REPLACE alone (Change).
enum class WriteMode : std::uint8_t { Create, Replace, Change };

using AddressKey = std::pair<IpAddress, InterfaceIndex>;

// IP paths (sim_paths.cpp; issue 19): what an ICMP fragmentation-needed / packet-too-big or a
// redirect leaves (an exception, per destination and link), and what a closed TCP connection leaves
// (a metric, per destination and source).
struct SimPathException {
  IpAddress gateway; // zero: the route's own next hop is used (a PMTU exception keeps it)
  std::uint32_t mtu = 0;
  std::optional<Timestamp> expiresAt;
};
struct SimTcpMetric {
  std::uint32_t rttMicros = 0, rttVarianceMicros = 0;
  Timestamp savedAt{};
};

class SimKernel {
public:
  // Boots with lo (index 1, up, 127.0.0.1/8 and ::1/128). The boot changes are queued too.
  SimKernel(const SimClock& clock, ChangeQueue& changes);
  SimKernel(const SimKernel&) = delete;
  SimKernel& operator=(const SimKernel&) = delete;

  Timestamp now() const { return clock_.now(); }

  // ---- links (sim_links.cpp)
  Result addLink(const LinkSpec& spec);
  Result setLinkUp(InterfaceIndex index, bool up);
  Result setLinkMtu(InterfaceIndex index, std::uint32_t mtu);
  Result setLinkAlias(InterfaceIndex index, const std::string& alias);
  Result setLinkAddress(InterfaceIndex index, const PhysicalAddress& address);
  Result deleteLink(InterfaceIndex index);
  // `ip link set X master M` (master = M's index) / `nomaster` (0). A master is a VRF or a bridge;
  // enslaving to or releasing from a VRF cycles a running port, moving its routes (see l3mdevTable).
  Result setLinkMaster(InterfaceIndex index, InterfaceIndex master);
  // The table a kernel route of `table` (main or local) via link `index` goes to: the VRF's when
  // the link is a VRF or enslaved to one (l3mdev_fib_table), else `table`.
  std::uint32_t l3mdevTable(InterfaceIndex index, std::uint32_t table) const;
  const Link* link(InterfaceIndex index) const;
  const Link* linkByName(std::string_view name) const;
  const Link* linkByLuid(InterfaceLuid luid) const;
  const std::map<InterfaceIndex, Link>& links() const { return links_; }
  InterfaceRow interfaceView(const Link& link) const;

  // ---- IP settings (sim_settings.cpp)
  // The writable fields of setIpInterfaceEntry, validated as Linux's sysctls validate them.
  Result setIpInterface(const IpInterfaceRow& wanted);
  // net.ipv6.conf.IF.accept_dad (issue 19 part C): values above 0 enable DAD for later addresses.
  Result setAcceptDad(InterfaceIndex index, bool accept);
  const IpGlobalSettings& globalSettings(Family family) const {
    return family == Family::V6 ? global6_ : global4_;
  }
  Result setGlobalSettings(const IpGlobalSettings& settings);
  // net.ipv4.ipfrag_time / net.ipv6.ip6frag_time (seconds); not part of setGlobalSettings, which
  // writes what SetIpStatisticsEx writes.
  Result setReassemblyTimeout(Family family, long long seconds);

  // ---- addresses (sim_addresses.cpp)
  Result addAddress(const AddressRequest& request);
  Result setAddressLifetimes(const AddressKey& key, std::uint32_t valid, std::uint32_t preferred);
  Result deleteAddress(const AddressKey& key);
  const std::map<AddressKey, AddressEntry>& addresses() const { return addresses_; }
  const AddressEntry* address(const AddressKey& key) const;
  UnicastAddressRow addressView(const AddressEntry& entry) const; // remaining lifetimes
  // Deprecates and removes addresses whose lifetimes ran out; the next time that happens.
  void expireAddresses();
  std::optional<Timestamp> nextAddressDeadline() const;
  // Routes with a lifetime (RA-learned default routes): the row with what remains now, removal
  // when it runs out (as the kernel's fib6 garbage collection), and when that is next due.
  RouteRow routeView(const RouteRow& row) const;
  void expireRoutes();
  std::optional<Timestamp> nextRouteDeadline() const;

  // ---- multicast memberships and anycast addresses (sim_groups.cpp)
  // Memberships as Linux makes them on a link that is up: IPv4 224.0.0.1; with IPv6 running
  // ff01::1, ff02::1 and each IPv6 address's solicited-node group, and with IPv6 forwarding on the
  // all-routers groups ff01::2, ff02::2, ff05::2; plus the groups sockets joined (joinGroup).
  std::vector<MulticastAddressRow> multicastView(Family family) const;
  // IPv6 anycast addresses: with forwarding on, the subnet-router anycast of each IPv6 address's
  // prefix (none for /127 and /128), as addrconf_join_anycast; plus socket joins (joinAnycast).
  std::vector<AnycastAddressRow> anycastView() const;
  // A socket's IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP (counted: each join needs a leave).
  // InvalidParameter (not a multicast address); NotFound (link).
  Result joinGroup(const IpAddress& group, InterfaceIndex index);
  Result leaveGroup(const IpAddress& group, InterfaceIndex index); // NotFound: not joined
  // IPV6_JOIN_ANYCAST as ipv6_sock_ac_join checks it: InvalidParameter for a multicast address or
  // one of this host's unicast addresses, or, on a link without forwarding, one outside its
  // on-link prefixes; NotSupported for IPv4; NotFound (link). Counted like joinGroup.
  Result joinAnycast(const IpAddress& address, InterfaceIndex index);
  Result leaveAnycast(const IpAddress& address, InterfaceIndex index);

  // ---- neighbors (sim_neighbors.cpp)
  Result writeNeighbor(const NeighborRow& wanted, WriteMode mode);
  Result deleteNeighbor(const AddressKey& key);
  // Dynamic entries of one link (0 = all) and family (Unspecified = both).
  Result flushNeighbors(Family family, InterfaceIndex index);
  const std::map<AddressKey, NeighborRow>& neighbors() const { return neighbors_; }
  const NeighborRow* neighbor(const AddressKey& key) const;
  NeighborRow neighborView(const NeighborRow& row) const; // reachabilityTime

  // ---- routes (sim_routes.cpp)
  Result writeRoute(const RouteRequest& request, WriteMode mode);
  // createIpForwardEntry2 as the Linux backend does it: a row joins an existing unicast route of the
  // same table, destination and metric as one more next hop (IPv4 rewrites the route, IPv6 appends
  // a sibling); AlreadyExists for an existing row or a reject route at that key.
  Result addRouteRow(const RouteRequest& request);
  // setIpForwardEntry2: the row `old` becomes `request` (one next hop). Within the same route it is
  // rewritten in place, keeping the other next hops; otherwise added as above, then `old` deleted.
  Result replaceRoute(const RouteKey& old, const RouteRequest& request);
  // deleteIpForwardEntry2: exactly that row; the other next hops of a multipath route stay.
  Result deleteRouteRow(const RouteKey& key);
  // `ip route del`: the first match in key order. The kernel deletes a whole IPv4 multipath route,
  // and a whole IPv6 one unless a gateway or device names one sibling.
  Result deleteRoutes(const RouteSelector& selector);
  bool hasRoute(const RouteSelector& selector) const;
  Result bestRoute(const IpAddress& destination, const std::vector<std::uint32_t>& tables, RouteRow& best,
                   IpAddress& source) const;
  const std::map<RouteKey, RouteEntry>& routes() const { return routes_; }

  // ---- IP paths (sim_paths.cpp; issue 19) -------------------------------------------------------
  // An exception for `destination` (a host address) on link `index`: InvalidParameter (no MTU and
  // no gateway, an MTU below the family's minimum, 68 / 1280, or above the link's), NotFound (link).
  // Replaces one already there, as a newer ICMP does.
  Result addPathException(const IpAddress& destination, InterfaceIndex index, SimPathException exception);
  // A TCP metric; `source` unspecified for none. Replaces one of the same destination and source.
  Result addTcpMetric(const IpAddress& destination, const IpAddress& source, SimTcpMetric metric);
  // Both kinds for `destination` (on link `index` only when non-zero). NotFound when none was there.
  Result deletePaths(const IpAddress& destination, InterfaceIndex index);
  void flushPaths(Family family); // Unspecified: both
  // The exceptions (not expired) and metrics of `family`, as the Linux backend reads them from the
  // kernel: a metric's interface, gateway and route MTU are the route lookup's now.
  void pathView(Family family, const std::vector<std::uint32_t>& tables,
                std::vector<PathException>& exceptions, std::vector<PathMetric>& metrics) const;

  // ---- address labels (sim_address_labels.cpp; issue 19, h-sort) ------------------------------
  // `ip addrlabel`: starts as RFC 6724 section 2.1's labels; kept as the kernel keeps it, longest
  // prefix first, an interface-specific row before a global one of the same prefix. Add: IPv6
  // prefix only, an IPv4-mapped one at most /96 (InvalidParameter otherwise, as the kernel's
  // EINVAL), AlreadyExists for the same
  // prefix and interface, NotFound for an unknown interface; delete: NotFound when no row matches.
  Result addAddressLabel(const AddressLabelRow& row);
  Result deleteAddressLabel(const IpPrefix& prefix, InterfaceIndex interfaceIndex);
  const std::vector<AddressLabelRow>& addressLabels() const { return addressLabels_; }

  // Row keys carry the interface index as the scope of link-local IPv6 addresses and no scope on
  // others; nullopt when a given scope names another interface.
  static std::optional<IpAddress> scopedFor(const IpAddress& address, InterfaceIndex index);
  // kUnspecifiedMetric -> 0 (IPv4) / 1024 (IPv6); IPv6 also turns 0 into 1024.
  static std::uint32_t effectiveMetric(Family family, std::uint32_t metric);

private:
  Link* mutableLink(InterfaceIndex index);
  InterfaceIndex createLink(const std::string& name, LinkKind kind, std::optional<std::uint32_t> mtu,
                            std::optional<PhysicalAddress> address, std::uint32_t vrfTable = 0,
                            InterfaceIndex parent = 0);
  bool carrier(const Link& link) const;
  void refreshOperStatus(Link& link);
  void publishLinkEdits(const Link& before, Link& after);
  void bringUp(Link& link);
  void takeDown(Link& link);
  void refreshPeer(InterfaceIndex peer);
  void startIpv6(Link& link);
  void stopIpv6(Link& link);
  void removeLink(InterfaceIndex index);

  std::vector<AddressKey> addressKeysOn(InterfaceIndex index, Family family) const;
  void addAddressRoutes(const AddressEntry& entry, const Link& link);
  void removeAddress(const AddressKey& key);
  bool isLocalAddress(const IpAddress& address) const;
  void dropNeighborsOf(InterfaceIndex index);
  void finishDad(const AddressKey& key, AddressEntry& entry); // issue 19 part C

  Result buildRoute(const RouteRequest& request, std::vector<RouteRow>& rows) const;
  bool onConnectedNetwork(const Link& link, const IpAddress& gateway) const;
  std::vector<RouteKey> keysWith(std::uint32_t table, const IpPrefix& destination,
                                 std::uint32_t metric) const;
  std::vector<RouteKey> groupOf(const RouteKey& key) const;
  void installRoutes(const std::vector<RouteKey>& replaced, std::vector<RouteRow> rows, std::uint32_t group);
  void addKernelRoute(RouteRow row);
  void removeRoute(const RouteKey& key);
  void removeKernelRoute(const RouteKey& key); // only if the kernel made it (proto kernel)
  void removeRouteOrGroup(const RouteKey& key, bool wholeGroup);
  enum class Flush : std::uint8_t { LinkDown, LinkGone };
  void flushRoutesVia(InterfaceIndex index, Family family, Flush how);

  const SimClock& clock_;
  ChangeQueue& changes_;
  InterfaceIndex nextIndex_ = 1;
  std::uint32_t nextGroup_ = 1;
  std::map<InterfaceIndex, Link> links_;
  std::map<AddressKey, AddressEntry> addresses_;
  std::map<AddressKey, NeighborRow> neighbors_;
  std::map<RouteKey, RouteEntry> routes_;
  std::vector<AddressLabelRow> addressLabels_ = defaultAddressLabelsInKernelOrder();
  static std::vector<AddressLabelRow> defaultAddressLabelsInKernelOrder();
  std::map<AddressKey, unsigned> joinedGroups_, joinedAnycast_;        // socket joins, counted (no scope)
  std::map<AddressKey, SimPathException> pathExceptions_;              // issue 19: by destination and link
  std::map<std::pair<IpAddress, IpAddress>, SimTcpMetric> tcpMetrics_; // by destination and source
  // Linux's defaults: ipfrag_time 30 s (IP_FRAG_TIME), ip6frag_time 60 s (IPV6_FRAG_TIMEOUT).
  IpGlobalSettings global4_{Family::V4, false, 64, 30};
  IpGlobalSettings global6_{Family::V6, false, 64, 60};
};

} // namespace ipmibd::platform::sim
