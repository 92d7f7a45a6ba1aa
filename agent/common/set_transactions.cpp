// The SET phase dispatcher: one tables::SetRequest per PDU, each phase run once, errors placed on
// the right varbind, and every applied, refused or rolled-back change logged.
#include "agent/common/set_transactions.h"

#include "agent/common/capabilities.h"
#include "agent/common/request_oid.h"
#include "agent/common/varbind_decode.h"

#include <algorithm>
#include <string>

namespace ipmibd::agent {
namespace {

// A transaction that has waited this long for its next phase is abandoned: AgentX masters time
// out a subagent after a few seconds, so its cleanup will never come.
constexpr auto kStaleAfter = std::chrono::minutes(2);

const char* modeName(int mode) {
  switch (mode) {
  case MODE_SET_RESERVE1: return "RESERVE1";
  case MODE_SET_RESERVE2: return "RESERVE2";
  case MODE_SET_ACTION: return "ACTION";
  case MODE_SET_COMMIT: return "COMMIT";
  case MODE_SET_FREE: return "FREE";
  case MODE_SET_UNDO: return "UNDO";
  default: return "?";
  }
}

// Sets `error` on the request of this PDU with index `varbind`; the first of `fallback` if the
// agent session has no such request (it always should).
void setErrorOn(netsnmp_agent_request_info* reqinfo, netsnmp_request_info* fallback,
                tables::VarbindId varbind, int error) {
  netsnmp_agent_session* asp = reqinfo->asp;
  if (asp != nullptr && asp->requests != nullptr) {
    for (int i = 0; i < asp->vbcount; ++i) {
      if (asp->requests[i].index != varbind) continue;
      netsnmp_set_request_error(reqinfo, &asp->requests[i], error);
      return;
    }
  }
  if (fallback != nullptr) netsnmp_set_request_error(reqinfo, fallback, error);
}

// Net-SNMP's subagent keeps a PDU's requests, error status included, from one phase to the next
// (its set cache), so without this the answer to UndoSet would repeat the error ACTION reported
// (commitFailed) even when nothing was left to undo. RFC 2741 (7.2.4.3) wants noError or
// undoFailed there: the undo's own outcome.
void clearEarlierErrors(netsnmp_agent_request_info* reqinfo) {
  netsnmp_agent_session* asp = reqinfo->asp;
  if (asp == nullptr || asp->requests == nullptr) return;
  for (int i = 0; i < asp->vbcount; ++i)
    asp->requests[i].status = SNMP_ERR_NOERROR;
}

} // namespace

int snmpError(tables::SetError error) {
  using tables::SetError;
  switch (error) {
  case SetError::NoError: return SNMP_ERR_NOERROR;
  case SetError::NoCreation: return SNMP_ERR_NOCREATION;
  case SetError::NotWritable: return SNMP_ERR_NOTWRITABLE;
  case SetError::WrongType: return SNMP_ERR_WRONGTYPE;
  case SetError::WrongLength: return SNMP_ERR_WRONGLENGTH;
  case SetError::WrongValue: return SNMP_ERR_WRONGVALUE;
  case SetError::InconsistentName: return SNMP_ERR_INCONSISTENTNAME;
  case SetError::InconsistentValue: return SNMP_ERR_INCONSISTENTVALUE;
  case SetError::ResourceUnavailable: return SNMP_ERR_RESOURCEUNAVAILABLE;
  case SetError::CommitFailed: return SNMP_ERR_COMMITFAILED;
  case SetError::UndoFailed: return SNMP_ERR_UNDOFAILED;
  case SetError::GenErr: return SNMP_ERR_GENERR;
  }
  return SNMP_ERR_GENERR;
}

SetTransactions& SetTransactions::instance() {
  static SetTransactions transactions;
  return transactions;
}

void SetTransactions::dropStale() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = transactions_.begin(); it != transactions_.end();) {
    if (now - it->second.started < kStaleAfter) {
      ++it;
      continue;
    }
    snmp_log(LOG_WARNING, "ipmibd: SET transaction %ld abandoned after %s without a cleanup%s\n",
             it->first.second, modeName(it->second.mode),
             it->second.request.state() == tables::SetRequest::State::Applied ? " (its changes stay applied)"
                                                                              : "");
    it = transactions_.erase(it);
  }
}

