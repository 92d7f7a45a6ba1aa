// Feed timers: a deadline-ordered map; repeating timers are re-inserted under their next deadline.
#include "platform/sim/feed.h"

namespace ipmibd::platform::sim {

void Feed::schedule(Timestamp first, std::chrono::milliseconds period, FeedAction action) {
  timers_.emplace(std::make_pair(first, nextId_++), Timer{period, std::move(action)});
}

std::optional<Timestamp> Feed::nextDeadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

std::vector<FeedAction> Feed::takeDue(Timestamp now) {
  std::vector<FeedAction> due;
  std::map<std::uint64_t, int> fired;
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    const auto [deadline, id] = node.key();
    due.push_back(node.mapped().action);
    if (node.mapped().period.count() <= 0) continue;
    Timestamp next = deadline + node.mapped().period;
    if (++fired[id] >= kMaxCatchUp && next <= now) next = now + node.mapped().period;
    node.key() = {next, id};
    timers_.insert(std::move(node));
  }
  return due;
}

} // namespace ipmibd::platform::sim
