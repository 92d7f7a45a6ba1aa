// The SET transaction: grouping varbinds per row, the defined apply order, rollback and its report.
#include "tables/engine/set_request.h"

#include <algorithm>

namespace ipmibd::tables {

std::string_view toString(SetError error) {
  switch (error) {
  case SetError::NoError: return "noError";
  case SetError::NoCreation: return "noCreation";
  case SetError::NotWritable: return "notWritable";
  case SetError::WrongType: return "wrongType";
  case SetError::WrongLength: return "wrongLength";
  case SetError::WrongValue: return "wrongValue";
  case SetError::InconsistentName: return "inconsistentName";
  case SetError::InconsistentValue: return "inconsistentValue";
  case SetError::ResourceUnavailable: return "resourceUnavailable";
  case SetError::CommitFailed: return "commitFailed";
  case SetError::UndoFailed: return "undoFailed";
  case SetError::GenErr: return "genErr";
  }
  return "?";
}

SetError checkSyntax(Syntax column, const Value& value) {
  auto unsignedLike = [](Syntax s) { return s == Syntax::Unsigned32 || s == Syntax::Gauge32; };
  if (value.syntax() != column && !(unsignedLike(value.syntax()) && unsignedLike(column)))
    return SetError::WrongType;
  if (column == Syntax::IpAddress && value.asBytes().size() != 4) return SetError::WrongLength;
  return SetError::NoError;
}

SetError SetRequest::add(VarbindId varbind, const MibObject& object, const Oid& oid, const Value& value) {
  ++varbinds_;
  RowWriter* writer = object.writer();
  SetError error = SetError::NotWritable;
  WriteTarget target;
  if (state_ != State::Collecting)
    error = SetError::GenErr; // a varbind after RESERVE1: the agent mixed up two PDUs
  else if (writer)
    error = writer->check(object, oid.suffixAfter(object.base()), value, target);
  if (error != SetError::NoError) {
    refused_ = true;
    return error;
  }
  auto group = std::find_if(groups_.begin(), groups_.end(),
                            [&](const Group& g) { return g.writer == writer && g.row == target.row; });
  if (group == groups_.end())
    group = groups_.insert(groups_.end(), Group{writer, &object, std::move(target.row), {}});
  group->writes.push_back({target.column, value, varbind});
  return SetError::NoError;
}

SetOutcome SetRequest::prepare(const RequestContext& context) {
  if (state_ != State::Collecting || refused_) {
    state_ = State::Failed;
    return {SetError::GenErr, 0, "RESERVE2 without a successful RESERVE1"};
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    Group& group = groups_[g];
    std::vector<WriteAction> actions;
    std::size_t failed = 0;
    const SetError error = group.writer->plan(group.row, group.writes, context, actions, failed);
    if (error != SetError::NoError) {
      plan_.clear();
      state_ = State::Failed;
      const VarbindId at = group.writes[std::min(failed, group.writes.size() - 1)].varbind;
      return {error, at, {}};
    }
    if (SetOutcome conflict = claimRows(g, !actions.empty()); !conflict.ok()) {
      plan_.clear();
      state_ = State::Failed;
      return conflict;
    }
    for (WriteAction& action : actions) {
      const VarbindId at = group.writes[std::min(action.write, group.writes.size() - 1)].varbind;
      plan_.push_back({std::move(action), at, g});
    }
  }
  // Groups were created in PDU order of their first varbind, so a stable sort by class keeps
  // that order within each class.
  std::stable_sort(plan_.begin(), plan_.end(),
                   [](const Planned& a, const Planned& b) { return a.action.order < b.action.order; });
  state_ = State::Prepared;
  return {};
}

std::string SetRequest::rollBack(std::size_t count, std::vector<std::string>& remaining) {
  std::string failures;
  for (std::size_t i = count; i-- > 0;) {
    const WriteAction& action = plan_[i].action;
    if (!action.undo) continue;
    const platform::Result undone = action.undo();
    if (undone.ok()) continue;
    remaining.push_back(action.description);
    failures += (failures.empty() ? "" : "; ") +
                ("undo of '" + action.description + "' failed: " + undone.toString());
  }
  return failures;
}

SetOutcome SetRequest::execute() {
  if (state_ != State::Prepared) return {SetError::GenErr, 0, "ACTION without a successful RESERVE2"};
  // First every recheck: an out-of-band change found here costs nothing to refuse.
  for (const Planned& planned : plan_) {
    if (!planned.action.recheck) continue;
    if (const SetError error = planned.action.recheck(); error != SetError::NoError) {
      state_ = State::Failed;
      return {error, planned.varbind,
              "state changed since the SET was checked, nothing applied: " + planned.action.description};
    }
  }
  for (applied_ = 0; applied_ < plan_.size(); ++applied_) {
    const Planned& planned = plan_[applied_];
    const platform::Result result = planned.action.apply();
    if (result.ok()) continue;
    std::vector<std::string> remaining;
    const std::string failures = rollBack(applied_, remaining);
    state_ = State::Failed;
    std::string message = "'" + planned.action.description + "' failed: " + result.toString() + "; ";
    if (failures.empty()) {
      message += "rolled back " + std::to_string(applied_) + " earlier change(s), state is as before";
      return {SetError::CommitFailed, planned.varbind, message};
    }
    message += failures + "; still applied:";
    for (const std::string& change : remaining)
      message += " [" + change + "]";
    return {SetError::UndoFailed, planned.varbind, message};
  }
  state_ = State::Applied;
  return {};
}

void SetRequest::commit() {
  if (state_ == State::Applied) {
    state_ = State::Committed;
    for (const Planned& planned : plan_)
      if (planned.action.commit) planned.action.commit();
  }
  plan_.clear();
}

SetOutcome SetRequest::undo() {
  if (state_ != State::Applied) {
    // Nothing of ours is applied (ACTION failed and rolled back itself, or never ran).
    if (state_ != State::Failed) state_ = State::Undone;
    return {};
  }
  std::vector<std::string> remaining;
  const std::string failures = rollBack(plan_.size(), remaining);
  state_ = State::Undone;
  if (failures.empty()) return {};
  std::string message = failures + "; still applied:";
  for (const std::string& change : remaining)
    message += " [" + change + "]";
  return {SetError::UndoFailed, plan_.empty() ? 0 : plan_.front().varbind, message};
}

void SetRequest::discard() {
  plan_.clear();
  groups_.clear();
  if (state_ != State::Committed && state_ != State::Applied) state_ = State::Discarded;
}

SetOutcome SetRequest::claimRows(std::size_t g, bool changes) {
  const Group& group = groups_[g];
  std::vector<Oid> rows;
  group.writer->announcingRows(*group.object, group.row, group.writes, rows);
  if (changes) {
    // The group's own row and the rows announcing it, which another table's group may name too
    // (a deprecated view and the table it views, or two views of one route).
    Oid own = group.object->base();
    own.append(group.row);
    auto claim = [&](const Oid& row) -> SetOutcome {
      const auto earlier =
          std::find_if(claimed_.begin(), claimed_.end(), [&](const auto& c) { return c.first == row; });
      if (earlier != claimed_.end() && earlier->second != g)
        return {SetError::InconsistentValue, group.writes.front().varbind,
                "row " + row.toString() + " is written through two tables in one PDU (" +
                    std::string(groups_[earlier->second].object->name()) + " and " +
                    std::string(group.object->name()) + ")"};
      if (earlier == claimed_.end()) claimed_.emplace_back(row, g);
      return {};
    };
    if (SetOutcome c = claim(own); !c.ok()) return c;
    for (const Oid& row : rows)
      if (SetOutcome c = claim(row); !c.ok()) return c;
  }
  for (Oid& row : rows)
    if (std::find(announcing_.begin(), announcing_.end(), row) == announcing_.end())
      announcing_.push_back(std::move(row));
  return {};
}

void SetRequest::announcingRows(std::vector<Oid>& out) const {
  if (state_ != State::Prepared && state_ != State::Applied && state_ != State::Committed) return;
  for (const Oid& row : announcing_)
    if (std::find(out.begin(), out.end(), row) == out.end()) out.push_back(row);
}

std::vector<std::string> SetRequest::planDescription() const {
  std::vector<std::string> out;
  for (const Planned& planned : plan_)
    out.push_back(planned.action.description);
  return out;
}

} // namespace ipmibd::tables
