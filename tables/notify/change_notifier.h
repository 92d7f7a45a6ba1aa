// ChangeNotifier: turns the changes the table units apply into notifications (per row, or
// coalesced under storms), minus the echoes of undone SETs, into an outbox the agent sends from.
#pragma once

#include "tables/engine/row_observer.h"
#include "tables/notify/notification.h"
#include "tables/notify/notification_limiter.h"
#include "tables/notify/set_echo_filter.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace ipmibd::tables {

struct NotifierOptions {
  NotifyKinds tables{true, true, true, true};
  std::uint32_t ratePerSecond = 50;
  bool announceSnmpChanges = true; // changes made through our own SETs
  // Notifications waiting for the sender beyond this are dropped (the loop sends every round, so
  // this only fills when sending stalls).
  std::size_t outboxLimit = 10000;
  // Set when several notifiers (one per routing instance) share ratePerSecond: the process's one.
  std::shared_ptr<SharedNotificationRate> sharedRate;
};

struct NotifierCounters {
  std::uint64_t sent = 0;       // handed to the master
  std::uint64_t coalesced = 0;  // changes announced only in a summary
  std::uint64_t suppressed = 0; // echoes of refused/undone (or unannounced) SETs
  std::uint64_t dropped = 0;    // master away, or outbox full
};

class ChangeNotifier {
public:
  using Clock = std::chrono::steady_clock;

  ChangeNotifier(NotifierOptions options, std::function<Clock::time_point()> clock);

  const NotifierOptions& options() const { return options_; }
  bool wants(NotifyTable table) const {
    return table == NotifyTable::Link || options_.tables[std::size_t(table) - 1];
  }

  // For watchers, per applied change. saturated(): true when per-row notifications are off for
  // now; the change has then been counted for the summary (O(1), no index computed).
  bool saturated(NotifyTable table, platform::ChangeKind kind);
  // A served row changed; `row` is its entry OID + index (see SetEchoFilter).
  void emit(NotifyTable table, RowEvent event, const Oid& row, Notification notification);

  // The SET engine's view: a PDU is about to change `rows` / has ended (committed or not).
  void setBegan(std::span<const Oid> rows);
  void setEnded(std::span<const Oid> rows, bool committed);

  // Timed work: summaries of ended windows, held notifications of PDUs that never ended.
  std::optional<Clock::time_point> deadline() const;
  void poll();

  // The sender takes everything ready and reports what became of each.
  std::vector<Notification> take();
  bool hasOutput() const { return !outbox_.empty(); }
  void countSent(std::uint64_t n = 1) { counters_.sent += n; }
  void countDropped(std::uint64_t n = 1) { counters_.dropped += n; }
  NotifierCounters counters() const;

private:
  void queue(Notification notification);

  NotifierOptions options_;
  std::function<Clock::time_point()> clock_;
  NotificationLimiter limiter_;
  SetEchoFilter echoes_;
  std::deque<Notification> outbox_;
  NotifierCounters counters_;
};

// What a watcher reports of one table: which table, the entry OID, the columns (in varbind
// order) and which of them make a value change worth a "changed" notification.
struct WatchSpec {
  NotifyTable table;
  Oid entry;
  std::span<const SubId> columns;
  std::span<const SubId> significant;
  // The notification per event; empty: that event is not announced (interfaces: changes only).
  std::array<Oid, 3> notifications; // added, changed, removed
};

RowEvent rowEventOf(platform::ChangeKind kind);

// The varbinds of a row: ipmibdNotifyChangeKind.0, then entry.column.index for every column
// the table serves a value for.
struct RowSnapshot {
  Oid index;
  std::vector<VarBind> values;
};
std::optional<RowSnapshot> snapshotRow(const MibObject& table, const WatchSpec& spec,
                                       std::optional<Oid> index);
// The event between two snapshots of one platform row, nullopt when nothing worth telling changed.
std::optional<RowEvent> eventBetween(const std::optional<RowSnapshot>& before,
                                     const std::optional<RowSnapshot>& after, const WatchSpec& spec);
Notification rowNotification(const Oid& trapOid, RowEvent event, const RowSnapshot& snapshot);

// The RowObserver a table unit calls: `Unit` offers indexOf(row) (the served index, nullopt when
// not served) and its MibTable. Work per change under a storm: one saturated() call.
template <class Unit, class Row> class TableWatch final : public RowObserver<Row> {
public:
  TableWatch(ChangeNotifier& notifier, const Unit& unit, const MibObject& table, WatchSpec spec)
      : notifier_(notifier), unit_(unit), table_(table), spec_(std::move(spec)) {}

  bool before(platform::ChangeKind kind, const Row& row) override {
    if (!notifier_.wants(spec_.table) || notifier_.saturated(spec_.table, kind)) return false;
    before_ = snapshotRow(table_, spec_, unit_.indexOf(row));
    return true;
  }
  void after(platform::ChangeKind, const Row& row) override {
    std::optional<RowSnapshot> after = snapshotRow(table_, spec_, unit_.indexOf(row));
    const std::optional<RowEvent> event = eventBetween(before_, after, spec_);
    if (!event) return;
    const Oid& trapOid = spec_.notifications[std::size_t(*event) - 1];
    if (trapOid.empty()) return;
    const RowSnapshot& shown = *event == RowEvent::Removed ? *before_ : *after;
    notifier_.emit(spec_.table, *event, spec_.entry + shown.index, rowNotification(trapOid, *event, shown));
  }

private:
  ChangeNotifier& notifier_;
  const Unit& unit_;
  const MibObject& table_;
  WatchSpec spec_;
  std::optional<RowSnapshot> before_;
};

} // namespace ipmibd::tables
