// Tests of the scenario parser: every command form and every error, with line numbers.
#include "platform/sim/route_protocol.h"
#include "platform/sim/scenario_parser.h"
#include "tests/platform/sim/scenario_line.h"

#include <catch2/catch.hpp>

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using ipmibd::platform::sim::test::command;
using ipmibd::platform::sim::test::error;
using ipmibd::platform::sim::test::parse;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

} // namespace

TEST_CASE("blank lines and comments are no statements", "[sim][parser]") {
  for (const char* line : {"", "   ", "# a comment", "   # indented comment"}) {
    std::optional<Statement> statement;
    CHECK(parseLine(line, statement).ok());
    CHECK_FALSE(statement);
  }
  auto c = command<LinkDeleteCommand>("link del eth0 # trailing comment");
  CHECK(c.name == "eth0");
}

TEST_CASE("link add: every type and option", "[sim][parser]") {
  auto ether = command<LinkAddCommand>("link add eth0 type ether");
  CHECK(ether.name == "eth0");
  CHECK(ether.kind == LinkKind::Ether);
  CHECK_FALSE(ether.mtu);

  auto dummy =
      command<LinkAddCommand>("ip link add name dummy0 mtu 9000 address 02:00:00:00:00:aa type dummy");
  CHECK(dummy.kind == LinkKind::Dummy);
  CHECK(dummy.mtu == 9000u);
  CHECK(dummy.address == PhysicalAddress{0x02, 0, 0, 0, 0, 0xaa});

  auto veth = command<LinkAddCommand>("link add veth0 type veth peer name veth1");
  CHECK(veth.kind == LinkKind::Veth);
  CHECK(veth.peer == "veth1");

  auto loop = command<LinkAddCommand>("link add lo2 type loopback mtu 1500");
  CHECK(loop.kind == LinkKind::Loopback);
  CHECK(loop.mtu == 1500u);
}

TEST_CASE("link set and del", "[sim][parser]") {
  auto set =
      command<LinkSetCommand>("link set dev eth0 up mtu 1400 alias 'to the core' address 02:00:00:00:00:01");
  CHECK(set.name == "eth0");
  CHECK(set.up == true);
  CHECK(set.mtu == 1400u);
  CHECK(set.alias == "to the core");
  CHECK(set.address);
  auto down = command<LinkSetCommand>("link set eth1 down");
  CHECK(down.up == false);
  CHECK(command<LinkDeleteCommand>("link delete dev eth1").name == "eth1");
}

TEST_CASE("link add type vrf, link set master / nomaster", "[sim][parser]") {
  auto vrf = command<LinkAddCommand>("link add blue type vrf table 10");
  CHECK(vrf.kind == LinkKind::Vrf);
  CHECK(vrf.table == 10u);
  CHECK(error("link add blue type vrf").find("table") != std::string::npos);
  CHECK_FALSE(error("link add blue type vrf table 0").empty());
  CHECK_FALSE(error("link add blue type vrf table x").empty());
  auto enslave = command<LinkSetCommand>("link set dev v0 master blue up");
  CHECK(enslave.master == "blue");
  CHECK(enslave.up == true);
  auto release = command<LinkSetCommand>("link set v0 nomaster");
  REQUIRE(release.master);
  CHECK(release.master->empty());
  CHECK_FALSE(command<LinkSetCommand>("link set v0 up").master);
  CHECK_FALSE(error("link set v0 master").empty());
}

