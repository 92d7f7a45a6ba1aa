// LinuxBackend: the IP Helper-style API over rtnetlink (libmnl) and /proc/sys.
//
// Kernel contract (the narrow part of Linux this backend relies on):
// - Reads: RTM_GETLINK (with IFLA_AF_SPEC for per-family IP settings), RTM_GETADDR, RTM_GETNEIGH,
//   RTM_GETROUTE dumps; /proc/net/snmp, netstat and snmp6 (system-wide) and dev_snmp6/IF
//   (per-interface IPv6) for statistics, by counter name (never IFLA_INET6_STATS: its layout
//   changes between kernels, see rtnl_decode.h); a few /proc/sys/net values for settings.
// - Writes: RTM_NEWADDR/DELADDR, RTM_NEWNEIGH/DELNEIGH, RTM_NEWROUTE/DELROUTE (NLM_F_EXCL on
//   create, NLM_F_REPLACE on set), RTM_SETLINK (MTU), and /proc/sys/net for per-interface and
//   global settings rtnetlink cannot change.
// - Events: one socket subscribed to RTNLGRP_LINK, IPV4_IFADDR, IPV6_IFADDR, IPV4_ROUTE,
//   IPV6_ROUTE, NEIGH (and IPV6_IFINFO). The same decoders serve dumps and events. On ENOBUFS
//   (events lost) the backend re-dumps everything and diffs against its last known state
//   (mark and sweep), publishing exactly the missed add/delete/change events. For routes that
//   state is compact (packed key and fields, fingerprint, creation time: see route_shadow.h). The
//   route part of that repair runs in budget-sized steps of dispatch() on a socket of its own
//   (the contract is at the top of linux_resync.cpp).
// - Start: open() reads links, addresses, neighbours and IP interfaces (small), but not the routes:
//   their initial load is a route resync of its own kind, in steps of dispatch(), publishing the
//   routes as it reads them (routesLoading(), see backend.h and linux_resync.cpp).
// Everything runs on the caller's thread; notifications are delivered only from dispatch().
#pragma once

#include "platform/backend.h"
#include "platform/linux/group_decode.h"
#include "platform/linux/netlink_socket.h"
#include "platform/linux/route_shadow.h"
#include "platform/linux/rtnl_decode.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ipmibd::platform::linux_backend {

struct LinuxOptions {
  std::string netns;                                       // named namespace to serve; empty = our own
  std::vector<std::uint32_t> routeTables{kMainRouteTable}; // kernel tables exported as routes
  int eventReceiveBuffer = 8 << 20;                        // SO_RCVBUF(FORCE) of the event socket
  // Bytes of kernel events held back while a resync's route dump runs (they are applied after
  // it); more restarts the resync, as an overrun does.
  std::size_t resyncEventLimit = 64 << 20;
};

struct RouteResync;

class LinuxBackend final : public Backend {
public:
  // Opens the sockets (in options.netns), loads the initial state but the routes, and requests
  // the routes' dump, read by dispatch() (routesLoading()). Null with `error` set when the
  // namespace or netlink is unavailable.
  static std::unique_ptr<LinuxBackend> open(LinuxOptions options, Result& error);
  ~LinuxBackend() override;

  std::string_view name() const override { return "linux"; }

