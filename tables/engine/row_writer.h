// RowWriter: what a table unit implements to make its objects writable, and the SET error and
// backend-action vocabulary it shares with the SET engine (set_request.h); no SNMP library types.
#pragma once

#include "platform/status.h"
#include "tables/engine/oid.h"
#include "tables/engine/request_context.h"
#include "tables/engine/value.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ipmibd::tables {

class MibObject;

// The RFC 3416 error-status values a SET can end with (the agent maps them to SNMP_ERR_*).
enum class SetError : std::uint8_t {
  NoError,
  NoCreation,
  NotWritable,
  WrongType,
  WrongLength,
  WrongValue,
  InconsistentName,
  InconsistentValue,
  ResourceUnavailable,
  CommitFailed,
  UndoFailed,
  GenErr,
};
std::string_view toString(SetError error);

// Which varbind of the PDU a write came from: the agent's own numbering (Net-SNMP's request index),
// handed back in error reports so the manager gets the right error-index.
using VarbindId = int;

// Where RESERVE1 placed one varbind: the row it belongs to (varbinds of one writer with equal
// `row` are checked and applied together) and the column (or scalar) it writes.
struct WriteTarget {
  Oid row;
  SubId column = 0;
};

// One varbind of a row, as RowWriter::plan sees it (in PDU order).
struct ColumnWrite {
  SubId column;
  Value value;
  VarbindId varbind;
};

// One change to the platform (or to the agent's own pending-row store), planned in RESERVE2 and run
// in ACTION. `recheck` runs for every action of the PDU before the first `apply`: it reports an
// out-of-band change since planning (InconsistentValue) or an unreadable state
// (ResourceUnavailable), so nothing is applied on top of state the checks never saw. `apply` must
// leave everything untouched when it fails; `undo` reverses a successful `apply`.
struct WriteAction {
  // Execution classes, in this order within a PDU: deletions first (they free keys and
  // resources later changes may need), then modifications of existing rows, then creations.
  enum class Order : std::uint8_t { Delete = 0, Modify = 1, Create = 2 };

  Order order = Order::Modify;
  std::string description; // "create route 10.0.0.0/8 via 192.0.2.1 ...", for logs
  std::function<SetError()> recheck;
  std::function<platform::Result()> apply;
  std::function<platform::Result()> undo; // empty: nothing to undo
  // Runs at COMMIT, after every action of the PDU was applied and no undo can come any more (in
  // plan order; empty: nothing to do). For bookkeeping that must only follow a change that stays,
  // e.g. the list of nonVolatile rows; it cannot fail.
  std::function<void()> commit;
  std::size_t write = 0; // which ColumnWrite of the row an error is reported on
};

// The write side of one or more MibObjects. Checks must be complete: everything that can be known
// from the PDU and the current state is refused here, so ACTION only fails on platform refusals.
class RowWriter {
public:
  virtual ~RowWriter() = default;

  // RESERVE1, one varbind: `suffix` is the OID below `object.base()`. Checks what the varbind alone
  // decides: instance and column (noCreation, notWritable), syntax (wrongType, wrongLength), value
  // (wrongValue) and index consistency (inconsistentName). Fills `target` on success.
  virtual SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                         WriteTarget& target) = 0;

  // RESERVE2, all varbinds of one row together, against the current state (inconsistentValue,
  // resourceUnavailable, ...). Appends the actions that make the change; on failure sets
  // `failedWrite` to the index in `writes` the error belongs to.
  virtual SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                        std::vector<WriteAction>& actions, std::size_t& failedWrite) = 0;

  // The rows (full entry OID + index) whose change notifications announce the write of `writes` to
  // `row` of `object`, besides `object`'s own row: a deprecated view's writes are announced by the
  // row of the table it views, which the SET echo filter must then hold as well. Called after a
  // successful plan() of the PDU (RESERVE2), against the same state, so the row may depend on the
  // current rows and on the other columns of the PDU (e.g. a new route's interface). Default: none.
  virtual void announcingRows(const MibObject& object, const Oid& row, std::span<const ColumnWrite> writes,
                              std::vector<Oid>& out) const {
    (void)object, (void)row, (void)writes, (void)out;
  }
};

// Syntax check shared by all writers: the value's syntax must be the column's (Unsigned32 and
// Gauge32 share one BER tag and are interchangeable); an IpAddress must have 4 bytes.
SetError checkSyntax(Syntax column, const Value& value);

} // namespace ipmibd::tables
