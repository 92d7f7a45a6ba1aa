// Tests of the kernel behaviours the simulator mirrors: boot state, indexes, connected and link-local
// routes, link down/up/delete, veth carrier, secondaries, forwarding propagation, statistics.
#include "sim_test_support.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

TEST_CASE("boot state: lo is index 1, up, with 127.0.0.1/8 and ::1/128", "[sim][auto]") {
  SimBackend b;
  std::vector<InterfaceRow> links;
  REQUIRE(b.getIfTable2(links).ok());
  REQUIRE(links.size() == 1);
  CHECK(links[0].index == 1);
  CHECK(links[0].name == "lo");
  CHECK(links[0].type == 24);
  CHECK(links[0].mtu == 65536);
  CHECK(links[0].adminStatus == AdminStatus::Up);
  CHECK(links[0].operStatus == OperStatus::Up);
  CHECK(links[0].luid == InterfaceLuid::make(24, 1));

  const auto addrs = addresses(b);
  REQUIRE(addrs.size() == 2);
  CHECK(addrs[0].address == ip("127.0.0.1"));
  CHECK(addrs[0].onLinkPrefixLength == 8);
  CHECK(addrs[1].address == ip("::1"));
  CHECK(addrs[1].onLinkPrefixLength == 128);
  // Linux puts 127.0.0.0/8 in the local table; only ::1/128 shows in main.
  const auto table = routes(b);
  REQUIRE(table.size() == 1);
  CHECK(table[0].destinationPrefix == prefix("::1/128"));
  CHECK(table[0].metric == 256);
  CHECK(table[0].protocol == RouteProtocol::Local);
  CHECK(b.name() == "sim");
}

TEST_CASE("links get sequential indexes and deterministic MACs - a veth peer comes first", "[sim][auto]") {
  auto b =
      load("link add eth0 type ether\nlink add v0 type veth peer name v1\nlink add d0 type dummy mtu 9000\n"
           "link add eth9 address 02:aa:bb:cc:dd:ee type ether\n");
  std::vector<InterfaceRow> links;
  REQUIRE(b->getIfTable2(links).ok());
  REQUIRE(links.size() == 6);
  CHECK(links[1].name == "eth0");
  CHECK(links[1].physicalAddress == mac("02:00:00:00:00:02"));
  CHECK(links[1].permanentPhysicalAddress == links[1].physicalAddress);
  CHECK(links[1].adminStatus == AdminStatus::Down);
  CHECK(links[2].name == "v1");
  CHECK(links[3].name == "v0");
  CHECK(links[3].description == "veth");
  CHECK(links[3].permanentPhysicalAddress.empty());
  CHECK(links[4].mtu == 9000);
  CHECK(links[5].physicalAddress == mac("02:aa:bb:cc:dd:ee"));
  CHECK(links[5].luid == InterfaceLuid::make(6, 6));
}

TEST_CASE("up adds the IPv6 link-local address and route - addresses add connected routes", "[sim][auto]") {
  auto b = load(kTwoLinks);
  const auto addrs = addresses(*b, Family::V6);
  auto linkLocal = std::find_if(addrs.begin(), addrs.end(), [](const auto& a) {
    return a.interfaceIndex == 2 && a.address.isV6LinkLocal();
  });
  REQUIRE(linkLocal != addrs.end());
  CHECK(linkLocal->address == ip("fe80::ff:fe00:2%2")); // EUI-64 of 02:00:00:00:00:02
  CHECK(linkLocal->onLinkPrefixLength == 64);
  CHECK(linkLocal->suffixOrigin == SuffixOrigin::LinkLayerAddress);

  const auto table = routes(*b);
  const RouteRow* v4 = findRoute(table, "192.0.2.0/24");
  REQUIRE(v4);
  CHECK(v4->interfaceIndex == 2);
  CHECK(v4->metric == 0);
  CHECK(v4->nativeProtocol == 2);
  CHECK(v4->protocol == RouteProtocol::Local);
  CHECK(v4->scope == 253);
  CHECK(v4->nextHop == IpAddress::zero(Family::V4));
  CHECK(v4->preferredSource == ip("192.0.2.1"));
  const RouteRow* v6 = findRoute(table, "2001:db8:1::/64");
  REQUIRE(v6);
  CHECK(v6->metric == 256);
  const RouteRow* fe80 = findRoute(table, "fe80::/64", 3);
  REQUIRE(fe80);
  CHECK(fe80->metric == 256);

  REQUIRE(b->apply("addr del 192.0.2.1/24 dev eth0").ok());
  CHECK_FALSE(findRoute(routes(*b), "192.0.2.0/24"));
}

