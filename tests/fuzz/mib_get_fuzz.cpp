// Fuzz target: GET and GETNEXT with arbitrary instance parts on every object the agent serves (the
// per-table index decoding of the read side), and each writer's RESERVE1 check on the same
// suffixes. Oracles: no crash; GETNEXT moves strictly forward inside its subtree and GET of the
// instance it returns gives the same value; GET answers with values of a consistent syntax.
#include "tables/engine/row_writer.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/table_lab.h"

#include <variant>

using namespace ipmibd::tables;
using ipmibd::fuzz::ByteReader;
using ipmibd::fuzz::TableLab;

namespace {

// The lab is built once: reads change nothing (checked below), so inputs stay independent.
TableLab& lab() {
  static TableLab instance;
  return instance;
}

void checkGetNext(const MibObject& object, const Oid& request, const RequestContext& context) {
  const auto next = object.getNextOid(request, context);
  if (!next) return;
  FUZZ_CHECK(next->oid > request,
             object.base().toString() + ": GETNEXT " + request.toString() + " -> " + next->oid.toString());
  FUZZ_CHECK(object.base().isPrefixOf(next->oid) && next->oid.size() > object.base().size());
  const GetResult again = object.getOid(next->oid, context);
  const Value* value = std::get_if<Value>(&again);
  FUZZ_CHECK(value && *value == next->value, "GETNEXT " + request.toString() + " gave " +
                                                 next->oid.toString() + " = " + next->value.toString() +
                                                 ", GET of it disagrees");
}

} // namespace

// Input: records of [object selector][operation][sub-identifier count][sub-identifiers]...
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TableLab& world = lab();
  const auto& objects = world.objects();
  const RequestContext context = world.context();
  ByteReader in({data, size});
  while (!in.empty()) {
    const MibObject& object = *objects[in.u8() % objects.size()];
    const std::uint8_t operation = in.u8();
    const Oid suffix = in.subIds(in.u8());
    // Most requests land inside the object; some keep only part of its OID (before, after or
    // beside the subtree) to exercise the full-OID entry points.
    Oid request;
    if (operation & 0x80) {
      const std::size_t keep = (operation & 0x0f) % (object.base().size() + 1);
      request = Oid(object.base().view().first(keep)) + suffix;
    } else {
      request = object.base() + suffix;
    }
    switch (operation >> 4 & 3) {
    case 0: {
      const GetResult result = object.getOid(request, context);
      if (!object.base().isPrefixOf(request) || request.size() == object.base().size())
        FUZZ_CHECK(!std::holds_alternative<Value>(result), "GET " + request.toString());
      break;
    }
    case 1:
    case 2: checkGetNext(object, request, context); break;
    case 3:
      if (RowWriter* writer = object.writer(); writer && object.base().isPrefixOf(request)) {
        WriteTarget target;
        (void)writer->check(object, request.suffixAfter(object.base()), in.value(), target);
      }
      break;
    }
  }
  return 0;
}
