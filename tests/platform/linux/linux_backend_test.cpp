// Integration tests of LinuxBackend's read side against the real kernel, each in a network namespace
// of its own: tables compared with what `ip -j` reports, out-of-band changes arriving as events,
// and recovery from an event-socket overrun. They need root and skip otherwise.
#include "platform/linux/linux_backend.h"
#include "platform/linux/netns.h"
#include "tests/platform/linux/backend_test_support.h"
#include "tests/platform/linux/test_namespace.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;
using boost::property_tree::ptree;
using namespace ipmibd::testing;
using namespace std::chrono_literals;

// ---- comparisons with `ip -j` ----------------------------------------------------------------------

TEST_CASE("interfaces match ip -j link", "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  ns.ip("link set v1 alias peer-side");
  auto b = openBackend(ns);
  std::vector<InterfaceRow> links;
  REQUIRE(b->getIfTable2(links).ok());
  const ptree json = ns.json("-d link show");
  REQUIRE(links.size() == json.size());
  for (const auto& [_, link] : json) {
    const auto index = link.get<InterfaceIndex>("ifindex");
    auto it = std::find_if(links.begin(), links.end(), [&](const auto& r) { return r.index == index; });
    REQUIRE(it != links.end());
    INFO(it->name);
    CHECK(it->name == link.get<std::string>("ifname"));
    CHECK(it->mtu == link.get<std::uint32_t>("mtu"));
    CHECK(formatPhysicalAddress(it->physicalAddress) == link.get<std::string>("address"));
    CHECK(it->alias == link.get<std::string>("ifalias", ""));
    bool up = false;
    for (const auto& [__, flag] : link.get_child("flags"))
      up = up || flag.data() == "UP";
    CHECK(it->adminStatus == (up ? AdminStatus::Up : AdminStatus::Down));
    const std::string state = link.get<std::string>("operstate");
    if (state == "UP") CHECK(it->operStatus == OperStatus::Up);
    if (state == "DOWN") CHECK(it->operStatus == OperStatus::Down);
    if (it->name == "lo") {
      CHECK(state == "UNKNOWN");
      CHECK(it->operStatus == OperStatus::Up); // carrier-less but running: up, as RFC 2863 intends
      CHECK(it->type == 24);
    } else {
      CHECK(it->type == 6);
      CHECK(it->description == link.get<std::string>("linkinfo.info_kind"));
    }
    CHECK(it->luid == InterfaceLuid::make(it->type, it->index));
    InterfaceRow byLuid;
    byLuid.luid = it->luid;
    REQUIRE(b->getIfEntry2(byLuid).ok());
    CHECK(byLuid.name == it->name);
  }
  InterfaceRow missing;
  missing.index = 999;
  CHECK(b->getIfEntry2(missing).status == Status::NotFound);
  InterfaceRow none;
  CHECK(b->getIfEntry2(none).status == Status::InvalidParameter);
}

TEST_CASE("unicast addresses match ip -j addr", "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  auto b = openBackend(ns);
  std::vector<UnicastAddressRow> rows;
  REQUIRE(b->getUnicastIpAddressTable(Family::Unspecified, rows).ok());
  std::set<std::tuple<std::string, unsigned, InterfaceIndex>> ours, theirs;
  for (const auto& r : rows)
    ours.insert({r.address.withScope(0).toString(), r.onLinkPrefixLength, r.interfaceIndex});
  for (const auto& [_, link] : ns.json("addr show"))
    for (const auto& [__, a] : link.get_child("addr_info"))
      theirs.insert(
          {a.get<std::string>("local"), a.get<unsigned>("prefixlen"), link.get<InterfaceIndex>("ifindex")});
  CHECK(ours == theirs);

  const auto v0 = indexByName(*b)["v0"];
  UnicastAddressRow secondary;
  secondary.address = addr("198.51.100.9");
  secondary.interfaceIndex = v0;
  REQUIRE(b->getUnicastIpAddressEntry(secondary).ok());
  CHECK(secondary.secondary);
  CHECK(secondary.permanent);
  CHECK(secondary.prefixOrigin == PrefixOrigin::Manual);
  CHECK(secondary.broadcast.isUnspecified()); // `ip addr add` without brd sets none
  CHECK(secondary.luid == InterfaceLuid::make(6, v0));

  UnicastAddressRow linkLocal;
  for (const auto& r : rows)
    if (r.address.isV6LinkLocal() && r.interfaceIndex == v0) linkLocal = r;
  REQUIRE(linkLocal.address.isV6());
  CHECK(linkLocal.address.scopeId() == v0);
  CHECK(linkLocal.address.withScope(0) == addr("fe80::ff:fe00:1")); // EUI-64 of 02:00:00:00:00:01
  CHECK(linkLocal.prefixOrigin == PrefixOrigin::WellKnown);
  CHECK(linkLocal.suffixOrigin == SuffixOrigin::LinkLayerAddress);
  CHECK(linkLocal.dadState == DadState::Preferred);

  UnicastAddressRow loopback;
  loopback.address = addr("127.0.0.1");
  loopback.interfaceIndex = 1;
  REQUIRE(b->getUnicastIpAddressEntry(loopback).ok());
  CHECK(loopback.prefixOrigin == PrefixOrigin::WellKnown);
  UnicastAddressRow absent;
  absent.address = addr("198.51.100.77");
  absent.interfaceIndex = v0;
  CHECK(b->getUnicastIpAddressEntry(absent).status == Status::NotFound);
}

