// The Net-SNMP handler behind each registered MibObject: request OIDs in, varbinds out.
#include "agent/common/subtree_handler.h"

#include "agent/common/netsnmp.h"
#include "agent/common/request_oid.h"
#include "agent/common/set_transactions.h"
#include "agent/common/varbind_value.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <variant>

namespace ipmibd::agent {
namespace {

// Every varbind of one PDU sees the same clock (a walk of ages stays consistent), even though
// Net-SNMP calls each registration's handler separately and, for GETNEXT, repeatedly.
tables::RequestContext contextFor(netsnmp_agent_request_info* reqinfo, UptimeClock& clock) {
  static const void* lastSession = nullptr;
  static long lastRequestId = -1;
  static tables::RequestContext last{platform::Timestamp{}, platform::Timestamp{}};
  const void* session = reqinfo != nullptr ? reqinfo->asp : nullptr;
  const long requestId = (reqinfo != nullptr && reqinfo->asp != nullptr && reqinfo->asp->pdu != nullptr)
                             ? reqinfo->asp->pdu->reqid
                             : -1;
  if (session == nullptr || session != lastSession || requestId != lastRequestId) {
    last = clock.contextForRequest();
    lastSession = session;
    lastRequestId = requestId;
  }
  return last;
}

std::span<const unsigned long> nameOf(const netsnmp_variable_list* varbind) {
  static_assert(std::is_same_v<oid, unsigned long>, "request_oid.h assumes Net-SNMP's LP64 oid");
  return {varbind->name, varbind->name_length};
}

void answerGet(const tables::MibObject& object, const tables::RequestContext& context,
               netsnmp_agent_request_info* reqinfo, netsnmp_request_info* request) {
  netsnmp_variable_list* varbind = request->requestvb;
  const auto requested = exactOid(nameOf(varbind));
  if (!requested) {
    // Not a valid SNMP OID at all; inside our subtree it can only be a missing instance.
    netsnmp_set_request_error(reqinfo, request, SNMP_NOSUCHINSTANCE);
    return;
  }
  const tables::GetResult result = object.getOid(*requested, context);
  if (const auto* value = std::get_if<tables::Value>(&result)) {
    if (!setVarbindValue(varbind, *value)) netsnmp_set_request_error(reqinfo, request, SNMP_ERR_GENERR);
  } else if (std::holds_alternative<tables::NoSuchObject>(result)) {
    netsnmp_set_request_error(reqinfo, request, SNMP_NOSUCHOBJECT);
  } else {
    netsnmp_set_request_error(reqinfo, request, SNMP_NOSUCHINSTANCE);
  }
}

// Writes the first instance after `start` into `varbind` and returns its OID. nullopt when the
// subtree has none (the varbind is left untouched) or on an error (recorded on `request`).
std::optional<tables::Oid> writeNext(const tables::MibObject& object, const tables::RequestContext& context,
                                     const NextStart& start, netsnmp_agent_request_info* reqinfo,
                                     netsnmp_request_info* request, netsnmp_variable_list* varbind) {
  std::optional<tables::VarBind> next;
  if (start.inclusive) {
    tables::GetResult exact = object.getOid(start.from, context);
    if (auto* value = std::get_if<tables::Value>(&exact))
      next = tables::VarBind{start.from, std::move(*value)};
  }
  if (!next) next = object.getNextOid(start.from, context);
  if (!next) return std::nullopt;
  // Converted on the stack: a response OID never needs a heap block of its own.
  oid name[MAX_OID_LEN];
  const std::size_t length = next->oid.size();
  if (length > MAX_OID_LEN) {
    netsnmp_set_request_error(reqinfo, request, SNMP_ERR_GENERR);
    return std::nullopt;
  }
  std::copy(next->oid.begin(), next->oid.end(), name);
  if (snmp_set_var_objid(varbind, name, length) != 0 || !setVarbindValue(varbind, next->value)) {
    netsnmp_set_request_error(reqinfo, request, SNMP_ERR_GENERR);
    return std::nullopt;
  }
  return std::move(next->oid);
}

// The answer's OID when the varbind got one. Exhausted: the varbind is left untouched (ASN_NULL) so the
// agent framework moves on to the next registered subtree; in a subagent it answers endOfMibView to
// the master, which then asks the next registration. Setting SNMP_ENDOFMIBVIEW here would end a
// walk early.
std::optional<tables::Oid> answerGetNext(const tables::MibObject& object,
                                         const tables::RequestContext& context,
                                         netsnmp_agent_request_info* reqinfo, netsnmp_request_info* request) {
  netsnmp_variable_list* varbind = request->requestvb;
  // Reused: converting the request's OID then costs no allocation (the agent is single-threaded).
  static NextStart start;
  if (!assignNextStart(nameOf(varbind), request->inclusive != 0, start)) return std::nullopt;
  return writeNext(object, context, start, reqinfo, request, varbind);
}

// GETBULK. Net-SNMP lays out each repeater's repetitions as a chain of varbinds (requestvb, then
// next_variable, `repeat` more) and, for a handler without HANDLER_CAN_GETBULK, answers one
// repetition per pass of its request loop: every pass looks the subtree up again, re-checks access
// and calls the handler chain for one varbind, several times the cost of the answer itself. Here
// the whole run is answered in one call, each repetition from the one before, as long as it stays
// in this subtree; where it leaves, the chain is left exactly as Net-SNMP's bulk_to_next helper
// leaves it (the next varbind named after the last answer, marked for retry), so the agent carries
// it into the next subtree. Only when the PDU's view is the whole tree: with a narrower view the
// agent's check after each pass may reject an answer, and the repetitions computed from it would
// then be wrong, so that case takes Net-SNMP's own pass-per-repetition path.
void answerGetBulk(const tables::MibObject& object, const tables::RequestContext& context,
                   netsnmp_agent_request_info* reqinfo, netsnmp_request_info* request) {
  std::optional<tables::Oid> answered = answerGetNext(object, context, reqinfo, request);
  while (answered && request->repeat > 0) {
    netsnmp_variable_list* previous = request->requestvb;
    netsnmp_variable_list* varbind = previous->next_variable;
    if (varbind == nullptr) return;
    --request->repeat;
    request->requestvb = varbind;
    // The previous answer is a valid 32-bit OID already: no conversion from the varbind.
    answered = writeNext(object, context, NextStart{std::move(*answered), false}, reqinfo, request, varbind);
    if (!answered) {
      snmp_set_var_objid(varbind, previous->name, previous->name_length);
      varbind->type = ASN_PRIV_RETRY;
    }
  }
}

bool wholeTreeInView(const netsnmp_agent_request_info* reqinfo) {
  return reqinfo->asp != nullptr && reqinfo->asp->pdu != nullptr &&
         (reqinfo->asp->pdu->flags & UCD_MSG_FLAG_ALWAYS_IN_VIEW) != 0;
}

int handle(netsnmp_mib_handler* handler, netsnmp_handler_registration*, netsnmp_agent_request_info* reqinfo,
           netsnmp_request_info* requests) {
  auto* self = static_cast<SubtreeRegistration*>(handler->myvoid);
  const tables::RequestContext context = contextFor(reqinfo, self->clock());
  switch (reqinfo->mode) {
  case MODE_SET_RESERVE1:
  case MODE_SET_RESERVE2:
  case MODE_SET_ACTION:
  case MODE_SET_COMMIT:
  case MODE_SET_FREE:
  case MODE_SET_UNDO:
    // The whole PDU is one transaction across every registration it touches.
    SetTransactions::instance().handle(reqinfo, requests, self->object(), context, self->notifier());
    return SNMP_ERR_NOERROR;
  default: break;
  }
  const bool bulk = reqinfo->mode == MODE_GETBULK && wholeTreeInView(reqinfo);
  for (netsnmp_request_info* request = requests; request != nullptr; request = request->next) {
    if (request->processed) continue;
    switch (reqinfo->mode) {
    case MODE_GET: answerGet(self->object(), context, reqinfo, request); break;
    case MODE_GETNEXT: answerGetNext(self->object(), context, reqinfo, request); break;
    case MODE_GETBULK:
      if (bulk)
        answerGetBulk(self->object(), context, reqinfo, request);
      else
        answerGetNext(self->object(), context, reqinfo, request);
      break;
    default: netsnmp_set_request_error(reqinfo, request, SNMP_ERR_GENERR); break;
    }
  }
  // One repetition answered per pass: advance every chain as the bulk_to_next helper would.
  if (reqinfo->mode == MODE_GETBULK && !bulk) netsnmp_bulk_to_next_fix_requests(requests);
  return SNMP_ERR_NOERROR;
}

} // namespace

std::unique_ptr<SubtreeRegistration> SubtreeRegistration::create(const tables::MibObject& object,
                                                                 UptimeClock& clock,
                                                                 const RegistrationOptions& options,
                                                                 std::string& error) {
  std::unique_ptr<SubtreeRegistration> self(new SubtreeRegistration(object, clock));
  const std::string name(object.name());
  netsnmp_mib_handler* handler = netsnmp_create_handler(name.c_str(), handle);
  if (handler == nullptr) {
    error = "cannot create a handler for " + name;
    return nullptr;
  }
  handler->myvoid = self.get();
  self->notifier_ = options.notifier;
  const std::vector<oid> base = toNetSnmp(object.base());
  netsnmp_handler_registration* reg = netsnmp_handler_registration_create(
      name.c_str(), handler, base.data(), base.size(),
      (options.writable ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY) | HANDLER_CAN_GETBULK);
  if (reg == nullptr) {
    netsnmp_handler_free(handler);
    error = "cannot create a registration for " + name;
    return nullptr;
  }
  reg->priority = options.priority;
  if (!options.context.empty()) reg->contextName = strdup(options.context.c_str());
  // netsnmp_register_handler() frees `reg` (and the handler) itself when it fails.
  const int rc = netsnmp_register_handler(reg);
  if (rc != MIB_REGISTERED_OK) {
    error = "cannot register " + name + " at " + object.base().toString() + " (Net-SNMP error " +
            std::to_string(rc) + ")";
    return nullptr;
  }
  self->registration_ = reg;
  return self;
}

SubtreeRegistration::~SubtreeRegistration() {
  if (registration_ == nullptr) return;
  // What netsnmp_unregister_handler() does, but with copies of the root OID and the context name:
  // unregister_mib_context() frees the registration (context name included) and then compares the
  // context name again, a use-after-free for every registration in a non-default context
  // (Net-SNMP 5.9.3; upstream issue net-snmp#983; found by the ASan pass of contexts_test).
  std::vector<oid> root(registration_->rootoid, registration_->rootoid + registration_->rootoid_len);
  const bool named = registration_->contextName != nullptr;
  const std::string context = named ? registration_->contextName : "";
  unregister_mib_context(root.data(), root.size(), registration_->priority, registration_->range_subid,
                         registration_->range_ubound, named ? context.c_str() : nullptr);
}

} // namespace ipmibd::agent