TEST_CASE("addresses on a down link get routes when it comes up", "[sim][auto]") {
  auto b = load("link add eth0 type ether\naddr add 192.0.2.1/24 dev eth0\naddr add 192.0.2.9/32 dev eth0\n");
  CHECK_FALSE(findRoute(routes(*b), "192.0.2.0/24"));
  REQUIRE(b->apply("link set eth0 up").ok());
  CHECK(findRoute(routes(*b), "192.0.2.0/24"));
  CHECK_FALSE(findRoute(routes(*b), "192.0.2.9/32")); // a /32 has no prefix route
}

TEST_CASE("down flushes neighbors, IPv6 addresses and routes - up restores IPv4 routes", "[sim][auto]") {
  auto b = load(std::string(kTwoLinks) + "neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0\n"
                                         "route add 203.0.113.0/24 via 192.0.2.254 dev eth0\n"
                                         "route add 2001:db8:100::/48 via 2001:db8:1::2 dev eth0\n");
  REQUIRE(b->apply("link set eth0 down").ok());
  InterfaceRow link;
  link.index = 2;
  REQUIRE(b->getIfEntry2(link).ok());
  CHECK(link.operStatus == OperStatus::Down);
  CHECK(neighbors(*b).empty());
  for (const auto& a : addresses(*b)) {
    if (a.interfaceIndex == 2) CHECK(a.address.isV4());
  }
  for (const auto& r : routes(*b))
    CHECK(r.interfaceIndex != 2);

  REQUIRE(b->apply("link set eth0 up").ok());
  CHECK(findRoute(routes(*b), "192.0.2.0/24", 2));
  CHECK(findRoute(routes(*b), "fe80::/64", 2));
  CHECK_FALSE(findRoute(routes(*b), "203.0.113.0/24"));  // static routes do not come back
  CHECK_FALSE(findRoute(routes(*b), "2001:db8:1::/64")); // nor do IPv6 addresses
}

TEST_CASE("a multipath route survives while one of its links is up", "[sim][auto]") {
  auto b =
      load(std::string(kTwoLinks) +
           "route add 203.0.113.0/24 nexthop via 192.0.2.2 dev eth0 nexthop via 198.51.100.2 dev eth1\n");
  auto table = routes(*b);
  CHECK(std::count_if(table.begin(), table.end(),
                      [](const auto& r) { return r.destinationPrefix == prefix("203.0.113.0/24"); }) == 2);
  REQUIRE(b->apply("link set eth0 down").ok());
  table = routes(*b);
  CHECK(std::count_if(table.begin(), table.end(),
                      [](const auto& r) { return r.destinationPrefix == prefix("203.0.113.0/24"); }) == 2);
  REQUIRE(b->apply("link set eth1 down").ok());
  CHECK_FALSE(findRoute(routes(*b), "203.0.113.0/24"));
}

TEST_CASE("deleting a link removes everything on it", "[sim][auto]") {
  auto b = load(std::string(kTwoLinks) + "neigh add 198.51.100.7 lladdr 02:00:00:00:00:07 dev eth1\n"
                                         "route add 203.0.113.0/24 via 198.51.100.254 dev eth1\n");
  REQUIRE(b->apply("link del eth1").ok());
  InterfaceRow link;
  link.index = 3;
  CHECK(b->getIfEntry2(link).status == Status::NotFound);
  for (const auto& a : addresses(*b))
    CHECK(a.interfaceIndex != 3);
  for (const auto& r : routes(*b))
    CHECK(r.interfaceIndex != 3);
  CHECK(neighbors(*b).empty());
  IpInterfaceRow ip4;
  ip4.family = Family::V4;
  ip4.interfaceIndex = 3;
  CHECK(b->getIpInterfaceEntry(ip4).status == Status::NotFound);
  CHECK(b->apply("link del lo").status == Status::NotSupported);
}

TEST_CASE("veth: carrier follows the peer, and deleting one end deletes both", "[sim][auto]") {
  auto b = load("link add v0 type veth peer name v1\nlink set v0 up\n");
  InterfaceRow v0;
  v0.index = 3;
  REQUIRE(b->getIfEntry2(v0).ok());
  CHECK(v0.name == "v0");
  CHECK(v0.operStatus == OperStatus::LowerLayerDown);
  CHECK(addresses(*b, Family::V6).size() == 1); // only ::1: no link-local without carrier
  REQUIRE(b->apply("link set v1 up").ok());
  REQUIRE(b->getIfEntry2(v0).ok());
  CHECK(v0.operStatus == OperStatus::Up);
  CHECK(addresses(*b, Family::V6).size() == 3);
  REQUIRE(b->apply("link del v1").ok());
  std::vector<InterfaceRow> links;
  REQUIRE(b->getIfTable2(links).ok());
  CHECK(links.size() == 1);
}

