// SimClock: the simulator's time source, either the real steady clock or a manual one tests advance.
#pragma once

#include "platform/rows.h"

#include <chrono>

namespace ipmibd::platform::sim {

class SimClock {
public:
  Timestamp now() const { return manual_ ? manualNow_ : Clock::now(); }
  bool manual() const { return manual_; }
  // Manual time starts at the current real time, so timers already scheduled keep their distance.
  void setManual(bool manual) {
    if (manual && !manual_) manualNow_ = Clock::now();
    manual_ = manual;
  }
  // Real time cannot be moved: advancing only affects manual time.
  void advance(std::chrono::milliseconds step) {
    if (manual_) manualNow_ += step;
  }

private:
  bool manual_ = false;
  Timestamp manualNow_{};
};

} // namespace ipmibd::platform::sim
