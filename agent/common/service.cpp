// Opens the backend, builds the tables and registers every object with the configured priority/context.
#include "agent/common/service.h"

#include "agent/common/backend_factory.h"
#include "agent/common/netsnmp.h"
#include "agent/common/non_volatile_restore.h"
#include "agent/common/notification_sender.h"
#include "agent/common/set_transactions.h"

#include <algorithm>
#include <malloc.h>

namespace ipmibd::agent {

std::unique_ptr<Service> Service::start(const DaemonConfig& config, UptimeClock& clock, std::string& error) {
  std::unique_ptr<Service> self(new Service(config));
  self->backend_ = openBackend(config, error);
  if (!self->backend_) return nullptr;
  const auto opened = platform::Clock::now();
  const std::vector<tables::PersistentAddress> nonVolatile = self->restoreNonVolatile();

  std::vector<std::string> attachErrors;
  self->tables_ = std::make_unique<TableSet>(*self->backend_, attachErrors);
  self->tables_->setRowIdleTimeout(config.effectiveRowIdleTimeout());
  if (self->persistence_) {
    self->tables_->addressTables().setNonVolatile(nonVolatile);
    self->tables_->addressTables().setOnNonVolatileChange(
        [service = self.get()](const std::vector<tables::PersistentAddress>& list) {
          service->saveNonVolatile(list);
        });
  }
  for (const std::string& message : attachErrors)
    snmp_log(LOG_WARNING, "ipmibd: %s (the table stays empty until the backend reports changes)\n",
             message.c_str());
  self->info_ = std::make_unique<AgentInfo>(*self->backend_, *self->tables_, opened);
  if (config.notify.effectiveEnabled()) {
    // Watching starts now: the initial dump (still queued) is never announced.
    self->notifier_ = std::make_unique<tables::ChangeNotifier>(
        config.notify.options(), [] { return std::chrono::steady_clock::now(); });
    self->tables_->watch(*self->notifier_);
    SetTransactions::instance().setNotifier(self->notifier_.get());
    if (config.notify.effectiveLinkUpDown()) {
      platform::Result dump;
      self->linkWatch_ = std::make_unique<tables::LinkWatch>(*self->backend_, *self->notifier_, dump);
      if (!dump.ok())
        snmp_log(LOG_WARNING,
                 "ipmibd: linkUp/linkDown: cannot read the interfaces (%s); each is learnt "
                 "from its first change\n",
                 dump.toString().c_str());
    }
  }
  self->notifyInfo_ = std::make_unique<NotifyInfo>(config.notify, self->notifier_.get());

  RegistrationOptions options{config.effectivePriority(), config.effectiveContext()};
  std::vector<const tables::MibObject*> objects = self->tables_->objects();
  for (const tables::MibObject* object : self->info_->objects())
    objects.push_back(object);
  for (const tables::MibObject* object : self->notifyInfo_->objects())
    objects.push_back(object);
  std::size_t writable = 0;
  for (const tables::MibObject* object : objects) {
    options.writable = config.writable(*object);
    writable += options.writable ? 1 : 0;
    auto registration = SubtreeRegistration::create(*object, clock, options, error);
    if (!registration) return nullptr;
    self->registrations_.push_back(std::move(registration));
  }
  self->writable_ = writable;
  // Writes reach a real kernel only with CAP_NET_ADMIN, which may be gone by the time a SET comes
  // (snmpd -u): each SET checks it in RESERVE1, before anything changes.
  SetTransactions::instance().requireNetAdmin(std::holds_alternative<LinuxBackendSpec>(config.backend));
  snmp_log(LOG_INFO, "ipmibd: serving %zu subtrees (%zu writable) from backend %s (priority %d%s%s)\n",
           self->registrations_.size(), writable, describe(config.backend).c_str(), options.priority,
           options.context.empty() ? "" : ", context ", options.context.c_str());
  return self;
}

std::vector<tables::PersistentAddress> Service::restoreNonVolatile() {
  const auto path = config_.effectiveStateFile();
  if (!path) {
    snmp_log(LOG_INFO, "ipmibd: no state file (stateFile none, or no default for this backend): "
                       "nonVolatile addresses are not kept across restarts\n");
    return {};
  }
  persistence_ = std::make_unique<Persistence>(*path);
  const LoadResult loaded = persistence_->file.load();
  switch (loaded.outcome) {
  case LoadResult::Outcome::Loaded:
  case LoadResult::Outcome::Missing:
    snmp_log(LOG_INFO, "ipmibd: state file %s\n", loaded.message.c_str());
    break;
  case LoadResult::Outcome::Refused:
    snmp_log(LOG_ERR, "ipmibd: state file REFUSED, starting without its addresses: %s\n",
             loaded.message.c_str());
    break;
  case LoadResult::Outcome::Unreadable:
    // Saving would replace a file nobody could read: keep it, and save nothing until a restart.
    persistence_->saveAllowed = false;
    snmp_log(LOG_ERR,
             "ipmibd: state file UNREADABLE, starting without its addresses and NOT saving nonVolatile "
             "addresses until a restart: %s\n",
             loaded.message.c_str());
    break;
  }
  RestoreResult restored = restoreAddresses(*backend_, loaded.state);
  for (const RestoreEvent& event : restored.events)
    snmp_log(event.kind == RestoreEvent::Kind::Present     ? LOG_INFO
             : event.kind == RestoreEvent::Kind::Reapplied ? LOG_NOTICE
                                                           : LOG_WARNING,
             "ipmibd: %s\n", event.message.c_str());
  persistence_->last = loaded.state;
  persistence_->unresolved = std::move(restored.unresolved);
  return std::move(restored.nonVolatile);
}

void Service::saveNonVolatile(const std::vector<tables::PersistentAddress>& addresses) {
  Persistence& p = *persistence_;
  std::vector<std::string> warnings;
  State state = stateOf(*backend_, addresses, p.last, warnings);
  for (const StateAddress& record : p.unresolved)
    if (std::ranges::none_of(state.addresses, [&](const StateAddress& r) {
          return r.address == record.address && r.interfaceName == record.interfaceName;
        }))
      state.addresses.push_back(record);
  for (const std::string& warning : warnings)
    snmp_log(LOG_WARNING, "ipmibd: %s\n", warning.c_str());
  p.last = state;
  std::string error;
  if (!p.saveAllowed) error = "the state file could not be read at start-up";
  if (p.saveAllowed && p.file.save(state, error)) {
    snmp_log(LOG_INFO, "ipmibd: saved %zu nonVolatile address(es) to %s\n", state.addresses.size(),
             p.file.path().c_str());
    return;
  }
  // Called at COMMIT: the SET is done and answered, and nothing can undo it now. The address
  // exists but would not come back after a restart unless a later save succeeds.
  ++p.saveFailures;
  snmp_log(LOG_ERR,
           "ipmibd: STATE FILE NOT SAVED (%llu failure(s) since start): %s; the SET stays committed, but its "
           "nonVolatile addresses will not be re-applied after a restart\n",
           static_cast<unsigned long long>(p.saveFailures), error.c_str());
}

Service::~Service() {
  registrations_.clear();
  SetTransactions::instance().clear(); // their undo steps point into the tables
  SetTransactions::instance().setNotifier(nullptr);
  SetTransactions::instance().requireNetAdmin(false);
  notifyInfo_.reset();

  info_.reset();
  linkWatch_.reset();
  tables_.reset(); // detaches the watches before the notifier goes
  notifier_.reset();
  backend_.reset();
}

bool Service::run(std::chrono::milliseconds budget) {
  const auto start = LoopClock::now();
  const bool backendMore = backend_->dispatch(budget / 2);
  const auto dispatched = LoopClock::now();
  const bool tablesMore = tables_->applyPending(budget / 2);
  const auto applied = LoopClock::now();
  if (notifier_) {
    notifier_->poll();
    NotificationSender::flush(*notifier_);
  }
  // A slice far over its budget holds snmpd's (or the daemon's) loop: `-Dipmibd:slice` names the
  // part that overran (how the route shadow's page release under a 1M-route flood was found).
  if (const auto end = LoopClock::now(); end - start > 4 * budget) {
    auto us = [](auto d) { return long(std::chrono::duration_cast<std::chrono::microseconds>(d).count()); };
    DEBUGMSGTL(("ipmibd:slice",
                "slice of %ld us (budget %ld ms): backend %ld us, tables %ld us, notifications %ld us\n",
                us(end - start), long(budget.count()), us(dispatched - start), us(applied - dispatched),
                us(end - applied)));
  }
  if (!backendMore && !tablesMore && !loaded_) {
    // The initial dump's decoded rows and queued batches are freed by now, but glibc kept them
    // resident: 500 -> 358 bytes per route at 10k routes (tests/bench/agent_bench.py).
    loaded_ = true;
    malloc_trim(0);
  }
  return backendMore || tablesMore;
}

std::optional<LoopClock::time_point> Service::deadline() const {
  std::optional<LoopClock::time_point> next = backend_->nextDeadline();
  // Released by a SET's end (inside Net-SNMP's request handling): send them without waiting.
  if (notifier_ && notifier_->hasOutput()) return LoopClock::now();
  if (notifier_)
    if (auto summary = notifier_->deadline(); summary && (!next || *summary < *next)) next = summary;
  return next;
}

} // namespace ipmibd::agent
