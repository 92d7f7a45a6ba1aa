// Tests of VrfView over the simulator: every table filtered to the VRF's interfaces, enslave and
// release at run time as Add/Delete notifications with no stale rows, writes refused for
// non-members with nothing changed, routes created in the VRF's table, the VRF deleted.
#include "platform/vrf_view.h"
#include "sim_test_support.h"

#include <set>

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

namespace {

constexpr std::chrono::milliseconds kBudget{100};

// Two VRFs with overlapping prefixes, and a link in neither. Indexes: p0 2, v0 3, p1 4, v1 5,
// blue 6, red 7, d9 8.
const char* kVrfs = R"(
link add v0 type veth peer name p0
link add v1 type veth peer name p1
link add blue type vrf table 10
link add red type vrf table 20
link add d9 type dummy
link set blue up
link set red up
link set v0 master blue
link set v1 master red
link set p0 up
link set v0 up
link set p1 up
link set v1 up
link set d9 up
addr add 192.0.2.1/24 dev v0
addr add 192.0.2.1/24 dev v1
addr add 198.51.100.1/24 dev d9
addr add 203.0.113.1/32 dev blue
neigh add 192.0.2.2 lladdr 02:00:00:00:00:aa dev v0
neigh add 192.0.2.2 lladdr 02:00:00:00:00:bb dev v1
neigh add 198.51.100.2 lladdr 02:00:00:00:00:cc dev d9
route add 198.18.0.0/15 via 192.0.2.254 dev v0 table 10
route add 198.18.0.0/15 via 192.0.2.253 dev v1 table 20
)";
constexpr InterfaceIndex kV0 = 3, kV1 = 5, kBlue = 6, kD9 = 8;

struct Lab {
  SimBackend* sim = nullptr; // owned by view
  std::unique_ptr<VrfView> view;
  explicit Lab(const char* vrf = "blue", std::uint32_t table = 10) {
    Result error;
    SimOptions options;
    options.manualClock = true;
    options.routeTables = {table};
    auto backend = SimBackend::fromScenario(kVrfs, "vrfs.scn", error, options);
    INFO(error.toString());
    REQUIRE(backend);
    sim = backend.get();
    view = std::make_unique<VrfView>(std::move(backend), vrf, table);
  }
  void run(const char* command) {
    INFO(command);
    REQUIRE(sim->apply(command).ok());
    while (view->dispatch(kBudget)) {}
  }
};

template <class Row, class Key> using Keyer = Key (*)(const Row&);

// A subscriber's copy of one table: the rows read at subscription, then every change applied as a
// table unit applies it. It must always equal a fresh read.
template <class Row, class Key> struct Mirror {
  explicit Mirror(Keyer<Row, Key> k) : key(k) {}
  std::map<Key, Row> rows;
  Keyer<Row, Key> key;
  std::vector<Change<Row>> seen;
  Subscription subscription;
  void apply(std::span<const Change<Row>> changes) {
    for (const auto& c : changes) {
      seen.push_back(c);
      const Key k = key(c.row);
      if (c.kind == ChangeKind::Add) {
        INFO("Add of a row the subscriber has");
        CHECK_FALSE(rows.contains(k));
        rows[k] = c.row;
      } else if (c.kind == ChangeKind::Delete) {
        INFO("Delete of a row the subscriber never got");
        CHECK(rows.erase(k) == 1);
      } else {
        INFO("ParameterChange of a row the subscriber never got");
        CHECK(rows.contains(k));
        rows[k] = c.row;
      }
    }
  }
  std::set<Key> keys() const {
    std::set<Key> out;
    for (const auto& [k, r] : rows)
      out.insert(k);
    return out;
  }
  void clearSeen() { seen.clear(); }
};

using AKey = std::pair<IpAddress, InterfaceIndex>;
AKey addressKey(const UnicastAddressRow& r) { return {r.address, r.interfaceIndex}; }
AKey neighborKey(const NeighborRow& r) { return {r.address, r.interfaceIndex}; }
std::pair<Family, InterfaceIndex> ipInterfaceKey(const IpInterfaceRow& r) {
  return {r.family, r.interfaceIndex};
}
InterfaceIndex interfaceKey(const InterfaceRow& r) { return r.index; }
RouteKey routeKey(const RouteRow& r) { return keyOf(r); }

