// Writes through the deprecated route views over the simulator: ipCidrRouteTable RowStatus and
// ipRouteType invalid(2) become inetCidrRouteTable writes of the same route, with its refusals; and
// inetCidrRouteTable rows named with RFC 4292's unknown(0) next hop.
#include "platform/sim/sim_backend.h"
#include "tables/engine/set_request.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_forward_mib/ip_cidr_route_table.h"
#include "tables/rfc1213_mib/ip_route_table.h"
#include "tests/tables/ip_tables_test_support.h"
#include "tests/tables/set_pdu.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using ipmibd::platform::Family;
using ipmibd::platform::RouteRow;
using ipmibd::platform::RouteType;
using ipmibd::platform::sim::SimBackend;

namespace {

// lo = 1, eth0 = 2, eth1 = 3.
const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 198.51.100.2/24 dev eth1
route add default via 192.0.2.1 dev eth0
route add 203.0.113.0/24 via 198.51.100.1 dev eth1 proto static metric 7
route add 203.0.113.0/26 via 192.0.2.9 dev eth0 proto static
)";

Value integer(std::int32_t v) { return Value::integer32(v); }

struct Fixture {
  std::unique_ptr<SimBackend> backend = makeSim(kScenario);
  InetCidrRouteTable routes;
  IpCidrRouteTable cidr{routes};
  IpRouteTable rfc1213{routes};
  RequestContext context{backend->now(), backend->now()};

  Fixture() {
    REQUIRE(routes.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, routes); }
  SetOutcome set(const std::vector<Varbind>& varbinds) {
    SetOutcome outcome = runSetPdu(varbinds, context);
    settle();
    return outcome;
  }
  Varbind cidrVb(SubId column, const Oid& index, Value value) {
    return {&cidr.view(), IpCidrRouteTable::entryOid() + Oid{column} + index, std::move(value)};
  }
  Varbind rfcVb(SubId column, const Oid& index, Value value) {
    return {&rfc1213.view(), IpRouteTable::entryOid() + Oid{column} + index, std::move(value)};
  }
  Varbind inetVb(SubId column, const Oid& index, Value value) {
    return {&routes.table(), InetCidrRouteTable::entryOid() + Oid{column} + index, std::move(value)};
  }
  std::vector<RouteRow> kernel() {
    std::vector<RouteRow> rows;
    REQUIRE(backend->getIpForwardTable2(Family::Unspecified, rows).ok());
    std::sort(rows.begin(), rows.end(),
              [](const RouteRow& a, const RouteRow& b) { return keyOf(a) < keyOf(b); });
    return rows;
  }
  std::vector<RouteRow> kernelRoutes(const char* prefix) {
    std::vector<RouteRow> out;
    for (const RouteRow& row : kernel())
      if (row.destinationPrefix.toString() == prefix) out.push_back(row);
    return out;
  }
  // The rows of other tables announcing the PDU's changes (RESERVE2 done, then the PDU dropped).
  std::vector<Oid> announced(const std::vector<Varbind>& varbinds) {
    SetRequest request;
    int id = 0;
    for (const auto& [object, oid, value] : varbinds)
      REQUIRE(request.add(++id, *object, oid, value) == SetError::NoError);
    std::vector<Oid> rows;
    if (request.prepare(context).ok()) request.announcingRows(rows);
    request.discard();
    return rows;
  }
  std::string cidrGet(SubId column, const Oid& index) {
    return get(cidr.view(), IpCidrRouteTable::entryOid() + Oid{column} + index, context);
  }
};

// ipCidrRouteTable indexes: dest.mask.tos.nexthop.
const Oid kRemote{10, 1, 0, 0, 255, 255, 0, 0, 0, 192, 0, 2, 1};
const Oid kOnLink{10, 2, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0};
const Oid kConnected{192, 0, 2, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0};
const Oid kStatic{203, 0, 113, 0, 255, 255, 255, 0, 0, 198, 51, 100, 1};
enum : SubId { kIfIndex = 5, kType = 6, kProto = 7, kInfo = 9, kMetric1 = 11, kStatus = 16 };

} // namespace

