// Service: what a configuration turns into — backend, tables, agent info and their registrations.
#pragma once

#include "agent/common/agent_info.h"
#include "agent/common/daemon_config.h"
#include "agent/common/notify_info.h"
#include "agent/common/state_file.h"
#include "agent/common/subtree_handler.h"
#include "agent/common/table_set.h"
#include "agent/common/uptime_clock.h"
#include "agent/common/work_source.h"
#include "platform/backend.h"
#include "platform/linux/netns_watch.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tables/notify/link_watch.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ipmibd::agent {

// Built from one DaemonConfig and replaced as a whole when SIGHUP brings a different one, so a
// reload never mixes rows of two backends. Destruction order matters and is the reverse of
// construction: registrations (which point at objects), agent info, tables (which hold backend
// subscriptions), backend.
class Service final : public WorkSource {
public:
  static std::unique_ptr<Service> start(const DaemonConfig& config, UptimeClock& clock, std::string& error);
  ~Service() override;

  const DaemonConfig& config() const { return config_; }
  // State file saves that failed since start (each is logged at LOG_ERR).
  std::uint64_t stateFileSaveFailures() const { return persistence_ ? persistence_->saveFailures : 0; }
  // Registrations of every instance.
  std::size_t registrations() const {
    std::size_t n = 0;
    for (const auto& instance : instances_)
      n += instance->registrations.size();
    return n;
  }
  // Registrations that accept SETs (writeAccess); 0 means read-only.
  std::size_t writableRegistrations() const { return writable_; }

  // One descriptor for every instance's backend: the backend's own with one instance, an epoll
  // set of them with contexts (readable while any is).
  int descriptor() const override;
  // The backends' next timed work, or the end of a notification summary window if sooner.
  std::optional<LoopClock::time_point> deadline() const override;
  // Per instance, in turn: backend notifications first (they feed the tables' queues), then table
  // work; then the change notifications that work produced go to the master.
  bool run(std::chrono::milliseconds budget) override;
  // The routing instances' SNMP contexts, the default one ("" unless agentxContext) first.
  std::vector<std::string> contexts() const;

private:
  explicit Service(DaemonConfig config) : config_(std::move(config)) {}

  // The state file of nonVolatile addresses (`stateFile`), when persistence is on.
  struct Persistence {
    explicit Persistence(std::filesystem::path path) : file(std::move(path)) {}
    StateFile file;
    bool saveAllowed = true;              // false when the file could not be read at start-up
    State last;                           // the last state written (or loaded): interface names
    std::vector<StateAddress> unresolved; // records start-up could not look at: carried along
    std::uint64_t saveFailures = 0;
  };
  // Loads the state file and re-creates its missing addresses (before the tables take their dump).
  std::vector<tables::PersistentAddress> restoreNonVolatile();
  // The address unit's nonVolatile list changed at a SET's COMMIT: rewrite the file.
  void saveNonVolatile(const std::vector<tables::PersistentAddress>& addresses);

  // One routing instance served in one SNMP context: the default one (ipmibd.conf's backend), or
  // a `context` line's. Members are destroyed in reverse order: registrations (which point at
  // objects), agent info, the link watch, tables (which hold backend subscriptions and watch the
  // notifier), notifier, backend.
  struct Instance {
    std::string context;
    bool automatic = false; // `context auto netns`: removed with its namespace
    std::unique_ptr<platform::Backend> backend;
    std::unique_ptr<tables::ChangeNotifier> notifier; // null when notifications are off
    std::unique_ptr<TableSet> tables;
    std::unique_ptr<tables::LinkWatch> linkWatch; // notifyLinkUpDown yes
    std::unique_ptr<AgentInfo> info;
    std::vector<std::unique_ptr<SubtreeRegistration>> registrations;
  };
  // Opens the instance's backend and builds its tables (not registered yet).
  static std::unique_ptr<Instance> open(const DaemonConfig& config, std::string context, std::string& error,
                                        platform::Status* status = nullptr);
  static void buildTables(Instance& instance, const DaemonConfig& config, platform::Timestamp opened);
  bool registerObjects(Instance& instance, UptimeClock& clock, std::vector<const tables::MibObject*> extra,
                       std::string& error);
  Instance& primary() const { return *instances_.front(); }
  // Adds the instance's backend to the epoll set; removes an instance (unregistering it first).
  bool watchBackend(const Instance& instance, std::string& error);
  void remove(std::size_t index);
  // `context auto netns`: namespaces created or deleted since the last look, and the ones whose
  // first attempt to open failed (the namespace is mounted a moment after its file appears).
  void followNamespaces();
  void addNamespace(const std::string& name);

  DaemonConfig config_;
  std::unique_ptr<Persistence> persistence_;         // the default instance's nonVolatile addresses
  std::vector<std::unique_ptr<Instance>> instances_; // the default one first
  std::unique_ptr<NotifyInfo> notifyInfo_;           // settings and counters of the default one
  int epoll_ = -1;                                   // with contexts: every backend, the netns watch
  UptimeClock* clock_ = nullptr;                     // for instances registered later
  std::unique_ptr<platform::linux_backend::NetnsWatch> netnsWatch_; // context auto netns
  std::map<std::string, LoopClock::time_point> netnsRetry_;         // namespaces not opened yet
  std::map<std::string, int> netnsAttempts_;
  std::size_t next_ = 0; // the instance run() starts with
  std::size_t writable_ = 0;
  bool loaded_ = false; // the initial load has been applied (and its garbage returned)
};

} // namespace ipmibd::agent
