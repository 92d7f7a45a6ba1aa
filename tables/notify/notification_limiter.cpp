// The notification rate limit: a sliding one-second limit, storm detection and per-table summaries
// over one-second windows.
#include "tables/notify/notification_limiter.h"

namespace ipmibd::tables {

bool SharedNotificationRate::full(Clock::time_point now) {
  while (!recent_.empty() && recent_.front() + std::chrono::seconds(1) <= now)
    recent_.pop_front();
  return recent_.size() >= perSecond_;
}

void NotificationLimiter::roll(Clock::time_point now) {
  if (!windowStart_) {
    windowStart_ = now;
    return;
  }
  while (now >= *windowStart_ + kWindow) {
    for (const auto& [table, counts] : counts_)
      if (counts.total() > 0) ready_.push_back(coalescedNotification(table, counts));
    counts_.clear();
    storm_ = changes_ > perSecond_ || refused_;
    refused_ = false;
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
  if (!saturated(now)) {
    recent_.push_back(now);
    if (shared_) shared_->take(now);
    return true;
  }
  if (!storm_) {
    // The first refusal: the rest of this window only counts, so a flood that began late in the
    // previous window gets no fresh allowance when old admissions age out.
    storm_ = true;
    refused_ = true;
  }
  counts_[table].count(event);
  ++coalesced_;
  return false;
}

bool NotificationLimiter::saturated(Clock::time_point now) {
  roll(now);
  while (!recent_.empty() && recent_.front() + kWindow <= now)
    recent_.pop_front();
  return storm_ || recent_.size() >= perSecond_ || (shared_ && shared_->full(now));
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
