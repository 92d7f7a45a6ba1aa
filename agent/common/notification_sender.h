// NotificationSender: hands the notifier's output to the master as AgentX Notify-PDUs, so the
// master's trapsink / trap2sink / informsink and SNMPv3 notification targets apply; in standalone
// mode (ipmibd -S) to the sinks ipmibd.conf itself names with those directives.
#pragma once

#include "tables/notify/change_notifier.h"

#include <string>

namespace ipmibd::agent {

// While the master is away (no AgentX session) notifications are dropped and counted
// (ipmibdNotifyDropped), not queued: after a reconnect the receiver would get stale news in a
// burst, and the tables it can poll already show the current state. A standalone ipmibd is its
// own master: Net-SNMP's agent_trap.c sends to every configured sink (none configured: nowhere),
// and each notification handed to it counts as sent.
class NotificationSender {
public:
  // Sends (or drops) everything the notifier has ready; returns how many were handled.
  // `context`: the routing instance's SNMP context ("" = the default one).
  static std::size_t flush(tables::ChangeNotifier& notifier, const std::string& context = {});
  static bool masterConnected();
  static bool standalone(); // the master agent role (ipmibd -S)
};

} // namespace ipmibd::agent