TEST_CASE("routes match ip -j route: multipath, reject types, IPv6 link-local next hops",
          "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  auto b = openBackend(ns);
  CHECK(ourRoutes(*b, Family::V4) == ipRoutes(ns, false));
  CHECK(ourRoutes(*b, Family::V6) == ipRoutes(ns, true));

  const auto v0 = indexByName(*b)["v0"];
  std::vector<RouteRow> rows;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, rows).ok());
  std::vector<RouteRow> multipath;
  for (const auto& r : rows)
    if (r.destinationPrefix == prefix("203.0.113.128/25")) multipath.push_back(r);
  REQUIRE(multipath.size() == 2);
  CHECK(multipath[0].weight + multipath[1].weight == 4);
  for (const auto& r : rows) {
    CHECK(r.table == kMainRouteTable);
    if (r.destinationPrefix == prefix("2001:db8:fe::/48")) {
      CHECK(r.nextHop == addr("fe80::fe%" + std::to_string(v0)));
      CHECK(r.nativeProtocol == 12); // RTPROT_BIRD, verbatim
      CHECK(r.protocol == RouteProtocol::Other);
    }
    if (r.destinationPrefix == prefix("2001:db8:ff::/48")) CHECK(r.metric == 1024);
    if (r.destinationPrefix == prefix("198.51.100.0/24")) {
      CHECK(r.protocol == RouteProtocol::Local);
      CHECK(r.origin == RouteOrigin::WellKnown);
      CHECK(r.preferredSource == addr("198.51.100.1"));
    }
    if (r.interfaceIndex != 0) CHECK(r.luid.value != 0);
    CHECK(r.created != Timestamp{});
  }

  // Entry lookups by key, from the cache (idle) and from a dump (events pending).
  RouteRow key;
  key.destinationPrefix = prefix("203.0.113.0/24");
  key.nextHop = addr("198.51.100.254");
  key.interfaceIndex = v0;
  key.metric = 0;
  REQUIRE(b->getIpForwardEntry2(key).ok());
  CHECK(key.protocol == RouteProtocol::NetMgmt);
  ns.ip("route add 203.0.113.0/24 via 198.51.100.254 metric 50"); // an event is now queued
  RouteRow fresh;
  fresh.destinationPrefix = prefix("203.0.113.0/24");
  fresh.nextHop = addr("198.51.100.254");
  fresh.interfaceIndex = v0;
  fresh.metric = 50;
  REQUIRE(b->getIpForwardEntry2(fresh).ok());
  CHECK(fresh.metric == 50);
  fresh.metric = 51;
  CHECK(b->getIpForwardEntry2(fresh).status == Status::NotFound);
  RouteRow otherTable = key;
  otherTable.table = 100;
  CHECK(b->getIpForwardEntry2(otherTable).status == Status::NotFound);
}

TEST_CASE("routeTables selects the exported kernel tables", "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  ns.ip("route add 203.0.113.0/24 via 198.51.100.254 table 100");
  ns.ip("-6 route add 2001:db8:aa::/48 via 2001:db8:1::fe table 100");
  LinuxOptions options;
  options.netns = ns.name();
  options.routeTables = {100};
  Result error;
  auto b = LinuxBackend::open(options, error);
  REQUIRE(b);
  std::vector<RouteRow> rows;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, rows).ok());
  REQUIRE(rows.size() == 2);
  for (const auto& r : rows)
    CHECK(r.table == 100);

  // An exported table that does not exist yet is empty, not an error.
  options.routeTables = {4242};
  auto empty = LinuxBackend::open(options, error);
  REQUIRE(empty);
  REQUIRE(empty->getIpForwardTable2(Family::Unspecified, rows).ok());
  CHECK(rows.empty());
}

TEST_CASE("single-row route reads over two exported tables, with events still queued",
          "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  LinuxOptions options;
  options.netns = ns.name();
  options.routeTables = {kMainRouteTable, 100};
  Result error;
  auto b = LinuxBackend::open(options, error);
  REQUIRE(b);
  finishRouteLoad(*b);
  const auto v0 = indexByName(*b)["v0"];
  std::vector<RouteRow> published;
  auto subscription = b->notifyRouteChange2(Family::Unspecified, [&](std::span<const Change<RouteRow>> c) {
    for (const auto& change : c)
      published.push_back(change.row);
  });

  // Queued, not dispatched: a route only in table 100, and one at a main-table prefix.
  ns.ip("route add 203.0.113.64/26 via 198.51.100.254 table 100");
  ns.ip("route add 203.0.113.0/24 via 198.51.100.253 table 100");
  RouteRow key;
  key.table = 100;
  key.destinationPrefix = prefix("203.0.113.64/26");
  key.nextHop = addr("198.51.100.254");
  key.interfaceIndex = v0;
  key.metric = kUnspecifiedMetric;
  REQUIRE(b->getIpForwardEntry2(key).ok());
  CHECK(key.table == 100);
  CHECK(key.luid.value != 0);
  RouteRow inMain = key;
  inMain.table = kMainRouteTable;
  CHECK(b->getIpForwardEntry2(inMain).status == Status::NotFound);
  // A multipath route's second next hop (main table, metric 7).
  RouteRow leg;
  leg.destinationPrefix = prefix("203.0.113.128/25");
  leg.nextHop = addr("198.51.100.3");
  leg.interfaceIndex = v0;
  leg.metric = 7;
  REQUIRE(b->getIpForwardEntry2(leg).ok());
  CHECK(leg.weight == 3);

  // Routes through v0 covering an address, over both tables, in key order.
  std::vector<RouteRow> covering;
  REQUIRE(b->getRoutesCovering(addr("203.0.113.70"), v0, covering).ok());
  std::vector<std::string> seen;
  for (const auto& r : covering)
    seen.push_back(std::to_string(r.table) + " " + r.destinationPrefix.toString() + " " +
                   r.nextHop.toString());
  CHECK(seen == std::vector<std::string>{"100 203.0.113.0/24 198.51.100.253",
                                         "100 203.0.113.64/26 198.51.100.254",
                                         "254 203.0.113.0/24 198.51.100.254"});

  // The kernel's lookup finds a reject route: the longest match over the exported tables answers.
  RouteRow best;
  IpAddress source;
  REQUIRE(b->getBestRoute2(addr("192.0.2.200"), best, source).ok());
  CHECK(best.destinationPrefix == prefix("192.0.2.128/25"));
  CHECK(best.type == RouteType::Unreachable);

  // The changes read early are still published, once, by dispatch().
  CHECK(published.empty());
  const auto deadline = b->nextDeadline(); // "now": the loop must call dispatch() at once
  REQUIRE(deadline.has_value());
  CHECK(*deadline <= Clock::now());
  b->dispatch(100ms);
  CHECK(std::count_if(published.begin(), published.end(), [](const RouteRow& r) { return r.table == 100; }) ==
        2);
}

