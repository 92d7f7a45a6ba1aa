// WorkSource: what every front end's loop drives besides Net-SNMP — backend events and table work.
#pragma once

#include <chrono>
#include <optional>

namespace ipmibd::agent {

using LoopClock = std::chrono::steady_clock;

// Work done outside Net-SNMP (the backend's notifications and the tables' loading). Each call of
// run() must return within about `budget` so SNMP requests wait at most one slice. The daemon's
// EventLoop polls descriptor() with select(); the in-process module hands it to snmpd's loop
// (register_readfd) and its deadlines to snmpd's alarms.
class WorkSource {
public:
  virtual ~WorkSource() = default;
  virtual int descriptor() const { return -1; }                                // poll for readability
  virtual std::optional<LoopClock::time_point> deadline() const { return {}; } // timed work
  // Does at most about `budget` of work; true when more is ready right now.
  virtual bool run(std::chrono::milliseconds budget) = 0;
};

} // namespace ipmibd::agent
