// SetEchoFilter: recognises the platform's echoes of changes made by our own SETs, so that a SET
// that was refused or undone announces nothing and committed ones are announced only if wanted.
#pragma once

#include "tables/notify/notification.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace ipmibd::tables {

// Rows are named by their entry OID and index (the instance OID without the column). A SET's
// rows are "pending" from ACTION until the PDU ends: the kernel may report the change (and the
// undo of it) before the master's CleanupSet or UndoSet arrives, so notifications for pending
// rows are held. When the PDU ends:
//   kept (committed, and SET changes are announced): the held notifications go out;
//   otherwise (refused, failed, undone, or committed but not announced): they are dropped, and
//   so is anything for those rows during the next kEchoWindow (echoes still in flight).
// The price: an out-of-band change of the same row within that window is not announced either.
class SetEchoFilter {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kEchoWindow = std::chrono::seconds(2);
  // A PDU whose end never comes (the master vanished) releases its rows after this.
  static constexpr Clock::duration kPendingLimit = std::chrono::seconds(30);

  enum class Verdict : std::uint8_t { Send, Held, Suppressed };

  void begin(std::span<const Oid> rows, Clock::time_point now);
  // Ends the PDU that began with `rows`; returns the held notifications that may go out now and
  // adds the dropped ones to `suppressed`.
  std::vector<Notification> end(std::span<const Oid> rows, bool keep, Clock::time_point now,
                                std::uint64_t& suppressed);
  // What to do with a notification for `row`; on Held the filter keeps `notification`.
  Verdict offer(const Oid& row, Notification& notification, Clock::time_point now);
  // Releases rows whose PDU never ended and forgets expired suppressions; returns what was held.
  std::vector<Notification> expire(Clock::time_point now);
  std::size_t size() const { return rows_.size(); }

private:
  struct RowState {
    std::uint32_t pending = 0;  // PDUs between begin and end that touch the row
    Clock::time_point deadline; // pending: give up then; else: suppress until then
    std::vector<Notification> held;
  };
  std::map<Oid, RowState> rows_;
};

} // namespace ipmibd::tables