TEST_CASE("IPv4 secondaries: no own route, removed with their primary", "[sim][auto]") {
  auto b = load(std::string(kTwoLinks) + "addr add 192.0.2.2/24 dev eth0\n"
                                         "route add 203.0.113.0/24 via 192.0.2.254 dev eth0 src 192.0.2.2\n");
  CHECK(findRoute(routes(*b), "203.0.113.0/24"));
  REQUIRE(b->apply("addr del 192.0.2.1/24 dev eth0").ok());
  for (const auto& a : addresses(*b, Family::V4))
    CHECK(a.interfaceIndex != 2);
  // Routes preferring a removed source go with it, and the last IPv4 address takes the rest.
  for (const auto& r : routes(*b, Family::V4))
    CHECK(r.interfaceIndex != 2);
}

TEST_CASE("disable_ipv6 removes IPv6 from a link - enabling brings the link-local back", "[sim][auto]") {
  auto b = load(kTwoLinks);
  REQUIRE(b->apply("sysctl net.ipv6.conf.eth0.disable_ipv6=1").ok());
  for (const auto& a : addresses(*b, Family::V6))
    CHECK(a.interfaceIndex != 2);
  for (const auto& r : routes(*b, Family::V6))
    CHECK(r.interfaceIndex != 2);
  IpInterfaceRow v6;
  v6.family = Family::V6;
  v6.interfaceIndex = 2;
  REQUIRE(b->getIpInterfaceEntry(v6).ok());
  CHECK_FALSE(v6.enabled);
  REQUIRE(b->apply("sysctl net.ipv6.conf.eth0.disable_ipv6=0").ok());
  CHECK(findRoute(routes(*b), "fe80::/64", 2));
}

TEST_CASE("global forwarding propagates to every interface - sysctls map to rows", "[sim][auto]") {
  auto b =
      load(std::string(kTwoLinks) + "sysctl net.ipv4.ip_forward=1\nsysctl net.ipv6.conf.all.hop_limit=40\n"
                                    "sysctl net.ipv4.ip_default_ttl=99\n"
                                    "sysctl net.ipv6.conf.eth1.forwarding=1\n"
                                    "sysctl net.ipv4.neigh.eth1.retrans_time_ms=500\n");
  std::vector<IpInterfaceRow> rows;
  REQUIRE(b->getIpInterfaceTable(Family::V4, rows).ok());
  REQUIRE(rows.size() == 3);
  for (const auto& r : rows)
    CHECK(r.forwardingEnabled);
  CHECK(rows[2].retransmitTime == 500);
  IpGlobalSettings v4{Family::V4, false, 0};
  REQUIRE(b->getIpGlobalSettings(v4).ok());
  CHECK(v4.forwarding);
  CHECK(v4.defaultHopLimit == 99);
  IpGlobalSettings v6{Family::V6, false, 0};
  REQUIRE(b->getIpGlobalSettings(v6).ok());
  CHECK_FALSE(v6.forwarding);
  CHECK(v6.defaultHopLimit == 40);
  REQUIRE(b->getIpInterfaceTable(Family::V6, rows).ok());
  CHECK_FALSE(rows[1].forwardingEnabled);
  CHECK(rows[2].forwardingEnabled);
  REQUIRE(b->getIpInterfaceTable(Family::Unspecified, rows).ok());
  CHECK(rows.size() == 6);
}

TEST_CASE("statistics: deterministic, advancing with the clock, no per-interface IPv4", "[sim][auto]") {
  auto b = load(kTwoLinks);
  std::vector<IpStatisticsRow> stats;
  REQUIRE(b->getIpStatisticsTable(Family::Unspecified, stats).ok());
  REQUIRE(stats.size() == 2 + 2 * 3);
  CHECK(stats[0].family == Family::V4);
  CHECK(stats[0].interfaceIndex == 0);
  CHECK(stats[0].inReceives == 0u);
  b->advance(std::chrono::seconds(10));
  REQUIRE(b->getIpStatisticsTable(Family::Unspecified, stats).ok());
  CHECK(stats[0].inReceives == 1200u);
  CHECK(*stats[0].inDelivers <= *stats[0].inReceives);
  CHECK_FALSE(stats[0].outFragReqds);
  const auto perInterface4 = std::find_if(stats.begin(), stats.end(), [](const auto& s) {
    return s.family == Family::V4 && s.interfaceIndex == 2;
  });
  REQUIRE(perInterface4 != stats.end());
  CHECK_FALSE(perInterface4->inReceives);
  const auto perInterface6 = std::find_if(stats.begin(), stats.end(), [](const auto& s) {
    return s.family == Family::V6 && s.interfaceIndex == 2;
  });
  REQUIRE(perInterface6 != stats.end());
  CHECK(perInterface6->inReceives == 80u);
  CHECK_FALSE(perInterface6->inBcastPkts);
  InterfaceRow link;
  link.index = 2;
  REQUIRE(b->getIfEntry2(link).ok());
  CHECK(link.inUcastPkts == 110);
}

