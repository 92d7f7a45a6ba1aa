// Opens the backend, builds the tables and registers every object with the configured priority/context.
#include "agent/common/service.h"

#include "agent/common/backend_factory.h"
#include "agent/common/netsnmp.h"
#include "agent/common/non_volatile_restore.h"
#include "agent/common/notification_sender.h"
#include "agent/common/set_transactions.h"
#include "platform/linux/netns_watch.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <malloc.h>
#include <sys/epoll.h>
#include <system_error>
#include <unistd.h>

namespace ipmibd::agent {

namespace {

// The configuration a `context` line's instance is opened with: the default instance's, but for
// the backend (a netns context: the Linux backend in that namespace) and the route tables (a table
// context: that table only; a netns context: main).
DaemonConfig instanceConfig(const DaemonConfig& config, const ContextSpec& context) {
  DaemonConfig out = config;
  out.contexts.clear();
  out.stateFile = std::filesystem::path(); // nonVolatile addresses are kept for the default instance
  if (context.kind == ContextSpec::Kind::Netns) {
    out.backend = LinuxBackendSpec{context.netns};
    out.routeTables = {platform::kMainRouteTable};
  } else {
    out.routeTables = {context.table};
  }
  return out;
}

std::uint32_t primaryRouteTable(const DaemonConfig& config) {
  const std::vector<std::uint32_t> tables = config.effectiveRouteTables();
  return std::ranges::find(tables, platform::kMainRouteTable) != tables.end() ? platform::kMainRouteTable
                                                                              : tables.front();
}

} // namespace

std::unique_ptr<Service::Instance> Service::open(const DaemonConfig& config, std::string context,
                                                 std::string& error, platform::Status* status) {
  auto instance = std::make_unique<Instance>();
  instance->context = std::move(context);
  instance->backend = openBackend(config, error, status);
  if (!instance->backend && !instance->context.empty()) error = "context " + instance->context + ": " + error;
  if (!instance->backend) return nullptr;
  return instance;
}

// Builds the instance's tables, notifier and agent info over its open backend.
void Service::buildTables(Instance& instance, const DaemonConfig& config, platform::Timestamp opened) {
  std::vector<std::string> attachErrors;
  instance.tables = std::make_unique<TableSet>(*instance.backend, attachErrors, primaryRouteTable(config));
  instance.tables->setRowIdleTimeout(config.effectiveRowIdleTimeout());
  const std::string where = instance.context.empty() ? "" : " (context " + instance.context + ")";
  for (const std::string& message : attachErrors)
    snmp_log(LOG_WARNING, "ipmibd: %s%s (the table stays empty until the backend reports changes)\n",
             message.c_str(), where.c_str());
  instance.info = std::make_unique<AgentInfo>(*instance.backend, *instance.tables, opened);
  if (!config.notify.effectiveEnabled()) return;
  // Watching starts now: the initial dump (still queued) is never announced.
  instance.notifier = std::make_unique<tables::ChangeNotifier>(
      config.notify.options(), [] { return std::chrono::steady_clock::now(); });
  instance.tables->watch(*instance.notifier);
  if (config.notify.effectiveLinkUpDown()) {
    platform::Result dump;
    instance.linkWatch = std::make_unique<tables::LinkWatch>(*instance.backend, *instance.notifier, dump);
    if (!dump.ok())
      snmp_log(LOG_WARNING,
               "ipmibd: linkUp/linkDown%s: cannot read the interfaces (%s); each is learnt from its first "
               "change\n",
               where.c_str(), dump.toString().c_str());
  }
}

bool Service::registerObjects(Instance& instance, UptimeClock& clock,
                              std::vector<const tables::MibObject*> extra, std::string& error) {
  RegistrationOptions options{config_.effectivePriority(), instance.context};
  options.notifier = instance.notifier.get();
  std::vector<const tables::MibObject*> objects = instance.tables->objects();
  for (const tables::MibObject* object : instance.info->objects())
    objects.push_back(object);
  objects.insert(objects.end(), extra.begin(), extra.end());
  std::size_t writable = 0;
  for (const tables::MibObject* object : objects) {
    options.writable = config_.writable(*object);
    writable += options.writable ? 1 : 0;
    auto registration = SubtreeRegistration::create(*object, clock, options, error);
    if (!registration) {
      if (!instance.context.empty()) error = "context " + instance.context + ": " + error;
      return false;
    }
    instance.registrations.push_back(std::move(registration));
  }
  writable_ += writable;
  std::string source =
      instance.automatic ? "linux (netns " + instance.context + ")" : describe(config_.backend);
  for (const ContextSpec& c : config_.contexts)
    if (c.name == instance.context)
      source = c.kind == ContextSpec::Kind::Netns ? "linux (netns " + c.netns + ")"
                                                  : source + ", route table " + std::to_string(c.table);
  snmp_log(LOG_INFO, "ipmibd: serving %zu subtrees (%zu writable) from backend %s (priority %d%s%s)\n",
           instance.registrations.size(), writable, source.c_str(), options.priority,
           options.context.empty() ? "" : ", context ", options.context.c_str());
  return true;
}

std::unique_ptr<Service> Service::start(const DaemonConfig& config, UptimeClock& clock, std::string& error) {
  std::unique_ptr<Service> self(new Service(config));
  auto primary = open(config, config.effectiveContext(), error);
  if (!primary) return nullptr;
  const auto opened = platform::Clock::now();
  self->instances_.push_back(std::move(primary));
  const std::vector<tables::PersistentAddress> nonVolatile = self->restoreNonVolatile();
  self->buildTables(self->primary(), config, opened);
  if (self->persistence_) {
    self->primary().tables->addressTables().setNonVolatile(nonVolatile);
    self->primary().tables->addressTables().setOnNonVolatileChange(
        [service = self.get()](const std::vector<tables::PersistentAddress>& list) {
          service->saveNonVolatile(list);
        });
  }
  for (const ContextSpec& context : config.contexts) {
    const DaemonConfig own = instanceConfig(config, context);
    auto instance = open(own, context.name, error);
    if (!instance) return nullptr;
    self->buildTables(*instance, own, platform::Clock::now());
    self->instances_.push_back(std::move(instance));
  }
  self->notifyInfo_ = std::make_unique<NotifyInfo>(config.notify, self->primary().notifier.get());

  if (!self->registerObjects(self->primary(), clock, self->notifyInfo_->objects(), error)) return nullptr;
  for (std::size_t i = 1; i < self->instances_.size(); ++i)
    if (!self->registerObjects(*self->instances_[i], clock, {}, error)) return nullptr;
  self->clock_ = &clock;
  if (self->instances_.size() > 1 || config.autoNetns) {
    self->epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (self->epoll_ < 0) {
      error = std::string("epoll_create1: ") + std::strerror(errno);
      return nullptr;
    }
    for (const auto& instance : self->instances_)
      if (!self->watchBackend(*instance, error)) return nullptr;
  }
  if (config.autoNetns) {
    try {
      self->netnsWatch_ = std::make_unique<platform::linux_backend::NetnsWatch>();
    } catch (const std::system_error& e) {
      error = std::string("context auto netns: ") + e.what();
      return nullptr;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    if (::epoll_ctl(self->epoll_, EPOLL_CTL_ADD, self->netnsWatch_->descriptor(), &event) != 0) {
      error = std::string("epoll_ctl: ") + std::strerror(errno);
      return nullptr;
    }
    for (const std::string& name : self->netnsWatch_->names())
      self->addNamespace(name);
  }
  // Writes reach a real kernel only with CAP_NET_ADMIN, which may be gone by the time a SET comes
  // (snmpd -u): each SET checks it in RESERVE1, before anything changes.
  SetTransactions::instance().requireNetAdmin(std::holds_alternative<LinuxBackendSpec>(config.backend));
  return self;
}

bool Service::watchBackend(const Instance& instance, std::string& error) {
  if (epoll_ < 0 || instance.backend->eventDescriptor() < 0) return true;
  epoll_event event{};
  event.events = EPOLLIN;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, instance.backend->eventDescriptor(), &event) == 0) return true;
  error = std::string("epoll_ctl: ") + std::strerror(errno);
  return false;
}

