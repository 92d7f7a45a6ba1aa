// The IPMIBD-MIB notification OIDs and the summary notification's varbinds.
#include "tables/notify/notification.h"

namespace ipmibd::tables {
namespace {

const Oid& moduleOid() {
  static const Oid module{1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42}; // ipmibdMIB
  return module;
}
Oid notifyObject(SubId id) { return NotificationOids::objects() + Oid{id, 0}; }

} // namespace

std::string_view toString(NotifyTable table) {
  switch (table) {
  case NotifyTable::Route: return "route";
  case NotifyTable::Neighbor: return "neighbor";
  case NotifyTable::Address: return "address";
  case NotifyTable::Interface: return "interface";
  case NotifyTable::Link: return "link";
  }
  return "?";
}

const Oid& NotificationOids::notifications() {
  static const Oid oid = moduleOid() + Oid{0};
  return oid;
}
const Oid& NotificationOids::objects() {
  static const Oid oid = moduleOid() + Oid{3};
  return oid;
}

// ipmibdRouteAdded(1) Changed(2) Removed(3), Neighbor 4..6, Address 7..9.
Oid NotificationOids::rowNotification(NotifyTable table, RowEvent event) {
  const SubId first = 1 + 3 * (SubId(table) - 1);
  return notifications() + Oid{first + SubId(event) - 1};
}
Oid NotificationOids::changesCoalesced() { return notifications() + Oid{10}; }
Oid NotificationOids::ipv4InterfaceChanged() { return notifications() + Oid{11}; }
Oid NotificationOids::ipv6InterfaceChanged() { return notifications() + Oid{12}; }
Oid NotificationOids::changeKind() { return notifyObject(9); }
Oid NotificationOids::context() { return notifyObject(15); }
Oid NotificationOids::table() { return notifyObject(10); }
Oid NotificationOids::addedCount() { return notifyObject(11); }
Oid NotificationOids::changedCount() { return notifyObject(12); }
Oid NotificationOids::removedCount() { return notifyObject(13); }

void CoalescedCounts::count(RowEvent event) {
  std::uint32_t& n = event == RowEvent::Added ? added : event == RowEvent::Changed ? changed : removed;
  if (n != 0xffffffffu) ++n; // Gauge32 latches at its maximum
}

Notification coalescedNotification(NotifyTable table, const CoalescedCounts& counts) {
  return {NotificationOids::changesCoalesced(),
          {{NotificationOids::table(), Value::integer32(std::int32_t(table))},
           {NotificationOids::addedCount(), Value::gauge32(counts.added)},
           {NotificationOids::changedCount(), Value::gauge32(counts.changed)},
           {NotificationOids::removedCount(), Value::gauge32(counts.removed)}}};
}

} // namespace ipmibd::tables