TEST_CASE(
    "route changes past the shadow's merge threshold are merged in dispatch() steps, reads exact meanwhile",
    "[integration][linux][events]") {
  REQUIRE_ROOT();
  TestNamespace ns("lm");
  buildTopology(ns);
  // 6,000 routes in the shadow's sorted vectors from the start: a merge then outlasts the events.
  std::ostringstream initialRoutes;
  for (int i = 0; i < 6000; ++i)
    initialRoutes << "route add 10.8." << i / 256 << "." << i % 256 << "/32 via 198.51.100.254\n";
  ns.batch(initialRoutes.str());
  auto b = openBackend(ns);
  const auto v0 = indexByName(*b)["v0"];
  View<RouteKey, RouteRow> view{routeKey};
  auto subscription = b->notifyRouteChange2(Family::Unspecified, [&](auto c) { view.apply(c); });
  std::vector<RouteRow> initial;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, initial).ok());
  view.rows = asMap(initial, routeKey);

  // 1,030 new routes: the shadow's delta passes its threshold (1,024 entries) at the 1,025th and is
  // frozen; the last changes pay a few small steps (RouteShadow::kChangeStep), and merging the rest
  // of the ~7,000 routes takes dispatch() more than one RouteShadow::kMergeStep.
  std::ostringstream batch;
  for (int i = 0; i < 1030; ++i)
    batch << "route add 10.9." << i / 256 << "." << i % 256 << "/32 via 198.51.100.254\n";
  ns.batch(batch.str());
  int mergeOnly = 0;
  for (int calls = 0; b->dispatch(0ms); ++calls) {
    REQUIRE(calls < 10000);
    pollfd fd{b->eventDescriptor(), POLLIN, 0};
    if (::poll(&fd, 1, 0) != 0) continue; // events still queued
    // Nothing queued or left to publish: the call asked to be called again for the merge alone.
    ++mergeOnly;
    const auto deadline = b->nextDeadline();
    REQUIRE(deadline.has_value());
    CHECK(*deadline <= Clock::now());
    CHECK(ourRoutes(*b, Family::V4) == ipRoutes(ns, false));
    CHECK(ourRoutes(*b, Family::V6) == ipRoutes(ns, true));
    // Single-row reads from each layer: the frozen delta (the first routes added), the newest delta
    // (the last ones) and the sorted vectors (the topology's).
    for (const char* destination : {"10.9.0.0/32", "10.9.4.5/32", "203.0.113.0/24", "10.8.23.111/32"}) {
      INFO(destination);
      RouteRow key;
      key.destinationPrefix = prefix(destination);
      key.nextHop = addr("198.51.100.254");
      key.interfaceIndex = v0;
      key.metric = kUnspecifiedMetric;
      CHECK(b->getIpForwardEntry2(key).ok());
    }
  }
  CHECK(mergeOnly >= 1);
  CHECK(ourRoutes(*b, Family::V4) == ipRoutes(ns, false));
  CHECK(view.anomalies == std::vector<std::string>{});
  CHECK(view.rows.size() == initial.size() + 1030);
}

TEST_CASE("neighbors match ip -j neigh", "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  auto b = openBackend(ns);
  const auto v0 = indexByName(*b)["v0"];
  std::vector<NeighborRow> rows;
  REQUIRE(b->getIpNetTable2(Family::Unspecified, rows).ok());
  std::set<std::pair<std::string, InterfaceIndex>> ours, theirs;
  for (const auto& r : rows)
    ours.insert({r.address.withScope(0).toString(), r.interfaceIndex});
  auto names = indexByName(*b);
  for (const auto& [_, n] : ns.json("neigh show nud all"))
    theirs.insert({n.get<std::string>("dst"), names[n.get<std::string>("dev")]});
  CHECK(ours == theirs);

  NeighborRow v4;
  v4.address = addr("198.51.100.7");
  v4.interfaceIndex = v0;
  REQUIRE(b->getIpNetEntry2(v4).ok());
  CHECK(v4.state == NeighborState::Permanent);
  CHECK(formatPhysicalAddress(v4.physicalAddress) == "02:00:00:00:00:07");
  NeighborRow v6;
  v6.address = addr("fe80::7");
  v6.interfaceIndex = v0;
  REQUIRE(b->getIpNetEntry2(v6).ok());
  CHECK(v6.address.scopeId() == v0);
  CHECK(formatPhysicalAddress(v6.physicalAddress) == "02:00:00:00:00:08");
  NeighborRow absent;
  absent.address = addr("198.51.100.99");
  absent.interfaceIndex = v0;
  CHECK(b->getIpNetEntry2(absent).status == Status::NotFound);
}

