// Tests of the simulator's validation: each API call's documented status codes, as the kernel decides them.
#include "sim_test_support.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

TEST_CASE("interfaces: lookups by index and LUID", "[sim][validation]") {
  auto b = load(kTwoLinks);
  InterfaceRow row;
  CHECK(b->getIfEntry2(row).status == Status::InvalidParameter);
  row.index = 99;
  CHECK(b->getIfEntry2(row).status == Status::NotFound);
  row = {};
  row.index = 2;
  REQUIRE(b->getIfEntry2(row).ok());
  CHECK(row.name == "eth0");
  CHECK(row.luid == InterfaceLuid::make(6, 2));
  InterfaceRow byLuid;
  byLuid.luid = row.luid;
  REQUIRE(b->getIfEntry2(byLuid).ok());
  CHECK(byLuid.index == 2);
  InterfaceLuid luid;
  REQUIRE(b->convertInterfaceNameToLuid("eth1", luid).ok());
  CHECK(luid == InterfaceLuid::make(6, 3));
}

TEST_CASE("IP interfaces: get and set", "[sim][validation]") {
  auto b = load(kTwoLinks);
  IpInterfaceRow row;
  row.interfaceIndex = 2;
  CHECK(b->getIpInterfaceEntry(row).status == Status::InvalidParameter);
  row.family = Family::V4;
  row.interfaceIndex = 42;
  CHECK(b->getIpInterfaceEntry(row).status == Status::NotFound);
  CHECK(b->setIpInterfaceEntry(row).status == Status::NotFound);

  IpInterfaceRow v4;
  v4.family = Family::V4;
  v4.interfaceIndex = 2;
  REQUIRE(b->getIpInterfaceEntry(v4).ok());
  CHECK(v4.nlMtu == 1500);
  CHECK(v4.connected);
  auto changed = v4;
  changed.enabled = false;
  CHECK(b->setIpInterfaceEntry(changed).status == Status::NotSupported);
  changed = v4;
  changed.curHopLimit = 5;
  CHECK(b->setIpInterfaceEntry(changed).status == Status::NotSupported);
  changed = v4;
  changed.advertisingEnabled = true;
  CHECK(b->setIpInterfaceEntry(changed).status == Status::NotSupported);
  changed = v4;
  changed.nlMtu = 20;
  CHECK(b->setIpInterfaceEntry(changed).status == Status::InvalidParameter);
  changed = v4;
  changed.forwardingEnabled = true;
  changed.nlMtu = 1400;
  REQUIRE(b->setIpInterfaceEntry(changed).ok());
  InterfaceRow link;
  link.index = 2;
  REQUIRE(b->getIfEntry2(link).ok());
  CHECK(link.mtu == 1400); // the IPv4 MTU is the link MTU

  IpInterfaceRow v6;
  v6.family = Family::V6;
  v6.interfaceIndex = 2;
  REQUIRE(b->getIpInterfaceEntry(v6).ok());
  CHECK(v6.nlMtu == 1400);
  changed = v6;
  changed.nlMtu = 1000;
  CHECK(b->setIpInterfaceEntry(changed).status == Status::InvalidParameter);
  changed = v6;
  changed.curHopLimit = 0;
  CHECK(b->setIpInterfaceEntry(changed).status == Status::InvalidParameter);
  changed = v6;
  changed.curHopLimit = 32;
  changed.dadTransmits = 0;
  changed.routerDiscoveryEnabled = false;
  REQUIRE(b->setIpInterfaceEntry(changed).ok());
  REQUIRE(b->getIpInterfaceEntry(v6).ok());
  CHECK(v6.curHopLimit == 32);
  CHECK_FALSE(v6.routerDiscoveryEnabled);
}

TEST_CASE("global settings", "[sim][validation]") {
  SimBackend b;
  IpGlobalSettings settings;
  CHECK(b.getIpGlobalSettings(settings).status == Status::InvalidParameter);
  settings.family = Family::V4;
  REQUIRE(b.getIpGlobalSettings(settings).ok());
  CHECK_FALSE(settings.forwarding);
  CHECK(settings.defaultHopLimit == 64);
  settings.defaultHopLimit = 0;
  CHECK(b.setIpGlobalSettings(settings).status == Status::InvalidParameter);
  settings.defaultHopLimit = 256;
  CHECK(b.setIpGlobalSettings(settings).status == Status::InvalidParameter);
  settings.defaultHopLimit = 128;
  settings.forwarding = true;
  REQUIRE(b.setIpGlobalSettings(settings).ok());
  IpGlobalSettings read;
  read.family = Family::V4;
  REQUIRE(b.getIpGlobalSettings(read).ok());
  CHECK(read == settings);
  IpGlobalSettings none;
  CHECK(b.setIpGlobalSettings(none).status == Status::InvalidParameter);
}