struct Mirrors {
  Mirror<InterfaceRow, InterfaceIndex> interfaces{interfaceKey};
  Mirror<IpInterfaceRow, std::pair<Family, InterfaceIndex>> ipInterfaces{ipInterfaceKey};
  Mirror<UnicastAddressRow, AKey> addresses{addressKey};
  Mirror<NeighborRow, AKey> neighbors{neighborKey};
  Mirror<RouteRow, RouteKey> routes{routeKey};

  explicit Mirrors(Backend& b) {
    interfaces.subscription = b.notifyInterfaceChange([this](auto c) { interfaces.apply(c); });
    ipInterfaces.subscription =
        b.notifyIpInterfaceChange(Family::Unspecified, [this](auto c) { ipInterfaces.apply(c); });
    addresses.subscription =
        b.notifyUnicastIpAddressChange(Family::Unspecified, [this](auto c) { addresses.apply(c); });
    neighbors.subscription = b.notifyIpNetChange(Family::Unspecified, [this](auto c) { neighbors.apply(c); });
    routes.subscription = b.notifyRouteChange2(Family::Unspecified, [this](auto c) { routes.apply(c); });
    std::vector<InterfaceRow> i;
    REQUIRE(b.getIfTable2(i).ok());
    for (auto& r : i)
      interfaces.rows[r.index] = r;
    std::vector<IpInterfaceRow> ii;
    REQUIRE(b.getIpInterfaceTable(Family::Unspecified, ii).ok());
    for (auto& r : ii)
      ipInterfaces.rows[ipInterfaceKey(r)] = r;
    std::vector<UnicastAddressRow> a;
    REQUIRE(b.getUnicastIpAddressTable(Family::Unspecified, a).ok());
    for (auto& r : a)
      addresses.rows[addressKey(r)] = r;
    std::vector<NeighborRow> n;
    REQUIRE(b.getIpNetTable2(Family::Unspecified, n).ok());
    for (auto& r : n)
      neighbors.rows[neighborKey(r)] = r;
    std::vector<RouteRow> rt;
    REQUIRE(b.getIpForwardTable2(Family::Unspecified, rt).ok());
    for (auto& r : rt)
      routes.rows[keyOf(r)] = r;
  }
  // Every mirror holds exactly the keys a fresh read gives.
  void checkAgainst(Backend& b) {
    Mirrors fresh(b);
    CHECK(interfaces.keys() == fresh.interfaces.keys());
    CHECK(ipInterfaces.keys() == fresh.ipInterfaces.keys());
    CHECK(addresses.keys() == fresh.addresses.keys());
    CHECK(neighbors.keys() == fresh.neighbors.keys());
    CHECK(routes.keys() == fresh.routes.keys());
  }
  void clearSeen() {
    interfaces.clearSeen();
    ipInterfaces.clearSeen();
    addresses.clearSeen();
    neighbors.clearSeen();
    routes.clearSeen();
  }
};

std::set<InterfaceIndex> indexesOf(Backend& b) {
  std::vector<InterfaceRow> rows;
  REQUIRE(b.getIfTable2(rows).ok());
  std::set<InterfaceIndex> out;
  for (const auto& r : rows)
    out.insert(r.index);
  return out;
}

template <class Row>
bool any(const std::vector<Change<Row>>& changes, ChangeKind kind, InterfaceIndex index) {
  return std::ranges::any_of(changes, [&](const Change<Row>& c) {
    if constexpr (std::is_same_v<Row, InterfaceRow>)
      return c.kind == kind && c.row.index == index;
    else
      return c.kind == kind && c.row.interfaceIndex == index;
  });
}

} // namespace

