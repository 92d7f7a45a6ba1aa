// The notification rate limit: fixed one-second windows, storm detection and per-table summaries.
#include "tables/notification_limiter.h"

namespace ipmibd::tables {

void NotificationLimiter::roll(Clock::time_point now) {
  if (!windowStart_) {
    windowStart_ = now;
    return;
  }
  while (now >= *windowStart_ + kWindow) {
    for (const auto& [table, counts] : counts_)
      if (counts.total() > 0) ready_.push_back(coalescedNotification(table, counts));
    counts_.clear();
    storm_ = changes_ > perSecond_;
    admitted_ = 0;
    changes_ = 0;
    // After a quiet spell the next window starts with the next change, not on the old grid.
    if (now >= *windowStart_ + 2 * kWindow)
      windowStart_ = now;
    else
      *windowStart_ += kWindow;
  }
}

bool NotificationLimiter::admit(NotifyTable table, RowEvent event, Clock::time_point now) {
  roll(now);
  ++changes_;
  if (!storm_ && admitted_ < perSecond_) {
    ++admitted_;
    return true;
  }
  counts_[table].count(event);
  ++coalesced_;
  return false;
}

bool NotificationLimiter::saturated(Clock::time_point now) {
  roll(now);
  return storm_ || admitted_ >= perSecond_;
}

std::vector<Notification> NotificationLimiter::due(Clock::time_point now) {
  if (windowStart_) roll(now);
  std::vector<Notification> out;
  out.swap(ready_);
  return out;
}

std::optional<NotificationLimiter::Clock::time_point> NotificationLimiter::deadline() const {
  if (!windowStart_) return std::nullopt;
  if (!ready_.empty()) return *windowStart_;
  for (const auto& [table, counts] : counts_)
    if (counts.total() > 0) return *windowStart_ + kWindow;
  return std::nullopt;
}

} // namespace ipmibd::tables
