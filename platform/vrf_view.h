// VrfView: a Backend that shows one VRF of another backend's namespace, as if it were a namespace.
//
// Contract:
// - It owns an inner backend opened on the VRF's route table only (routeTables = {vrfTable}), so
//   every route read, write and notification is the VRF's table; route rows pass unfiltered.
// - Members: the VRF device itself (its addresses' routes live in the VRF's table) and every
//   interface whose masterIndex is the VRF device's index. Membership is learnt from the inner
//   backend's interface rows at construction and from its interface notifications afterwards.
// - Interface, IP interface, address, neighbor and per-interface IP statistics reads show members
//   only; a single-row read naming a non-member is NotFound, as for an absent interface. System-wide
//   rows (ipSystemStats, global settings) are the namespace's: the kernel keeps no per-VRF ones.
// - Notifications: a change of a member's row passes; a non-member's is dropped. Becoming a member
//   publishes Add for its interface, IP interface, address and neighbor rows (read from the inner
//   backend then); ceasing to be one publishes Delete for the rows published of it. The view keeps
//   the keys it published, so a subscriber never gets an Add for a row it has, nor a Delete for one
//   it never got: an Add of a published row becomes a ParameterChange, and a ParameterChange of an
//   unpublished member row becomes an Add.
// - The VRF device deleted: every member row is withdrawn (Delete) and vrfPresent() turns false; a
//   VRF device of the same name and table appearing later is adopted again.
// - Writes naming a non-member interface (by index or LUID) are refused with NotFound, as an
//   absent interface is, and reach nothing; flushing neighbors of "every interface" flushes each
//   member's. Global settings writes act on the namespace (as the reads show it).
// - getBestInterfaceEx answers from the VRF's table (Backend's getBestRoute2-based lookup), never
//   with a non-member interface.
// - Event loop calls (descriptor, deadline, dispatch, stats, routesLoading) are the inner backend's.
#pragma once

#include "platform/backend.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

namespace ipmibd::platform {

class VrfView final : public Backend {
public:
  // `inner` must export `vrfTable` (only). The VRF device is the interface named `vrfName` whose
  // vrfTable is `vrfTable`; absent, the view is empty until one appears.
  VrfView(std::unique_ptr<Backend> inner, std::string vrfName, std::uint32_t vrfTable);
  VrfView(const VrfView&) = delete;
  VrfView& operator=(const VrfView&) = delete;
  ~VrfView() override;

  std::string_view name() const override { return inner_->name(); }
  const std::string& vrfName() const { return vrfName_; }
  std::uint32_t vrfTable() const { return vrfTable_; }
  bool vrfPresent() const { return vrfIndex_ != 0; }
  bool isMember(InterfaceIndex index) const;

  Result getIfTable2(std::vector<InterfaceRow>& table) override;
  Result getIfEntry2(InterfaceRow& row) override;
  Result getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) override;
  Result getIpInterfaceEntry(IpInterfaceRow& row) override;
  Result setIpInterfaceEntry(const IpInterfaceRow& row) override;
  Result getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) override;
  Result getIpGlobalSettings(IpGlobalSettings& settings) override {
    return inner_->getIpGlobalSettings(settings);
  }
  Result setIpGlobalSettings(const IpGlobalSettings& settings) override {
    return inner_->setIpGlobalSettings(settings);
  }

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

  Result getIpForwardTable2(Family family, std::vector<RouteRow>& table) override {
    return inner_->getIpForwardTable2(family, table);
  }
  bool routesLoading() const override { return inner_->routesLoading(); }
  Result getIpForwardEntry2(RouteRow& row) override { return inner_->getIpForwardEntry2(row); }
  Result createIpForwardEntry2(const RouteRow& row) override;
  Result setIpForwardEntry2(const RouteRow& key, const RouteRow& row) override;
  Result deleteIpForwardEntry2(const RouteRow& row) override { return inner_->deleteIpForwardEntry2(row); }
  Result getBestRoute2(const IpAddress& destination, RouteRow& bestRoute,
                       IpAddress& bestSourceAddress) override {
    return inner_->getBestRoute2(destination, bestRoute, bestSourceAddress);
  }
  // The VRF's own lookup (its table, as the kernel looks up for a socket bound to the VRF), not
  // the inner backend's namespace-wide one; an answer outside the VRF is no answer.
  Result getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) override;
  Result getRoutesCovering(const IpAddress& address, InterfaceIndex interfaceIndex,
                           std::vector<RouteRow>& routes) override {
    return inner_->getRoutesCovering(address, interfaceIndex, routes);
  }

  // Issue 19's families: the VRF's interfaces' rows only; labels restricted to another interface
  // are left out, the namespace-wide ones kept (address selection in the VRF uses them too).
  Result getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table) override;
  Result getAddressLabelTable(std::vector<AddressLabelRow>& table) override;
  Result getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) override;
  Result getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) override;
  Result createAnycastIpAddressEntry(const AnycastAddressRow& row) override;
  Result deleteAnycastIpAddressEntry(const AnycastAddressRow& row) override;
  // Issue 19 part C: resolution on the VRF's interfaces only (another's: NotFound).
  Result resolveIpNetEntry2Async(const NeighborRow& row, std::chrono::milliseconds timeout,
                                 ResolveCallback callback, Subscription& subscription) override;
  // Issue 19: the paths through the VRF's interfaces (getIpPathEntry, the base's, then finds only
  // those); the flush is NotSupported: the kernel's IPv4 flush and the TCP metrics are per namespace.
  Result getIpPathTable(Family family, std::vector<IpPathRow>& table) override;
  Result flushIpPathTable(Family family) override;

  int eventDescriptor() const override { return inner_->eventDescriptor(); }
  std::optional<Timestamp> nextDeadline() const override { return inner_->nextDeadline(); }
  bool dispatch(std::chrono::milliseconds budget) override { return inner_->dispatch(budget); }
  BackendStats stats() const override { return inner_->stats(); }

private:
  using AddressKey = std::pair<IpAddress, InterfaceIndex>;
  // The interface a write names (index, else LUID); Success when it is a member, else NotFound.
  Result member(InterfaceIndex index, InterfaceLuid luid, std::string_view what) const;
  void onInterfaces(std::span<const Change<InterfaceRow>> changes);
  void onIpInterfaces(std::span<const Change<IpInterfaceRow>> changes);
  void onAddresses(std::span<const Change<UnicastAddressRow>> changes);
  void onNeighbors(std::span<const Change<NeighborRow>> changes);
  void joined(const InterfaceRow& row);
  void left(InterfaceIndex index);

  std::unique_ptr<Backend> inner_;
  std::string vrfName_;
  std::uint32_t vrfTable_;
  InterfaceIndex vrfIndex_ = 0;
  std::map<InterfaceIndex, InterfaceRow> interfaces_; // every interface's last row (for masterIndex)
  // What subscribers have been given (see the contract).
  std::set<InterfaceIndex> shownInterfaces_;
  std::set<std::pair<Family, InterfaceIndex>> shownIpInterfaces_;
  std::set<AddressKey> shownAddresses_;
  std::set<AddressKey> shownNeighbors_;
  Subscription interfaceSubscription_, ipInterfaceSubscription_, addressSubscription_, neighborSubscription_,
      routeSubscription_;
};

} // namespace ipmibd::platform
