// SetRequest: one SET PDU as an all-or-nothing transaction over RowWriters, following Net-SNMP's
// phases (RESERVE1, RESERVE2, ACTION, COMMIT / UNDO / FREE) without any Net-SNMP type.
#pragma once

#include "tables/engine/mib_object.h"
#include "tables/engine/row_writer.h"

#include <string>
#include <utility>
#include <vector>

namespace ipmibd::tables {

// How a phase ended: the error, the varbind it belongs to (error-index), and for the log what
// happened, in particular after a failed ACTION or UNDO exactly which changes remain applied.
struct SetOutcome {
  SetError error = SetError::NoError;
  VarbindId varbind = 0;
  std::string message;
  bool ok() const { return error == SetError::NoError; }
};

// Lifecycle (each call in its phase, once per PDU, whatever the number of registrations involved):
//   add() per varbind       RESERVE1  per-varbind checks, grouping by (writer, row)
//   prepare()               RESERVE2  row-level checks against current state; builds the plan
//   execute()               ACTION    rechecks every action, then applies them in plan order;
//                                     on a failure undoes the applied ones (commitFailed /
//                                     undoFailed)
//   commit()                COMMIT    runs the actions' commit hooks in plan order, then
//                                     forgets the undo information
//   undo()                  UNDO      reverses a successful execute() (another part of the PDU,
//                                     e.g. another subagent, failed)
//   discard()               FREE      drops the plan; nothing was applied
// Plan order: all Delete actions, then Modify, then Create; within a class in the PDU order of
// each row's first varbind. Undo runs in the exact reverse of what was applied.
class SetRequest {
public:
  enum class State : std::uint8_t { Collecting, Prepared, Applied, Committed, Failed, Undone, Discarded };

  // RESERVE1 for one varbind. `oid` must lie below object.base() (the agent routed it there).
  SetError add(VarbindId varbind, const MibObject& object, const Oid& oid, const Value& value);
  SetOutcome prepare(const RequestContext& context);
  SetOutcome execute();
  void commit();
  SetOutcome undo();
  void discard();

  State state() const { return state_; }
  std::size_t varbindCount() const { return varbinds_; }
  // After a successful prepare(): appends the rows of other tables that announce the PDU's changes
  // (RowWriter::announcingRows of every row written, as planned), for the SET echo filter;
  // duplicates skipped. One row written through two tables in one PDU is refused by prepare().
  void announcingRows(std::vector<Oid>& out) const;
  // The planned actions' descriptions in execution order (after prepare()), for logs and tests.
  std::vector<std::string> planDescription() const;

private:
  struct Group {
    RowWriter* writer;
    const MibObject* object; // of the row's first varbind
    Oid row;
    std::vector<ColumnWrite> writes;
  };
  struct Planned {
    WriteAction action;
    VarbindId varbind;
    std::size_t group;
  };
  // After groups_[g] was planned: collects the rows announcing its changes and, when it changes
  // something, claims its own row and those; a row an earlier group of another table claimed is
  // refused (inconsistentValue on this group's first varbind): two tables writing one row (e.g.
  // inetCidrRouteStatus and ipCidrRouteStatus destroying one route) would plan the same change
  // twice against the same state, and the second would fail in ACTION.
  SetOutcome claimRows(std::size_t g, bool changes);
  // Undoes plan_[0, count) in reverse; returns the failures' text, empty when all were undone.
  std::string rollBack(std::size_t count, std::vector<std::string>& remaining);

  State state_ = State::Collecting;
  std::size_t varbinds_ = 0;
  bool refused_ = false; // a RESERVE1 check failed: the PDU will not proceed
  std::vector<Group> groups_;
  std::vector<Planned> plan_;
  std::vector<std::pair<Oid, std::size_t>> claimed_; // rows changed, by the group changing them
  std::vector<Oid> announcing_;                      // RowWriter::announcingRows of every group
  std::size_t applied_ = 0;
};

} // namespace ipmibd::tables
