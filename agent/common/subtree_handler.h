// SubtreeRegistration: one tables::MibObject registered with Net-SNMP under its own handler.
#pragma once

#include "agent/common/uptime_clock.h"
#include "tables/engine/mib_object.h"
#include "tables/notify/change_notifier.h"

#include <memory>
#include <string>

struct netsnmp_handler_registration_s;

namespace ipmibd::agent {

struct RegistrationOptions {
  int priority = 127;  // AgentX priority: lower number = preferred for identical subtrees
  std::string context; // SNMPv3 context / AgentX non-default context; empty = default
  // Register read-write and answer SETs (the object must have a writer); otherwise Net-SNMP
  // refuses every SET of the subtree with notWritable itself.
  bool writable = false;
  // The routing instance's change notifier, told about the SETs of this registration (null: none).
  tables::ChangeNotifier* notifier = nullptr;
};

// Registers object.base() with netsnmp_register_handler() and answers MODE_GET / MODE_GETNEXT by
// calling the object; when writable, the SET modes go to SetTransactions (set_transactions.h).
// Unregisters on destruction, which AgentX turns into an Unregister-PDU. The object and clock must
// outlive the registration.
class SubtreeRegistration {
public:
  static std::unique_ptr<SubtreeRegistration> create(const tables::MibObject& object, UptimeClock& clock,
                                                     const RegistrationOptions& options, std::string& error);
  ~SubtreeRegistration();
  SubtreeRegistration(const SubtreeRegistration&) = delete;
  SubtreeRegistration& operator=(const SubtreeRegistration&) = delete;

  const tables::MibObject& object() const { return object_; }
  UptimeClock& clock() const { return clock_; }
  tables::ChangeNotifier* notifier() const { return notifier_; }

private:
  SubtreeRegistration(const tables::MibObject& object, UptimeClock& clock) : object_(object), clock_(clock) {}

  const tables::MibObject& object_;
  UptimeClock& clock_;
  tables::ChangeNotifier* notifier_ = nullptr;
  netsnmp_handler_registration_s* registration_ = nullptr;
};

} // namespace ipmibd::agent
