// Backend: the IP Helper-style API every MIB table reads and writes through; implemented by
// platform/linux (rtnetlink) and platform/sim (in-memory), later platform/win (iphlpapi).
#pragma once

#include "platform/address_selection.h"
#include "platform/group_address.h"
#include "platform/guid.h"
#include "platform/if_stack.h"
#include "platform/ip_path.h"
#include "platform/neighbor_resolution.h"
#include "platform/rows.h"
#include "platform/status.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ipmibd::platform {

// ----------------------------------------------------------------------------------------------
// Change notifications (NotifyRouteChange2 and friends).
//
// Unlike IP Helper, which calls back on a worker thread, callbacks here run only inside
// Backend::dispatch(), on the caller's thread: the agent is single-threaded (Net-SNMP is not
// thread-safe). Changes arrive in batches, in the order the backend learned them, so a consumer
// can apply a burst of 100k route changes in one go.
enum class ChangeKind : std::uint8_t { Add, Delete, ParameterChange };
std::string_view toString(ChangeKind);

template <class Row> struct Change {
  ChangeKind kind;
  // For Delete: the row as last known; at least its key fields. (A route the Linux backend finds
  // gone without a kernel message, after an overrun re-dump, a link deletion or a replace that
  // dropped a next hop, carries the fields of its last Add or ParameterChange: see route_shadow.h.)
  Row row;
};
template <class Row> using ChangeCallback = std::function<void(std::span<const Change<Row>>)>;

// A registration; destroying (or cancel()ing) it cancels the registration (CancelMibChangeNotify2).
// It must not outlive the backend that issued it.
class Subscription {
public:
  Subscription() = default;
  explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  Subscription(Subscription&& other) noexcept : cancel_(std::exchange(other.cancel_, {})) {}
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { cancel(); }
  void cancel();
  bool active() const { return bool(cancel_); }

private:
  std::function<void()> cancel_;
};

// System-wide per-family settings (ipForwarding/ipDefaultTTL, ipv6IpForwarding/ipv6IpDefaultHopLimit,
// ipReasmTimeout); IP Helper keeps these in MIB_IPSTATS (GetIpStatisticsEx / SetIpStatisticsEx).
struct IpGlobalSettings {
  Family family = Family::Unspecified;
  bool forwarding = false;
  std::uint32_t defaultHopLimit = 64;
  // Seconds a datagram's fragments are held while awaiting reassembly (MIB_IPSTATS dwReasmTimeout;
  // Linux net.ipv4.ipfrag_time / net.ipv6.ip6frag_time, defaults 30 and 60). Read-only:
  // setIpGlobalSettings ignores it, as SetIpStatisticsEx does. 0 = unknown.
  std::uint32_t reassemblyTimeout = 0;
  friend bool operator==(const IpGlobalSettings&, const IpGlobalSettings&) = default;
};

// What a backend reports about itself (for ipmibd's own MIB objects and the CLI).
struct BackendStats {
  std::uint64_t resyncs = 0; // full re-dumps after a lost notification stream (netlink overrun)
  Timestamp lastResync{};
  std::uint64_t resyncSteps = 0;     // dispatch() calls that advanced a resync's stepwise part
  std::uint64_t resyncRestarts = 0;  // resyncs started over (events lost again while one ran)
  std::uint64_t eventsDelivered = 0; // changes published (an initial route load's rows not included)
  std::uint64_t loadSteps = 0;       // dispatch() calls that advanced the initial route load
};

// Rows per notification batch of an initial route load (see Backend::routesLoading): small enough
// that a subscriber may apply each batch on delivery, inside the dispatch() budget.
inline constexpr std::size_t kRouteLoadBatch = 256;

// MIB_IF_TABLE_LEVEL (GetIfTable2Ex); see Backend::getIfTable2Ex.
enum class IfTableLevel : std::uint8_t { Normal = 0, Raw = 1, NormalWithoutStatistics = 2 };
std::string_view toString(IfTableLevel level);