TEST_CASE_METHOD(Fixture, "ipCidrRouteTable: createAndGo, change, destroy through the route writer",
                 "[set][views][cidr]") {
  REQUIRE(set({cidrVb(kStatus, kRemote, integer(kCreateAndGo)), cidrVb(kMetric1, kRemote, integer(40)),
               cidrVb(kInfo, kRemote, Value::objectIdentifier(Oid{0, 0}))})
              .ok());
  auto created = kernelRoutes("10.1.0.0/16");
  REQUIRE(created.size() == 1);
  CHECK(created[0].metric == 40);
  CHECK(created[0].nextHop.toString() == "192.0.2.1");
  CHECK(cidrGet(kStatus, kRemote) == "INTEGER: 1");
  // The same route is an inetCidrRouteTable row (policy {0 0}).
  CHECK(get(routes.table(),
            InetCidrRouteTable::entryOid() + Oid{17, 1, 4, 10, 1, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1},
            context) == "INTEGER: 1");
  REQUIRE(set({cidrVb(kMetric1, kRemote, integer(50))}).ok());
  CHECK(kernelRoutes("10.1.0.0/16")[0].metric == 50);
  REQUIRE(set({cidrVb(kStatus, kRemote, integer(kDestroy))}).ok());
  CHECK(kernelRoutes("10.1.0.0/16").empty());
  CHECK(cidrGet(kStatus, kRemote) == "noSuchInstance");

  // Non-remote: the interface comes from ipCidrRouteIfIndex; without one, reject(2).
  REQUIRE(set({cidrVb(kStatus, kOnLink, integer(kCreateAndGo)), cidrVb(kIfIndex, kOnLink, integer(2))}).ok());
  REQUIRE(kernelRoutes("10.2.0.0/16").size() == 1);
  CHECK(kernelRoutes("10.2.0.0/16")[0].interfaceIndex == 2);
  CHECK(cidrGet(kType, kOnLink) == "INTEGER: 3");
  const Oid reject{10, 3, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0};
  REQUIRE(set({cidrVb(kType, reject, integer(2)), cidrVb(kStatus, reject, integer(kCreateAndGo))}).ok());
  CHECK(kernelRoutes("10.3.0.0/16")[0].type == RouteType::Unreachable);
  CHECK(cidrGet(kType, reject) == "INTEGER: 2");

  // createAndWait is held by the route writer and served here as notInService, then activated.
  const Oid waiting{10, 4, 0, 0, 255, 255, 0, 0, 0, 192, 0, 2, 1};
  REQUIRE(set({cidrVb(kStatus, waiting, integer(kCreateAndWait))}).ok());
  CHECK(kernelRoutes("10.4.0.0/16").empty());
  CHECK(cidrGet(kStatus, waiting) == "INTEGER: 2");
  REQUIRE(set({cidrVb(kStatus, waiting, integer(kActive))}).ok());
  CHECK(kernelRoutes("10.4.0.0/16").size() == 1);
  CHECK(cidrGet(kStatus, waiting) == "INTEGER: 1");
}

