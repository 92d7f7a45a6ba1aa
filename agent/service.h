// Service: what a configuration turns into — backend, tables, agent info and their registrations.
#pragma once

#include "agent/agent_info.h"
#include "agent/daemon_config.h"
#include "agent/event_loop.h"
#include "agent/subtree_handler.h"
#include "agent/table_set.h"
#include "agent/uptime_clock.h"
#include "platform/backend.h"

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
  std::size_t registrations() const { return registrations_.size(); }

  int descriptor() const override { return backend_->eventDescriptor(); }
  std::optional<LoopClock::time_point> deadline() const override { return backend_->nextDeadline(); }
  // Backend notifications first (they feed the tables' queues), then table work, each with half.
  bool run(std::chrono::milliseconds budget) override;

private:
  explicit Service(DaemonConfig config) : config_(std::move(config)) {}

  DaemonConfig config_;
  std::unique_ptr<platform::Backend> backend_;
  std::unique_ptr<TableSet> tables_;
  std::unique_ptr<AgentInfo> info_;
  std::vector<std::unique_ptr<SubtreeRegistration>> registrations_;
  bool loaded_ = false; // the initial load has been applied (and its garbage returned)
};

} // namespace ipmibd::agent