void SetTransactions::handle(netsnmp_agent_request_info* reqinfo, netsnmp_request_info* requests,
                             const tables::MibObject& object, const tables::RequestContext& context,
                             tables::ChangeNotifier* notifier) {
  if (reqinfo == nullptr || reqinfo->asp == nullptr || reqinfo->asp->pdu == nullptr) return;
  const netsnmp_pdu* pdu = reqinfo->asp->pdu;
  const Key key{pdu->sessid, pdu->transid};
  const int mode = reqinfo->mode;
  const void* session = reqinfo->asp;

  if (mode == MODE_SET_RESERVE1) {
    if (requireNetAdmin_ && !hasNetAdmin()) {
      snmp_log(LOG_WARNING, "ipmibd: SET refused (noAccess): this process lacks CAP_NET_ADMIN, which "
                            "every kernel write needs (the module: see ipmibd's snmpd drop-in)\n");
      netsnmp_set_request_error(reqinfo, requests, SNMP_ERR_NOACCESS);
      return;
    }
    auto it = transactions_.find(key);
    // A RESERVE1 seen from another agent session than the one that opened the transaction is a new
    // PDU that happens to reuse the ids.
    if (it == transactions_.end() || it->second.mode != MODE_SET_RESERVE1 || it->second.session != session) {
      dropStale();
      transactions_.erase(key);
      it = transactions_.emplace(key, Transaction{}).first;
      it->second.session = session;
      it->second.notifier = notifier;
    }
    reserve1(it->second, reqinfo, requests, object);
    return;
  }

  auto it = transactions_.find(key);
  if (it == transactions_.end()) {
    // Ended already in this phase (COMMIT/FREE/UNDO drop it), or never began: only a phase that
    // must act has to complain.
    if (mode == MODE_SET_RESERVE2 || mode == MODE_SET_ACTION)
      for (netsnmp_request_info* r = requests; r != nullptr; r = r->next)
        netsnmp_set_request_error(reqinfo, r, SNMP_ERR_GENERR);
    return;
  }
  Transaction& tx = it->second;
  if (tx.mode == mode && tx.session == session) return; // another handler of this PDU ran the phase
  tx.mode = mode;
  tx.session = session;
  if (mode == MODE_SET_UNDO) clearEarlierErrors(reqinfo);
  const tables::SetOutcome outcome = runPhase(tx, mode, context);
  if (!outcome.ok()) setErrorOn(reqinfo, requests, outcome.varbind, snmpError(outcome.error));
  if (mode == MODE_SET_COMMIT || mode == MODE_SET_FREE || mode == MODE_SET_UNDO) {
    transactions_.erase(it);
    if (onEnd_) onEnd_();
  }
}

void SetTransactions::reserve1(Transaction& tx, netsnmp_agent_request_info* reqinfo,
                               netsnmp_request_info* requests, const tables::MibObject& object) {
  for (netsnmp_request_info* r = requests; r != nullptr; r = r->next) {
    if (r->processed) continue;
    const netsnmp_variable_list* vb = r->requestvb;
    tables::SetError error = tables::SetError::NoError;
    const auto name = exactOid({vb->name, vb->name_length});
    const auto value = valueOfVarbind(vb);
    if (!name || !object.base().isPrefixOf(*name) || name->size() == object.base().size())
      error = tables::SetError::NoCreation;
    else if (vb->type == ASN_IPADDRESS && vb->val_len != 4)
      error = tables::SetError::WrongLength;
    else if (!value)
      error = tables::SetError::WrongType;
    else
      error = tx.request.add(r->index, object, *name, *value);
    if (error == tables::SetError::NoError) {
      // The row: the instance without its column (for scalars, the object itself). The rows of
      // other tables that announce its changes (a deprecated view's) are added in RESERVE2.
      tables::Oid row = object.base();
      row.append(name->view().subspan(object.base().size() + 1));
      if (std::find(tx.rows.begin(), tx.rows.end(), row) == tx.rows.end()) tx.rows.push_back(std::move(row));
      continue;
    }
    snmp_log(LOG_INFO, "ipmibd: SET of %s refused: %s\n", name ? name->toString().c_str() : "(bad OID)",
             std::string(tables::toString(error)).c_str());
    netsnmp_set_request_error(reqinfo, r, snmpError(error));
  }
}

void SetTransactions::endForNotifier(Transaction& tx, bool committed) {
  if (!tx.announced) return;
  tx.announced = false;
  if (tx.notifier) tx.notifier->setEnded(tx.rows, committed);
}

tables::SetOutcome SetTransactions::runPhase(Transaction& tx, int mode,
                                             const tables::RequestContext& context) {
  tables::SetOutcome outcome;
  switch (mode) {
  case MODE_SET_RESERVE2:
    outcome = tx.request.prepare(context);
    // Planned against the state RESERVE2 saw: the rows other tables announce the changes with.
    if (outcome.ok()) tx.request.announcingRows(tx.rows);
    break;
  case MODE_SET_ACTION:
    if (tx.notifier) {
      tx.notifier->setBegan(tx.rows);
      tx.announced = true;
    }
    outcome = tx.request.execute();
    if (!outcome.ok()) endForNotifier(tx, false); // refused or rolled back: nothing to announce
    break;
  case MODE_SET_COMMIT: {
    // What was applied, for the operator: the plan's changes in the order they were made.
    std::string changes;
    if (tx.request.state() == tables::SetRequest::State::Applied)
      for (const std::string& change : tx.request.planDescription())
        changes += " [" + change + "]";
    tx.request.commit();
    endForNotifier(tx, true);
    if (!changes.empty()) snmp_log(LOG_NOTICE, "ipmibd: SET committed:%s\n", changes.c_str());
    return outcome;
  }
  case MODE_SET_UNDO:
    outcome = tx.request.undo();
    endForNotifier(tx, false);
    break;
  case MODE_SET_FREE:
    tx.request.discard();
    endForNotifier(tx, false);
    return outcome;
  default: return outcome;
  }
  if (outcome.ok()) return outcome;
  const int priority = outcome.error == tables::SetError::UndoFailed ? LOG_ERR : LOG_WARNING;
  snmp_log(priority, "ipmibd: SET %s: %s (varbind %d)%s%s\n", modeName(mode),
           std::string(tables::toString(outcome.error)).c_str(), outcome.varbind,
           outcome.message.empty() ? "" : ": ", outcome.message.c_str());
  return outcome;
}

} // namespace ipmibd::agent
