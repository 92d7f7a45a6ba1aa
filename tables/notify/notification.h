// Notification: one trap/inform's content (snmpTrapOID and varbinds) and the IPMIBD-MIB
// notification and object OIDs it is made of; no Net-SNMP types.
#pragma once

#include "tables/engine/mib_object.h"
#include "tables/engine/oid.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ipmibd::tables {

// The tables whose changes are announced (ipmibdNotifyTable values).
// Interface: ipv4InterfaceTable and ipv6InterfaceTable. Link: IF-MIB linkUp/linkDown, switched
// by notifyLinkUpDown rather than notifyKinds (so not in kNotifyTables / NotifyKinds).
enum class NotifyTable : std::uint8_t { Route = 1, Neighbor = 2, Address = 3, Interface = 4, Link = 5 };
inline constexpr std::array<NotifyTable, 4> kNotifyTables{NotifyTable::Route, NotifyTable::Neighbor,
                                                          NotifyTable::Address, NotifyTable::Interface};
// Which tables are announced, by NotifyTable value - 1.
using NotifyKinds = std::array<bool, kNotifyTables.size()>;
std::string_view toString(NotifyTable table); // "route", "neighbor", "address", "interface"

// What happened to a served row (ipmibdNotifyChangeKind values).
enum class RowEvent : std::uint8_t { Added = 1, Changed = 2, Removed = 3 };

// sysUpTime.0 is added by the sender (Net-SNMP); `trapOid` becomes snmpTrapOID.0.
struct Notification {
  Oid trapOid;
  std::vector<VarBind> varbinds;
  friend bool operator==(const Notification&, const Notification&) = default;
};

// IPMIBD-MIB (mibs/IPMIBD-MIB.txt).
struct NotificationOids {
  static const Oid& notifications(); // ipmibdNotifications  ipmibdMIB.0
  static const Oid& objects();       // ipmibdNotify         ipmibdMIB.3
  // The per-row notification of `table` (Route, Neighbor, Address) for `event`: ipmibdRouteAdded
  // ... ipmibdAddressRemoved.
  static Oid rowNotification(NotifyTable table, RowEvent event);
  static Oid changesCoalesced();     // ipmibdChangesCoalesced
  static Oid ipv4InterfaceChanged(); // ipmibdIpv4InterfaceChanged
  static Oid ipv6InterfaceChanged(); // ipmibdIpv6InterfaceChanged
  // Instance OIDs (.0) of the accessible-for-notify objects.
  static Oid changeKind();   // ipmibdNotifyChangeKind.0
  static Oid context();      // ipmibdNotifyContext.0
  static Oid table();        // ipmibdNotifyTable.0
  static Oid addedCount();   // ipmibdNotifyAdded.0
  static Oid changedCount(); // ipmibdNotifyChanged.0
  static Oid removedCount(); // ipmibdNotifyRemoved.0
};

// Counts of one table's changes folded into a summary.
struct CoalescedCounts {
  std::uint32_t added = 0, changed = 0, removed = 0;
  std::uint64_t total() const { return std::uint64_t(added) + changed + removed; }
  void count(RowEvent event);
  friend bool operator==(const CoalescedCounts&, const CoalescedCounts&) = default;
};

// ipmibdChangesCoalesced for one table.
Notification coalescedNotification(NotifyTable table, const CoalescedCounts& counts);

} // namespace ipmibd::tables
