// The announced columns per table and the watches attaching units to the notifier.
#include "tables/change_watches.h"

namespace ipmibd::tables {
namespace {

constexpr SubId kRouteColumns[] = {7, 8, 9, 17}; // IfIndex, Type, Proto, Status
constexpr SubId kNeighborColumns[] = {4, 6, 7};  // PhysAddress, Type, State
constexpr SubId kNeighborSignificant[] = {4, 6};
constexpr SubId kAddressColumns[] = {3, 4, 7, 6}; // IfIndex, Type, Status, Origin

// A TableWatch registered as the unit's observer until destroyed.
template <class Unit, class Row> class AttachedWatch final : public ChangeWatch {
public:
  AttachedWatch(Unit& unit, ChangeNotifier& notifier, const MibObject& table, WatchSpec spec)
      : unit_(unit), watch_(notifier, unit, table, std::move(spec)) {
    unit_.setObserver(&watch_);
  }
  ~AttachedWatch() override { unit_.setObserver(nullptr); }

private:
  Unit& unit_;
  TableWatch<Unit, Row> watch_;
};

} // namespace

WatchSpec routeWatchSpec() {
  return {NotifyTable::Route, InetCidrRouteTable::entryOid(), kRouteColumns, kRouteColumns};
}
WatchSpec neighborWatchSpec() {
  return {NotifyTable::Neighbor, IpNetToPhysicalTable::entryOid(), kNeighborColumns, kNeighborSignificant};
}
WatchSpec addressWatchSpec() {
  return {NotifyTable::Address, IpAddressTables::addressEntryOid(), kAddressColumns, kAddressColumns};
}

std::unique_ptr<ChangeWatch> watchChanges(InetCidrRouteTable& unit, ChangeNotifier& notifier) {
  return std::make_unique<AttachedWatch<InetCidrRouteTable, platform::RouteRow>>(unit, notifier, unit.table(),
                                                                                 routeWatchSpec());
}
std::unique_ptr<ChangeWatch> watchChanges(IpNetToPhysicalTable& unit, ChangeNotifier& notifier) {
  return std::make_unique<AttachedWatch<IpNetToPhysicalTable, platform::NeighborRow>>(
      unit, notifier, unit.table(), neighborWatchSpec());
}
std::unique_ptr<ChangeWatch> watchChanges(IpAddressTables& unit, ChangeNotifier& notifier) {
  return std::make_unique<AttachedWatch<IpAddressTables, platform::UnicastAddressRow>>(
      unit, notifier, unit.addressTable(), addressWatchSpec());
}

} // namespace ipmibd::tables