TEST_CASE("VrfView: every table shows the VRF's interfaces and table only", "[unit][vrf]") {
  Lab lab;
  VrfView& v = *lab.view;
  REQUIRE(v.vrfPresent());
  CHECK(indexesOf(v) == std::set<InterfaceIndex>{kV0, kBlue});

  std::vector<IpInterfaceRow> ipInterfaces;
  REQUIRE(v.getIpInterfaceTable(Family::Unspecified, ipInterfaces).ok());
  CHECK(ipInterfaces.size() == 4); // v0 and blue, IPv4 and IPv6
  for (const auto& r : ipInterfaces)
    CHECK((r.interfaceIndex == kV0 || r.interfaceIndex == kBlue));

  std::vector<UnicastAddressRow> addresses;
  REQUIRE(v.getUnicastIpAddressTable(Family::V4, addresses).ok());
  std::set<AKey> v4;
  for (const auto& r : addresses)
    v4.insert(addressKey(r));
  CHECK(v4 == std::set<AKey>{{ip("192.0.2.1"), kV0}, {ip("203.0.113.1"), kBlue}});

  std::vector<NeighborRow> neighbors;
  REQUIRE(v.getIpNetTable2(Family::Unspecified, neighbors).ok());
  REQUIRE(neighbors.size() == 1);
  CHECK(neighbors[0].interfaceIndex == kV0);
  CHECK(formatPhysicalAddress(neighbors[0].physicalAddress) == "02:00:00:00:00:aa");

  std::vector<IpStatisticsRow> stats;
  REQUIRE(v.getIpStatisticsTable(Family::V6, stats).ok());
  bool systemWide = false;
  for (const auto& r : stats) {
    systemWide = systemWide || r.interfaceIndex == 0;
    CHECK((r.interfaceIndex == 0 || v.isMember(r.interfaceIndex)));
  }
  CHECK(systemWide); // the namespace's ipSystemStats stay

  std::vector<RouteRow> table;
  REQUIRE(v.getIpForwardTable2(Family::V4, table).ok());
  REQUIRE_FALSE(table.empty());
  for (const auto& r : table)
    CHECK(r.table == 10);
  REQUIRE(findRoute(table, "198.18.0.0/15", kV0));
  CHECK(findRoute(table, "198.18.0.0/15", kV0)->nextHop == ip("192.0.2.254")); // not red's .253
  CHECK(findRoute(table, "192.0.2.0/24", kV0));                                // the connected route moved
  CHECK(findRoute(table, "203.0.113.1/32", kBlue));                            // the VRF device's local route
  CHECK_FALSE(findRoute(table, "198.51.100.0/24"));

  // Single-row reads of a non-member are NotFound, as an absent interface's.
  InterfaceRow d9;
  d9.index = kD9;
  CHECK(v.getIfEntry2(d9).status == Status::NotFound);
  UnicastAddressRow other;
  other.address = ip("198.51.100.1");
  other.interfaceIndex = kD9;
  CHECK(v.getUnicastIpAddressEntry(other).status == Status::NotFound);
  IpInterfaceRow ipd9;
  ipd9.family = Family::V4;
  ipd9.interfaceIndex = kD9;
  CHECK(v.getIpInterfaceEntry(ipd9).status == Status::NotFound);
  InterfaceLuid luid;
  CHECK(v.convertInterfaceIndexToLuid(kD9, luid).status == Status::NotFound);
  CHECK(v.convertInterfaceIndexToLuid(kV0, luid).ok());

  // The other VRF's view of the same namespace: the overlapping prefix with its own neighbor.
  Lab red("red", 20);
  CHECK(indexesOf(*red.view) == std::set<InterfaceIndex>{kV1, 7});
  std::vector<NeighborRow> redNeighbors;
  REQUIRE(red.view->getIpNetTable2(Family::V4, redNeighbors).ok());
  REQUIRE(redNeighbors.size() == 1);
  CHECK(formatPhysicalAddress(redNeighbors[0].physicalAddress) == "02:00:00:00:00:bb");
}