TEST_CASE("unicast addresses: create, get, set, delete", "[sim][validation]") {
  auto b = load(kTwoLinks);
  UnicastAddressRow row;
  initializeUnicastIpAddressEntry(row);
  row.address = ip("192.0.2.9");
  row.onLinkPrefixLength = 24;
  row.interfaceIndex = 9;
  CHECK(b->createUnicastIpAddressEntry(row).status == Status::NotFound);
  row.interfaceIndex = 2;
  row.onLinkPrefixLength = 33;
  CHECK(b->createUnicastIpAddressEntry(row).status == Status::InvalidParameter);
  row.onLinkPrefixLength = 24;
  row.preferredLifetime = 100;
  row.validLifetime = 50;
  CHECK(b->createUnicastIpAddressEntry(row).status == Status::InvalidParameter);
  row.validLifetime = 0;
  row.preferredLifetime = 0;
  CHECK(b->createUnicastIpAddressEntry(row).status == Status::InvalidParameter);
  row.validLifetime = row.preferredLifetime = kInfiniteLifetime;
  for (const char* bad : {"224.0.0.5", "0.0.0.0", "ff02::1"}) {
    auto multicast = row;
    multicast.address = ip(bad);
    CHECK(b->createUnicastIpAddressEntry(multicast).status == Status::InvalidParameter);
  }
  REQUIRE(b->createUnicastIpAddressEntry(row).ok());
  CHECK(b->createUnicastIpAddressEntry(row).status == Status::AlreadyExists);

  UnicastAddressRow read;
  read.address = ip("192.0.2.9");
  read.interfaceIndex = 2;
  REQUIRE(b->getUnicastIpAddressEntry(read).ok());
  CHECK(read.onLinkPrefixLength == 24);
  CHECK(read.prefixOrigin == PrefixOrigin::Manual);
  CHECK(read.secondary); // 192.0.2.1/24 came first
  CHECK(read.permanent);
  UnicastAddressRow missing;
  missing.address = ip("192.0.2.77");
  missing.interfaceIndex = 2;
  CHECK(b->getUnicastIpAddressEntry(missing).status == Status::NotFound);
  CHECK(b->setUnicastIpAddressEntry(missing).status == Status::NotFound);
  CHECK(b->deleteUnicastIpAddressEntry(missing).status == Status::NotFound);

  auto change = read;
  change.onLinkPrefixLength = 25;
  CHECK(b->setUnicastIpAddressEntry(change).status == Status::NotSupported);
  change = read;
  change.validLifetime = 0;
  CHECK(b->setUnicastIpAddressEntry(change).status == Status::InvalidParameter);
  change = read;
  change.validLifetime = 600;
  change.preferredLifetime = 300;
  REQUIRE(b->setUnicastIpAddressEntry(change).ok());
  REQUIRE(b->getUnicastIpAddressEntry(read).ok());
  CHECK(read.validLifetime == 600);
  CHECK_FALSE(read.permanent);
  REQUIRE(b->deleteUnicastIpAddressEntry(read).ok());
  CHECK(b->getUnicastIpAddressEntry(read).status == Status::NotFound);

  REQUIRE(b->apply("sysctl net.ipv6.conf.eth1.disable_ipv6=1").ok());
  UnicastAddressRow v6;
  initializeUnicastIpAddressEntry(v6);
  v6.address = ip("2001:db8:9::1");
  v6.onLinkPrefixLength = 64;
  v6.interfaceIndex = 3;
  CHECK(b->createUnicastIpAddressEntry(v6).status == Status::AccessDenied);
}

