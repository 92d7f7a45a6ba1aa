// SetTransactions: maps Net-SNMP's SET modes onto one tables::SetRequest per SET PDU, shared by
// every registration the PDU touches.
#pragma once

#include "agent/common/netsnmp.h"
#include "tables/engine/mib_object.h"
#include "tables/engine/set_request.h"
#include "tables/notify/change_notifier.h"

#include <chrono>
#include <functional>
#include <map>
#include <utility>

namespace ipmibd::agent {

// Why not per netsnmp_agent_request_info: as an AgentX subagent every phase arrives as its own
// PDU (TestSet -> RESERVE1 + RESERVE2, CommitSet -> ACTION, CleanupSet -> COMMIT or FREE,
// UndoSet -> UNDO), each with a fresh request info. What stays the same across them is the PDU's
// session id and transaction id (the AgentX transactionID), so transactions are keyed on those.
//
// Each registered MibObject is its own handler and Net-SNMP calls every handler of the PDU in each
// mode. RESERVE1: every handler adds its own varbinds. Every later mode: the FIRST handler called
// in that mode for that PDU runs the phase for the whole transaction (prepare / execute / commit /
// undo / discard); the others find the phase done (same mode, same agent session) and do nothing.
// An error is set on the request whose index is the failing varbind, found in the agent session's
// request array, so the error-index is right whichever handler ran the phase.
class SetTransactions {
public:
  // The process-wide registry (Net-SNMP's handlers are plain C callbacks).
  static SetTransactions& instance();

  // One handler call in a SET mode: `requests` are this registration's varbinds, `object` its
  // object. `notifier` (null: none) is told which rows (entry OID + index) the PDU changes, from
  // ACTION until the PDU ends, and whether it was committed, so echoes of undone changes are not
  // announced: the notifier of the routing instance (SNMP context) the registration serves, all of
  // one PDU's registrations being of one context.
  void handle(netsnmp_agent_request_info* reqinfo, netsnmp_request_info* requests,
              const tables::MibObject& object, const tables::RequestContext& context,
              tables::ChangeNotifier* notifier);
  // Drops every transaction (the tables they point into are going away: reload, shutdown).
  void clear() { transactions_.clear(); }
  std::size_t size() const { return transactions_.size(); }
  // When true, a PDU is refused in RESERVE1 with noAccess (nothing is touched) unless the process
  // holds CAP_NET_ADMIN at that moment: the kernel would refuse each write with EPERM, and the
  // process may have lost the capability after start-up (snmpd -u drops to Debian-snmp).
  void requireNetAdmin(bool on) { requireNetAdmin_ = on; }
  // Called after a PDU ends (COMMIT, FREE or UNDO): a front end whose loop does not look at the
  // work source between requests (the in-process module) wakes it to send what the SET released.
  void setOnEnd(std::function<void()> onEnd) { onEnd_ = std::move(onEnd); }

private:
  using Key = std::pair<long, long>; // session id, transaction id
  struct Transaction {
    tables::SetRequest request;
    int mode = MODE_SET_RESERVE1;  // the last mode run
    const void* session = nullptr; // the agent session that ran it (one per phase PDU)
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::vector<tables::Oid> rows;              // the rows its varbinds name (entry OID + index)
    bool announced = false;                     // the notifier was told the PDU began
    tables::ChangeNotifier* notifier = nullptr; // its context's (handle())
  };
  // Tells the notifier that the PDU ended, if it was told it began.
  void endForNotifier(Transaction& tx, bool committed);
  void reserve1(Transaction& tx, netsnmp_agent_request_info* reqinfo, netsnmp_request_info* requests,
                const tables::MibObject& object);
  tables::SetOutcome runPhase(Transaction& tx, int mode, const tables::RequestContext& context);
  // Forgets transactions whose manager or master vanished mid-way (no cleanup ever came).
  void dropStale();

  std::map<Key, Transaction> transactions_;
  bool requireNetAdmin_ = false;
  std::function<void()> onEnd_;
};

// SNMP_ERR_* for a SetError.
int snmpError(tables::SetError error);

} // namespace ipmibd::agent