TEST_CASE("IP interfaces, global settings and statistics", "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  ns.sysctl("net.ipv4.conf.v0.forwarding=1");
  ns.sysctl("net.ipv6.conf.v0.hop_limit=42");
  ns.sysctl("net.ipv6.conf.v0.accept_ra=0");
  ns.sysctl("net.ipv4.neigh.v0.base_reachable_time_ms=20000");
  ns.sysctl("net.ipv4.neigh.v0.retrans_time_ms=2000");
  auto b = openBackend(ns);
  const auto v0 = indexByName(*b)["v0"];

  std::vector<IpInterfaceRow> table;
  REQUIRE(b->getIpInterfaceTable(Family::Unspecified, table).ok());
  CHECK(table.size() == 2 * indexByName(*b).size()); // lo, v0, v1 have both families
  IpInterfaceRow v4;
  v4.family = Family::V4;
  v4.interfaceIndex = v0;
  REQUIRE(b->getIpInterfaceEntry(v4).ok());
  CHECK(v4.forwardingEnabled);
  CHECK(v4.nlMtu == 1500);
  CHECK(v4.baseReachableTime == 20000);
  CHECK(v4.retransmitTime == 2000);
  CHECK(v4.reachableTime >= 10000); // randomized in [base/2, 3*base/2]
  CHECK(v4.reachableTime <= 30000);
  CHECK(v4.connected);
  IpInterfaceRow v6;
  v6.family = Family::V6;
  v6.interfaceIndex = v0;
  REQUIRE(b->getIpInterfaceEntry(v6).ok());
  CHECK_FALSE(v6.forwardingEnabled);
  CHECK(v6.curHopLimit == 42);
  CHECK_FALSE(v6.routerDiscoveryEnabled);
  CHECK(v6.baseReachableTime == 30000);
  CHECK(v6.retransmitTime == 1000);
  CHECK(formatPhysicalAddress(v6.interfaceIdentifier) == "00:00:00:ff:fe:00:00:01");
  IpInterfaceRow unspecified;
  unspecified.interfaceIndex = v0;
  CHECK(b->getIpInterfaceEntry(unspecified).status == Status::InvalidParameter);

  for (Family family : {Family::V4, Family::V6}) {
    IpGlobalSettings s;
    s.family = family;
    REQUIRE(b->getIpGlobalSettings(s).ok());
    CHECK_FALSE(s.forwarding);
    CHECK(s.defaultHopLimit == 64);
  }
  ns.sysctl("net.ipv4.ip_forward=1");
  // ipv6IpDefaultHopLimit is conf/all/hop_limit, as Net-SNMP's snmpd reports it; conf/default (what
  // new interfaces inherit) is set to something else to tell the two apart.
  ns.sysctl("net.ipv6.conf.all.hop_limit=77");
  ns.sysctl("net.ipv6.conf.default.hop_limit=99");
  IpGlobalSettings s4{Family::V4}, s6{Family::V6};
  REQUIRE(b->getIpGlobalSettings(s4).ok());
  REQUIRE(b->getIpGlobalSettings(s6).ok());
  CHECK(s4.forwarding);
  CHECK(s6.defaultHopLimit == 77);
  // ipReasmTimeout's source, per namespace.
  ns.sysctl("net.ipv4.ipfrag_time=17");
  ns.sysctl("net.ipv6.ip6frag_time=23");
  REQUIRE(b->getIpGlobalSettings(s4).ok());
  REQUIRE(b->getIpGlobalSettings(s6).ok());
  CHECK(s4.reassemblyTimeout == 17);
  CHECK(s6.reassemblyTimeout == 23);

  // Counters move when the namespace sends: one UDP datagram to its own loopback.
  auto outRequests = [&](Family family) {
    std::vector<IpStatisticsRow> stats;
    REQUIRE(b->getIpStatisticsTable(family, stats).ok());
    REQUIRE(!stats.empty());
    CHECK(stats.front().interfaceIndex == 0);
    REQUIRE(stats.front().outRequests.has_value());
    return *stats.front().outRequests;
  };
  const auto before = outRequests(Family::V4);
  {
    NetnsScope scope(ns.name());
    REQUIRE(scope.result().ok());
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(::sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 1);
    ::close(fd);
  }
  CHECK(outRequests(Family::V4) > before);

  std::vector<IpStatisticsRow> stats;
  REQUIRE(b->getIpStatisticsTable(Family::Unspecified, stats).ok());
  std::set<InterfaceIndex> v6Interfaces;
  for (const auto& row : stats) {
    CHECK(row.inReceives.has_value());
    if (row.family == Family::V4) CHECK(row.interfaceIndex == 0); // no per-interface IPv4 counters in Linux
    if (row.family == Family::V6) v6Interfaces.insert(row.interfaceIndex);
  }
  CHECK(v6Interfaces.contains(0));
  CHECK(v6Interfaces.contains(v0));
}

// ---- statistics against the kernel's counters by name ----------------------------------------------

// The test's own readers of the /proc/net counter files (independent of the backend's parsers),
// run through `ip netns exec` so that they see the namespace's counters.
using Counters = std::map<std::string, std::uint64_t>;
Counters readNameValue(const TestNamespace& ns, const std::string& path) {
  std::istringstream in(ns.readProc(path));
  Counters out;
  std::string name;
  std::uint64_t value;
  while (in >> name >> value)
    out[name] = value;
  return out;
}
// "Prefix: names" / "Prefix: values" line pairs -> "Prefix.Name" (negative settings such as Tcp's
// MaxConn -1 skipped; only IP counters are looked up).
void readPairs(const TestNamespace& ns, const std::string& path, Counters& out) {
  std::istringstream in(ns.readProc(path));
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    std::istringstream n(names), v(values);
    std::string prefix, prefix2, name, value;
    n >> prefix;
    v >> prefix2;
    REQUIRE(prefix == prefix2);
    prefix.pop_back(); // the ':'
    while (n >> name && v >> value)
      if (value.front() != '-') out[prefix + "." + name] = std::stoull(value);
  }
}