TEST_CASE("addr add and del with options", "[sim][parser]") {
  auto add = command<AddressCommand>("addr add 192.0.2.1/24 dev eth0 brd +");
  CHECK(add.verb == Verb::Add);
  CHECK(add.prefix.address == ip("192.0.2.1"));
  CHECK(add.prefix.length == 24);
  CHECK(add.device == "eth0");
  CHECK(add.broadcast == ip("192.0.2.255"));

  auto v6 = command<AddressCommand>(
      "ip -6 address add 2001:db8::1/64 dev eth0 nodad valid_lft 100 preferred_lft 50");
  CHECK(v6.nodad);
  CHECK(v6.validLifetime == 100u);
  CHECK(v6.preferredLifetime == 50u);

  auto forever =
      command<AddressCommand>("addr add 192.0.2.2/24 dev eth0 valid_lft forever preferred_lft forever");
  CHECK(forever.validLifetime == kInfiniteLifetime);

  auto host = command<AddressCommand>("addr del 192.0.2.9 dev eth0");
  CHECK(host.verb == Verb::Delete);
  CHECK(command<AddressCommand>("addr change 192.0.2.9/24 dev eth0 valid_lft 5 preferred_lft 5").verb ==
        Verb::Change);
  CHECK(command<AddressCommand>("addr replace 192.0.2.9/24 dev eth0").verb == Verb::Replace);
  CHECK(host.prefix.length == 32);
}

TEST_CASE("route: verbs, types, options", "[sim][parser]") {
  auto r = command<RouteCommand>("route add 203.0.113.0/24 via 192.0.2.254 dev eth0 metric 100 proto bgp "
                                 "table 100 src 192.0.2.1 onlink");
  CHECK(r.verb == Verb::Add);
  CHECK_FALSE(r.type);
  CHECK(r.destination.toString() == "203.0.113.0/24");
  REQUIRE(r.nextHops.size() == 1);
  CHECK(r.nextHops[0].via == ip("192.0.2.254"));
  CHECK(r.nextHops[0].device == "eth0");
  CHECK(r.nextHops[0].onlink);
  CHECK(r.metric == 100u);
  CHECK(r.protocol == kProtoBgp);
  CHECK(r.table == 100u);
  CHECK(r.source == ip("192.0.2.1"));

  CHECK(command<RouteCommand>("route replace 10.0.0.0/8 dev eth0").verb == Verb::Replace);
  CHECK(command<RouteCommand>("route change 10.0.0.0/8 dev eth0").verb == Verb::Change);
  CHECK(command<RouteCommand>("route del 10.0.0.0/8").verb == Verb::Delete);

  for (auto [word, type] : {std::pair{"blackhole", RouteType::Blackhole},
                            {"unreachable", RouteType::Unreachable},
                            {"prohibit", RouteType::Prohibit},
                            {"throw", RouteType::Throw},
                            {"local", RouteType::Local},
                            {"unicast", RouteType::Unicast}}) {
    auto typed = command<RouteCommand>(std::string("route add ") + word + " 198.51.100.0/24");
    CHECK(typed.type == type);
  }
  for (auto [name, number] : {std::pair{"static", 4},
                              {"kernel", 2},
                              {"boot", 3},
                              {"ra", 9},
                              {"dhcp", 16},
                              {"ospf", 188},
                              {"rip", 189},
                              {"zebra", 11},
                              {"bird", 12},
                              {"42", 42}}) {
    auto p = command<RouteCommand>(std::string("route add 10.0.0.0/8 dev eth0 proto ") + name);
    CHECK(p.protocol == number);
  }
  CHECK(command<RouteCommand>("route add 10.0.0.0/8 dev eth0 table main").table == kMainRouteTable);
  CHECK(command<RouteCommand>("route add 10.0.0.0/8 dev eth0 table local").table == kLocalRouteTable);
}

TEST_CASE("route default takes its family from -6, the gateway, or IPv4", "[sim][parser]") {
  CHECK(command<RouteCommand>("route add default via 192.0.2.1").destination.toString() == "0.0.0.0/0");
  CHECK(command<RouteCommand>("route add default via fe80::1 dev eth0").destination.toString() == "::/0");
  CHECK(command<RouteCommand>("ip -6 route add blackhole default").destination.toString() == "::/0");
  CHECK(command<RouteCommand>("-4 route add unreachable default").destination.toString() == "0.0.0.0/0");
  CHECK(command<RouteCommand>("ip -n ns1 route add default dev eth0").destination.toString() == "0.0.0.0/0");
}