void Service::remove(std::size_t index) {
  Instance& instance = *instances_[index];
  if (epoll_ >= 0 && instance.backend->eventDescriptor() >= 0)
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, instance.backend->eventDescriptor(), nullptr);
  instance.registrations.clear();      // unregistered (AgentX: Unregister-PDUs) before the tables go
  SetTransactions::instance().clear(); // a SET in flight may point into its tables
  instances_.erase(instances_.begin() + std::ptrdiff_t(index));
  next_ = 0;
}

// An automatic context is named after its namespace; a `context` line or the default instance's
// context of the same name wins (that namespace is then not served twice under one name).
void Service::addNamespace(const std::string& name) {
  for (const auto& instance : instances_)
    if (instance->context == name) return;
  ContextSpec spec{name, ContextSpec::Kind::Netns, name, 0};
  const DaemonConfig own = instanceConfig(config_, spec);
  std::string error;
  platform::Status status = platform::Status::Success;
  auto instance = open(own, name, error, &status);
  if (!instance) {
    // `ip netns add` creates the file, then mounts the namespace on it: try again shortly, a few
    // times, then give up until the namespace is created again. Without the privilege to enter it
    // (in-process, snmpd has dropped root by now) no retry helps.
    const int attempts = ++netnsAttempts_[name];
    if (status != platform::Status::AccessDenied && attempts < 20) {
      netnsRetry_[name] = LoopClock::now() + std::chrono::milliseconds(50 * attempts);
    } else {
      const char* hint =
          status == platform::Status::AccessDenied
              ? " (entering a namespace needs CAP_SYS_ADMIN; in-process, snmpd gave up root after "
                "start-up: only namespaces present then are served, the daemon serves all)"
              : "";
      snmp_log(LOG_WARNING, "ipmibd: context auto netns: not serving namespace %s: %s%s\n", name.c_str(),
               error.c_str(), hint);
      netnsRetry_.erase(name);
      netnsAttempts_.erase(name);
    }
    return;
  }
  netnsRetry_.erase(name);
  netnsAttempts_.erase(name);
  instance->automatic = true;
  buildTables(*instance, own, platform::Clock::now());
  if (!registerObjects(*instance, *clock_, {}, error) || !watchBackend(*instance, error)) {
    snmp_log(LOG_WARNING, "ipmibd: context auto netns: not serving namespace %s: %s\n", name.c_str(),
             error.c_str());
    instance->registrations.clear();
    return;
  }
  instances_.push_back(std::move(instance));
}