// Every IpStatisticsRow counter and the names the kernel prints it under (nullptr: Linux keeps no
// such counter for that family, the field must be nullopt).
struct NamedCounter {
  std::optional<std::uint64_t> IpStatisticsRow::*field;
  const char* v4;
  const char* v6;
};
const NamedCounter kNamedCounters[] = {
    {&IpStatisticsRow::inReceives, "Ip.InReceives", "Ip6InReceives"},
    {&IpStatisticsRow::inOctets, "IpExt.InOctets", "Ip6InOctets"},
    {&IpStatisticsRow::inHdrErrors, "Ip.InHdrErrors", "Ip6InHdrErrors"},
    {&IpStatisticsRow::inNoRoutes, "IpExt.InNoRoutes", "Ip6InNoRoutes"},
    {&IpStatisticsRow::inAddrErrors, "Ip.InAddrErrors", "Ip6InAddrErrors"},
    {&IpStatisticsRow::inUnknownProtos, "Ip.InUnknownProtos", "Ip6InUnknownProtos"},
    {&IpStatisticsRow::inTruncatedPkts, "IpExt.InTruncatedPkts", "Ip6InTruncatedPkts"},
    {&IpStatisticsRow::inForwDatagrams, "Ip.ForwDatagrams", "Ip6OutForwDatagrams"}, // counted once
    {&IpStatisticsRow::outForwDatagrams, "Ip.ForwDatagrams", "Ip6OutForwDatagrams"},
    {&IpStatisticsRow::reasmReqds, "Ip.ReasmReqds", "Ip6ReasmReqds"},
    {&IpStatisticsRow::reasmOKs, "Ip.ReasmOKs", "Ip6ReasmOKs"},
    {&IpStatisticsRow::reasmFails, "Ip.ReasmFails", "Ip6ReasmFails"},
    {&IpStatisticsRow::inDiscards, "Ip.InDiscards", "Ip6InDiscards"},
    {&IpStatisticsRow::inDelivers, "Ip.InDelivers", "Ip6InDelivers"},
    {&IpStatisticsRow::outRequests, "Ip.OutRequests", "Ip6OutRequests"},
    {&IpStatisticsRow::outNoRoutes, "Ip.OutNoRoutes", "Ip6OutNoRoutes"},
    {&IpStatisticsRow::outDiscards, "Ip.OutDiscards", "Ip6OutDiscards"},
    {&IpStatisticsRow::outFragOKs, "Ip.FragOKs", "Ip6FragOKs"},
    {&IpStatisticsRow::outFragFails, "Ip.FragFails", "Ip6FragFails"},
    {&IpStatisticsRow::outFragCreates, "Ip.FragCreates", "Ip6FragCreates"},
    {&IpStatisticsRow::outTransmits, "Ip.OutTransmits", "Ip6OutTransmits"},
    {&IpStatisticsRow::outOctets, "IpExt.OutOctets", "Ip6OutOctets"},
    {&IpStatisticsRow::inMcastPkts, "IpExt.InMcastPkts", "Ip6InMcastPkts"},
    {&IpStatisticsRow::inMcastOctets, "IpExt.InMcastOctets", "Ip6InMcastOctets"},
    {&IpStatisticsRow::outMcastPkts, "IpExt.OutMcastPkts", "Ip6OutMcastPkts"},
    {&IpStatisticsRow::outMcastOctets, "IpExt.OutMcastOctets", "Ip6OutMcastOctets"},
    {&IpStatisticsRow::inBcastPkts, "IpExt.InBcastPkts", nullptr},
    {&IpStatisticsRow::outBcastPkts, "IpExt.OutBcastPkts", nullptr},
};

// `ours` was read first and `kernel` right after, so each counter can only have grown in between,
// and only by what the namespace does on its own meanwhile (router solicitations, MLD reports):
// a few packets. Every counter the kernel prints must be there.
void checkCounters(const IpStatisticsRow& ours, const Counters& kernel) {
  const bool v4 = ours.family == Family::V4;
  for (const auto& named : kNamedCounters) {
    const char* name = v4 ? named.v4 : named.v6;
    const auto& value = ours.*named.field;
    const auto it = name ? kernel.find(name) : kernel.end();
    INFO((name ? name : "(no kernel counter)") << " of interface " << ours.interfaceIndex);
    if (it == kernel.end()) {
      CHECK_FALSE(value.has_value());
      continue;
    }
    REQUIRE(value.has_value());
    CHECK(*value <= it->second);
    const std::uint64_t slack = std::string_view(name).find("Octets") != std::string_view::npos ? 2000 : 10;
    CHECK(*value + slack >= it->second);
  }
  if (ours.outFragOKs && ours.outFragFails) CHECK(ours.outFragReqds == *ours.outFragOKs + *ours.outFragFails);
}

// One socket opened inside `ns` sends `count` UDP datagrams of `size` bytes to `address` port 9
// (discard; nothing listens), through interface `device` when the address needs a scope.
void sendUdp(const TestNamespace& ns, const char* address, int count, std::size_t size,
             const char* device = "") {
  NetnsScope scope(ns.name());
  REQUIRE(scope.result().ok());
  sockaddr_storage to{};
  socklen_t length = 0;
  int family = AF_INET;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&to); ::inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(9);
    length = sizeof *v4;
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&to);
    REQUIRE(::inet_pton(AF_INET6, address, &v6->sin6_addr) == 1);
    v6->sin6_family = family = AF_INET6;
    v6->sin6_port = htons(9);
    v6->sin6_scope_id = *device ? ::if_nametoindex(device) : 0;
    length = sizeof *v6;
  }
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  const std::string payload(size, 'x');
  for (int i = 0; i < count; ++i)
    CHECK(::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), length) ==
          ssize_t(size));
  ::close(fd);
}

TEST_CASE("per-interface IPv6 statistics are the kernel's dev_snmp6 counters",
          "[integration][linux][stats]") {
  REQUIRE_ROOT();
  // Two namespaces joined by a veth pair, so that datagrams really leave v0 and arrive on v1.
  TestNamespace a("ls"), b("ls");
  a.ip("link add v0 type veth peer name v1 netns " + b.name());
  b.ip("link set v1 address 02:00:00:00:00:02");
  a.ip("link set v0 up");
  b.ip("link set v1 up");
  a.ip("addr add 2001:db8:1::1/64 dev v0 nodad");
  b.ip("addr add 2001:db8:1::2/64 dev v1 nodad");
  a.ip("-6 neigh add 2001:db8:1::2 lladdr 02:00:00:00:00:02 dev v0 nud permanent");
  for (int i = 0; i < 100 && a.json("link show v0").front().second.get<std::string>("operstate") != "UP"; ++i)
    std::this_thread::sleep_for(20ms);

  // Distinct amounts per kind, so that a counter read from another counter's place shows.
  constexpr int kUnicast = 40, kMulticast = 15;
  constexpr std::size_t kPayload = 300, kHeaders = 40 + 8; // IPv6 + UDP
  sendUdp(a, "2001:db8:1::2", kUnicast, kPayload);
  sendUdp(a, "ff02::1", kMulticast, kPayload, "v0");
  std::this_thread::sleep_for(100ms); // the receiving side runs in softirq context

  for (const TestNamespace* ns : {&a, &b}) {
    auto backend = openBackend(*ns);
    const auto names = indexByName(*backend);
    std::vector<IpStatisticsRow> stats;
    REQUIRE(backend->getIpStatisticsTable(Family::V6, stats).ok());
    std::map<InterfaceIndex, IpStatisticsRow> rows;
    for (const auto& row : stats)
      if (row.interfaceIndex != 0) rows[row.interfaceIndex] = row;
    CHECK(rows.size() == names.size()); // lo and the veth end: both have IPv6
    for (const auto& [name, index] : names) {
      INFO(ns->name() << " " << name);
      REQUIRE(rows.contains(index));
      const Counters kernel = readNameValue(*ns, "/proc/net/dev_snmp6/" + name);
      REQUIRE(kernel.at("ifIndex") == index);
      checkCounters(rows[index], kernel);
    }
    // The traffic itself, independently of the kernel's files: a scrambled layout would put
    // e.g. OutOctets into InAddrErrors and zeros into the out counters.
    const std::uint64_t packets = kUnicast + kMulticast, octets = packets * (kPayload + kHeaders);
    if (ns == &a) {
      const auto& v0 = rows[names.at("v0")];
      CHECK(v0.outRequests >= packets);
      CHECK(v0.outTransmits >= packets);
      CHECK(v0.outOctets >= octets);
      CHECK(v0.outMcastPkts >= std::uint64_t(kMulticast));
      CHECK(v0.outMcastOctets >= kMulticast * (kPayload + kHeaders));
      CHECK(v0.inAddrErrors == 0u);
    } else {
      const auto& v1 = rows[names.at("v1")];
      CHECK(v1.inReceives >= packets);
      CHECK(v1.inOctets >= octets);
      CHECK(v1.inDelivers >= packets);
      CHECK(v1.inMcastPkts >= std::uint64_t(kMulticast));
      CHECK(v1.inMcastOctets >= kMulticast * (kPayload + kHeaders));
      CHECK(v1.inAddrErrors == 0u);
      CHECK(v1.inHdrErrors == 0u);
    }
  }
}