TEST_CASE("link-local addresses are keyed with the interface as scope", "[sim][validation]") {
  auto b = load(kTwoLinks);
  UnicastAddressRow row;
  initializeUnicastIpAddressEntry(row);
  row.address = ip("fe80::99");
  row.onLinkPrefixLength = 64;
  row.interfaceIndex = 2;
  REQUIRE(b->createUnicastIpAddressEntry(row).ok());
  UnicastAddressRow read;
  read.address = ip("fe80::99%2");
  read.interfaceIndex = 2;
  REQUIRE(b->getUnicastIpAddressEntry(read).ok());
  CHECK(read.address.scopeId() == 2);
  row.address = ip("fe80::98%3");
  CHECK(b->createUnicastIpAddressEntry(row).status == Status::InvalidParameter);
}

TEST_CASE("neighbors: create, set, delete, flush", "[sim][validation]") {
  auto b = load(kTwoLinks);
  NeighborRow row;
  row.address = ip("192.0.2.7");
  row.physicalAddress = mac("02:00:00:00:00:07");
  row.interfaceIndex = 9;
  CHECK(b->createIpNetEntry2(row).status == Status::NotFound);
  row.interfaceIndex = 2;
  for (const char* bad : {"224.0.0.1", "0.0.0.0", "ff02::1", "::"}) {
    auto invalid = row;
    invalid.address = ip(bad);
    CHECK(b->createIpNetEntry2(invalid).status == Status::InvalidParameter);
  }
  auto noFamily = row;
  noFamily.address = {};
  CHECK(b->createIpNetEntry2(noFamily).status == Status::InvalidParameter);
  auto shortMac = row;
  shortMac.physicalAddress = mac("02:00:00:00:07");
  CHECK(b->createIpNetEntry2(shortMac).status == Status::InvalidParameter);
  REQUIRE(b->createIpNetEntry2(row).ok());
  CHECK(b->createIpNetEntry2(row).status == Status::AlreadyExists);

  NeighborRow read;
  read.address = row.address;
  read.interfaceIndex = 2;
  REQUIRE(b->getIpNetEntry2(read).ok());
  CHECK(read.state == NeighborState::Permanent);
  CHECK(read.luid == InterfaceLuid::make(6, 2));

  auto missing = row;
  missing.address = ip("192.0.2.8");
  CHECK(b->getIpNetEntry2(missing).status == Status::NotFound);
  CHECK(b->setIpNetEntry2(missing).status == Status::NotFound);
  CHECK(b->deleteIpNetEntry2(missing).status == Status::NotFound);
  auto stale = row;
  stale.state = NeighborState::Stale;
  stale.physicalAddress = mac("02:00:00:00:00:08");
  REQUIRE(b->setIpNetEntry2(stale).ok());
  REQUIRE(b->getIpNetEntry2(read).ok());
  CHECK(read.state == NeighborState::Stale);
  CHECK(read.physicalAddress == mac("02:00:00:00:00:08"));

  CHECK(b->flushIpNetTable2(Family::V4, 77).status == Status::NotFound);
  REQUIRE(b->apply("neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev eth0").ok());
  REQUIRE(b->flushIpNetTable2(Family::V4, 2).ok());
  auto left = neighbors(*b);
  REQUIRE(left.size() == 1); // the permanent one stays
  CHECK(left[0].address == ip("192.0.2.9"));
  REQUIRE(b->deleteIpNetEntry2(left[0]).ok());
  CHECK(neighbors(*b).empty());
}