// The API. Every call is synchronous and returns a Result whose status is one of the codes listed
// at the call; `message` carries the backend's own words (the kernel's extended ack) when it has
// any. A Family argument of Unspecified means both IPv4 and IPv6. "Key fields" of a row are those
// that Get/Set/Delete match on (see each row in rows.h).
class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0; // "linux", "sim"

  // ---- Interfaces (GetIfTable2 / GetIfEntry2) -------------------------------------------------
  // Success; AccessDenied; GeneralFailure.
  virtual Result getIfTable2(std::vector<InterfaceRow>& table) = 0;
  // Key: luid if non-zero, else index. Success; NotFound; InvalidParameter (both zero).
  virtual Result getIfEntry2(InterfaceRow& row) = 0;

  // ---- IP interfaces (GetIpInterfaceTable / GetIpInterfaceEntry / SetIpInterfaceEntry) ---------
  // Success; GeneralFailure.
  virtual Result getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) = 0;
  // Key: family + interfaceIndex. Success; NotFound; InvalidParameter (family Unspecified).
  virtual Result getIpInterfaceEntry(IpInterfaceRow& row) = 0;
  // Writes the writable fields that differ from the current row: enabled, forwardingEnabled,
  // nlMtu, baseReachableTime, retransmitTime, dadTransmits, curHopLimit, routerDiscoveryEnabled,
  // advertisingEnabled. Success; NotFound; InvalidParameter (out of range); NotSupported (a field
  // this backend cannot change for this family); AccessDenied.
  virtual Result setIpInterfaceEntry(const IpInterfaceRow& row) = 0;

  // ---- IP statistics (ipSystemStatsTable / ipIfStatsTable) ----------------------------------
  // Rows with interfaceIndex 0 are system-wide. Success; GeneralFailure.
  virtual Result getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) = 0;

  // ---- Global settings (GetIpStatisticsEx / SetIpStatisticsEx forwarding and TTL) ------------
  // Key: family (V4 or V6). Success; InvalidParameter.
  virtual Result getIpGlobalSettings(IpGlobalSettings& settings) = 0;
  // Writes forwarding and defaultHopLimit (reassemblyTimeout is not written).
  // Success; InvalidParameter (hop limit 0 or > 255); AccessDenied.
  virtual Result setIpGlobalSettings(const IpGlobalSettings& settings) = 0;

  // ---- Unicast addresses (Get/Create/Set/DeleteUnicastIpAddressEntry) -------------------------
  virtual Result getUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table) = 0;
  // Key: address + interfaceIndex. Success; NotFound.
  virtual Result getUnicastIpAddressEntry(UnicastAddressRow& row) = 0;
  // onLinkPrefixLength 0xff means a host prefix (/32, /128). Success; AlreadyExists; NotFound (no
  // such interface); InvalidParameter (bad prefix length, family, lifetimes); AccessDenied.
  virtual Result createUnicastIpAddressEntry(const UnicastAddressRow& row) = 0;
  // Changes lifetimes, prefix length, skipAsSource. Success; NotFound; InvalidParameter; NotSupported.
  virtual Result setUnicastIpAddressEntry(const UnicastAddressRow& row) = 0;
  // Success; NotFound.
  virtual Result deleteUnicastIpAddressEntry(const UnicastAddressRow& row) = 0;

  // ---- Neighbors (GetIpNetTable2 / Create/Set/DeleteIpNetEntry2 / FlushIpNetTable2) -----------
  virtual Result getIpNetTable2(Family family, std::vector<NeighborRow>& table) = 0;
  // Key: address + interfaceIndex. Success; NotFound.
  virtual Result getIpNetEntry2(NeighborRow& row) = 0;
  // Creates a static (Permanent) entry unless state says otherwise. Success; AlreadyExists (an
  // entry, dynamic or static, exists); NotFound (interface); InvalidParameter (family mismatch,
  // multicast/zero address, bad physical address length); AccessDenied.
  virtual Result createIpNetEntry2(const NeighborRow& row) = 0;
  // Replaces physicalAddress/state of an existing entry. Success; NotFound; InvalidParameter.
  virtual Result setIpNetEntry2(const NeighborRow& row) = 0;
  // Success; NotFound.
  virtual Result deleteIpNetEntry2(const NeighborRow& row) = 0;
  // Removes dynamic entries of one interface (0 = all). Success; NotFound (interface).
  virtual Result flushIpNetTable2(Family family, InterfaceIndex interfaceIndex) = 0;

  // ---- Routes (GetIpForwardTable2 / Create/Set/DeleteIpForwardEntry2 / GetBestRoute2) ----------
  // Rows of the route tables this backend was configured to export (main by default). Always
  // complete, also during an initial route load (it then asks the kernel: O(routes)).
  virtual Result getIpForwardTable2(Family family, std::vector<RouteRow>& table) = 0;

  // Initial route load. Contract:
  // - A backend may return from its open before it has read the routes (the Linux backend: a dump
  //   of 1M routes takes ~1 s, longer than a caller's loop may be held). routesLoading() is then
  //   true, and the routes present at open reach the route subscribers through dispatch(), as
  //   ChangeKind::Add batches of at most kRouteLoadBatch rows, each dispatch() delivering about
  //   what its budget allows (the subscribers' time spent on the batches included). A backend that
  //   loads its routes in open (the sim backend) returns false from the start.
  // - Order: the load's batches are published while routesLoading() is true, every change made
  //   meanwhile only after it turned false, in the kernel's order; so a subscriber can tell the
  //   load from changes by asking routesLoading() in its callback. (Should the backend lose
  //   events during the load, the repair's differences, of any kind, are published while it is
  //   still true.) A route changed during the load may show its older state in a load batch and
  //   its newer one in a later change.
  // - Who receives it: the route subscribers registered before the first dispatch(). A consumer
  //   that subscribes and then finds routesLoading() true takes no dump: the load brings every
  //   route. One finding it false reads getIpForwardTable2 after subscribing, as before.
  // - Meanwhile every read stays correct (single-row route reads ask the kernel instead of a
  //   cache), and the other kinds of rows are complete from open.
  virtual bool routesLoading() const { return false; }
  // Key: see RouteRow. Success; NotFound.
  virtual Result getIpForwardEntry2(RouteRow& row) = 0;
  // Success; AlreadyExists; NotFound (interface); InvalidParameter (family mismatch, next hop on
  // a type that takes none, non-canonical prefix); NetworkUnreachable (gateway not on a connected
  // network); AccessDenied.
  virtual Result createIpForwardEntry2(const RouteRow& row) = 0;
  // Changes type/metric/protocol/interface of the route identified by `key`'s key fields to
  // `row` as one atomic replace where the kernel allows it. Success; NotFound; InvalidParameter;
  // NetworkUnreachable; AlreadyExists (the new key collides with another route).
  virtual Result setIpForwardEntry2(const RouteRow& key, const RouteRow& row) = 0;
  // Success; NotFound.
  virtual Result deleteIpForwardEntry2(const RouteRow& row) = 0;
  // Longest-prefix match in the exported tables. Success; NetworkUnreachable (no route);
  // InvalidParameter.
  virtual Result getBestRoute2(const IpAddress& destination, RouteRow& bestRoute,
                               IpAddress& bestSourceAddress) = 0;
  // GetBestInterfaceEx: the interface the system's own route lookup sends `destination` out of,
  // whichever tables this backend exports (Linux: the kernel's answer, policy rules and every table
  // they reach; the simulator: its main table). A route created in a table of its own without an
  // interface resolves its gateway this way when that table has no connected route to it (Linux:
  // `ip route add ... table N` falls back to the rules). Success; NetworkUnreachable (no route, or
  // one that discards); InvalidParameter (no destination). The base implementation answers from
  // getBestRoute2.
  virtual Result getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex);
  // Beyond IP Helper: the rows of the exported tables through `interfaceIndex` whose destination
  // prefix contains `address` (getIpForwardTable2's rows, filtered), in key order. Success;
  // InvalidParameter (no address); otherwise as getIpForwardTable2. The base implementation
  // filters getIpForwardTable2; a backend with a route index answers without reading every route.
  virtual Result getRoutesCovering(const IpAddress& address, InterfaceIndex interfaceIndex,
                                   std::vector<RouteRow>& routes);

  // ---- Interface conversions (ConvertInterface…) ---------------------------------------------
  // Success; NotFound. Implemented over getIfEntry2/getIfTable2; backends may override.
  virtual Result convertInterfaceIndexToLuid(InterfaceIndex index, InterfaceLuid& luid);
  virtual Result convertInterfaceLuidToIndex(InterfaceLuid luid, InterfaceIndex& index);
  virtual Result convertInterfaceLuidToName(InterfaceLuid luid, std::string& name);
  virtual Result convertInterfaceNameToLuid(const std::string& name, InterfaceLuid& luid);
  virtual Result convertInterfaceLuidToAlias(InterfaceLuid luid, std::string& alias);
  virtual Result convertInterfaceAliasToLuid(const std::string& alias, InterfaceLuid& luid);

  // ---- Issue 19, h-sort: address selection, interface GUIDs, table levels, Teredo ---------------
  // GetIfTable2Ex. Normal: what getIfTable2 returns (operStatus is the kernel's RFC 2863 operational
  // state, IFLA_OPERSTATE, with its adjustments: dormant, lowerLayerDown under a stacked device or a
  // veth whose peer is down, notPresent). Raw: "directly for the interface": operStatus is only the
  // device's own admin flag and carrier (IFF_UP and IFF_LOWER_UP: up or down, nothing in between),
  // statistics as Normal. NormalWithoutStatistics: Normal with every counter left 0 (the Linux
  // backend asks the kernel not to send them: RTEXT_FILTER_SKIP_STATS, a cheaper dump).
  // Success; InvalidParameter (a level outside the enum); otherwise as getIfTable2.
  virtual Result getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table);

  // Beyond IP Helper: the kernel's address label table (`ip addrlabel`, RTM_GETADDRLABEL), in the
  // kernel's order. It holds only labels: precedences (RFC 6724 rule 6) are
  // not a kernel table on Linux (glibc's getaddrinfo reads them from /etc/gai.conf), so
  // createSortedAddressPairs takes them from RFC 6724 section 2.1. The simulator's table starts as
  // RFC 6724 section 2.1's labels (Linux's default differs: 2001::/32 label 6, 2001:10::/28 label 7,
  // fc00::/7 label 5); scenarios change it with `addrlabel add|del`. No change notification exists
  // (rtnetlink has no multicast group for labels). Success; AccessDenied; GeneralFailure.
  virtual Result getAddressLabelTable(std::vector<AddressLabelRow>& table) = 0;

  // CreateSortedAddressPairs (SourceAddressList, SourceAddressCount and AddressSortOptions are
  // reserved and left out): pairs each destination with the source RFC 6724 section 5 chooses from
  // the host's unicast addresses (not tentative, duplicate or skipAsSource; deprecated = dadState
  // Deprecated; temporary = suffixOrigin Random, which on Linux also covers RFC 7217 stable-privacy
  // addresses the row cannot tell apart; no home addresses: the rows carry no such flag) and orders
  // the pairs by section 6, with the outgoing interface of getBestRoute2 per destination (none:
  // unreachable, sorted last with an unspecified source, unless the destination is loopback or one
  // of the host's own addresses, which the local table, not exported, would route; a tunnel
  // interface, IANAifType 131, counts as encapsulated for rule 7), labels from getAddressLabelTable and
  // precedences from RFC 6724 section 2.1. IPv4 destinations are plain IPv4 addresses (Windows wants them
  // IPv4-mapped; an IPv4-mapped IPv6 destination is taken as the IPv6 address it is). Routes' RTA_PREFSRC is
  // not consulted: this is the RFC's choice, which the kernel's own may differ from where a route names a
  // source. Success; InvalidParameter (no destinations, more than 500 as in IP Helper, or an unspecified
  // one); otherwise the failure of a read it needs.
  Result createSortedAddressPairs(std::span<const IpAddress> destinations, std::vector<AddressPair>& pairs);

  // ConvertInterfaceLuidToGuid / ConvertInterfaceGuidToLuid. Windows stores a GUID per interface
  // in the registry; Linux has none, so the GUID is the RFC 4122 version 5 UUID (platform/guid.h)
  // of the interface's permanent hardware address (IFLA_PERM_ADDRESS: real NICs) or, without one
  // (veth, bridge, dummy, VLAN, tunnels: software devices have none) or when two interfaces share
  // it (with the interfaces present now: a second NIC appearing with the same permanent address
  // moves both to their names), of its kernel name. So it survives reboots, driver reloads and index changes;
  // a NIC's also survives renames (udev's persistent names included) and moves between namespaces, while a
  // software device's changes when it is renamed, and two namespaces' interfaces of one name share
  // one GUID. Success; InvalidParameter (LUID 0, nil GUID); NotFound (no such interface).
  virtual Result convertInterfaceLuidToGuid(InterfaceLuid luid, Guid& guid);
  virtual Result convertInterfaceGuidToLuid(const Guid& guid, InterfaceLuid& luid);

  // GetTeredoPort / NotifyTeredoPortChange: Linux has no Teredo client in the kernel (Teredo is a
  // user-space daemon there, Miredo, whose port no kernel interface reports), so both are
  // NotSupported on Linux and in the simulator; `subscription` stays inactive.
  virtual Result getTeredoPort(std::uint16_t& port);
  virtual Result notifyTeredoPortChange(std::function<void(std::uint16_t port)> callback,
                                        Subscription& subscription);
  // ---- Interface stack (GetIfStackTable / GetInvertedIfStackTable) ---------------------------
  // The pairs platform/if_stack.h derives from getIfTable2's masterIndex / linkIndex. An empty
  // table is Success (IP Helper says NotFound; here, as for every table, empty is not an error).
  // Success; otherwise as getIfTable2. No notification of its own: a change of the stack is an
  // interface change (notifyInterfaceChange: masterIndex / linkIndex).
  virtual Result getIfStackTable(std::vector<IfStackRow>& table);
  virtual Result getInvertedIfStackTable(std::vector<InvertedIfStackRow>& table);

  // ---- Multicast group memberships (GetMulticastIpAddressTable / Entry) ----------------------
  // Every group an interface has joined, by the kernel itself (all-nodes, solicited-node, ...) or
  // by any socket (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP), one row per group and interface however
  // many sockets joined it. Read-only, as in IP Helper; no notification (IP Helper has none).
  // Success; GeneralFailure.
  virtual Result getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) = 0;
  // Key: address + interface (luid if non-zero, else interfaceIndex); fills the rest.
  // Success; NotFound; InvalidParameter (no address, or neither luid nor index).
  virtual Result getMulticastIpAddressEntry(MulticastAddressRow& row);

  // ---- Anycast addresses (Get/Create/DeleteAnycastIpAddressEntry, GetAnycastIpAddressTable) --
  // IPv6 only: Linux has no IPv4 anycast addresses (an IPv4 family gives an empty table; an IPv4
  // row NotSupported). The kernel makes the subnet-router anycast address (RFC 4291 2.6.1) of each
  // prefix of an interface with forwarding on; the rest are joined by sockets. No notification
  // (IP Helper has none, and the kernel sends no event for anycast changes). Success; GeneralFailure.
  virtual Result getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) = 0;
  // Key as getMulticastIpAddressEntry. Success; NotFound; InvalidParameter; NotSupported (IPv4).
  virtual Result getAnycastIpAddressEntry(AnycastAddressRow& row);
  // Joins `address` as an anycast address on the interface. Success; AlreadyExists (the interface
  // already has it, from the kernel or a join); NotFound (interface); InvalidParameter (no address,
  // a multicast or unspecified one, neither luid nor index); NotSupported (IPv4); AccessDenied.
  // Linux: IPV6_JOIN_ANYCAST on a socket the backend holds; the address lasts while that socket
  // is open, that is as long as the backend (the process): nothing survives a restart.
  virtual Result createAnycastIpAddressEntry(const AnycastAddressRow& row) = 0;
  // Leaves an address joined by createAnycastIpAddressEntry. Success; NotFound (not one this
  // backend joined: the kernel's subnet-router anycasts and other processes' joins cannot be
  // removed from here, since an anycast address lives as long as whoever joined it);
  // InvalidParameter; NotSupported (IPv4).
  virtual Result deleteAnycastIpAddressEntry(const AnycastAddressRow& row) = 0;

  // ---- Neighbor resolution (ResolveIpNetEntry2), issue 19 part C ----------------------------
  // Starts resolving `row`'s address (key: address + interface, luid if non-zero else index) to a
  // physical address, without blocking: `callback` runs once, from a later dispatch(), unless
  // `subscription` is cancelled first. As IP Helper, an existing dynamic entry is flushed and
  // resolved afresh (ARP requests / neighbor solicitations); a static one (Permanent, NoArp) is
  // the answer at once. The kernel chooses the solicitations' source address (IP Helper's
  // SourceAddress is left out: Linux takes no per-request source). Linux: RTM_DELNEIGH of the old
  // entry, then RTM_NEWNEIGH with NTF_USE (the kernel's neigh_event_send: state incomplete, probes
  // sent), then the entry is watched (events, and a look every kResolveCheckInterval) until it is
  // valid or failed. The simulator: the peer of a veth interface answers for the addresses it holds,
  // with its MAC; nothing else answers (scenarios choose answering peers with `addr add ... dev PEER`).
  // Start: Success; InvalidParameter (no, zero or multicast address, neither luid nor index, a
  // link-local scope naming another interface, timeout not positive); NotFound (interface);
  // NotSupported (the loopback interface: Linux keeps no neighbor entries there); AccessDenied. The
  // callback's outcome: Success (row: physicalAddress, state as the kernel has it); NetworkUnreachable (IP
  // Helper's ERROR_BAD_NET_NAME: no answer, the kernel gave up and marked the entry failed, or `timeout`
  // passed first; the message says which).
  virtual Result resolveIpNetEntry2Async(const NeighborRow& row, std::chrono::milliseconds timeout,
                                         ResolveCallback callback, Subscription& subscription);
  // The IP Helper-shaped blocking form, for the CLI and tools, never the agent: it runs dispatch()
  // (so other subscribers' callbacks run meanwhile) until the outcome, and fills `row` on Success.
  // A simulator on its manual clock never reaches its deadlines this way (GeneralFailure after
  // `timeout` of real time); use the asynchronous form there. Statuses as the two above.
  Result resolveIpNetEntry2(NeighborRow& row, std::chrono::milliseconds timeout = kResolveTimeout);

  // ---- NotifyStableUnicastIpAddressTable, issue 19 part C -----------------------------------
  // The unicast address table of `family` once no address in it is tentative (DAD done: each is
  // preferred, deprecated or duplicate). When it is stable now (IP Helper's NO_ERROR): `table`
  // holds it and `subscription` stays inactive. Otherwise (IP Helper's ERROR_IO_PENDING): `table`
  // is empty, `subscription` active, and `callback` runs once, from a later dispatch(), with the
  // table as it is when an address change leaves none tentative (until then, or until the
  // subscription is cancelled, it waits). Built on getUnicastIpAddressTable and
  // notifyUnicastIpAddressChange (so a VrfView's is its VRF's). Linux: an address is tentative
  // while IFA_F_TENTATIVE (or IFA_F_OPTIMISTIC) is set without IFA_F_DADFAILED; the kernel
  // announces the end of DAD with RTM_NEWADDR. The simulator models DAD where a scenario enables
  // it (see sim_kernel.h). Success; otherwise the failure of getUnicastIpAddressTable.
  using StableTableCallback = std::function<void(std::span<const UnicastAddressRow> table)>;
  Result notifyStableUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table,
                                           StableTableCallback callback, Subscription& subscription);

  // ---- IP paths (GetIpPathTable / GetIpPathEntry / FlushIpPathTable), issue 19 --------------
  // What the stack learned about the way to destinations (platform/ip_path.h says what a row is
  // on Linux): route exceptions (PMTU from ICMP, redirects) and TCP metrics (RTT), one row per
  // destination, interface and TCP source. Linux: RTM_GETROUTE dumps with RTM_F_CLONED (IPv4
  // lists an exception once a route lookup has used it: the kernel's fib_dump_info_fnhe skips an
  // exception no packet was routed through since the ICMP, which the sender's next packet does)
  // and the tcp_metrics generic netlink family's dump; a metric's interface and next hop are the
  // kernel's route lookup for its destination now (one RTM_GETROUTE per metric: a read costs
  // O(metrics) requests; a metric the lookup cannot place, unroutable or link-local, since
  // tcp_metrics keeps no scope, makes no row). The simulator: paths a scenario creates
  // (`path add`). No notification (IP Helper has none). Success; InvalidParameter (a family
  // outside the enum); AccessDenied; GeneralFailure.
  virtual Result getIpPathTable(Family family, std::vector<IpPathRow>& table);
  // Key: destination (V4 or V6), interface (luid if non-zero, else interfaceIndex), source if not
  // unspecified. Fills the rest. Success; InvalidParameter (no destination, a source of another
  // family, neither luid nor index); NotFound (no such interface, or no path to the destination on it).
  virtual Result getIpPathEntry(IpPathRow& row);
  // Forgets what was learned: every route exception of `family` (Unspecified: both) and its TCP
  // metrics, as Windows' FlushIpPathTable drops the paths with their RTT estimates. Linux: IPv4
  // writes net/ipv4/route/flush (per namespace: the backend's; it invalidates every next-hop
  // exception, which the kernel then no longer lists or uses); IPv6 deletes each exception
  // (RTM_DELROUTE with RTM_F_CLONED: net/ipv6/route/flush only runs the garbage collector, which
  // keeps unexpired PMTU exceptions); TCP metrics: TCP_METRICS_CMD_DEL per entry of the family.
  // Success; InvalidParameter (a family outside the enum); AccessDenied; NotSupported (a VrfView:
  // the kernel's flush is per namespace, not per VRF); GeneralFailure.
  virtual Result flushIpPathTable(Family family);

  // ---- Change notifications --------------------------------------------------------------------
  Subscription notifyRouteChange2(Family family, ChangeCallback<RouteRow> callback);
  Subscription notifyUnicastIpAddressChange(Family family, ChangeCallback<UnicastAddressRow> callback);
  Subscription notifyIpInterfaceChange(Family family, ChangeCallback<IpInterfaceRow> callback);
  // Beyond IP Helper:
  Subscription notifyIpNetChange(Family family, ChangeCallback<NeighborRow> callback);
  Subscription notifyInterfaceChange(ChangeCallback<InterfaceRow> callback);

  // ---- Event loop integration ------------------------------------------------------------------
  // A descriptor to poll for readability (-1 if none), and the next time dispatch() has timed
  // work (scripted changes, timers), if any.
  virtual int eventDescriptor() const = 0;
  virtual std::optional<Timestamp> nextDeadline() const = 0;
  // Reads pending kernel messages / runs due timers and delivers the resulting notifications.
  // Works for at most about `budget` and returns true when work remains (call again soon).
  virtual bool dispatch(std::chrono::milliseconds budget) = 0;

  virtual BackendStats stats() const = 0;