TEST_CASE_METHOD(Fixture, "ipCidrRouteTable refusals leave the kernel unchanged", "[set][views][cidr]") {
  const auto before = kernel();
  auto second = [&](Varbind vb) {
    return set({cidrVb(kStatus, kRemote, integer(kCreateAndGo)), std::move(vb)});
  };
  auto expect = [&](SetOutcome outcome, SetError error) {
    INFO(outcome.message);
    CHECK(outcome.error == error);
    CHECK(outcome.varbind == 2);
  };
  const Oid tos1{10, 5, 0, 0, 255, 255, 0, 0, 1, 192, 0, 2, 1};
  const Oid holes{10, 5, 0, 0, 255, 0, 255, 0, 0, 192, 0, 2, 1};
  const Oid hostBits{10, 5, 0, 1, 255, 255, 0, 0, 0, 192, 0, 2, 1};
  expect(second(cidrVb(kStatus, tos1, integer(kCreateAndGo))), SetError::InconsistentName);
  expect(second(cidrVb(kStatus, holes, integer(kCreateAndGo))), SetError::InconsistentName);
  expect(second(cidrVb(kStatus, hostBits, integer(kCreateAndGo))), SetError::InconsistentName);
  expect(second(cidrVb(kStatus, Oid{10, 5, 0, 0, 255, 255}, integer(kCreateAndGo))), SetError::NoCreation);
  expect(second(cidrVb(kStatus, Oid{10, 5, 0, 256, 255, 255, 0, 0, 0, 192, 0, 2, 1}, integer(kCreateAndGo))),
         SetError::NoCreation);
  expect(second(cidrVb(kProto, kStatic, integer(3))), SetError::NotWritable);
  expect(second(cidrVb(kInfo, kStatic, Value::objectIdentifier(Oid{1, 3}))), SetError::WrongValue);
  expect(second(cidrVb(kType, kStatic, integer(1))), SetError::WrongValue);
  expect(second(cidrVb(kStatus, kStatic, integer(kNotReady))), SetError::WrongValue);
  expect(second(cidrVb(kMetric1, kStatic, Value::gauge32(3))), SetError::WrongType);
  // Against current state: the connected route is the system's; an existing row cannot be created.
  expect(second(cidrVb(kStatus, kConnected, integer(kDestroy))), SetError::InconsistentValue);
  expect(second(cidrVb(kStatus, kStatic, integer(kCreateAndGo))), SetError::InconsistentValue);
  CHECK(kernel() == before);
}

TEST_CASE_METHOD(Fixture, "ipRouteTable: ipRouteType invalid(2) deletes the served route",
                 "[set][views][rfc1213]") {
  const Oid dest{203, 0, 113, 0};
  // Served: the /26 (longest prefix). invalid(2) deletes it; the /24 takes the row.
  CHECK(get(rfc1213.view(), IpRouteTable::entryOid() + Oid{11} + dest, context) ==
        "IpAddress: 255.255.255.192");
  REQUIRE(set({rfcVb(8, dest, integer(2))}).ok());
  CHECK(kernelRoutes("203.0.113.0/26").empty());
  CHECK(kernelRoutes("203.0.113.0/24").size() == 1);
  CHECK(get(rfc1213.view(), IpRouteTable::entryOid() + Oid{11} + dest, context) ==
        "IpAddress: 255.255.255.0");

  const auto before = kernel();
  auto expect = [&](SetOutcome outcome, SetError error, VarbindId at) {
    INFO(outcome.message);
    CHECK(outcome.error == error);
    CHECK(outcome.varbind == at);
  };
  // Writing the type it has changes nothing; another type would change what the route is.
  expect(set({rfcVb(8, dest, integer(4))}), SetError::NoError, 0);
  expect(set({rfcVb(8, dest, integer(3))}), SetError::InconsistentValue, 1);
  expect(set({rfcVb(8, dest, integer(5))}), SetError::WrongValue, 1);
  expect(set({rfcVb(3, dest, integer(5))}), SetError::NotWritable, 1);
  expect(set({rfcVb(7, dest, Value::ipAddress({192, 0, 2, 7}))}), SetError::NotWritable, 1);
  expect(set({rfcVb(8, Oid{10, 77, 0, 0}, integer(2))}), SetError::NoCreation, 1);
  expect(set({rfcVb(8, Oid{10, 77, 0}, integer(2))}), SetError::NoCreation, 1);
  // The connected network is the system's: refused like inetCidrRouteStatus destroy, and a PDU
  // deleting another route too is refused as a whole.
  expect(set({rfcVb(8, dest, integer(2)), rfcVb(8, Oid{192, 0, 2, 0}, integer(2))}),
         SetError::InconsistentValue, 2);
  CHECK(kernel() == before);
}