TEST_CASE("routes: create validation", "[sim][validation]") {
  auto b = load(kTwoLinks);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "192.0.2.254", 9)).status == Status::NotFound);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", nullptr, 0)).status == Status::InvalidParameter);
  CHECK(b->createIpForwardEntry2(routeRow("2001:db8:5::/48", "fe80::1", 0)).status ==
        Status::InvalidParameter);
  auto otherTable = routeRow("203.0.113.0/24", "192.0.2.254", 2);
  otherTable.table = 100;
  CHECK(b->createIpForwardEntry2(otherTable).status == Status::InvalidParameter);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.1/24", "192.0.2.254", 2)).status ==
        Status::InvalidParameter);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "2001:db8:1::2", 2)).status ==
        Status::InvalidParameter);
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "198.51.100.254", 2)).status ==
        Status::NetworkUnreachable);
  auto blackhole = routeRow("203.0.113.0/24", "192.0.2.254", 0);
  blackhole.type = RouteType::Blackhole;
  CHECK(b->createIpForwardEntry2(blackhole).status == Status::InvalidParameter);
  blackhole = routeRow("203.0.113.0/24", nullptr, 2);
  blackhole.type = RouteType::Prohibit;
  CHECK(b->createIpForwardEntry2(blackhole).status == Status::InvalidParameter);
  auto noProtocol = routeRow("203.0.113.0/24", "192.0.2.254", 2);
  noProtocol.protocol = RouteProtocol::Egp;
  CHECK(b->createIpForwardEntry2(noProtocol).status == Status::InvalidParameter);

  REQUIRE(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "192.0.2.254", 2)).ok());
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "192.0.2.254", 2)).status ==
        Status::AlreadyExists);
  // Another next hop at the same table, prefix and metric joins the route (multipath)...
  REQUIRE(b->createIpForwardEntry2(routeRow("203.0.113.0/24", "198.51.100.9", 3)).ok());
  auto joined = routes(*b, Family::V4);
  CHECK(std::count_if(joined.begin(), joined.end(),
                      [](const auto& r) { return r.destinationPrefix == prefix("203.0.113.0/24"); }) == 2);
  // ...but never a reject route's key.
  auto reject = routeRow("203.0.113.0/24", nullptr, 0);
  reject.type = RouteType::Blackhole;
  CHECK(b->createIpForwardEntry2(reject).status == Status::AlreadyExists);
  // Deleting one next hop leaves the other.
  REQUIRE(b->deleteIpForwardEntry2(routeRow("203.0.113.0/24", "198.51.100.9", 3)).ok());
  CHECK(findRoute(routes(*b), "203.0.113.0/24", 2));

  const auto table = routes(*b, Family::V4);
  const RouteRow* r = findRoute(table, "203.0.113.0/24", 2);
  REQUIRE(r);
  CHECK(r->metric == 0);
  CHECK(r->protocol == RouteProtocol::NetMgmt);
  CHECK(r->nativeProtocol == 4);
  CHECK(r->scope == 0);
  CHECK(r->luid == InterfaceLuid::make(6, 2));

  for (auto type : {RouteType::Blackhole, RouteType::Unreachable, RouteType::Prohibit}) {
    auto reject = routeRow("198.18.0.0/15", nullptr, 0);
    reject.type = type;
    reject.metric = std::uint32_t(type);
    REQUIRE(b->createIpForwardEntry2(reject).ok());
  }
  UnicastAddressRow skipping;
  initializeUnicastIpAddressEntry(skipping);
  skipping.address = ip("192.0.2.50");
  skipping.interfaceIndex = 2;
  skipping.skipAsSource = true;
  CHECK(b->createUnicastIpAddressEntry(skipping).status == Status::NotSupported);
  auto device = routeRow("192.0.2.128/25", nullptr, 3);
  REQUIRE(b->createIpForwardEntry2(device).ok());
  CHECK(findRoute(routes(*b), "192.0.2.128/25")->scope == 253);
  // A gateway on a device route's network is reachable.
  REQUIRE(b->createIpForwardEntry2(routeRow("10.0.0.0/8", "192.0.2.130", 3)).ok());
}

TEST_CASE("routes: IPv6 defaults and link-local gateways", "[sim][validation]") {
  auto b = load(kTwoLinks);
  REQUIRE(b->createIpForwardEntry2(routeRow("2001:db8:100::/48", "2001:db8:1::2", 2)).ok());
  REQUIRE(b->createIpForwardEntry2(routeRow("2001:db8:200::/48", "fe80::1", 3)).ok());
  CHECK(b->createIpForwardEntry2(routeRow("2001:db8:300::/48", "2001:db8:1::1", 2)).status ==
        Status::InvalidParameter); // a local address as gateway
  CHECK(b->createIpForwardEntry2(routeRow("2001:db8:300::/48", "fe80::1%2", 3)).status ==
        Status::InvalidParameter);
  const auto table = routes(*b, Family::V6);
  const RouteRow* global = findRoute(table, "2001:db8:100::/48");
  REQUIRE(global);
  CHECK(global->metric == 1024);
  const RouteRow* linkLocal = findRoute(table, "2001:db8:200::/48");
  REQUIRE(linkLocal);
  CHECK(linkLocal->nextHop == ip("fe80::1%3"));
  RouteRow key = routeRow("2001:db8:200::/48", "fe80::1", 3);
  REQUIRE(b->getIpForwardEntry2(key).ok());
  CHECK(key.metric == 1024);
}