TEST_CASE("multipath routes", "[sim][parser]") {
  auto r = command<RouteCommand>("route add 203.0.113.0/24 metric 5 nexthop via 192.0.2.1 dev eth0 weight 3 "
                                 "nexthop via 198.51.100.1 dev eth1");
  CHECK(r.multipath);
  CHECK(r.metric == 5u);
  REQUIRE(r.nextHops.size() == 2);
  CHECK(r.nextHops[0].weight == 3);
  CHECK(r.nextHops[1].weight == 1);
  CHECK(r.nextHops[1].device == "eth1");
}

TEST_CASE("neigh: verbs, states, router", "[sim][parser]") {
  auto n =
      command<NeighborCommand>("neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0 nud reachable router");
  CHECK(n.verb == Verb::Add);
  CHECK(n.address == ip("192.0.2.7"));
  CHECK(n.lladdr == PhysicalAddress{2, 0, 0, 0, 0, 7});
  CHECK(n.device == "eth0");
  CHECK(n.state == NeighborState::Reachable);
  CHECK(n.router);
  for (auto [word, state] : {std::pair{"permanent", NeighborState::Permanent},
                             {"noarp", NeighborState::NoArp},
                             {"stale", NeighborState::Stale},
                             {"delay", NeighborState::Delay},
                             {"probe", NeighborState::Probe},
                             {"failed", NeighborState::Unreachable},
                             {"incomplete", NeighborState::Incomplete}}) {
    auto s = command<NeighborCommand>(std::string("neighbour replace 192.0.2.7 dev eth0 nud ") + word);
    CHECK(s.verb == Verb::Replace);
    CHECK(s.state == state);
  }
  CHECK(command<NeighborCommand>("neigh change fe80::1 dev eth0").verb == Verb::Change);
  CHECK(command<NeighborCommand>("neigh del 192.0.2.7 dev eth0").verb == Verb::Delete);
}

TEST_CASE("sysctl assignments", "[sim][parser]") {
  auto s = command<SysctlCommand>("sysctl -w net.ipv4.ip_forward=1");
  CHECK(s.key == "net.ipv4.ip_forward");
  CHECK(s.value == 1);
  CHECK(command<SysctlCommand>("sysctl net/ipv6/conf/eth0/hop_limit=32").key ==
        "net.ipv6.conf.eth0.hop_limit");
}

TEST_CASE("timers: every and at", "[sim][parser]") {
  auto flap = std::get<TimerStatement>(parse("every 2s route flap 203.0.113.0/24 via 192.0.2.254"));
  CHECK(flap.repeat);
  CHECK(flap.time == std::chrono::seconds(2));
  REQUIRE(std::holds_alternative<RouteFlap>(flap.action));
  CHECK(std::get<RouteFlap>(flap.action).route.destination.toString() == "203.0.113.0/24");

  auto cycle = std::get<TimerStatement>(parse("every 500ms neigh cycle 192.0.2.7 dev eth0"));
  CHECK(cycle.time == std::chrono::milliseconds(500));
  REQUIRE(std::holds_alternative<NeighborCycle>(cycle.action));
  CHECK(std::get<NeighborCycle>(cycle.action).device == "eth0");

  auto at = std::get<TimerStatement>(parse("at 1m link set eth0 down"));
  CHECK_FALSE(at.repeat);
  CHECK(at.time == std::chrono::minutes(1));
  CHECK(std::holds_alternative<Command>(at.action));

  auto every = std::get<TimerStatement>(parse("every 10 ip route replace 10.0.0.0/8 dev eth0"));
  CHECK(every.time == std::chrono::seconds(10));
  CHECK(std::holds_alternative<Command>(every.action));
}