TEST_CASE("VrfView: enslaving and releasing at run time are Add and Delete, with no stale rows",
          "[unit][vrf]") {
  Lab lab;
  Mirrors m(*lab.view);

  lab.run("link set d9 master blue");
  CHECK(any(m.interfaces.seen, ChangeKind::Add, kD9));
  CHECK(any(m.ipInterfaces.seen, ChangeKind::Add, kD9));
  CHECK(any(m.addresses.seen, ChangeKind::Add, kD9));
  CHECK(std::ranges::any_of(m.routes.seen, [](const auto& c) {
    return c.kind == ChangeKind::Add && c.row.destinationPrefix == prefix("198.51.100.0/24") &&
           c.row.table == 10;
  }));
  CHECK(indexesOf(*lab.view).contains(kD9));
  CHECK(m.addresses.rows.contains({ip("198.51.100.1"), kD9}));
  m.checkAgainst(*lab.view);

  m.clearSeen();
  lab.run("neigh add 198.51.100.3 lladdr 02:00:00:00:00:dd dev d9");
  CHECK(any(m.neighbors.seen, ChangeKind::Add, kD9));
  m.checkAgainst(*lab.view);

  m.clearSeen();
  lab.run("link set d9 nomaster");
  CHECK(any(m.interfaces.seen, ChangeKind::Delete, kD9));
  CHECK(any(m.addresses.seen, ChangeKind::Delete, kD9));
  CHECK(any(m.neighbors.seen, ChangeKind::Delete, kD9));
  CHECK(any(m.ipInterfaces.seen, ChangeKind::Delete, kD9));
  CHECK_FALSE(indexesOf(*lab.view).contains(kD9));
  for (const auto& [key, row] : m.addresses.rows)
    CHECK(key.second != kD9);
  for (const auto& [key, row] : m.routes.rows)
    CHECK(row.interfaceIndex != kD9); // its connected route went back to main
  m.checkAgainst(*lab.view);

  // Changes of a non-member never reach the view's subscribers.
  m.clearSeen();
  lab.run("addr add 198.51.100.9/24 dev d9");
  lab.run("link set d9 mtu 1400");
  CHECK(m.interfaces.seen.empty());
  CHECK(m.addresses.seen.empty());
  CHECK(m.routes.seen.empty());

  // Moving a member to the other VRF is leaving this one.
  m.clearSeen();
  lab.run("link set v0 master red");
  CHECK(any(m.interfaces.seen, ChangeKind::Delete, kV0));
  CHECK(indexesOf(*lab.view) == std::set<InterfaceIndex>{kBlue});
  m.checkAgainst(*lab.view);
}

TEST_CASE("VrfView: writes naming a non-member interface are refused and change nothing", "[unit][vrf]") {
  Lab lab;
  VrfView& v = *lab.view;
  SimBackend& sim = *lab.sim;
  const auto addressesBefore = addresses(sim);
  const auto neighborsBefore = neighbors(sim);
  const auto routesBefore = routes(sim);

  UnicastAddressRow a;
  initializeUnicastIpAddressEntry(a);
  a.address = ip("198.51.100.7");
  a.interfaceIndex = kD9;
  a.onLinkPrefixLength = 24;
  CHECK(v.createUnicastIpAddressEntry(a).status == Status::NotFound);
  a.interfaceIndex = 0;
  InterfaceLuid red1;
  REQUIRE(sim.convertInterfaceIndexToLuid(kV1, red1).ok());
  a.luid = red1; // named by LUID only
  CHECK(v.createUnicastIpAddressEntry(a).status == Status::NotFound);
  UnicastAddressRow existing;
  existing.address = ip("198.51.100.1");
  existing.interfaceIndex = kD9;
  CHECK(v.deleteUnicastIpAddressEntry(existing).status == Status::NotFound);

  NeighborRow n;
  n.address = ip("192.0.2.9");
  n.interfaceIndex = kV1;
  n.physicalAddress = {2, 0, 0, 0, 0, 9};
  CHECK(v.createIpNetEntry2(n).status == Status::NotFound);
  NeighborRow redNeighbor;
  redNeighbor.address = ip("192.0.2.2");
  redNeighbor.interfaceIndex = kV1;
  CHECK(v.deleteIpNetEntry2(redNeighbor).status == Status::NotFound);
  CHECK(v.flushIpNetTable2(Family::Unspecified, kV1).status == Status::NotFound);

  RouteRow r = routeRow("192.0.2.128/25", nullptr, kV1);
  CHECK(v.createIpForwardEntry2(r).status == Status::NotFound);

  IpInterfaceRow ipi;
  ipi.family = Family::V4;
  ipi.interfaceIndex = kD9;
  REQUIRE(sim.getIpInterfaceEntry(ipi).ok());
  ipi.forwardingEnabled = !ipi.forwardingEnabled;
  CHECK(v.setIpInterfaceEntry(ipi).status == Status::NotFound);

  while (v.dispatch(kBudget)) {}
  CHECK(addresses(sim) == addressesBefore);
  CHECK(neighbors(sim) == neighborsBefore);
  CHECK(routes(sim) == routesBefore);
  IpInterfaceRow after;
  after.family = Family::V4;
  after.interfaceIndex = kD9;
  REQUIRE(sim.getIpInterfaceEntry(after).ok());
  CHECK(after.forwardingEnabled != ipi.forwardingEnabled);

  // A member's writes go through.
  a.interfaceIndex = kV0;
  a.luid = {};
  a.address = ip("192.0.2.7");
  CHECK(v.createUnicastIpAddressEntry(a).ok());
}

