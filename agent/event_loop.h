// EventLoop: the daemon's single thread, multiplexing Net-SNMP, the backend's events and table work.
#pragma once

#include "agent/signals.h"

#include <chrono>
#include <functional>
#include <optional>

namespace ipmibd::agent {

using LoopClock = std::chrono::steady_clock;

// Work done outside Net-SNMP (the backend's notifications and the tables' loading). Each call of
// run() must return within about `budget` so SNMP requests wait at most ~100 ms.
class WorkSource {
public:
  virtual ~WorkSource() = default;
  virtual int descriptor() const { return -1; }                                // poll for readability
  virtual std::optional<LoopClock::time_point> deadline() const { return {}; } // timed work
  // Does at most about `budget` of work; true when more is ready right now.
  virtual bool run(std::chrono::milliseconds budget) = 0;
};

class EventLoop {
public:
  struct Hooks {
    std::function<WorkSource*()> source; // current work source (changes on reload), may be null
    std::function<void()> reload;        // SIGHUP
  };
  static constexpr std::chrono::milliseconds kWorkBudget{40};

  EventLoop(SignalPipe& signals, Hooks hooks) : signals_(signals), hooks_(std::move(hooks)) {}

  // Runs until SIGTERM/SIGINT. Returns 0, or 1 when select() fails for good.
  int run();

private:
  // One iteration of Net-SNMP's agent_check_and_process() with our descriptors added; returns
  // false on a fatal select() error.
  bool iterate();

  SignalPipe& signals_;
  Hooks hooks_;
  bool stop_ = false;
  bool workPending_ = true; // run the source once at start: the initial load is queued
  LoopClock::time_point lastTimeoutCheck_{};
};

} // namespace ipmibd::agent
