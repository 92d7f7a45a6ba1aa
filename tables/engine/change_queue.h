// ChangeQueue: a table unit's pending work (the initial snapshot, then notified change batches),
// applied in arrival order a budget at a time so a million rows never block request service.
#pragma once

#include "platform/backend.h"

#include <chrono>
#include <cstddef>
#include <deque>
#include <span>
#include <vector>

namespace ipmibd::tables {

template <class Row> class ChangeQueue {
public:
  // The initial table dump, applied as Adds before any change queued afterwards. Call it right
  // after subscribing: changes delivered later are newer than the dump, and replaying a change
  // the dump already reflects is harmless (upsert/erase are idempotent).
  void loadSnapshot(std::vector<Row> rows) {
    snapshot_ = std::move(rows);
    snapshotNext_ = 0;
  }
  void push(std::span<const platform::Change<Row>> changes) {
    changes_.insert(changes_.end(), changes.begin(), changes.end());
  }
  // A batch of a backend's initial load (Backend::routesLoading()) the unit could not apply on
  // delivery: queued like changes (the backend publishes the load before any change), but it
  // counts as loading until applied.
  void pushLoad(std::span<const platform::Change<Row>> changes) {
    push(changes);
    loadQueued_ += changes.size();
  }

  bool empty() const { return snapshotNext_ >= snapshot_.size() && changes_.empty(); }
  std::size_t pending() const { return (snapshot_.size() - snapshotNext_) + changes_.size(); }
  // The snapshot, or rows of a load pushed by pushLoad, are not all applied yet.
  bool loadingSnapshot() const { return snapshotNext_ < snapshot_.size() || loadQueued_ != 0; }
  // Rows of memory the dump still holds (its vector's capacity): 0 once drain() has applied it.
  std::size_t heldSnapshotRows() const { return snapshot_.capacity(); }

  // Calls apply(ChangeKind, const Row&) for queued work in order until the queue is empty or
  // `budget` has elapsed (checked every few rows, so one call overruns by at most a few rows'
  // work). Returns true while work remains.
  template <class Apply> bool drain(std::chrono::steady_clock::duration budget, Apply&& apply) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    std::size_t done = 0;
    auto timeUp = [&] { return (++done % kCheckEvery) == 0 && std::chrono::steady_clock::now() >= deadline; };
    while (snapshotNext_ < snapshot_.size()) {
      // Advanced after apply: loadingSnapshot() stays true while the dump's last row is applied.
      apply(platform::ChangeKind::Add, snapshot_[snapshotNext_]);
      ++snapshotNext_;
      if (timeUp()) return !empty();
    }
    if (snapshot_.capacity() != 0) { // done with the dump: give its memory back (even an empty one's)
      std::vector<Row>().swap(snapshot_);
      snapshotNext_ = 0;
    }
    while (!changes_.empty()) {
      apply(changes_.front().kind, changes_.front().row);
      changes_.pop_front();
      if (loadQueued_ != 0) --loadQueued_; // after apply, as for the snapshot
      if (timeUp()) return !empty();
    }
    return false;
  }

private:
  static constexpr std::size_t kCheckEvery = 64;
  std::vector<Row> snapshot_;
  std::size_t snapshotNext_ = 0;
  std::size_t loadQueued_ = 0; // changes_' first entries that are load rows
  std::deque<platform::Change<Row>> changes_;
};

} // namespace ipmibd::tables