TEST_CASE("routes need an up device", "[sim][validation]") {
  auto b = load(std::string(kTwoLinks) + "link set eth1 down\n");
  CHECK(b->createIpForwardEntry2(routeRow("203.0.113.0/24", nullptr, 3)).status ==
        Status::NetworkUnreachable);
}

TEST_CASE("routes: get, set, delete", "[sim][validation]") {
  auto b = load(std::string(kTwoLinks) + "route add 203.0.113.0/24 via 192.0.2.254 dev eth0\n"
                                         "route add 203.0.113.0/24 via 198.51.100.254 dev eth1 metric 7\n");
  auto missing = routeRow("203.0.113.0/24", "192.0.2.253", 2);
  CHECK(b->getIpForwardEntry2(missing).status == Status::NotFound);
  CHECK(b->deleteIpForwardEntry2(missing).status == Status::NotFound);
  CHECK(b->setIpForwardEntry2(missing, missing).status == Status::NotFound);

  auto key = routeRow("203.0.113.0/24", "192.0.2.254", 2);
  REQUIRE(b->getIpForwardEntry2(key).ok());
  CHECK(key.protocol == RouteProtocol::NetMgmt);
  CHECK(key.nativeProtocol == 3); // iproute2 sends proto boot

  auto collide = key;
  collide.metric = 7;
  collide.nextHop = ip("198.51.100.254");
  collide.interfaceIndex = 3;
  CHECK(b->setIpForwardEntry2(key, collide).status == Status::AlreadyExists);
  auto unreachable = key;
  unreachable.nextHop = ip("203.0.113.1");
  CHECK(b->setIpForwardEntry2(key, unreachable).status == Status::NetworkUnreachable);
  auto moved = key;
  moved.metric = 20;
  moved.protocol = RouteProtocol::Ospf;
  REQUIRE(b->setIpForwardEntry2(key, moved).ok());
  CHECK(b->getIpForwardEntry2(key).status == Status::NotFound);
  auto read = moved;
  REQUIRE(b->getIpForwardEntry2(read).ok());
  CHECK(read.protocol == RouteProtocol::Ospf);
  CHECK(read.nativeProtocol == 188);
  REQUIRE(b->deleteIpForwardEntry2(read).ok());
  CHECK(b->getIpForwardEntry2(read).status == Status::NotFound);
}

TEST_CASE("best route: longest prefix, then metric", "[sim][validation]") {
  auto b = load(std::string(kTwoLinks) + "route add default via 192.0.2.254 dev eth0 metric 100\n"
                                         "route add default via 198.51.100.254 dev eth1 metric 50\n"
                                         "route add 203.0.113.0/24 via 192.0.2.2 dev eth0\n"
                                         "route add blackhole 203.0.113.128/25\n");
  RouteRow best;
  IpAddress source;
  CHECK(b->getBestRoute2(IpAddress{}, best, source).status == Status::InvalidParameter);
  REQUIRE(b->getBestRoute2(ip("8.8.8.8"), best, source).ok());
  CHECK(best.interfaceIndex == 3);
  CHECK(source == ip("198.51.100.1"));
  REQUIRE(b->getBestRoute2(ip("203.0.113.5"), best, source).ok());
  CHECK(best.destinationPrefix == prefix("203.0.113.0/24"));
  CHECK(source == ip("192.0.2.1"));
  CHECK(b->getBestRoute2(ip("203.0.113.200"), best, source).status == Status::NetworkUnreachable);
  CHECK(b->getBestRoute2(ip("2001:db8:99::1"), best, source).status == Status::NetworkUnreachable);
  REQUIRE(b->getBestRoute2(ip("2001:db8:1::7"), best, source).ok());
  CHECK(source == ip("2001:db8:1::1"));
}

TEST_CASE("only the configured route tables are exported", "[sim][validation]") {
  const std::string text =
      std::string(kTwoLinks) + "route add 203.0.113.0/24 via 192.0.2.254 dev eth0 table 100\n";
  auto main = load(text);
  CHECK_FALSE(findRoute(routes(*main), "203.0.113.0/24"));
  CHECK_FALSE(findRoute(routes(*main), "192.0.2.1/32")); // local table

  Result error;
  SimOptions options;
  options.routeTables = {kMainRouteTable, kLocalRouteTable, 100};
  auto all = SimBackend::fromScenario(text, "t", error, options);
  REQUIRE(all);
  const auto table = routes(*all);
  const RouteRow* custom = findRoute(table, "203.0.113.0/24");
  REQUIRE(custom);
  CHECK(custom->table == 100);
  const RouteRow* local = findRoute(table, "192.0.2.1/32");
  REQUIRE(local);
  CHECK(local->type == RouteType::Local);
  CHECK(local->table == kLocalRouteTable);
}

