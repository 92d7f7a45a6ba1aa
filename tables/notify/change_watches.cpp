// The announced columns per table and the watches attaching units to the notifier.
#include "tables/notify/change_watches.h"

namespace ipmibd::tables {
namespace {

constexpr SubId kRouteColumns[] = {7, 8, 9, 17}; // IfIndex, Type, Proto, Status
constexpr SubId kNeighborColumns[] = {4, 6, 7};  // PhysAddress, Type, State
constexpr SubId kNeighborSignificant[] = {4, 6};
constexpr SubId kAddressColumns[] = {3, 4, 7, 6}; // IfIndex, Type, Status, Origin
constexpr SubId kIpv4InterfaceColumns[] = {3, 4}; // EnableStatus, RetransmitTime
constexpr SubId kIpv6InterfaceColumns[] = {5, 6, 7,
                                           8}; // EnableStatus, ReachableTime, RetransmitTime, Forwarding

std::array<Oid, 3> rowNotifications(NotifyTable table) {
  return {NotificationOids::rowNotification(table, RowEvent::Added),
          NotificationOids::rowNotification(table, RowEvent::Changed),
          NotificationOids::rowNotification(table, RowEvent::Removed)};
}

// One family's table of IpInterfaceTables, as TableWatch sees a unit: the ifIndex is the index.
class IpInterfaceView {
public:
  IpInterfaceView(const IpInterfaceTables& unit, platform::Family family) : unit_(unit), family_(family) {}
  const MibTable<IpInterfaceEntry>& table() const {
    return family_ == platform::Family::V4 ? unit_.ipv4Table() : unit_.ipv6Table();
  }
  std::optional<Oid> indexOf(const platform::IpInterfaceRow& row) const {
    if (row.family != family_) return std::nullopt;
    const SubId index[] = {row.interfaceIndex};
    if (!table().rows().find(encodeIndexKey(index))) return std::nullopt;
    return Oid{row.interfaceIndex};
  }

private:
  const IpInterfaceTables& unit_;
  platform::Family family_;
};

// Both families' watches behind the unit's one observer, each row to its family's.
class IpInterfaceWatch final : public ChangeWatch, public RowObserver<platform::IpInterfaceRow> {
public:
  IpInterfaceWatch(IpInterfaceTables& unit, ChangeNotifier& notifier)
      : unit_(unit), v4View_(unit, platform::Family::V4), v6View_(unit, platform::Family::V6),
        v4_(notifier, v4View_, unit.ipv4Table(), ipv4InterfaceWatchSpec()),
        v6_(notifier, v6View_, unit.ipv6Table(), ipv6InterfaceWatchSpec()) {
    unit_.setObserver(this);
  }
  ~IpInterfaceWatch() override { unit_.setObserver(nullptr); }
  bool before(platform::ChangeKind kind, const platform::IpInterfaceRow& row) override {
    return watchOf(row).before(kind, row);
  }
  void after(platform::ChangeKind kind, const platform::IpInterfaceRow& row) override {
    watchOf(row).after(kind, row);
  }

private:
  using Watch = TableWatch<IpInterfaceView, platform::IpInterfaceRow>;
  Watch& watchOf(const platform::IpInterfaceRow& row) {
    return row.family == platform::Family::V6 ? v6_ : v4_;
  }
  IpInterfaceTables& unit_;
  IpInterfaceView v4View_, v6View_;
  Watch v4_, v6_;
};

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
  return {NotifyTable::Route, InetCidrRouteTable::entryOid(), kRouteColumns, kRouteColumns,
          rowNotifications(NotifyTable::Route)};
}
WatchSpec neighborWatchSpec() {
  return {NotifyTable::Neighbor, IpNetToPhysicalTable::entryOid(), kNeighborColumns, kNeighborSignificant,
          rowNotifications(NotifyTable::Neighbor)};
}
WatchSpec addressWatchSpec() {
  return {NotifyTable::Address, IpAddressTables::addressEntryOid(), kAddressColumns, kAddressColumns,
          rowNotifications(NotifyTable::Address)};
}
WatchSpec ipv4InterfaceWatchSpec() {
  return {NotifyTable::Interface,
          IpInterfaceTables::ipv4EntryOid(),
          kIpv4InterfaceColumns,
          kIpv4InterfaceColumns,
          {Oid{}, NotificationOids::ipv4InterfaceChanged(), Oid{}}};
}
WatchSpec ipv6InterfaceWatchSpec() {
  return {NotifyTable::Interface,
          IpInterfaceTables::ipv6EntryOid(),
          kIpv6InterfaceColumns,
          kIpv6InterfaceColumns,
          {Oid{}, NotificationOids::ipv6InterfaceChanged(), Oid{}}};
}

std::unique_ptr<ChangeWatch> watchChanges(InetCidrRouteTable& unit, ChangeNotifier& notifier) {
  return std::make_unique<AttachedWatch<InetCidrRouteTable, platform::RouteRow>>(unit, notifier, unit.table(),
                                                                                 routeWatchSpec());
}
std::unique_ptr<ChangeWatch> watchChanges(IpInterfaceTables& unit, ChangeNotifier& notifier) {
  return std::make_unique<IpInterfaceWatch>(unit, notifier);
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
