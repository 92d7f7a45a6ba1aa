// NotificationLimiter: at most N per-row notifications per second; beyond that, changes are only
// counted and announced as one summary per table per second until the storm has passed.
#pragma once

#include "tables/notify/notification.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace ipmibd::tables {

// Time is passed in (a manual clock in tests). Summary windows are one second long and start with
// the first change after a quiet spell. Per-row notifications are limited over a sliding second
// (never more than `perSecond` in any one-second span, also across a window boundary); the first
// change refused by that limit makes the rest of its window a storm, and a window that saw more than
// `perSecond` changes makes the next one a storm window: it sends no per-row notification at all.
// So a flap of 500,000 routes yields at most `perSecond` per-row notifications before the storm is
// noticed, however it straddles the windows, then one summary per table and second. The storm ends
// after a window with at most `perSecond` changes and no refusal.
// The same allowance shared by several limiters, one per routing instance (SNMP context), so that
// `perSecond` bounds the per-row notifications of the whole process: a route flood spread over a
// hundred namespaces must not push a hundred times the rate through the master.
class SharedNotificationRate {
public:
  using Clock = std::chrono::steady_clock;
  explicit SharedNotificationRate(std::uint32_t perSecond) : perSecond_(perSecond) {}
  // True when the last second's per-row notifications, of every sharing limiter, used the allowance.
  bool full(Clock::time_point now);
  void take(Clock::time_point now) { recent_.push_back(now); }

private:
  std::uint32_t perSecond_;
  std::deque<Clock::time_point> recent_;
};

class NotificationLimiter {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kWindow = std::chrono::seconds(1);

  explicit NotificationLimiter(std::uint32_t perSecond) : perSecond_(perSecond) {}
  // Also within `shared`'s allowance: a change refused by it (others used it up) is counted for this
  // limiter's summary and makes the rest of its window a storm, exactly as its own limit does.
  NotificationLimiter(std::uint32_t perSecond, std::shared_ptr<SharedNotificationRate> shared)
      : perSecond_(perSecond), shared_(std::move(shared)) {}

  // A change that would make a per-row notification: true when it may be sent; false when it
  // was counted for `table`'s next summary instead.
  bool admit(NotifyTable table, RowEvent event, Clock::time_point now);
  // True when no per-row notification could go out now; admit() would only count.
  bool saturated(Clock::time_point now);
  // Summaries for windows that have ended by `now`, one per table with counted changes.
  std::vector<Notification> due(Clock::time_point now);
  // When the current window's summaries become due; nullopt when there is nothing to summarise.
  std::optional<Clock::time_point> deadline() const;

  std::uint64_t coalesced() const { return coalesced_; } // changes folded into summaries so far
  bool storm() const { return storm_; }

private:
  void roll(Clock::time_point now);

  std::uint32_t perSecond_;
  std::shared_ptr<SharedNotificationRate> shared_; // null: this limiter's own allowance only
  std::optional<Clock::time_point> windowStart_;
  std::deque<Clock::time_point> recent_; // when the per-row notifications of the last second went
  std::uint64_t changes_ = 0;            // all changes seen in this window
  bool refused_ = false;                 // this window refused a change for the rate
  bool storm_ = false;                   // this window sends summaries only
  std::map<NotifyTable, CoalescedCounts> counts_;
  std::vector<Notification> ready_; // summaries of ended windows not yet taken
  std::uint64_t coalesced_ = 0;
};

} // namespace ipmibd::tables