TEST_CASE("bad lines are rejected with a reason", "[sim][parser]") {
  CHECK(error("frobnicate") == "unknown command 'frobnicate'");
  CHECK(error("link add eth0") == "link add: missing 'type'");
  CHECK(error("link add eth0 type bond") == "unknown link type 'bond'");
  CHECK(error("link add veth0 type veth") == "veth needs 'peer name PEER'");
  CHECK(error("link add type dummy") == "link add: missing device name");
  CHECK(error("link set eth0 sideways") == "link set: unexpected 'sideways'");
  CHECK(error("link set eth0 mtu big") == "invalid mtu 'big'");
  CHECK(error("link frob eth0") == "unknown link verb 'frob'");
  CHECK(error("link del eth0 eth1") == "link del: unexpected 'eth1'");
  CHECK(error("addr add 192.0.2.1/33 dev eth0") == "invalid prefix '192.0.2.1/33'");
  CHECK(error("addr add 192.0.2.1/24") == "addr: missing 'dev'");
  CHECK(error("addr add dev eth0") == "addr: missing address");
  CHECK(error("addr flush dev eth0") == "unknown address verb 'flush'");
  CHECK(error("addr add 192.0.2.1/24 dev eth0 valid_lft soon") == "invalid valid_lft 'soon'");
  CHECK(error("-6 addr add 192.0.2.1/24 dev eth0") == "'192.0.2.1/24' is not an ipv6 prefix");
  CHECK(error("route add 10.0.0.0/8 via 300.1.1.1") == "invalid address '300.1.1.1'");
  CHECK(error("route add 10.0.0.0/8 dev eth0 proto nonsense") == "unknown protocol 'nonsense'");
  CHECK(error("route add 10.0.0.0/8 dev eth0 table x") == "invalid table 'x'");
  CHECK(error("route add 10.0.0.0/8 dev eth0 weight 2") == "route: 'weight' belongs to a 'nexthop'");
  CHECK(error("route add 10.0.0.0/8 nexthop via 192.0.2.1 metric 5") == "route nexthop: unexpected 'metric'");
  CHECK(error("route add via 192.0.2.1") == "route: missing destination");
  CHECK(error("route add 10.0.0.0/8 dev eth0 extra") == "route: unexpected 'extra'");
  CHECK(error("route add 10.0.0.0/8 dev") == "missing device name");
  CHECK(error("route flap 10.0.0.0/8") == "unknown route verb 'flap'");
  CHECK(error("neigh add 192.0.2.7 lladdr zz dev eth0") == "invalid link-layer address 'zz'");
  CHECK(error("neigh add 192.0.2.7 dev eth0 nud none") == "unknown nud state 'none'");
  CHECK(error("neigh add 192.0.2.7 lladdr 02:00:00:00:00:01") == "neigh: missing 'dev'");
  CHECK(error("neigh add dev eth0") == "neigh: missing address");
  CHECK(error("neigh add 192.0.2.7 dev eth0 proxy") == "neigh: proxy entries are not supported");
  CHECK(error("sysctl net.ipv4.ip_forward") == "sysctl: expected KEY=VALUE, got 'net.ipv4.ip_forward'");
  CHECK(error("sysctl net.ipv4.ip_forward=yes") == "sysctl: invalid value in 'net.ipv4.ip_forward=yes'");
  CHECK(error("every soon route flap 10.0.0.0/8 dev eth0") == "invalid duration 'soon'");
  CHECK(error("every 0s link set eth0 up") == "period must be positive");
  CHECK(error("every 1s at 2s link set eth0 up") == "timers cannot be nested");
  CHECK(error("every 1s neigh cycle 192.0.2.7") == "neigh cycle: missing 'dev'");
  CHECK(error("link set eth0 alias 'unterminated") == "unterminated quote");
  CHECK(error("ip") == "missing command");
}

