// runSetPdu: drives one SET PDU through every SetRequest phase, as the agent does, for the SET tests.
#pragma once

#include "tables/set_request.h"

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

} // namespace ipmibd::tables::testing