// Issue 19 part C.
TEST_CASE("VrfView: neighbor resolution on members only; the stable table is the VRF's", "[unit][vrf]") {
  Lab lab;
  VrfView& v = *lab.view;
  SimBackend& sim = *lab.sim;
  const auto neighborsBefore = neighbors(sim);
  int calls = 0;
  auto count = [&](const Result&, const NeighborRow&) { ++calls; };
  Subscription refused;
  NeighborRow red;
  red.address = ip("192.0.2.3");
  red.interfaceIndex = kV1;
  CHECK(v.resolveIpNetEntry2Async(red, std::chrono::seconds(1), count, refused).status == Status::NotFound);
  red.interfaceIndex = 0;
  REQUIRE(sim.convertInterfaceIndexToLuid(kV1, red.luid).ok()); // named by LUID only
  CHECK(v.resolveIpNetEntry2Async(red, std::chrono::seconds(1), count, refused).status == Status::NotFound);
  CHECK_FALSE(refused.active());
  while (v.dispatch(kBudget)) {}
  CHECK(neighbors(sim) == neighborsBefore);
  CHECK(calls == 0);

  // A member: p0, v0's peer, holds 192.0.2.3 and answers with its MAC.
  lab.run("addr add 192.0.2.3/24 dev p0");
  NeighborRow blue;
  blue.address = ip("192.0.2.3");
  blue.interfaceIndex = kV0;
  std::optional<Result> outcome;
  NeighborRow answer;
  Subscription pending;
  REQUIRE(v.resolveIpNetEntry2Async(
               blue, std::chrono::seconds(1),
               [&](const Result& r, const NeighborRow& row) {
                 outcome = r;
                 answer = row;
               },
               pending)
              .ok());
  while (v.dispatch(kBudget)) {}
  REQUIRE(outcome.has_value());
  CHECK(outcome->ok());
  InterfaceRow p0;
  p0.index = 2;
  REQUIRE(sim.getIfEntry2(p0).ok());
  CHECK(answer.physicalAddress == p0.physicalAddress);

  std::vector<UnicastAddressRow> table;
  Subscription stable;
  REQUIRE(v.notifyStableUnicastIpAddressTable(Family::Unspecified, table, {}, stable).ok());
  CHECK_FALSE(stable.active());
  for (const auto& row : table)
    CHECK((row.interfaceIndex == kV0 || row.interfaceIndex == kBlue));
  CHECK_FALSE(table.empty());
}

TEST_CASE("VrfView: flushing every interface's neighbors flushes the members' only", "[unit][vrf]") {
  Lab lab;
  lab.run("neigh add 192.0.2.20 lladdr 02:00:00:00:00:20 dev v0 nud reachable");
  lab.run("neigh add 192.0.2.20 lladdr 02:00:00:00:00:21 dev v1 nud reachable");
  REQUIRE(lab.view->flushIpNetTable2(Family::Unspecified, 0).ok());
  const auto left = neighbors(*lab.sim);
  auto has = [&](InterfaceIndex index) {
    return std::ranges::any_of(left, [&](const NeighborRow& r) {
      return r.address == ip("192.0.2.20") && r.interfaceIndex == index;
    });
  };
  CHECK_FALSE(has(kV0));
  CHECK(has(kV1)); // red's dynamic entry survives blue's flush
}