void Service::followNamespaces() {
  if (!netnsWatch_) return;
  for (const auto& change : netnsWatch_->read()) {
    if (change.added) {
      netnsAttempts_.erase(change.name);
      addNamespace(change.name);
      continue;
    }
    netnsRetry_.erase(change.name);
    netnsAttempts_.erase(change.name);
    for (std::size_t i = 0; i < instances_.size(); ++i)
      if (instances_[i]->automatic && instances_[i]->context == change.name) {
        snmp_log(LOG_INFO, "ipmibd: namespace %s deleted: context %s no longer served\n", change.name.c_str(),
                 change.name.c_str());
        remove(i);
        break;
      }
  }
  const auto now = LoopClock::now();
  std::vector<std::string> due;
  for (const auto& [name, at] : netnsRetry_)
    if (at <= now) due.push_back(name);
  for (const std::string& name : due)
    addNamespace(name);
}

std::vector<std::string> Service::contexts() const {
  std::vector<std::string> out;
  for (const auto& instance : instances_)
    out.push_back(instance->context);
  return out;
}

int Service::descriptor() const { return epoll_ >= 0 ? epoll_ : primary().backend->eventDescriptor(); }

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
  RestoreResult restored = restoreAddresses(*primary().backend, loaded.state);
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
  State state = stateOf(*primary().backend, addresses, p.last, warnings);
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
  for (auto& instance : instances_)
    instance->registrations.clear();
  SetTransactions::instance().clear(); // their undo steps point into the tables
  SetTransactions::instance().requireNetAdmin(false);
  notifyInfo_.reset();
  instances_.clear();
  if (epoll_ >= 0) ::close(epoll_);
}

bool Service::run(std::chrono::milliseconds budget) {
  followNamespaces();
  // Each instance in turn, starting with the one after the last that ran out of time, so a busy
  // instance cannot starve the others; each gets what remains of the budget.
  const auto start = LoopClock::now();
  const auto end = start + budget;
  bool more = false;
  bool outOfTime = false;
  for (std::size_t n = 0; n < instances_.size(); ++n) {
    Instance& instance = *instances_[(next_ + n) % instances_.size()];
    const auto now = LoopClock::now();
    if (now >= end && n > 0) {
      more = true; // not run this time
      outOfTime = true;
      next_ = (next_ + n) % instances_.size();
      break;
    }
    const auto left = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(end - now),
                               std::chrono::milliseconds(1));
    const auto instanceStart = LoopClock::now();
    const bool backendMore = instance.backend->dispatch(left / 2);
    const auto dispatched = LoopClock::now();
    const bool tablesMore = instance.tables->applyPending(left / 2);
    const auto applied = LoopClock::now();
    if (instance.notifier) {
      instance.notifier->poll();
      NotificationSender::flush(*instance.notifier, instance.context);
    }
    more = more || backendMore || tablesMore;
    // A slice far over its budget holds snmpd's (or the daemon's) loop: `-Dipmibd:slice` names the
    // part that overran (how the route shadow's page release under a 1M-route flood was found).
    if (const auto done = LoopClock::now(); done - instanceStart > 4 * left) {
      auto us = [](auto d) { return long(std::chrono::duration_cast<std::chrono::microseconds>(d).count()); };
      DEBUGMSGTL(
          ("ipmibd:slice",
           "slice of %ld us (budget %ld ms%s%s): backend %ld us, tables %ld us, notifications %ld us\n",
           us(done - instanceStart), long(left.count()), instance.context.empty() ? "" : ", context ",
           instance.context.c_str(), us(dispatched - instanceStart), us(applied - dispatched),
           us(done - applied)));
    }
  }
  if (!outOfTime) next_ = (next_ + 1) % instances_.size();
  if (!more && !loaded_) {
    // The initial dump's decoded rows and queued batches are freed by now, but glibc kept them
    // resident: 500 -> 358 bytes per route at 10k routes (tests/bench/agent_bench.py).
    loaded_ = true;
    malloc_trim(0);
  }
  return more;
}

std::optional<LoopClock::time_point> Service::deadline() const {
  std::optional<LoopClock::time_point> next;
  auto consider = [&](std::optional<LoopClock::time_point> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  for (const auto& [name, at] : netnsRetry_)
    consider(at);
  for (const auto& instance : instances_) {
    consider(instance->backend->nextDeadline());
    if (!instance->notifier) continue;
    // Released by a SET's end (inside Net-SNMP's request handling): send them without waiting.
    if (instance->notifier->hasOutput()) return LoopClock::now();
    consider(instance->notifier->deadline());
  }
  return next;
}

} // namespace ipmibd::agent
