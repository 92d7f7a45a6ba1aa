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
#include "tables/ip_mib/ip_address_tables.h"
#include "tables/notify/link_watch.h"

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
  std::size_t registrations() const { return registrations_.size(); }
  // Registrations that accept SETs (writeAccess); 0 means read-only.
  std::size_t writableRegistrations() const { return writable_; }

  int descriptor() const override { return backend_->eventDescriptor(); }
  // The backend's next timed work, or the end of a notification summary window if sooner.
  std::optional<LoopClock::time_point> deadline() const override;
  // Backend notifications first (they feed the tables' queues), then table work, each with half;
  // then the change notifications that work produced go to the master.
  bool run(std::chrono::milliseconds budget) override;

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

  DaemonConfig config_;
  std::unique_ptr<platform::Backend> backend_;
  std::unique_ptr<Persistence> persistence_;
  std::unique_ptr<TableSet> tables_;
  std::unique_ptr<tables::ChangeNotifier> notifier_; // null when notifications are off
  std::unique_ptr<tables::LinkWatch> linkWatch_;     // notifyLinkUpDown yes
  std::unique_ptr<AgentInfo> info_;
  std::unique_ptr<NotifyInfo> notifyInfo_;
  std::vector<std::unique_ptr<SubtreeRegistration>> registrations_;
  std::size_t writable_ = 0;
  bool loaded_ = false; // the initial load has been applied (and its garbage returned)
};

} // namespace ipmibd::agent