TEST_CASE("system-wide statistics are the kernel's snmp, netstat and snmp6 counters",
          "[integration][linux][stats]") {
  REQUIRE_ROOT();
  TestNamespace ns("ls");
  constexpr int kDatagrams = 25;
  constexpr std::size_t kPayload = 500;
  sendUdp(ns, "127.0.0.1", kDatagrams, kPayload);
  sendUdp(ns, "::1", kDatagrams, kPayload);
  auto b = openBackend(ns);

  std::vector<IpStatisticsRow> stats;
  REQUIRE(b->getIpStatisticsTable(Family::Unspecified, stats).ok());
  Counters v4;
  readPairs(ns, "/proc/net/snmp", v4);
  readPairs(ns, "/proc/net/netstat", v4);
  const Counters v6 = readNameValue(ns, "/proc/net/snmp6");
  REQUIRE(v4.contains("IpExt.InOctets")); // the file layout the comparison relies on
  REQUIRE(v6.contains("Ip6InOctets"));

  int systemRows = 0;
  for (const auto& row : stats) {
    if (row.interfaceIndex != 0) continue;
    ++systemRows;
    checkCounters(row, row.family == Family::V4 ? v4 : v6);
    // Loopback traffic passes both directions: the octet counters (IpExt for IPv4) moved.
    const std::uint64_t octets = kDatagrams * (kPayload + (row.family == Family::V4 ? 28 : 48));
    CHECK(row.inOctets >= octets);
    CHECK(row.outOctets >= octets);
    CHECK(row.outRequests >= std::uint64_t(kDatagrams));
  }
  CHECK(systemRows == 2);
  REQUIRE(stats.size() >= 2);
  CHECK(stats[0].family == Family::V4);
  CHECK(stats[1].family == Family::V6);
}

TEST_CASE("getBestRoute2 asks the kernel", "[integration][linux]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  auto b = openBackend(ns);
  const auto v0 = indexByName(*b)["v0"];
  RouteRow best;
  IpAddress source;
  REQUIRE(b->getBestRoute2(addr("203.0.113.5"), best, source).ok());
  CHECK(best.destinationPrefix == prefix("203.0.113.0/24"));
  CHECK(best.nextHop == addr("198.51.100.254"));
  CHECK(best.interfaceIndex == v0);
  CHECK(source == addr("198.51.100.1"));
  REQUIRE(b->getBestRoute2(addr("203.0.113.200"), best, source).ok());
  CHECK(best.destinationPrefix == prefix("203.0.113.128/25"));
  REQUIRE(b->getBestRoute2(addr("2001:db8:ff::9"), best, source).ok());
  CHECK(best.destinationPrefix == prefix("2001:db8:ff::/48"));
  CHECK(source == addr("2001:db8:1::1"));
  // The kernel refuses to route into a blackhole; the longest match still names it.
  REQUIRE(b->getBestRoute2(addr("192.0.2.1"), best, source).ok());
  CHECK(best.type == RouteType::Blackhole);
  CHECK(b->getBestRoute2(addr("10.1.2.3"), best, source).status == Status::NetworkUnreachable);
  CHECK(b->getBestRoute2(IpAddress{}, best, source).status == Status::InvalidParameter);
}

// ---- events ----------------------------------------------------------------------------------------------

InterfaceRow withoutCounters(InterfaceRow r) {
  r.inOctets = r.inUcastPkts = r.inNUcastPkts = r.inDiscards = r.inErrors = r.inUnknownProtos =
      r.inMulticastPkts = 0;
  r.outOctets = r.outUcastPkts = r.outNUcastPkts = r.outDiscards = r.outErrors = 0;
  return r;
}
IpInterfaceRow withoutReachable(IpInterfaceRow r) {
  r.reachableTime = 0;
  return r;
}
NeighborRow withoutAge(NeighborRow r) {
  r.reachabilityTime = 0;
  return r;
}