  Result getIfTable2(std::vector<InterfaceRow>& table) override;
  Result getIfEntry2(InterfaceRow& row) override;
  Result getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) override;
  Result getIpInterfaceEntry(IpInterfaceRow& row) override;
  Result setIpInterfaceEntry(const IpInterfaceRow& row) override; // linux_writes.cpp
  Result getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) override;
  Result getIpGlobalSettings(IpGlobalSettings& settings) override;
  Result setIpGlobalSettings(const IpGlobalSettings& settings) override; // linux_writes.cpp

  Result getUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table) override;
  Result getUnicastIpAddressEntry(UnicastAddressRow& row) override;
  Result createUnicastIpAddressEntry(const UnicastAddressRow& row) override; // linux_writes.cpp
  Result setUnicastIpAddressEntry(const UnicastAddressRow& row) override;    // linux_writes.cpp
  Result deleteUnicastIpAddressEntry(const UnicastAddressRow& row) override; // linux_writes.cpp

  Result getIpNetTable2(Family family, std::vector<NeighborRow>& table) override;
  Result getIpNetEntry2(NeighborRow& row) override;
  Result createIpNetEntry2(const NeighborRow& row) override;                      // linux_writes.cpp
  Result setIpNetEntry2(const NeighborRow& row) override;                         // linux_writes.cpp
  Result deleteIpNetEntry2(const NeighborRow& row) override;                      // linux_writes.cpp
  Result flushIpNetTable2(Family family, InterfaceIndex interfaceIndex) override; // linux_writes.cpp

  Result getIpForwardTable2(Family family, std::vector<RouteRow>& table) override;
  Result getIpForwardEntry2(RouteRow& row) override;
  Result createIpForwardEntry2(const RouteRow& row) override;                   // linux_writes.cpp
  Result setIpForwardEntry2(const RouteRow& key, const RouteRow& row) override; // linux_writes.cpp
  Result deleteIpForwardEntry2(const RouteRow& row) override;                   // linux_writes.cpp
  Result getBestRoute2(const IpAddress& destination, RouteRow& bestRoute,
                       IpAddress& bestSourceAddress) override;
  Result getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) override;
  Result getRoutesCovering(const IpAddress& address, InterfaceIndex interfaceIndex,
                           std::vector<RouteRow>& routes) override;

  // Issue 19, h-sort.
  Result getIfTable2Ex(IfTableLevel level,
                       std::vector<InterfaceRow>& table) override;           // linux_if_table_ex.cpp
  Result getAddressLabelTable(std::vector<AddressLabelRow>& table) override; // linux_address_labels.cpp
  // Multicast memberships and anycast addresses (linux_groups.cpp). Anycast joins are held by one
  // socket of this backend: they last as long as it (the process) and go with it.
  Result getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) override;
  Result getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) override;
  Result createAnycastIpAddressEntry(const AnycastAddressRow& row) override;
  Result deleteAnycastIpAddressEntry(const AnycastAddressRow& row) override;
  // Neighbor resolution (linux_resolve.cpp; issue 19 part C).
  Result resolveIpNetEntry2Async(const NeighborRow& row, std::chrono::milliseconds timeout,
                                 ResolveCallback callback, Subscription& subscription) override;
  // IP paths (linux_paths.cpp; issue 19): route exceptions and TCP metrics.
  Result getIpPathTable(Family family, std::vector<IpPathRow>& table) override;
  Result flushIpPathTable(Family family) override;

  int eventDescriptor() const override;
  // Timed work: the periodic IP interface refresh (sysctl changes raise no netlink events), and
  // "now" while the route shadow merges its delta in steps (dispatch() runs them when idle).
  std::optional<Timestamp> nextDeadline() const override;
  bool dispatch(std::chrono::milliseconds budget) override;
  BackendStats stats() const override { return stats_; }
  bool routesLoading() const override { return routesLoading_; }

  const LinuxOptions& options() const { return options_; }

private:
  explicit LinuxBackend(LinuxOptions options);

  LinuxOptions options_;
  std::unique_ptr<NetlinkSocket> requestSocket_;   // requests and dumps (no multicast groups)
  std::unique_ptr<NetlinkSocket> eventSocket_;     // multicast events only
  std::unique_ptr<NetlinkSocket> routeDumpSocket_; // a resync's route dump, read in steps (null: reopen)
  BackendStats stats_;

  // ---- read side state (linux_backend.cpp) -----------------------------------------------------
  // Last known state, kept so an overrun can be repaired by diffing a fresh dump against it.
  std::map<InterfaceIndex, InterfaceRow> links_;
  std::map<std::pair<Family, InterfaceIndex>, IpInterfaceRow> ipInterfaces_;
  std::map<std::pair<IpAddress, InterfaceIndex>, UnicastAddressRow> addresses_;
  std::map<std::pair<IpAddress, InterfaceIndex>, NeighborRow> neighbors_;
  RouteShadow routes_; // packed key and fields, fingerprint, creation time per route (route_shadow.h)
  bool resyncNeeded_ = false;
  std::unique_ptr<RouteResync> routeResync_; // the route re-dump in progress (linux_resync.cpp)
  bool routesLoading_ = false;               // the initial route load is not all published yet

  // ---- read side helpers (linux_backend.cpp) ---------------------------------------------------