TEST_CASE("scenario application errors name the line and keep the kernel's status", "[sim][validation]") {
  Result error;
  auto b = SimBackend::fromScenario("link add eth0 type ether\n\naddr add 192.0.2.1/24 dev eth9\n",
                                    "demo.scn", error);
  CHECK_FALSE(b);
  CHECK(error.status == Status::NotFound);
  CHECK(error.message == "demo.scn:3: unknown device 'eth9'");

  b = SimBackend::fromScenario("link add eth0 type ether\nlink add eth0 type dummy\n", "x.scn", error);
  CHECK(error.status == Status::AlreadyExists);
  CHECK(error.message.rfind("x.scn:2: ", 0) == 0);

  b = SimBackend::fromScenario(
      "link add eth0 type ether\nlink set eth0 up\nroute add 10.0.0.0/8 via 192.0.2.1\n", "y.scn", error);
  CHECK(error.status == Status::NetworkUnreachable);

  b = SimBackend::fromScenario("sysctl net.ipv4.nonsense=1\n", "z.scn", error);
  CHECK(error.status == Status::NotFound);
  CHECK(error.message == "z.scn:1: unknown sysctl 'net.ipv4.nonsense'");

  b = SimBackend::fromFile("/nonexistent/file.scn", error);
  CHECK_FALSE(b);
  CHECK(error.status == Status::NotFound);
}

TEST_CASE("VRFs: table on the link row, master validated, address routes in the VRF's table",
          "[sim][validation][vrf]") {
  auto b = load(R"(
link add blue type vrf table 10
link add d0 type dummy
link add d1 type dummy
link set blue up
link set d0 up
addr add 192.0.2.1/24 dev d0
)");
  InterfaceRow vrf;
  vrf.index = 2;
  REQUIRE(b->getIfEntry2(vrf).ok());
  CHECK(vrf.name == "blue");
  CHECK(vrf.vrfTable == 10);
  CHECK(vrf.description == "vrf");
  CHECK(b->apply("link add red type vrf").status == Status::InvalidParameter);         // no table
  CHECK(b->apply("link add red type vrf table 0").status == Status::InvalidParameter); // table 0
  CHECK(b->apply("link set d0 master d1").status == Status::NotSupported);             // not a VRF
  CHECK(b->apply("link set blue master blue").status == Status::InvalidParameter);
  CHECK(b->apply("link set d0 master nothere").status == Status::NotFound);

  SimOptions options;
  options.manualClock = true;
  options.routeTables = {kMainRouteTable, 10};
  Result error;
  auto both = SimBackend::fromScenario(R"(
link add blue type vrf table 10
link add d0 type dummy
link set blue up
link set d0 up
addr add 192.0.2.1/24 dev d0
link set d0 master blue
)",
                                       "vrf.scn", error, options);
  REQUIRE(both);
  InterfaceRow d0;
  d0.index = 3;
  REQUIRE(both->getIfEntry2(d0).ok());
  CHECK(d0.masterIndex == 2);
  const auto table = routes(*both, Family::V4);
  const RouteRow* connected = findRoute(table, "192.0.2.0/24", 3);
  REQUIRE(connected);
  CHECK(connected->table == 10); // moved from main by the enslaving's down/up cycle
  REQUIRE(both->apply("link set d0 nomaster").ok());
  const auto back = routes(*both, Family::V4);
  REQUIRE(findRoute(back, "192.0.2.0/24", 3));
  CHECK(findRoute(back, "192.0.2.0/24", 3)->table == kMainRouteTable);
  // Deleting the VRF releases its ports first.
  REQUIRE(both->apply("link set d0 master blue").ok());
  REQUIRE(both->apply("link del blue").ok());
  REQUIRE(both->getIfEntry2(d0).ok());
  CHECK(d0.masterIndex == 0);
  CHECK(findRoute(routes(*both, Family::V4), "192.0.2.0/24", 3)->table == kMainRouteTable);
}
