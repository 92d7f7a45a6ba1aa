// The notifier's plumbing: rate limit, SET echo filter, outbox and counters; row snapshots.
#include "tables/notify/change_notifier.h"

#include "tables/engine/request_context.h"

#include <algorithm>

namespace ipmibd::tables {

ChangeNotifier::ChangeNotifier(NotifierOptions options, std::function<Clock::time_point()> clock)
    : options_(options), clock_(std::move(clock)), limiter_(options.ratePerSecond, options.sharedRate) {}

bool ChangeNotifier::saturated(NotifyTable table, platform::ChangeKind kind) {
  const auto now = clock_();
  if (!limiter_.saturated(now)) return false;
  limiter_.admit(table, rowEventOf(kind), now); // counts it for the summary
  return true;
}

void ChangeNotifier::emit(NotifyTable table, RowEvent event, const Oid& row, Notification notification) {
  const auto now = clock_();
  switch (echoes_.offer(row, notification, now)) {
  case SetEchoFilter::Verdict::Held: return;
  case SetEchoFilter::Verdict::Suppressed: ++counters_.suppressed; return;
  case SetEchoFilter::Verdict::Send: break;
  }
  if (limiter_.admit(table, event, now)) queue(std::move(notification));
}

void ChangeNotifier::setBegan(std::span<const Oid> rows) { echoes_.begin(rows, clock_()); }

void ChangeNotifier::setEnded(std::span<const Oid> rows, bool committed) {
  for (Notification& n :
       echoes_.end(rows, committed && options_.announceSnmpChanges, clock_(), counters_.suppressed))
    queue(std::move(n));
}

std::optional<ChangeNotifier::Clock::time_point> ChangeNotifier::deadline() const {
  // The echo filter's deadlines need no timer: expire() runs with every poll, and a late release
  // of a lost PDU's rows is harmless.
  return limiter_.deadline();
}

void ChangeNotifier::poll() {
  const auto now = clock_();
  for (Notification& n : echoes_.expire(now))
    queue(std::move(n));
  for (Notification& n : limiter_.due(now))
    queue(std::move(n));
}

std::vector<Notification> ChangeNotifier::take() {
  std::vector<Notification> out(std::make_move_iterator(outbox_.begin()),
                                std::make_move_iterator(outbox_.end()));
  outbox_.clear();
  return out;
}

NotifierCounters ChangeNotifier::counters() const {
  NotifierCounters c = counters_;
  c.coalesced = limiter_.coalesced();
  return c;
}

void ChangeNotifier::queue(Notification notification) {
  if (outbox_.size() >= options_.outboxLimit) {
    ++counters_.dropped;
    return;
  }
  outbox_.push_back(std::move(notification));
}

RowEvent rowEventOf(platform::ChangeKind kind) {
  switch (kind) {
  case platform::ChangeKind::Add: return RowEvent::Added;
  case platform::ChangeKind::Delete: return RowEvent::Removed;
  case platform::ChangeKind::ParameterChange: return RowEvent::Changed;
  }
  return RowEvent::Changed;
}

std::optional<RowSnapshot> snapshotRow(const MibObject& table, const WatchSpec& spec,
                                       std::optional<Oid> index) {
  if (!index) return std::nullopt;
  // The announced columns carry no time, so any context does.
  const RequestContext context = RequestContext::current(platform::Timestamp{});
  RowSnapshot snapshot{std::move(*index), {}};
  for (SubId column : spec.columns) {
    Oid suffix{column};
    suffix.append(snapshot.index);
    GetResult result = table.get(suffix.view(), context);
    if (auto* value = std::get_if<Value>(&result))
      snapshot.values.push_back({spec.entry + suffix, std::move(*value)});
  }
  return snapshot;
}

std::optional<RowEvent> eventBetween(const std::optional<RowSnapshot>& before,
                                     const std::optional<RowSnapshot>& after, const WatchSpec& spec) {
  if (!before && !after) return std::nullopt;
  if (!before) return RowEvent::Added;
  if (!after) return RowEvent::Removed;
  if (before->index != after->index) return RowEvent::Changed; // served under another index now
  auto valueOf = [](const RowSnapshot& s, const Oid& oid) -> const Value* {
    for (const VarBind& vb : s.values)
      if (vb.oid == oid) return &vb.value;
    return nullptr;
  };
  for (SubId column : spec.significant) {
    Oid oid = spec.entry + Oid{column};
    oid.append(after->index);
    const Value* a = valueOf(*before, oid);
    const Value* b = valueOf(*after, oid);
    if ((a == nullptr) != (b == nullptr) || (a != nullptr && !(*a == *b))) return RowEvent::Changed;
  }
  return std::nullopt;
}

Notification rowNotification(const Oid& trapOid, RowEvent event, const RowSnapshot& snapshot) {
  Notification n{trapOid, {}};
  n.varbinds.reserve(snapshot.values.size() + 1);
  n.varbinds.push_back({NotificationOids::changeKind(), Value::integer32(std::int32_t(event))});
  n.varbinds.insert(n.varbinds.end(), snapshot.values.begin(), snapshot.values.end());
  return n;
}

} // namespace ipmibd::tables
