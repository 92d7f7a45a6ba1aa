// Tests of fault injection: the call fails with the injected status, nothing changes, counts run down.
#include "sim_test_support.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

TEST_CASE("an injected fault fails the call and changes nothing", "[sim][faults]") {
  auto b = load(kTwoLinks);
  Recorder<RouteRow> recorder;
  auto sub = b->notifyRouteChange2(Family::Unspecified, recorder.callback());
  const auto before = routes(*b);
  b->injectFault(Operation::CreateRoute, Status::AccessDenied, 2, "EPERM");
  CHECK(b->pendingFaults(Operation::CreateRoute) == 2);
  const auto row = routeRow("203.0.113.0/24", "192.0.2.254", 2);
  const Result first = b->createIpForwardEntry2(row);
  CHECK(first.status == Status::AccessDenied);
  CHECK(first.message == "EPERM");
  CHECK(b->pendingFaults(Operation::CreateRoute) == 1);
  CHECK(routes(*b) == before);
  CHECK(b->createIpForwardEntry2(row).status == Status::AccessDenied);
  CHECK(b->pendingFaults(Operation::CreateRoute) == 0);
  b->dispatch(std::chrono::milliseconds(50));
  CHECK(recorder.batches.empty());
  CHECK(b->createIpForwardEntry2(row).ok());
}

TEST_CASE("faults target one kind of call", "[sim][faults]") {
  auto b = load(kTwoLinks + std::string("route add 203.0.113.0/24 via 192.0.2.254 dev eth0\n"));
  b->injectFault(Operation::DeleteRoute, Status::Busy, 1);
  auto row = routeRow("203.0.113.0/24", "192.0.2.254", 2);
  CHECK(b->getIpForwardEntry2(row).ok()); // reads are another kind
  const Result r = b->deleteIpForwardEntry2(row);
  CHECK(r.status == Status::Busy);
  CHECK(r.message == "injected fault");
  CHECK(b->getIpForwardEntry2(row).ok());
  CHECK(b->deleteIpForwardEntry2(row).ok());

  struct Case {
    Operation op;
    std::function<Result()> call;
  };
  NeighborRow neighbor;
  neighbor.address = ip("192.0.2.7");
  neighbor.interfaceIndex = 2;
  neighbor.physicalAddress = mac("02:00:00:00:00:07");
  UnicastAddressRow address;
  initializeUnicastIpAddressEntry(address);
  address.address = ip("192.0.2.9");
  address.interfaceIndex = 2;
  IpInterfaceRow ipif;
  ipif.family = Family::V4;
  ipif.interfaceIndex = 2;
  IpGlobalSettings global{Family::V4, true, 64};
  std::vector<InterfaceRow> links;
  std::vector<RouteRow> table;
  const std::vector<Case> cases{
      {Operation::CreateNeighbor, [&] { return b->createIpNetEntry2(neighbor); }},
      {Operation::SetNeighbor, [&] { return b->setIpNetEntry2(neighbor); }},
      {Operation::DeleteNeighbor, [&] { return b->deleteIpNetEntry2(neighbor); }},
      {Operation::FlushNeighbors, [&] { return b->flushIpNetTable2(Family::V4, 2); }},
      {Operation::CreateAddress, [&] { return b->createUnicastIpAddressEntry(address); }},
      {Operation::SetAddress, [&] { return b->setUnicastIpAddressEntry(address); }},
      {Operation::DeleteAddress, [&] { return b->deleteUnicastIpAddressEntry(address); }},
      {Operation::SetIpInterface, [&] { return b->setIpInterfaceEntry(ipif); }},
      {Operation::SetGlobal, [&] { return b->setIpGlobalSettings(global); }},
      {Operation::GetInterfaces, [&] { return b->getIfTable2(links); }},
      {Operation::GetRoutes, [&] { return b->getIpForwardTable2(Family::V4, table); }},
  };
  for (const auto& c : cases) {
    b->injectFault(c.op, Status::GeneralFailure, 1);
    CHECK(c.call().status == Status::GeneralFailure);
    CHECK(b->pendingFaults(c.op) == 0);
  }
  IpGlobalSettings read{Family::V4, false, 0};
  REQUIRE(b->getIpGlobalSettings(read).ok());
  CHECK_FALSE(read.forwarding);
  CHECK(neighbors(*b).empty());
}