TEST_CASE("out-of-band changes arrive as events and explain the tables", "[integration][linux][events]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  auto b = openBackend(ns);
  auto names = indexByName(*b);
  const auto v0 = names["v0"];

  View<RouteKey, RouteRow> routes(routeKey);
  View<std::pair<IpAddress, InterfaceIndex>, UnicastAddressRow> addresses(addressKey);
  View<std::pair<IpAddress, InterfaceIndex>, NeighborRow> neighbors(neighborKey);
  View<InterfaceIndex, InterfaceRow> links(linkKey);
  View<std::pair<Family, InterfaceIndex>, IpInterfaceRow> ipInterfaces(ipInterfaceKey);
  auto s1 = b->notifyRouteChange2(Family::Unspecified, [&](auto c) { routes.apply(c); });
  auto s2 = b->notifyUnicastIpAddressChange(Family::Unspecified, [&](auto c) { addresses.apply(c); });
  auto s3 = b->notifyIpNetChange(Family::Unspecified, [&](auto c) { neighbors.apply(c); });
  auto s4 = b->notifyInterfaceChange([&](auto c) { links.apply(c); });
  auto s5 = b->notifyIpInterfaceChange(Family::Unspecified, [&](auto c) { ipInterfaces.apply(c); });
  {
    std::vector<RouteRow> r;
    REQUIRE(b->getIpForwardTable2(Family::Unspecified, r).ok());
    routes.rows = asMap(r, routeKey);
    std::vector<UnicastAddressRow> a;
    REQUIRE(b->getUnicastIpAddressTable(Family::Unspecified, a).ok());
    addresses.rows = asMap(a, addressKey);
    std::vector<NeighborRow> n;
    REQUIRE(b->getIpNetTable2(Family::Unspecified, n).ok());
    neighbors.rows = asMap(n, neighborKey);
    std::vector<InterfaceRow> l;
    REQUIRE(b->getIfTable2(l).ok());
    links.rows = asMap(l, linkKey);
    std::vector<IpInterfaceRow> i;
    REQUIRE(b->getIpInterfaceTable(Family::Unspecified, i).ok());
    ipInterfaces.rows = asMap(i, ipInterfaceKey);
  }
  auto checkViews = [&] {
    std::vector<RouteRow> r;
    REQUIRE(b->getIpForwardTable2(Family::Unspecified, r).ok());
    CHECK(routes.rows == asMap(r, routeKey));
    std::vector<UnicastAddressRow> a;
    REQUIRE(b->getUnicastIpAddressTable(Family::Unspecified, a).ok());
    CHECK(addresses.rows == asMap(a, addressKey));
    std::vector<NeighborRow> n;
    REQUIRE(b->getIpNetTable2(Family::Unspecified, n).ok());
    auto fresh = asMap(n, neighborKey);
    std::erase_if(fresh, [](const auto& kv) { return kv.first.first.isMulticast(); });
    auto mirrored = neighbors.rows;
    std::erase_if(mirrored, [](const auto& kv) { return kv.first.first.isMulticast(); });
    for (auto* m : {&fresh, &mirrored})
      for (auto& [k, row] : *m)
        row = withoutAge(row);
    CHECK(mirrored == fresh);
    std::vector<InterfaceRow> l;
    REQUIRE(b->getIfTable2(l).ok());
    std::map<InterfaceIndex, InterfaceRow> freshLinks, mirroredLinks;
    for (const auto& row : l)
      freshLinks[row.index] = withoutCounters(row);
    for (const auto& [k, row] : links.rows)
      mirroredLinks[k] = withoutCounters(row);
    CHECK(mirroredLinks == freshLinks);
    std::vector<IpInterfaceRow> i;
    REQUIRE(b->getIpInterfaceTable(Family::Unspecified, i).ok());
    std::map<std::pair<Family, InterfaceIndex>, IpInterfaceRow> freshIp, mirroredIp;
    for (const auto& row : i)
      freshIp[ipInterfaceKey(row)] = withoutReachable(row);
    for (const auto& [k, row] : ipInterfaces.rows)
      mirroredIp[k] = withoutReachable(row);
    CHECK(mirroredIp == freshIp);
    for (auto* anomalies : {&routes.anomalies, &addresses.anomalies, &neighbors.anomalies, &links.anomalies,
                            &ipInterfaces.anomalies})
      CHECK(*anomalies == std::vector<std::string>{});
  };

  SECTION("routes: add, replace (same key), replace (new next hop), delete") {
    ns.ip("route add 203.0.113.64/26 via 198.51.100.254 metric 9");
    ns.ip("-6 route add 2001:db8:ab::/48 via 2001:db8:1::fe");
    settle(*b);
    CHECK(routes.saw(ChangeKind::Add, [&](const RouteRow& r) {
      return r.destinationPrefix == prefix("203.0.113.64/26") && r.metric == 9 && r.interfaceIndex == v0 &&
             r.nextHop == addr("198.51.100.254") && r.luid.value != 0;
    }));
    CHECK(routes.saw(ChangeKind::Add,
                     [&](const RouteRow& r) { return r.destinationPrefix == prefix("2001:db8:ab::/48"); }));
    ns.ip("route replace 203.0.113.64/26 via 198.51.100.254 metric 9 proto ospf");
    settle(*b);
    CHECK(routes.saw(ChangeKind::ParameterChange,
                     [](const RouteRow& r) { return r.protocol == RouteProtocol::Ospf; }));
    ns.ip("route replace 203.0.113.64/26 via 198.51.100.253 metric 9");
    settle(*b);
    CHECK(routes.saw(ChangeKind::Delete, [](const RouteRow& r) {
      return r.destinationPrefix == prefix("203.0.113.64/26") && r.nextHop == addr("198.51.100.254");
    }));
    ns.ip("route del 203.0.113.64/26 metric 9");
    ns.ip("route del 203.0.113.128/25 metric 7");
    settle(*b);
    CHECK(routes.saw(ChangeKind::Delete,
                     [](const RouteRow& r) { return r.nextHop == addr("198.51.100.253"); }));
    CHECK(std::count_if(routes.log.begin(), routes.log.end(), [](const auto& c) {
            return c.kind == ChangeKind::Delete && c.row.destinationPrefix == prefix("203.0.113.128/25");
          }) == 2);
    checkViews();
  }
  SECTION("addresses and neighbors") {
    ns.ip("addr add 198.51.100.50/24 dev v0");
    ns.ip("addr add 2001:db8:1::50/64 dev v0");
    ns.ip("neigh add 198.51.100.8 lladdr 02:00:00:00:00:0a dev v0 nud permanent");
    settle(*b);
    CHECK(addresses.saw(ChangeKind::Add,
                        [](const UnicastAddressRow& r) { return r.address == addr("198.51.100.50"); }));
    CHECK(addresses.saw(ChangeKind::Add,
                        [](const UnicastAddressRow& r) { return r.address == addr("2001:db8:1::50"); }));
    CHECK(neighbors.saw(ChangeKind::Add,
                        [](const NeighborRow& r) { return r.address == addr("198.51.100.8"); }));
    ns.ip("neigh change 198.51.100.8 lladdr 02:00:00:00:00:0b dev v0 nud permanent");
    ns.ip("addr del 198.51.100.50/24 dev v0");
    settle(*b);
    CHECK(neighbors.saw(ChangeKind::ParameterChange, [](const NeighborRow& r) {
      return formatPhysicalAddress(r.physicalAddress) == "02:00:00:00:00:0b";
    }));
    CHECK(addresses.saw(ChangeKind::Delete,
                        [](const UnicastAddressRow& r) { return r.address == addr("198.51.100.50"); }));
    ns.ip("neigh del 198.51.100.8 dev v0");
    settle(*b);
    CHECK(neighbors.saw(ChangeKind::Delete,
                        [](const NeighborRow& r) { return r.address == addr("198.51.100.8"); }));
    checkViews();
  }
  SECTION("links: add, MTU change, forwarding (netconf), down flushes routes, delete cascades") {
    ns.ip("link add v2 type veth peer name v3");
    settle(*b);
    CHECK(links.saw(ChangeKind::Add, [](const InterfaceRow& r) { return r.name == "v2"; }));
    CHECK(ipInterfaces.saw(ChangeKind::Add, [](const IpInterfaceRow& r) { return r.family == Family::V4; }));
    ns.ip("link set v0 mtu 1400");
    settle(*b);
    CHECK(links.saw(ChangeKind::ParameterChange,
                    [&](const InterfaceRow& r) { return r.index == v0 && r.mtu == 1400; }));
    ns.sysctl("net.ipv4.conf.v0.forwarding=1");
    settle(*b);
    CHECK(ipInterfaces.saw(ChangeKind::ParameterChange, [&](const IpInterfaceRow& r) {
      return r.interfaceIndex == v0 && r.family == Family::V4 && r.forwardingEnabled;
    }));
    // The kernel drops routes through a link taken down without telling anyone.
    ns.ip("link set v0 down");
    settle(*b);
    CHECK(routes.saw(ChangeKind::Delete,
                     [](const RouteRow& r) { return r.destinationPrefix == prefix("203.0.113.0/24"); }));
    CHECK(links.saw(ChangeKind::ParameterChange, [&](const InterfaceRow& r) {
      return r.index == v0 && r.adminStatus == AdminStatus::Down;
    }));
    checkViews();
    ns.ip("link set v0 up");
    ns.ip("route add 203.0.113.0/24 via 198.51.100.254");
    settle(*b);
    ns.ip("link del v0");
    settle(*b);
    CHECK(links.saw(ChangeKind::Delete, [&](const InterfaceRow& r) { return r.index == v0; }));
    CHECK(routes.saw(ChangeKind::Delete, [&](const RouteRow& r) {
      return r.interfaceIndex == v0 && r.destinationPrefix == prefix("203.0.113.0/24");
    }));
    CHECK(std::none_of(addresses.rows.begin(), addresses.rows.end(),
                       [&](const auto& kv) { return kv.first.second == v0; }));
    CHECK(std::none_of(routes.rows.begin(), routes.rows.end(),
                       [&](const auto& kv) { return kv.second.interfaceIndex == v0; }));
    CHECK_FALSE(ipInterfaces.rows.contains({Family::V6, v0}));
    checkViews();
  }
  CHECK(b->stats().eventsDelivered > 0);
}

