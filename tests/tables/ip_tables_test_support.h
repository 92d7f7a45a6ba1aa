// Test helpers for the IP-MIB table units over the simulator: a settled SimBackend and a full GETNEXT
// walk of one registered object that checks the SNMP ordering as it goes.
#pragma once

#include "platform/sim/sim_backend.h"
#include "tables/engine/mib_object.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ipmibd::tables::testing {

// Lo = 1, v1 = 2, v0 = 3: the namespace Debian's snmpd was walked in (/tmp/refsnmp).
inline constexpr const char* kDebianNamespace = R"(
link add v0 type veth peer v1
link set v0 up
link set v1 up
addr add 192.0.2.1/24 dev v0
addr add 2001:db8:1::1/64 dev v0
)";

// A simulator on its manual clock, so counters and timestamps are predictable.
inline std::unique_ptr<platform::sim::SimBackend> makeSim(const char* scenario = kDebianNamespace) {
  platform::Result error;
  platform::sim::SimOptions options;
  options.manualClock = true;
  auto sim = platform::sim::SimBackend::fromScenario(scenario, "test", error, options);
  INFO(error.toString());
  REQUIRE(sim);
  return sim;
}

// Delivers the simulator's change notifications and lets every unit apply them until all are quiet.
template <class... Units> void settle(platform::sim::SimBackend& sim, Units&... units) {
  for (int i = 0; i < 100; ++i) {
    bool more = sim.dispatch(std::chrono::milliseconds(20));
    ((more = units.applyPending(std::chrono::milliseconds(20)) || more), ...);
    if (!more) return;
  }
  FAIL("did not settle");
}

// Every instance below `object.base()` as "suffix=value", by GETNEXT from the base; fails the test
// unless each answer is strictly greater than the previous one and inside the subtree.
inline std::vector<std::string> walk(const MibObject& object, const RequestContext& context) {
  std::vector<std::string> out;
  Oid at = object.base();
  while (auto vb = object.getNextOid(at, context)) {
    INFO(at.toString() + " -> " + vb->oid.toString());
    REQUIRE(vb->oid > at);
    REQUIRE(object.base().isPrefixOf(vb->oid));
    out.push_back(Oid(vb->oid.suffixAfter(object.base())).toString() + "=" + vb->value.toString());
    at = vb->oid;
    REQUIRE(out.size() < 100000);
  }
  return out;
}

// GET of one full OID, rendered like walk() values, or "noSuchObject" / "noSuchInstance".
inline std::string get(const MibObject& object, const Oid& oid, const RequestContext& context) {
  GetResult result = object.getOid(oid, context);
  if (const auto* value = std::get_if<Value>(&result)) return value->toString();
  return std::holds_alternative<NoSuchObject>(result) ? "noSuchObject" : "noSuchInstance";
}

} // namespace ipmibd::tables::testing
