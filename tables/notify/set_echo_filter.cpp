// Holding and dropping the echoes of our own SETs; see set_echo_filter.h for the rules.
#include "tables/notify/set_echo_filter.h"

namespace ipmibd::tables {

void SetEchoFilter::begin(std::span<const Oid> rows, Clock::time_point now) {
  for (const Oid& row : rows) {
    RowState& state = rows_[row];
    ++state.pending;
    state.deadline = now + kPendingLimit;
  }
}

std::vector<Notification> SetEchoFilter::end(std::span<const Oid> rows, bool keep, Clock::time_point now,
                                             std::uint64_t& suppressed) {
  std::vector<Notification> out;
  for (const Oid& row : rows) {
    auto it = rows_.find(row);
    if (it == rows_.end()) continue; // ended twice, or expired meanwhile
    RowState& state = it->second;
    if (state.pending > 0) --state.pending;
    if (keep) {
      for (Notification& n : state.held)
        out.push_back(std::move(n));
    } else {
      suppressed += state.held.size();
    }
    state.held.clear();
    if (state.pending > 0) continue;
    if (keep)
      rows_.erase(it);
    else
      state.deadline = now + kEchoWindow;
  }
  return out;
}

SetEchoFilter::Verdict SetEchoFilter::offer(const Oid& row, Notification& notification,
                                            Clock::time_point now) {
  auto it = rows_.find(row);
  if (it == rows_.end()) return Verdict::Send;
  RowState& state = it->second;
  if (state.pending > 0) {
    state.held.push_back(std::move(notification));
    return Verdict::Held;
  }
  if (now < state.deadline) return Verdict::Suppressed;
  rows_.erase(it);
  return Verdict::Send;
}

std::vector<Notification> SetEchoFilter::expire(Clock::time_point now) {
  std::vector<Notification> out;
  for (auto it = rows_.begin(); it != rows_.end();) {
    if (now < it->second.deadline) {
      ++it;
      continue;
    }
    for (Notification& n : it->second.held)
      out.push_back(std::move(n));
    it = rows_.erase(it);
  }
  return out;
}

} // namespace ipmibd::tables