TEST_CASE("VrfView: routes are created in the VRF's table", "[unit][vrf]") {
  Lab lab;
  Mirrors m(*lab.view);
  RouteRow r = routeRow("100.64.0.0/10", "192.0.2.254", kV0);
  r.table = kMainRouteTable; // what a caller not knowing the VRF asks
  REQUIRE(lab.view->createIpForwardEntry2(r).ok());
  while (lab.view->dispatch(kBudget)) {}
  std::vector<RouteRow> table;
  REQUIRE(lab.view->getIpForwardTable2(Family::V4, table).ok());
  const RouteRow* created = findRoute(table, "100.64.0.0/10", kV0);
  REQUIRE(created);
  CHECK(created->table == 10);
  CHECK(lab.sim->apply("route del 100.64.0.0/10 table main").status == Status::NotFound); // not in main
  // The VRF's own lookup: its table's answer (the simulator's system lookup would use main).
  InterfaceIndex out = 0;
  REQUIRE(lab.view->getBestInterfaceEx(ip("100.64.1.1"), out).ok());
  CHECK(out == kV0);
  CHECK(lab.view->getBestInterfaceEx(ip("198.51.100.9"), out).status ==
        Status::NetworkUnreachable); // d9's, main
  lab.run("route del 100.64.0.0/10 table 10");
  CHECK(std::ranges::any_of(m.routes.seen, [](const auto& c) { return c.kind == ChangeKind::Delete; }));
  m.checkAgainst(*lab.view);
}

TEST_CASE("VrfView: the VRF deleted withdraws every row, re-created it is adopted again", "[unit][vrf]") {
  Lab lab;
  Mirrors m(*lab.view);
  lab.run("link del blue");
  CHECK_FALSE(lab.view->vrfPresent());
  CHECK(any(m.interfaces.seen, ChangeKind::Delete, kBlue));
  CHECK(any(m.interfaces.seen, ChangeKind::Delete, kV0));
  CHECK(m.interfaces.rows.empty());
  CHECK(m.addresses.rows.empty());
  CHECK(m.neighbors.rows.empty());
  CHECK(m.ipInterfaces.rows.empty());
  CHECK(indexesOf(*lab.view).empty());
  m.checkAgainst(*lab.view);
  // v0 still exists, outside any VRF: writes naming it are refused now.
  NeighborRow n;
  n.address = ip("192.0.2.9");
  n.interfaceIndex = kV0;
  n.physicalAddress = {2, 0, 0, 0, 0, 9};
  CHECK(lab.view->createIpNetEntry2(n).status == Status::NotFound);

  m.clearSeen();
  lab.run("link add blue type vrf table 10");
  lab.run("link set blue up");
  lab.run("link set v0 master blue");
  CHECK(lab.view->vrfPresent());
  CHECK(indexesOf(*lab.view).size() == 2);
  CHECK(any(m.interfaces.seen, ChangeKind::Add, kV0));
  m.checkAgainst(*lab.view);
}

// Issue 19, IP paths.
TEST_CASE("VrfView: the paths through the VRF's interfaces only; no flush of a VRF alone", "[unit][vrf]") {
  Lab lab;
  lab.run("path add 198.18.0.2 dev v0 mtu 1280");
  lab.run("path add 198.18.0.2 dev v1 mtu 1400");
  lab.run("path add 198.51.100.7 dev d9 mtu 1300");
  std::vector<IpPathRow> rows;
  REQUIRE(lab.view->getIpPathTable(Family::Unspecified, rows).ok());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].interfaceIndex == kV0);
  CHECK(rows[0].pathMtu == 1280);

  IpPathRow entry;
  entry.destination = ip("198.18.0.2");
  entry.interfaceIndex = kV0;
  REQUIRE(lab.view->getIpPathEntry(entry).ok());
  CHECK(entry.pathMtu == 1280);
  IpPathRow other;
  other.destination = ip("198.18.0.2");
  other.interfaceIndex = kV1; // red's
  CHECK(lab.view->getIpPathEntry(other).status == Status::NotFound);

  CHECK(lab.view->flushIpPathTable(Family::V4).status == Status::NotSupported);
  CHECK(lab.view->flushIpPathTable(Family(9)).status == Status::InvalidParameter);
  REQUIRE(lab.sim->getIpPathTable(Family::Unspecified, rows).ok());
  CHECK(rows.size() == 3); // nothing flushed
}
