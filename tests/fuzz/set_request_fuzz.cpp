// Fuzz target: the SET engine (SetRequest) driving every writer with random multi-varbind PDUs over
// the simulator, with optional platform faults injected into RESERVE2 or ACTION. Oracles: no crash;
// a PDU that is refused (any phase, any error) leaves the platform state AND everything the agent
// serves exactly as before; undoFailed never happens (at most one fault is injected per PDU, so
// every rollback must succeed).
#include "tables/engine/set_request.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/table_lab.h"

using namespace ipmibd::tables;
using ipmibd::fuzz::ByteReader;
using ipmibd::fuzz::TableLab;
using ipmibd::platform::Status;
using ipmibd::platform::sim::Operation;

namespace {

constexpr int kOperations = int(Operation::GetBestRoute) + 1;

struct Varbind {
  const MibObject* object;
  Oid oid;
  Value value;
};

// Where a fault is armed: not at all, before RESERVE2 (prepare's reads) or before ACTION.
enum class FaultAt { None, Prepare, Execute };

// What the platform holds and the agent serves before a PDU (the same after a refused one, so it is
// only re-read after an applied PDU or a clock move: the walks are most of the target's cost).
struct Snapshot {
  ipmibd::fuzz::PlatformState platform;
  std::vector<VarBind> mib;
};
Snapshot snapshot(TableLab& lab) { return {lab.platformState(), lab.walkWritable()}; }

// Runs one PDU the way the agent does (agent/set_transactions.cpp); true when it was applied.
bool runPdu(TableLab& lab, const Snapshot& before, const std::vector<Varbind>& varbinds, FaultAt faultAt,
            Operation faultOp) {
  const ipmibd::fuzz::PlatformState& platformBefore = before.platform;
  const std::vector<VarBind>& mibBefore = before.mib;
  std::string pdu;
  for (const Varbind& v : varbinds)
    pdu += "  " + v.oid.toString() + " = " + v.value.toString() + "\n";

  SetRequest request;
  SetOutcome outcome;
  VarbindId id = 0;
  for (const Varbind& v : varbinds)
    if (SetError e = request.add(++id, *v.object, v.oid, v.value); e != SetError::NoError && outcome.ok())
      outcome = {e, id, "RESERVE1"};
  const auto arm = [&](FaultAt at) {
    if (faultAt == at) lab.backend().injectFault(faultOp, Status::GeneralFailure, 1, "fuzz fault");
  };
  if (outcome.ok()) {
    arm(FaultAt::Prepare);
    outcome = request.prepare(lab.context());
  }
  if (outcome.ok()) {
    arm(FaultAt::Execute);
    outcome = request.execute();
    FUZZ_CHECK(outcome.error != SetError::UndoFailed, "PDU:\n" + pdu + outcome.message);
  }
  if (outcome.ok())
    request.commit();
  else
    request.discard();
  lab.backend().clearFaults();
  lab.settle();
  if (outcome.ok()) return true;

  const ipmibd::fuzz::PlatformState platformAfter = lab.platformState();
  FUZZ_CHECK(platformAfter == platformBefore, "refused PDU (" + std::string(toString(outcome.error)) + ", " +
                                                  outcome.message + ") changed the platform:\n" + pdu +
                                                  TableLab::difference(platformBefore, platformAfter));
  const std::vector<VarBind> mibAfter = lab.walkWritable();
  FUZZ_CHECK(mibAfter == mibBefore, "refused PDU (" + std::string(toString(outcome.error)) + ", " +
                                        outcome.message + ") changed what the agent serves:\n" + pdu +
                                        TableLab::difference(mibBefore, mibAfter));
  return false;
}

} // namespace

// Input: varbind records [flags][object selector][sub-identifier count][sub-identifiers][value].
// flags bit 0: the PDU ends after this varbind; bits 1-2: fault none/RESERVE2/ACTION/none, with the
// operation from the next byte; bits 4-7: minutes the clock moves after the PDU (row expiry).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TableLab lab;
  const auto& objects = lab.objects();
  ByteReader in({data, size});
  std::vector<Varbind> pdu;
  int pdus = 0;
  Snapshot before = snapshot(lab);
  while (!in.empty() && pdus < 16) {
    const std::uint8_t flags = in.u8();
    const MibObject* object = objects[in.u8() % objects.size()];
    Oid oid = object->base() + in.subIds(in.u8());
    pdu.push_back({object, std::move(oid), in.value()});
    if (!(flags & 1) && !in.empty() && pdu.size() < 32) continue;
    const FaultAt faultAt = FaultAt((flags >> 1 & 3) % 3);
    const Operation faultOp = faultAt == FaultAt::None ? Operation::Any : Operation(in.u8() % kOperations);
    bool changed = runPdu(lab, before, pdu, faultAt, faultOp);
    pdu.clear();
    ++pdus;
    if (flags >> 4) {
      lab.advance(std::chrono::minutes(flags >> 4));
      changed = true;
    }
    if (changed) before = snapshot(lab);
  }
  return 0;
}