TEST_CASE("Any faults every call - unlimited faults last until cleared", "[sim][faults]") {
  SimBackend b;
  std::vector<InterfaceRow> links;
  b.injectFault(Operation::Any, Status::NoMemory, 1);
  CHECK(b.getIfTable2(links).status == Status::NoMemory);
  CHECK(b.getIfTable2(links).ok());
  b.injectFault(Operation::GetInterfaces, Status::GeneralFailure, -1);
  CHECK(b.pendingFaults(Operation::GetInterfaces) == -1);
  for (int i = 0; i < 3; ++i)
    CHECK(b.getIfTable2(links).status == Status::GeneralFailure);
  b.clearFaults();
  CHECK(b.getIfTable2(links).ok());
  b.injectFault(Operation::GetInterfaces, Status::GeneralFailure, 0);
  CHECK(b.getIfTable2(links).ok());
}

TEST_CASE("skip lets calls pass before a fault fails any", "[sim][faults]") {
  auto b = load(kTwoLinks);
  b->injectFault(Operation::CreateRoute, Status::Busy, 1, "third", 2);
  CHECK(b->pendingFaults(Operation::CreateRoute) == 1);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "192.0.2.254", 2)).ok());
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.64/26", "192.0.2.254", 2)).ok());
  const Result third = b->createIpForwardEntry2(routeRow("203.0.113.128/26", "192.0.2.254", 2));
  CHECK(third.status == Status::Busy);
  CHECK(third.message == "third");
  CHECK(findRoute(routes(*b), "203.0.113.128/26") == nullptr);
  CHECK(b->pendingFaults(Operation::CreateRoute) == 0);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.128/26", "192.0.2.254", 2)).ok());
}

TEST_CASE("a call failed by an earlier fault is not counted by a later skipping one", "[sim][faults]") {
  SimBackend b;
  std::vector<InterfaceRow> links;
  b.injectFault(Operation::GetInterfaces, Status::Busy, 1);
  b.injectFault(Operation::GetInterfaces, Status::NoMemory, 1, {}, 1);
  CHECK(b.getIfTable2(links).status == Status::Busy);
  CHECK(b.getIfTable2(links).ok()); // the one call the second fault lets pass
  CHECK(b.getIfTable2(links).status == Status::NoMemory);
  CHECK(b.getIfTable2(links).ok());
}

TEST_CASE("scenario fault lines arm faults at load and at run time", "[sim][faults][parser]") {
  auto b = load(kTwoLinks + std::string("route add 203.0.113.0/24 via 192.0.2.254 dev eth0\n"
                                        "fault create-route network-unreachable skip 1 message 'no way'\n"
                                        "fault delete-route access-denied count 2\n"));
  CHECK(b->pendingFaults(Operation::CreateRoute) == 1);
  CHECK(b->pendingFaults(Operation::DeleteRoute) == 2);
  CHECK(b->createIpForwardEntry2(routeRow("198.18.0.0/15", "192.0.2.254", 2)).ok());
  const Result refused = b->createIpForwardEntry2(routeRow("198.18.0.0/16", "192.0.2.254", 2));
  CHECK(refused.status == Status::NetworkUnreachable);
  CHECK(refused.message == "no way");
  const auto row = routeRow("203.0.113.0/24", "192.0.2.254", 2);
  CHECK(b->deleteIpForwardEntry2(row).status == Status::AccessDenied);
  CHECK(b->deleteIpForwardEntry2(row).status == Status::AccessDenied);
  CHECK(findRoute(routes(*b), "203.0.113.0/24") != nullptr);

  // At run time, like any other scenario line; a bad one arms nothing.
  CHECK(b->apply("fault set-global busy count forever").ok());
  CHECK(b->pendingFaults(Operation::SetGlobal) == -1);
  CHECK(b->apply("fault set-global busy count none").status == Status::InvalidParameter);
  IpGlobalSettings global{Family::V4, true, 64};
  CHECK(b->setIpGlobalSettings(global).status == Status::Busy);
  b->clearFaults();
  CHECK(b->setIpGlobalSettings(global).ok());

  Result error;
  CHECK_FALSE(
      SimBackend::fromScenario("link add eth0 type ether\nfault route-create busy\n", "f.scn", error));
  CHECK(error.message == "f.scn:2: fault: unknown operation 'route-create'");
}
