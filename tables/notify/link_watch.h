// LinkWatch: IF-MIB linkUp/linkDown (RFC 2863) for interface oper-status changes the platform
// reports, sent through a ChangeNotifier so the rate limit and storm summaries apply.
#pragma once

#include "platform/backend.h"
#include "tables/notify/change_notifier.h"

#include <optional>
#include <span>
#include <unordered_map>
#include <utility>

namespace ipmibd::tables {

// IF-MIB (RFC 2863) notification and object OIDs.
struct LinkOids {
  static Oid linkDown(); // 1.3.6.1.6.3.1.1.5.3
  static Oid linkUp();   // 1.3.6.1.6.3.1.1.5.4
  static Oid ifEntry();  // 1.3.6.1.2.1.2.2.1
};

// RFC 2863: linkDown when ifOperStatus is about to enter down(2) from any other state but
// notPresent(6); linkUp when it left down(2) for any other state but notPresent (the state
// reached is in the varbinds: lowerLayerDown counts as "up" there). True for linkUp, false for
// linkDown, nullopt for no notification. Net-SNMP's own linkUpDownNotifications use the same rule.
std::optional<bool> linkTransition(platform::OperStatus before, platform::OperStatus after);

// linkUp/linkDown with ifIndex.N, ifAdminStatus.N, ifOperStatus.N (the values after the change).
Notification linkNotification(bool up, const platform::InterfaceRow& row);

class LinkWatch {
public:
  // Subscribes to interface changes, then records every interface's current oper status (the
  // state at start-up is never announced). `result` is the dump's; on failure the watch still
  // learns interfaces from their first change.
  LinkWatch(platform::Backend& backend, ChangeNotifier& notifier, platform::Result& result);
  LinkWatch(const LinkWatch&) = delete;
  LinkWatch& operator=(const LinkWatch&) = delete;

  // The backend's callback (public for tests that feed changes by hand).
  void onChanges(std::span<const platform::Change<platform::InterfaceRow>> changes);

private:
  ChangeNotifier& notifier_;
  std::unordered_map<platform::InterfaceIndex, platform::OperStatus> operStatus_;
  platform::Subscription subscription_; // last: cancelled before the rest goes
};

} // namespace ipmibd::tables