TEST_CASE("address lifetimes count down, deprecate and expire", "[sim][auto]") {
  auto b =
      load(std::string(kTwoLinks) + "addr add 2001:db8:5::1/64 dev eth1 valid_lft 20 preferred_lft 10\n");
  auto find = [&] {
    const auto all = addresses(*b, Family::V6);
    auto it =
        std::find_if(all.begin(), all.end(), [](const auto& a) { return a.address == ip("2001:db8:5::1"); });
    return it == all.end() ? std::optional<UnicastAddressRow>{} : *it;
  };
  REQUIRE(find());
  CHECK_FALSE(find()->permanent);
  REQUIRE(b->nextDeadline());
  b->advance(std::chrono::seconds(4));
  CHECK(find()->validLifetime == 16);
  CHECK(find()->preferredLifetime == 6);
  b->advance(std::chrono::seconds(6));
  b->dispatch(std::chrono::milliseconds(50));
  CHECK(find()->dadState == DadState::Deprecated);
  CHECK(find()->preferredLifetime == 0);
  b->advance(std::chrono::seconds(10));
  b->dispatch(std::chrono::milliseconds(50));
  CHECK_FALSE(find());
  CHECK_FALSE(findRoute(routes(*b), "2001:db8:5::/64"));
}

TEST_CASE("route replace, change and delete through scenario commands", "[sim][auto]") {
  auto b = load(std::string(kTwoLinks) + "route add 203.0.113.0/24 via 192.0.2.2 dev eth0\n");
  REQUIRE(b->apply("route replace 203.0.113.0/24 via 198.51.100.2 dev eth1").ok());
  auto table = routes(*b);
  REQUIRE(findRoute(table, "203.0.113.0/24"));
  CHECK(findRoute(table, "203.0.113.0/24")->interfaceIndex == 3);
  CHECK(b->apply("route change 198.18.0.0/15 dev eth0").status == Status::NotFound);
  CHECK(b->apply("route add 203.0.113.0/24 dev eth0").status == Status::AlreadyExists);
  CHECK(b->apply("route del 203.0.113.0/24 via 192.0.2.2").status == Status::NotFound);
  REQUIRE(b->apply("route del 203.0.113.0/24").ok());
  CHECK_FALSE(findRoute(routes(*b), "203.0.113.0/24"));
  CHECK(b->apply("route del 203.0.113.0/24").status == Status::NotFound);

  REQUIRE(
      b->apply("route add 2001:db8:9::/48 nexthop via 2001:db8:1::2 dev eth0 nexthop via fe80::9 dev eth1")
          .ok());
  REQUIRE(b->apply("route del 2001:db8:9::/48 via fe80::9 dev eth1").ok());
  table = routes(*b);
  REQUIRE(findRoute(table, "2001:db8:9::/48"));
  CHECK(findRoute(table, "2001:db8:9::/48")->interfaceIndex == 2);
}

TEST_CASE("addr change and replace rewrite lifetimes in place", "[sim][auto]") {
  auto b = load(kTwoLinks);
  CHECK(b->apply("addr change 192.0.2.99/24 dev eth0 valid_lft 60 preferred_lft 30").status ==
        Status::NotFound);
  Recorder<UnicastAddressRow> recorder;
  auto sub = b->notifyUnicastIpAddressChange(Family::Unspecified, recorder.callback());
  REQUIRE(b->apply("addr change 192.0.2.1/24 dev eth0 valid_lft 60 preferred_lft 30").ok());
  REQUIRE(b->apply("addr replace 192.0.2.77/24 dev eth0").ok());
  REQUIRE(b->apply("addr replace 192.0.2.77/24 dev eth0 valid_lft 90 preferred_lft 90").ok());
  b->dispatch(std::chrono::milliseconds(50));
  const auto all = recorder.all();
  REQUIRE(all.size() == 3);
  CHECK(all[0].kind == ChangeKind::ParameterChange);
  CHECK(all[0].row.validLifetime == 60);
  CHECK(all[1].kind == ChangeKind::Add);
  CHECK(all[2].kind == ChangeKind::ParameterChange);
  CHECK(all[2].row.validLifetime == 90);
}