TEST_CASE_METHOD(Fixture, "inetCidrRouteTable accepts RFC 4292's unknown(0) next hop for non-remote rows",
                 "[set][route]") {
  // 10.6.0.0/16 blackhole, policy {0 0 0}, next hop unknown(0) "" (RFC 4292) instead of 0.0.0.0.
  const Oid rfcForm{1, 4, 10, 6, 0, 0, 16, 3, 0, 0, 0, 0, 0};
  const Oid served{1, 4, 10, 6, 0, 0, 16, 3, 0, 0, 0, 1, 4, 0, 0, 0, 0};
  REQUIRE(set({inetVb(8, rfcForm, integer(5)), inetVb(17, rfcForm, integer(kCreateAndGo))}).ok());
  REQUIRE(kernelRoutes("10.6.0.0/16").size() == 1);
  CHECK(kernelRoutes("10.6.0.0/16")[0].type == RouteType::Blackhole);
  // Reads stay in Debian's form.
  CHECK(get(routes.table(), InetCidrRouteTable::entryOid() + Oid{8} + served, context) == "INTEGER: 5");
  CHECK(get(routes.table(), InetCidrRouteTable::entryOid() + Oid{8} + rfcForm, context) == "noSuchInstance");
  // It names the existing row: createAndGo again is refused, a type change and destroy work.
  CHECK(set({inetVb(17, rfcForm, integer(kCreateAndGo))}).error == SetError::InconsistentValue);
  REQUIRE(set({inetVb(8, rfcForm, integer(2))}).ok());
  CHECK(kernelRoutes("10.6.0.0/16")[0].type == RouteType::Unreachable);
  REQUIRE(set({inetVb(17, rfcForm, integer(kDestroy))}).ok());
  CHECK(kernelRoutes("10.6.0.0/16").empty());
  // A local route in that form (the interface in the policy); a remote policy {0 0} without a
  // next hop stays inconsistentName.
  const Oid local{1, 4, 10, 7, 0, 0, 16, 3, 0, 0, 2, 0, 0};
  REQUIRE(set({inetVb(17, local, integer(kCreateAndGo))}).ok());
  CHECK(kernelRoutes("10.7.0.0/16")[0].interfaceIndex == 2);
  CHECK(set({inetVb(17, Oid{1, 4, 10, 8, 0, 0, 16, 2, 0, 0, 0, 0}, integer(kCreateAndGo))}).error ==
        SetError::InconsistentName);
}