public:
  // For the write side: IP interface fields changed through /proc/sys raise no event, so a
  // successful setIpInterfaceEntry calls this and the next dispatch() re-reads and reports them.
  void scheduleIpInterfaceRefresh() { ipInterfacesRefreshNeeded_ = true; }
  // For the write side: true when the route cache, brought up to date with the queued events,
  // shows no route at (table, destination, metric) of an exported table, so a create needs no dump
  // to find the routes it would join. False when one is there or the cache cannot tell.
  bool routeKeyVacant(std::uint32_t table, const IpPrefix& destination, std::uint32_t metric);

private:
  struct Snapshot;
  struct IpInterfaceContext;
  template <class Row> struct Pending { std::vector<Change<Row>> changes; };

  // Dumps through requestSocket_. `table`/`oif` are kernel-side route filters (0 = none).
  Result dumpLinks(std::vector<InterfaceRow>* links, std::vector<IpInterfaceRow>* ipInterfaces);
  Result dumpNeighborParms(std::vector<NeighborParms>& out);
  Result dumpAddresses(Family family, InterfaceIndex index, std::vector<UnicastAddressRow>& out);
  Result dumpNeighbors(Family family, InterfaceIndex index, std::vector<NeighborRow>& out);
  // `protocol`: only routes of that rtm_protocol (0 = any).
  Result dumpRoutes(Family family, std::uint32_t table, InterfaceIndex oif, std::vector<RouteRow>& out,
                    std::uint8_t protocol = 0);
  Result loadSnapshot(Snapshot& snapshot); // all but the routes
  Result loadIpInterfaces(std::vector<InterfaceRow>& links, std::vector<IpInterfaceRow>& ipInterfaces);

  bool exportsTable(std::uint32_t table) const;
  // True when no kernel event is waiting and no repair is pending or in progress: the caches are
  // then exact.
  bool cacheIsCurrent() const;
  // Applies the kernel events already queued to the caches (their notifications wait for the next
  // dispatch()), then tells whether routes_ is exact: single-row route reads are then answered
  // from it in O(queued events + log n) instead of a dump of the whole table.
  bool catchUpRoutes();
  // Calls `visit` for each cached route of an exported table whose prefix contains `address`.
  template <class Visit> void forEachCachedRouteCovering(const IpAddress& address, Visit visit) const;
  bool hasPendingChanges() const;
  InterfaceLuid luidOf(InterfaceIndex index) const;
  template <class Row> void fillLuids(std::vector<Row>& rows);
  void completeIpInterface(IpInterfaceRow& row, const IpInterfaceContext& context) const;

  // Caches <- fresh state (mark and sweep), recording the differences when someone listens.
  void reconcileAllButRoutes(Snapshot& snapshot, bool initial);
  Result reloadAllButRoutes(); // dumps and reconciles all but the routes (a resync's first part)
  void reconcileLinks(std::vector<InterfaceRow>& fresh, bool initial);
  void reconcileIpInterfaces(std::vector<IpInterfaceRow>& fresh, bool initial);
  void reconcileAddresses(std::vector<UnicastAddressRow>& fresh);
  void reconcileNeighbors(std::vector<NeighborRow>& fresh);
  // Luids of route changes from a mark and sweep, from links_; for added routes through links it
  // has not heard of yet, from one link dump (kept in `dumped`).
  void fillRouteChangeLuids(std::vector<Change<RouteRow>>& changes, std::size_t first,
                            std::optional<std::map<InterfaceIndex, InterfaceLuid>>& dumped);
  Result refreshIpInterfaces();

  // ---- resync after an overrun and route refresh, the route part in steps (linux_resync.cpp) ---
  Result beginResync();
  Result beginRouteDump(bool full);
  Result beginInitialRouteLoad(); // open()'s route dump, read and published in steps
  // Publishes an initial load's rows read so far (batches of kRouteLoadBatch).
  void publishLoadedRoutes(RouteResync& resync);
  // An initial load that lost events or failed: what it published becomes the shadow (merged in
  // steps), then a full resync diffs the kernel's table against it.
  void salvageInitialLoad(RouteResync& resync);
  Result requestRouteDump(RouteResync& resync);
  // One dispatch()'s share of the route resync, until `deadline` (at least one unit of work). The
  // resync is then still running (out of time), done (routeResync_ null), or to be started over
  // (resyncNeeded_). Failure: abandoned, to be retried.
  Result stepRouteResync(Timestamp deadline);
  // Moves what the event socket holds into the resync's held events; false when they overflowed
  // (the kernel's queue or the limit).
  bool holdEvents(RouteResync& resync);
  void abandonRouteResync();

  void handleEvent(const nlmsghdr& message);
  void handleLinkEvent(const nlmsghdr& message);
  void handleRouteEvent(const nlmsghdr& message);
  void applyRoute(RouteRow row, std::vector<Change<RouteRow>>* changes);
  // Re-reads the routes learned from router advertisements: the kernel moves their expiry and
  // preference on every RA without a message (see ra_route_refresh in linux_backend.cpp).
  void refreshRaRoutes();
  void removeLinkDependents(InterfaceIndex index);
  void updateLinkLocalIdentifier(InterfaceIndex index);
  void publishPending();

  std::map<std::pair<Family, InterfaceIndex>, NeighborParms> neighborParms_;
  // The IPv6 interface identifier the link message itself implies (token / EUI-64), per index.
  std::map<InterfaceIndex, PhysicalAddress> decodedIdentifiers_;
  Pending<InterfaceRow> pendingLinks_;
  Pending<IpInterfaceRow> pendingIpInterfaces_;
  Pending<UnicastAddressRow> pendingAddresses_;
  Pending<NeighborRow> pendingNeighbors_;
  Pending<RouteRow> pendingRoutes_;
  std::vector<RouteRow> decodeScratch_;
  Timestamp batchNow_{};
  Timestamp nextIpInterfaceRefresh_{};
  Timestamp nextRaRouteRefresh_ = Timestamp::max(); // max: no RA route known
  bool ipInterfacesRefreshNeeded_ = false;
  bool routesRefreshNeeded_ = false;

  // ---- multicast memberships and anycast addresses (linux_groups.cpp) --------------------------
  Result readIpv4Memberships(std::vector<GroupMembership>& out);
  Result anycastTarget(const AnycastAddressRow& row, InterfaceIndex& index);
  void closeAnycastSocket();
  bool ipv4MulticastFromProc_ = false; // the kernel refused an IPv4 RTM_GETMULTICAST dump
  int anycastSocket_ = -1;             // AF_INET6 datagram socket holding our IPV6_JOIN_ANYCASTs
  std::set<std::pair<IpAddress, InterfaceIndex>> anycastJoined_;

  // ---- neighbor resolution (linux_resolve.cpp) -------------------------------------------------
  // Decides and delivers the due resolutions (run first in dispatch()).
  void runResolutions();
  ResolutionQueue resolutions_;

  // ---- IP paths (linux_paths.cpp) --------------------------------------------------------------
  // The NETLINK_GENERIC request socket (in the backend's namespace) and tcp_metrics' family id
  // (0: the kernel has no such family), resolved on first use.
  Result openTcpMetrics();
  Result dumpTcpMetrics(Family family, std::vector<PathMetric>& out);
  std::unique_ptr<NetlinkSocket> tcpMetricsSocket_;
  std::uint16_t tcpMetricsFamily_ = 0;
};

} // namespace ipmibd::platform::linux_backend