protected:
  // Backends deliver changes through these; they filter by family and call each subscriber.
  void publish(std::span<const Change<RouteRow>> changes);
  void publish(std::span<const Change<UnicastAddressRow>> changes);
  void publish(std::span<const Change<IpInterfaceRow>> changes);
  void publish(std::span<const Change<NeighborRow>> changes);
  void publish(std::span<const Change<InterfaceRow>> changes);
  // True when anyone listens for that kind: backends may skip building change lists otherwise.
  bool hasRouteSubscribers() const { return !routeSubscribers_.empty(); }
  bool hasAddressSubscribers() const { return !addressSubscribers_.empty(); }
  bool hasIpInterfaceSubscribers() const { return !ipInterfaceSubscribers_.empty(); }
  bool hasNeighborSubscribers() const { return !neighborSubscribers_.empty(); }
  bool hasInterfaceSubscribers() const { return !interfaceSubscribers_.empty(); }

private:
  template <class Row> struct Subscriber {
    Family family;
    ChangeCallback<Row> callback;
  };
  template <class Row> using Subscribers = std::map<std::uint64_t, Subscriber<Row>>;
  template <class Row>
  Subscription subscribe(Subscribers<Row>& list, Family family, ChangeCallback<Row> callback);
  template <class Row> void deliver(Subscribers<Row>& list, std::span<const Change<Row>> changes);

  std::uint64_t nextSubscriptionId_ = 1;
  Subscribers<RouteRow> routeSubscribers_;
  Subscribers<UnicastAddressRow> addressSubscribers_;
  Subscribers<IpInterfaceRow> ipInterfaceSubscribers_;
  Subscribers<NeighborRow> neighborSubscribers_;
  Subscribers<InterfaceRow> interfaceSubscribers_;
};

// Family of a row, for filtering.
inline Family familyOf(const RouteRow& r) { return r.destinationPrefix.family(); }
inline Family familyOf(const UnicastAddressRow& r) { return r.address.family(); }
inline Family familyOf(const IpInterfaceRow& r) { return r.family; }
inline Family familyOf(const NeighborRow& r) { return r.address.family(); }
inline Family familyOf(const InterfaceRow&) { return Family::Unspecified; }

} // namespace ipmibd::platform