TEST_CASE("a scenario reports the first bad line with its origin and number", "[sim][parser]") {
  std::vector<ScenarioLine> lines;
  const Result r = parseScenario(
      "# demo\n\nlink add eth0 type ether\r\nlink set eth0 up\nroute add nowhere\n", "demo.scn", lines);
  CHECK(r.status == Status::InvalidParameter);
  CHECK(r.message == "demo.scn:5: invalid prefix 'nowhere'");

  REQUIRE(parseScenario("# demo\n\nlink add eth0 type ether\r\nlink set eth0 up", "demo.scn", lines).ok());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].number == 3);
  CHECK(lines[1].number == 4);
}

TEST_CASE("fault: operation, status, skip, count and message", "[sim][parser][faults]") {
  auto simple = std::get<FaultStatement>(parse("fault create-route general-failure"));
  CHECK(simple.operation == Operation::CreateRoute);
  CHECK(simple.status == Status::GeneralFailure);
  CHECK(simple.skip == 0);
  CHECK(simple.count == 1);
  CHECK(simple.message.empty());

  auto full = std::get<FaultStatement>(
      parse("fault delete-route network-unreachable skip 2 count 3 message 'undo refused' # why"));
  CHECK(full.operation == Operation::DeleteRoute);
  CHECK(full.status == Status::NetworkUnreachable);
  CHECK(full.skip == 2);
  CHECK(full.count == 3);
  CHECK(full.message == "undo refused");

  // Status names as Status prints them work too; `forever` is the unlimited count.
  auto camel = std::get<FaultStatement>(parse("fault any AccessDenied count forever"));
  CHECK(camel.operation == Operation::Any);
  CHECK(camel.status == Status::AccessDenied);
  CHECK(camel.count == -1);

  // Every operation has a name that parses back to it.
  for (Operation op : {Operation::Any,
                       Operation::GetInterfaces,
                       Operation::GetIpInterfaces,
                       Operation::SetIpInterface,
                       Operation::GetStatistics,
                       Operation::GetGlobal,
                       Operation::SetGlobal,
                       Operation::GetAddresses,
                       Operation::CreateAddress,
                       Operation::SetAddress,
                       Operation::DeleteAddress,
                       Operation::GetNeighbors,
                       Operation::CreateNeighbor,
                       Operation::SetNeighbor,
                       Operation::DeleteNeighbor,
                       Operation::FlushNeighbors,
                       Operation::GetRoutes,
                       Operation::CreateRoute,
                       Operation::SetRoute,
                       Operation::DeleteRoute,
                       Operation::GetBestRoute}) {
    const std::string line = "fault " + std::string(toString(op)) + " busy";
    CHECK(std::get<FaultStatement>(parse(line)).operation == op);
  }
}

TEST_CASE("fault: every malformed line is refused with its reason", "[sim][parser][faults]") {
  CHECK(error("fault") == "missing fault operation");
  CHECK(error("fault create-route") == "missing fault status");
  CHECK(error("fault create-routes busy") == "fault: unknown operation 'create-routes'");
  CHECK(error("fault CreateRoute busy") == "fault: unknown operation 'CreateRoute'");
  CHECK(error("fault create-route success") == "fault: unknown status 'success'");
  CHECK(error("fault create-route exploded") == "fault: unknown status 'exploded'");
  CHECK(error("fault create-route busy count 0") == "invalid count '0'");
  CHECK(error("fault create-route busy count") == "missing count");
  CHECK(error("fault create-route busy skip -1") == "invalid skip '-1'");
  CHECK(error("fault create-route busy message") == "missing message");
  CHECK(error("fault create-route busy twice") == "fault: unexpected 'twice'");
  CHECK(error("at 1s fault create-route busy") == "unknown command 'fault'");

  std::vector<ScenarioLine> lines;
  const Result r = parseScenario("link add eth0 type ether\nfault create-route busy\nfault set-route\n",
                                 "faults.scn", lines);
  CHECK(r.status == Status::InvalidParameter);
  CHECK(r.message == "faults.scn:3: missing fault status");
}
