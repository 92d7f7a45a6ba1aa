// runSetPdu: drives one SET PDU through every SetRequest phase, as the agent does, for the SET tests;
// SetPduDriver gives a test fixture the PDU-building calls on top of it.
#pragma once

#include "tables/engine/set_request.h"

#include <cstdint>
#include <tuple>
#include <vector>

namespace ipmibd::tables::testing {

using Varbind = std::tuple<const MibObject*, Oid, Value>;

// RESERVE (add + prepare), ACTION (execute), then COMMIT on success or discard on a refusal; returns
// the outcome of the first failing phase. Varbind ids are 1-based, as SNMP error indexes.
inline SetOutcome runSetPdu(const std::vector<Varbind>& varbinds, const RequestContext& context) {
  SetRequest request;
  int id = 0;
  for (const auto& [object, oid, value] : varbinds) {
    ++id;
    if (SetError e = request.add(id, *object, oid, value); e != SetError::NoError) {
      request.discard();
      return {e, id, {}};
    }
  }
  SetOutcome outcome = request.prepare(context);
  if (!outcome.ok()) {
    request.discard();
    return outcome;
  }
  outcome = request.execute();
  if (outcome.ok()) request.commit();
  return outcome;
}

// RowStatus (RFC 2579) values, for the writable tables' status columns.
enum RowStatusValue : std::int32_t {
  kActive = 1,
  kNotInService = 2,
  kNotReady = 3,
  kCreateAndGo = 4,
  kCreateAndWait = 5,
  kDestroy = 6
};

// CRTP base of a SET test fixture. Derived provides `context` (RequestContext), `settle()` (applies
// the change events a SET caused), `table()` (the MibObject written) and static `col(column, index)`.
template <class Derived> struct SetPduDriver {
  // A whole SET PDU through every phase, then the resulting change events applied.
  SetOutcome set(const std::vector<Varbind>& varbinds) {
    Derived& self = static_cast<Derived&>(*this);
    SetOutcome outcome = runSetPdu(varbinds, self.context);
    self.settle();
    return outcome;
  }
  Varbind vb(SubId column, const Oid& index, Value value) {
    return {&static_cast<Derived&>(*this).table(), Derived::col(column, index), std::move(value)};
  }
  SetOutcome set1(SubId column, const Oid& index, Value value) {
    return set({vb(column, index, std::move(value))});
  }
};

} // namespace ipmibd::tables::testing
