// Feed: the scripted change timers of a simulation (`every 2s ...`, `at 10s ...`), in deadline order.
#pragma once

#include "platform/rows.h"
#include "platform/sim/scenario_parser.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace ipmibd::platform::sim {

class Feed {
public:
  // `period` 0 fires once at `first`; otherwise at first, first + period, ...
  void schedule(Timestamp first, std::chrono::milliseconds period, FeedAction action);
  std::optional<Timestamp> nextDeadline() const;
  // The actions due at `now`, oldest deadline first (ties in scheduling order); repeating timers are
  // moved on. A timer that fell more than kMaxCatchUp periods behind (a stalled real clock) skips
  // the rest rather than replaying them all.
  std::vector<FeedAction> takeDue(Timestamp now);
  bool empty() const { return timers_.empty(); }
  void clear() { timers_.clear(); }

  static constexpr int kMaxCatchUp = 1000;

private:
  struct Timer {
    std::chrono::milliseconds period;
    FeedAction action;
  };
  std::uint64_t nextId_ = 0;
  std::map<std::pair<Timestamp, std::uint64_t>, Timer> timers_;
};

} // namespace ipmibd::platform::sim
