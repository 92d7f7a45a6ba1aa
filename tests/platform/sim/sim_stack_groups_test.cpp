// Tests of the simulator's interface stack and group memberships beyond the conformance cases: the
// scenario syntax (and its errors), multicast joins counted per socket, and what the model derives.
#include "platform/sim/scenario_parser.h"
#include "platform/sim/sim_backend.h"
#include "tests/platform/sim/scenario_line.h"

#include <catch2/catch.hpp>

#include <algorithm>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using ipmibd::platform::sim::test::command;
using ipmibd::platform::sim::test::error;

TEST_CASE("scenario syntax: bridges, VLANs, macvlans, masters, socket memberships", "[sim][parser][stack]") {
  CHECK(command<LinkAddCommand>("link add br0 type bridge").kind == LinkKind::Bridge);
  const auto vlan = command<LinkAddCommand>("ip link add link eth0 name eth0.10 type vlan id 10");
  CHECK(vlan.kind == LinkKind::Vlan);
  CHECK(vlan.parent == "eth0");
  CHECK(vlan.name == "eth0.10");
  CHECK(vlan.vlanId == 10);
  const auto mac = command<LinkAddCommand>("link add link eth0 name m0 type macvlan mode bridge");
  CHECK(mac.kind == LinkKind::Macvlan);
  CHECK(mac.parent == "eth0");
  CHECK(command<LinkSetCommand>("link set eth1 master br0").master == "br0");
  CHECK(command<LinkSetCommand>("link set dev eth1 nomaster").master == "");
  CHECK_FALSE(command<LinkSetCommand>("link set eth1 up").master.has_value());
  const auto join = command<GroupCommand>("mcast join 233.252.0.1 dev eth0");
  CHECK_FALSE(join.anycast);
  CHECK(join.join);
  CHECK(join.address == *IpAddress::parse("233.252.0.1"));
  CHECK(join.device == "eth0");
  const auto leave = command<GroupCommand>("anycast leave 2001:db8::5 dev eth0");
  CHECK(leave.anycast);
  CHECK_FALSE(leave.join);

  CHECK(error("link add link eth0 name v type vlan").find("id N") != std::string::npos);
  CHECK(error("link add v type vlan id 10").find("link PARENT") != std::string::npos);
  CHECK(error("link add v type vlan id 4095").find("vlan id") != std::string::npos);
  CHECK(error("link add link eth0 name d type dummy").find("vlan and macvlan") != std::string::npos);
  CHECK(error("link add link eth0 name m type macvlan mode nonsense").find("macvlan mode") !=
        std::string::npos);
  CHECK(error("mcast subscribe 233.252.0.1 dev eth0").find("join") != std::string::npos);
  CHECK(error("mcast join 233.252.0.1").find("dev") != std::string::npos);
  CHECK(error("mcast join 233.252.0.1 dev eth0 extra").find("extra") != std::string::npos);
}

std::unique_ptr<SimBackend> load(const char* text) {
  Result error;
  auto backend = SimBackend::fromScenario(text, "test", error);
  INFO(error.toString());
  REQUIRE(backend);
  return backend;
}

bool has(Backend& backend, const char* group, InterfaceIndex index) {
  std::vector<MulticastAddressRow> rows;
  REQUIRE(backend.getMulticastIpAddressTable(Family::Unspecified, rows).ok());
  const IpAddress a = *IpAddress::parse(group);
  return std::any_of(rows.begin(), rows.end(),
                     [&](const auto& r) { return r.address == a && r.interfaceIndex == index; });
}

TEST_CASE("simulated memberships: joins are counted, all-routers follow forwarding, down links have none",
          "[sim][groups]") {
  auto backend = load("link add eth0 type ether\nlink set eth0 up\naddr add 2001:db8::1/64 dev eth0\n");
  const InterfaceIndex eth0 = 2;
  CHECK(has(*backend, "ff02::1:ff00:1", eth0)); // solicited-node of 2001:db8::1
  CHECK_FALSE(has(*backend, "ff02::2", eth0));
  REQUIRE(backend->apply("sysctl -w net.ipv6.conf.eth0.forwarding=1").ok());
  CHECK(has(*backend, "ff02::2", eth0));
  CHECK(has(*backend, "ff05::2", eth0));

  // Two sockets joined: the group stays until both left; a third leave has nothing to leave.
  REQUIRE(backend->apply("mcast join 233.252.0.1 dev eth0").ok());
  REQUIRE(backend->apply("mcast join 233.252.0.1 dev eth0").ok());
  REQUIRE(backend->apply("mcast leave 233.252.0.1 dev eth0").ok());
  CHECK(has(*backend, "233.252.0.1", eth0));
  REQUIRE(backend->apply("mcast leave 233.252.0.1 dev eth0").ok());
  CHECK_FALSE(has(*backend, "233.252.0.1", eth0));
  CHECK(backend->apply("mcast leave 233.252.0.1 dev eth0").status == Status::NotFound);
  CHECK(backend->apply("mcast join 192.0.2.1 dev eth0").status == Status::InvalidParameter);

  // A scenario's anycast join is not the API's: deleteAnycastIpAddressEntry leaves it alone.
  REQUIRE(backend->apply("anycast join 2001:db8::77 dev eth0").ok());
  AnycastAddressRow row;
  row.address = *IpAddress::parse("2001:db8::77");
  row.interfaceIndex = eth0;
  REQUIRE(backend->getAnycastIpAddressEntry(row).ok());
  CHECK(backend->deleteAnycastIpAddressEntry(row).status == Status::NotFound);

  REQUIRE(backend->apply("link set eth0 down").ok());
  CHECK_FALSE(has(*backend, "224.0.0.1", eth0));
  CHECK_FALSE(has(*backend, "ff02::1", eth0));
  // Deleting the link drops what sockets joined on it.
  REQUIRE(backend->apply("mcast join 233.252.0.2 dev eth0").ok());
  REQUIRE(backend->apply("link del eth0").ok());
  CHECK_FALSE(has(*backend, "233.252.0.2", eth0));
}

TEST_CASE("simulated stack: only bridges take ports", "[sim][stack]") {
  auto backend = load("link add br0 type bridge\nlink add d0 type dummy\nlink add d1 type dummy\n");
  CHECK(backend->apply("link set d0 master d1").status == Status::NotSupported); // a veth takes no ports
  CHECK(backend->apply("link set br0 master br0").status == Status::InvalidParameter);
  CHECK(backend->apply("link set d0 master nosuch").status == Status::NotFound);
  CHECK(backend->apply("link add link nosuch name v type vlan id 3").status == Status::NotFound);
  REQUIRE(backend->apply("link set d0 master br0").ok());
  std::vector<IfStackRow> stack;
  REQUIRE(backend->getIfStackTable(stack).ok());
  CHECK(stack == std::vector<IfStackRow>{{2, 3}});
}

} // namespace
