// Conformance, simulator only: an injected fault makes the targeted call fail with the injected
// status and message, changes nothing, publishes nothing, and is consumed.
#include "platform/sim/sim_backend.h"
#include "tests/platform/conformance/support.h"

namespace ipmibd::conformance {
namespace {

using platform::sim::Operation;
using platform::sim::SimBackend;

TEST_CASE("a faulted write fails with the injected status and changes nothing", "[sim][faults]") {
  CONFORMANCE_STACK(stack);
  auto& sim = dynamic_cast<SimBackend&>(stack.backend());
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  // A route, address and neighbor to set and delete.
  const auto route = makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100);
  const auto address = makeAddress("192.0.2.10", v0, 24);
  const auto neighbor = makeNeighbor("192.0.2.7", v0, "02:00:00:00:00:07");
  REQUIRE_OK(b.createIpForwardEntry2(route));
  REQUIRE_OK(b.createUnicastIpAddressEntry(address));
  REQUIRE_OK(b.createIpNetEntry2(neighbor));
  stack.settle();

  struct Case {
    const char* name;
    Operation op;
    std::function<Result()> call;
  };
  auto changedRoute = route;
  changedRoute.metric = 150;
  auto changedAddress = address;
  changedAddress.validLifetime = 600;
  changedAddress.preferredLifetime = 300;
  auto changedNeighbor = neighbor;
  changedNeighbor.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:08");
  auto ipInterfaceRow = ipInterface(b, Family::V4, v0);
  ipInterfaceRow.forwardingEnabled = true;
  IpGlobalSettings globals;
  globals.family = Family::V4;
  REQUIRE_OK(b.getIpGlobalSettings(globals));
  globals.forwarding = !globals.forwarding;

  const std::vector<Case> cases = {
      {"createIpForwardEntry2", Operation::CreateRoute,
       [&] { return b.createIpForwardEntry2(makeRoute("198.18.0.0/15", "192.0.2.254", v0, 100)); }},
      {"setIpForwardEntry2", Operation::SetRoute, [&] { return b.setIpForwardEntry2(route, changedRoute); }},
      {"deleteIpForwardEntry2", Operation::DeleteRoute, [&] { return b.deleteIpForwardEntry2(route); }},
      {"createUnicastIpAddressEntry", Operation::CreateAddress,
       [&] { return b.createUnicastIpAddressEntry(makeAddress("192.0.2.11", v0, 24)); }},
      {"setUnicastIpAddressEntry", Operation::SetAddress,
       [&] { return b.setUnicastIpAddressEntry(changedAddress); }},
      {"deleteUnicastIpAddressEntry", Operation::DeleteAddress,
       [&] { return b.deleteUnicastIpAddressEntry(address); }},
      {"createIpNetEntry2", Operation::CreateNeighbor,
       [&] { return b.createIpNetEntry2(makeNeighbor("192.0.2.8", v0, "02:00:00:00:00:08")); }},
      {"setIpNetEntry2", Operation::SetNeighbor, [&] { return b.setIpNetEntry2(changedNeighbor); }},
      {"deleteIpNetEntry2", Operation::DeleteNeighbor, [&] { return b.deleteIpNetEntry2(neighbor); }},
      {"flushIpNetTable2", Operation::FlushNeighbors,
       [&] { return b.flushIpNetTable2(Family::Unspecified, 0); }},
      {"setIpInterfaceEntry", Operation::SetIpInterface,
       [&] { return b.setIpInterfaceEntry(ipInterfaceRow); }},
      {"setIpGlobalSettings", Operation::SetGlobal, [&] { return b.setIpGlobalSettings(globals); }},
  };
  for (const auto& c : cases) {
    for (Operation target : {c.op, Operation::Any}) {
      INFO(c.name << (target == Operation::Any ? " (fault on Any)" : ""));
      const auto before = snapshot(b);
      EventLog<RouteRow> routeLog(b);
      EventLog<UnicastAddressRow> addressLog(b);
      EventLog<NeighborRow> neighborLog(b);
      EventLog<IpInterfaceRow> ipInterfaceLog(b);
      sim.injectFault(target, Status::Busy, 1, "injected by the conformance suite");
      const Result r = c.call();
      CHECK(r.status == Status::Busy);
      CHECK(r.message.find("injected by the conformance suite") != std::string::npos);
      CHECK(sim.pendingFaults(c.op) == 0);
      CHECK_UNCHANGED(stack, before);
      CHECK(routeLog.changes().empty());
      CHECK(addressLog.changes().empty());
      CHECK(neighborLog.changes().empty());
      CHECK(ipInterfaceLog.changes().empty());
    }
  }
}

TEST_CASE("faults target only their operation, last for their count, and can be cleared", "[sim][faults]") {
  CONFORMANCE_STACK(stack);
  auto& sim = dynamic_cast<SimBackend&>(stack.backend());
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  sim.injectFault(Operation::CreateRoute, Status::NoMemory, 2, "no room");
  CHECK(sim.pendingFaults(Operation::CreateRoute) == 2);

  // Other operations are untouched by a CreateRoute fault.
  REQUIRE_OK(b.createUnicastIpAddressEntry(makeAddress("192.0.2.10", v0, 24)));
  std::vector<RouteRow> table;
  REQUIRE_OK(b.getIpForwardTable2(Family::Unspecified, table));

  CHECK_STATUS(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100)),
               Status::NoMemory);
  CHECK_STATUS(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100)),
               Status::NoMemory);
  CHECK(routesTo(b, "203.0.113.0/24").empty());
  REQUIRE_OK(b.createIpForwardEntry2(makeRoute("203.0.113.0/24", "192.0.2.254", v0, 100)));
  CHECK(routesTo(b, "203.0.113.0/24").size() == 1);

  // Reads can fail too (the MIB layer must survive a failed GetIpForwardTable2).
  sim.injectFault(Operation::GetRoutes, Status::GeneralFailure, 1, "read fault");
  CHECK_STATUS(b.getIpForwardTable2(Family::Unspecified, table), Status::GeneralFailure);
  REQUIRE_OK(b.getIpForwardTable2(Family::Unspecified, table));

  // Unlimited until cleared.
  sim.injectFault(Operation::DeleteRoute, Status::AccessDenied, -1, "denied");
  CHECK(sim.pendingFaults(Operation::DeleteRoute) == -1);
  const auto row = routesTo(b, "203.0.113.0/24").at(0);
  CHECK_STATUS(b.deleteIpForwardEntry2(row), Status::AccessDenied);
  CHECK_STATUS(b.deleteIpForwardEntry2(row), Status::AccessDenied);
  sim.clearFaults();
  REQUIRE_OK(b.deleteIpForwardEntry2(row));
  CHECK(routesTo(b, "203.0.113.0/24").empty());
}

} // namespace
} // namespace ipmibd::conformance