TEST_CASE_METHOD(Fixture, "route views: a write is announced by its inetCidrRouteTable row", "[set][views]") {
  const Oid entry = InetCidrRouteTable::entryOid();
  using Rows = std::vector<Oid>;
  // An existing route: the inetCidr row the view serves (policy {0 0} with a gateway).
  const Oid staticRow = entry + Oid{1, 4, 203, 0, 113, 0, 24, 2, 0, 0, 1, 4, 198, 51, 100, 1};
  CHECK(announced({cidrVb(kStatus, kStatic, integer(kDestroy))}) == Rows{staticRow});
  CHECK(announced({cidrVb(kMetric1, kStatic, integer(9))}) == Rows{staticRow});
  // A creation: the row InetCidrRouteWriter creates; without a gateway its IfIndex from the PDU.
  const Oid remoteRow = entry + Oid{1, 4, 10, 1, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1};
  CHECK(announced({cidrVb(kStatus, kRemote, integer(kCreateAndGo))}) == Rows{remoteRow});
  const std::vector<Varbind> onLink{cidrVb(kStatus, kOnLink, integer(kCreateAndGo)),
                                    cidrVb(kIfIndex, kOnLink, integer(2))};
  const Rows onLinkRows = announced(onLink);
  CHECK(onLinkRows == Rows{entry + Oid{1, 4, 10, 2, 0, 0, 16, 3, 0, 0, 2, 1, 4, 0, 0, 0, 0}});
  // ... which is the row the change is then announced by (the row the table serves).
  REQUIRE(set(onLink).ok());
  REQUIRE(onLinkRows.size() == 1);
  CHECK(get(routes.table(), entry + Oid{17} + Oid(onLinkRows[0].suffixAfter(entry)), context) ==
        "INTEGER: 1");
  // A refused PDU announces nothing (it never reaches ACTION).
  CHECK(announced({cidrVb(kStatus, kConnected, integer(kDestroy))}).empty());

  // ipRouteTable: invalid(2) deletes the served route (the /26); writing the type it has is no change.
  const Oid dest{203, 0, 113, 0};
  CHECK(announced({rfcVb(8, dest, integer(2))}) ==
        Rows{entry + Oid{1, 4, 203, 0, 113, 0, 26, 2, 0, 0, 1, 4, 192, 0, 2, 9}});
  CHECK(announced({rfcVb(8, dest, integer(4))}).empty());
  // Both views and inetCidrRouteTable itself naming one route: announced once.
  CHECK(announced({cidrVb(kMetric1, kStatic, integer(9)), cidrVb(kMetric1 + 1, kStatic, integer(-1))}) ==
        Rows{staticRow});
}

TEST_CASE_METHOD(Fixture, "One route named through two tables in a PDU is refused in RESERVE2",
                 "[set][views]") {
  const auto before = kernel();
  const Oid staticInet{1, 4, 203, 0, 113, 0, 24, 2, 0, 0, 1, 4, 198, 51, 100, 1};
  auto expect = [&](SetOutcome outcome, SetError error, VarbindId at) {
    INFO(outcome.message);
    CHECK(outcome.error == error);
    CHECK(outcome.varbind == at);
  };
  // Destroyed twice (planned twice against the same state, the second would fail in ACTION).
  expect(set({inetVb(17, staticInet, integer(kDestroy)), cidrVb(kStatus, kStatic, integer(kDestroy))}),
         SetError::InconsistentValue, 2);
  expect(set({cidrVb(kStatus, kStatic, integer(kDestroy)), inetVb(17, staticInet, integer(kDestroy))}),
         SetError::InconsistentValue, 2);
  // Changed through one and destroyed through the other; through both views.
  expect(set({cidrVb(kMetric1, kStatic, integer(9)), inetVb(17, staticInet, integer(kDestroy))}),
         SetError::InconsistentValue, 2);
  const Oid dest{203, 0, 113, 0};
  const Oid served26{203, 0, 113, 0, 255, 255, 255, 192, 0, 192, 0, 2, 9};
  expect(set({rfcVb(8, dest, integer(2)), cidrVb(kStatus, served26, integer(kDestroy))}),
         SetError::InconsistentValue, 2);
  // A creation through both.
  expect(set({cidrVb(kStatus, kRemote, integer(kCreateAndGo)),
              inetVb(17, Oid{1, 4, 10, 1, 0, 0, 16, 2, 0, 0, 1, 4, 192, 0, 2, 1}, integer(kCreateAndGo))}),
         SetError::InconsistentValue, 2);
  CHECK(kernel() == before);
  // A view's write that changes nothing claims no row; other routes of the same destination are
  // other rows.
  expect(set({rfcVb(8, dest, integer(4)), cidrVb(kStatus, served26, integer(kDestroy))}), SetError::NoError,
         0);
  expect(set({cidrVb(kStatus, kStatic, integer(kDestroy)), rfcVb(8, Oid{0, 0, 0, 0}, integer(2))}),
         SetError::NoError, 0);
  CHECK(kernelRoutes("203.0.113.0/24").empty());
  CHECK(kernelRoutes("0.0.0.0/0").empty());
}
