// SimBackend: the IP Helper-style API over an in-memory, deterministic model of the Linux kernel
// (SimKernel), loaded from iproute2-style scenarios, with fault injection and a scripted change feed.
//
// Single-threaded like the rest of the agent. Changes, including those made through this API (as the
// kernel echoes our own requests), are queued and published only from dispatch(), in batches of
// consecutive changes of one row kind, in the order they happened. No descriptor is needed to wake
// the loop: eventDescriptor() is -1 and nextDeadline() returns "now" while changes are pending, so a
// loop that re-reads the deadline after each iteration dispatches them at once.
#pragma once

#include "platform/backend.h"
#include "platform/sim/change_queue.h"
#include "platform/sim/fault_plan.h"
#include "platform/sim/feed.h"
#include "platform/sim/scenario_parser.h"
#include "platform/sim/sim_clock.h"
#include "platform/sim/sim_kernel.h"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ipmibd::platform::sim {

struct SimOptions {
  std::vector<std::uint32_t> routeTables{kMainRouteTable}; // tables exported as routes
  bool manualClock = false;                                // start on the manual clock (tests)
};

class SimBackend final : public Backend {
public:
  // Just lo, as a fresh network namespace (but with lo up and addressed).
  explicit SimBackend(SimOptions options = {});
  SimBackend(const SimBackend&) = delete;
  SimBackend& operator=(const SimBackend&) = delete;

  // Applies a scenario; null with `error` "ORIGIN:LINE: reason" (and the failing call's status) on
  // the first bad line. The loaded state is the starting point: it produces no notifications.
  // `at`/`every` timers count from the load.
  static std::unique_ptr<SimBackend> fromScenario(std::string_view text, std::string_view originName,
                                                  Result& error, SimOptions options = {});
  // As fromScenario with the file's contents; NotFound when it cannot be read.
  static std::unique_ptr<SimBackend> fromFile(const std::string& path, Result& error,
                                              SimOptions options = {});

  // One scenario line at run time (an out-of-band change, like `ip -n NS <command>` on Linux, or a
  // new timer). Its changes are published by the next dispatch().
  Result apply(std::string_view commandLine);

  // See FaultPlan::inject; scenarios arm the same with `fault OPERATION STATUS ...` lines.
  void injectFault(Operation op, Status status, int count, std::string message = {}, int skip = 0);
  void clearFaults() { faults_.clear(); }
  int pendingFaults(Operation op) const { return faults_.remaining(op); }

  void setManualClock(bool manual) { clock_.setManual(manual); }
  void advance(std::chrono::milliseconds step) { clock_.advance(step); }
  Timestamp now() const { return clock_.now(); }
  // The last failure of a feed step (feeds keep running after one); Success if none.
  const Result& lastFeedError() const { return lastFeedError_; }
  std::size_t pendingChanges() const { return changes_.size(); }

  std::string_view name() const override { return "sim"; }

  Result getIfTable2(std::vector<InterfaceRow>& table) override;
  Result getIfEntry2(InterfaceRow& row) override;
  Result getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) override;
  Result getIpInterfaceEntry(IpInterfaceRow& row) override;
  Result setIpInterfaceEntry(const IpInterfaceRow& row) override;
  Result getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) override;
  Result getIpGlobalSettings(IpGlobalSettings& settings) override;
  Result setIpGlobalSettings(const IpGlobalSettings& settings) override;

  Result getUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table) override;
  Result getUnicastIpAddressEntry(UnicastAddressRow& row) override;
  Result createUnicastIpAddressEntry(const UnicastAddressRow& row) override;
  Result setUnicastIpAddressEntry(const UnicastAddressRow& row) override;
  Result deleteUnicastIpAddressEntry(const UnicastAddressRow& row) override;

  Result getIpNetTable2(Family family, std::vector<NeighborRow>& table) override;
  Result getIpNetEntry2(NeighborRow& row) override;
  Result createIpNetEntry2(const NeighborRow& row) override;
  Result setIpNetEntry2(const NeighborRow& row) override;
  Result deleteIpNetEntry2(const NeighborRow& row) override;
  Result flushIpNetTable2(Family family, InterfaceIndex interfaceIndex) override;

  Result getIpForwardTable2(Family family, std::vector<RouteRow>& table) override;
  Result getIpForwardEntry2(RouteRow& row) override;
  Result createIpForwardEntry2(const RouteRow& row) override;
  Result setIpForwardEntry2(const RouteRow& key, const RouteRow& row) override;
  Result deleteIpForwardEntry2(const RouteRow& row) override;
  Result getBestRoute2(const IpAddress& destination, RouteRow& bestRoute,
                       IpAddress& bestSourceAddress) override;
  Result getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) override;

  // Issue 19, h-sort. Raw: the simulator models no dormant state or stacking, so a link's own state
  // is up exactly when its oper status is (admin up and carrier), else down.
  Result getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table) override;
  Result getAddressLabelTable(std::vector<AddressLabelRow>& table) override;
  // Multicast memberships and anycast addresses (sim_groups.cpp has the model). Anycast rows
  // created here are joins of this backend, as the Linux backend's socket holds them.
  Result getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) override;
  Result getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) override;
  Result createAnycastIpAddressEntry(const AnycastAddressRow& row) override;
  Result deleteAnycastIpAddressEntry(const AnycastAddressRow& row) override;
  // Neighbor resolution (sim_resolve.cpp; issue 19 part C): the peer of a veth interface answers
  // for the addresses it holds while both ends are up; otherwise the entry fails after the
  // kernel's 3 probes (mcast_solicit) of the interface's retransmitTime each.
  Result resolveIpNetEntry2Async(const NeighborRow& row, std::chrono::milliseconds timeout,
                                 ResolveCallback callback, Subscription& subscription) override;
  // IP paths (sim_paths.cpp; issue 19): what scenarios created with `path add`; a metric's way is
  // the main table's lookup, as the Linux backend's is the kernel's.
  Result getIpPathTable(Family family, std::vector<IpPathRow>& table) override;
  Result flushIpPathTable(Family family) override;

  int eventDescriptor() const override { return -1; }
  std::optional<Timestamp> nextDeadline() const override;
  bool dispatch(std::chrono::milliseconds budget) override;
  BackendStats stats() const override { return stats_; }

private:
  Result schedule(const TimerStatement& timer);
  // A parsed scenario statement: a command for the kernel, a timer for the feed, or a fault to arm.
  Result applyStatement(const Statement& statement);
  bool exported(std::uint32_t table) const;
  // The row's interface: its index, else the one its LUID names (0 if none).
  InterfaceIndex indexOf(InterfaceIndex index, InterfaceLuid luid) const;
  // A route row's key as the kernel stores it (default metric, scoped next hop, index from LUID).
  RouteKey normalizedKey(const RouteRow& row) const;
  Result routeRequest(const RouteRow& row, RouteRequest& request) const;
  void publishPending();

  SimOptions options_;
  SimClock clock_;
  ChangeQueue changes_;
  SimKernel kernel_;
  Feed feed_;
  FaultPlan faults_;
  BackendStats stats_;
  Timestamp started_{};
  Result lastFeedError_;
  std::set<std::pair<IpAddress, InterfaceIndex>> apiAnycast_; // joined by createAnycastIpAddressEntry
  // Neighbor resolution (sim_resolve.cpp): decides and delivers the due requests.
  void runResolutions();
  // The link-layer address answering for `key` (a veth peer's), if any answers now.
  std::optional<PhysicalAddress> answerFor(const NeighborRow& key) const;
  ResolutionQueue resolutions_;
};

} // namespace ipmibd::platform::sim
