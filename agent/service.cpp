// Opens the backend, builds the tables and registers every object with the configured priority/context.
#include "agent/service.h"

#include "agent/backend_factory.h"
#include "agent/netsnmp.h"
#include "agent/set_transactions.h"

#include <malloc.h>

namespace ipmibd::agent {

std::unique_ptr<Service> Service::start(const DaemonConfig& config, UptimeClock& clock, std::string& error) {
  std::unique_ptr<Service> self(new Service(config));
  self->backend_ = openBackend(config, error);
  if (!self->backend_) return nullptr;
  const auto opened = platform::Clock::now();

  std::vector<std::string> attachErrors;
  self->tables_ = std::make_unique<TableSet>(*self->backend_, attachErrors);
  self->tables_->setRowIdleTimeout(config.effectiveRowIdleTimeout());
  for (const std::string& message : attachErrors)
    snmp_log(LOG_WARNING, "ipmibd: %s (the table stays empty until the backend reports changes)\n",
             message.c_str());
  self->info_ = std::make_unique<AgentInfo>(*self->backend_, *self->tables_, opened);

  RegistrationOptions options{config.effectivePriority(), config.effectiveContext()};
  std::vector<const tables::MibObject*> objects = self->tables_->objects();
  for (const tables::MibObject* object : self->info_->objects())
    objects.push_back(object);
  std::size_t writable = 0;
  for (const tables::MibObject* object : objects) {
    // writeAccess (default none) decides; objects without a writer stay read-only regardless.
    options.writable = object->writer() != nullptr && config.writeAllowed(object->name());
    writable += options.writable ? 1 : 0;
    auto registration = SubtreeRegistration::create(*object, clock, options, error);
    if (!registration) return nullptr;
    self->registrations_.push_back(std::move(registration));
  }
  snmp_log(LOG_INFO, "ipmibd: serving %zu subtrees (%zu writable) from backend %s (priority %d%s%s)\n",
           self->registrations_.size(), writable, describe(config.backend).c_str(), options.priority,
           options.context.empty() ? "" : ", context ", options.context.c_str());
  return self;
}

Service::~Service() {
  registrations_.clear();
  SetTransactions::instance().clear(); // their undo steps point into the tables

  info_.reset();
  tables_.reset();
  backend_.reset();
}

bool Service::run(std::chrono::milliseconds budget) {
  const bool backendMore = backend_->dispatch(budget / 2);
  const bool tablesMore = tables_->applyPending(budget / 2);
  if (!backendMore && !tablesMore && !loaded_) {
    // The initial dump's decoded rows and queued batches are freed by now, but glibc kept them
    // resident: 500 -> 358 bytes per route at 10k routes (tests/bench/agent_bench.py).
    loaded_ = true;
    malloc_trim(0);
  }
  return backendMore || tablesMore;
}

} // namespace ipmibd::agent
