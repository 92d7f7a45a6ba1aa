// EventLoop: the daemon's single thread, multiplexing Net-SNMP, the backend's events and table work.
#pragma once

#include "agent/common/work_source.h"
#include "agent/daemon/signals.h"

#include <functional>

namespace ipmibd::agent {

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