TEST_CASE("an event-socket overrun is repaired by a resync that publishes exactly the differences",
          "[integration][linux][events][overrun]") {
  REQUIRE_ROOT();
  TestNamespace ns("lr");
  buildTopology(ns);
  // SO_RCVBUF is doubled by the kernel and has a floor of a few KiB: ~8 KiB holds a few dozen events.
  auto b = openBackend(ns, 4096);
  View<RouteKey, RouteRow> view(routeKey);
  auto subscription = b->notifyRouteChange2(Family::Unspecified, [&](auto c) { view.apply(c); });
  std::vector<RouteRow> initial;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, initial).ok());
  view.rows = asMap(initial, routeKey);

  // ~200k route changes in documentation ranges: rounds of adding and deleting IPv6 /128s and IPv4
  // /32s (at a per-round metric), the last round left in place; nothing is dispatched meanwhile.
  std::ostringstream commands;
  std::size_t changes = 0;
  const int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    std::ostringstream adds, dels;
    for (int i = 0; i < 20000; ++i) {
      const std::string dst = "2001:db8:" + std::to_string(100 + round) + "::" + std::to_string(i % 9000) +
                              ":" + std::to_string(i / 9000);
      adds << "route add blackhole " << dst << "/128\n";
      dels << "route del blackhole " << dst << "/128\n";
    }
    for (const char* net : {"198.51.100.", "203.0.113."})
      for (int host = 0; host < 256; ++host) {
        adds << "route add " << net << host << "/32 dev v0 metric " << 1000 + round << "\n";
        dels << "route del " << net << host << "/32 dev v0 metric " << 1000 + round << "\n";
      }
    commands << adds.str();
    changes += 20512;
    if (round + 1 < rounds) {
      commands << dels.str();
      changes += 20512;
    }
  }
  ns.batch(commands.str());
  INFO(changes << " route changes");
  REQUIRE(changes >= 180000);

  settle(*b, 500ms);
  CHECK(b->stats().resyncs >= 1);
  CHECK(b->stats().lastResync != Timestamp{});
  CHECK(view.anomalies == std::vector<std::string>{});
  std::vector<RouteRow> fresh;
  REQUIRE(b->getIpForwardTable2(Family::Unspecified, fresh).ok());
  CHECK(fresh.size() == initial.size() + 20512);
  const auto expected = asMap(fresh, routeKey);
  CHECK(view.rows.size() == expected.size());
  CHECK(view.rows == expected);
}

} // namespace
