// Unit tests of ipmibd-platform's row -> text formatting (platform/cli/format.h).
#include "platform/cli/format.h"

#include <catch2/catch.hpp>

#include <sstream>

namespace ipmibd::platform::cli {
namespace {

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

RouteRow gatewayRoute() {
  RouteRow row;
  initializeIpForwardEntry(row);
  row.destinationPrefix = *IpPrefix::parse("198.51.100.0/24");
  row.nextHop = *IpAddress::parse("192.0.2.254");
  row.interfaceIndex = 3;
  row.protocol = RouteProtocol::NetMgmt;
  row.metric = 100;
  return row;
}

TEST_CASE("TextTable aligns every column to its widest cell", "[cli]") {
  TextTable t{{"A", "LONGER"}, {{"wide-cell", "x"}, {"y", "z"}}};
  const auto lines = splitLines(t.render());
  REQUIRE(lines.size() == 3);
  // The second column starts at the same offset on every line: widest first cell + two spaces.
  for (const auto& line : lines)
    CHECK(line.size() > std::string("wide-cell  ").size());
  CHECK(lines[0].substr(11) == "LONGER");
  CHECK(lines[1] == "wide-cell  x");
  CHECK(lines[2].substr(0, 11) == "y          ");
  for (const auto& line : lines)
    CHECK(line.back() != ' ');
}

TEST_CASE("route rows show table, destination, next hop, interface name, type, protocol, metric, weight",
          "[cli]") {
  const InterfaceNames names{{3, "v0"}};
  auto row = gatewayRoute();
  const auto lines = splitLines(routesTable({row}, names).render());
  REQUIRE(lines.size() == 2);
  std::istringstream cells(lines[1]);
  std::vector<std::string> words;
  for (std::string w; cells >> w;)
    words.push_back(w);
  CHECK(words == std::vector<std::string>{"main", "198.51.100.0/24", "192.0.2.254", "v0", "unicast",
                                          "netmgmt", "100", "1"});
  CHECK(describe(row, names) ==
        "route 198.51.100.0/24 via 192.0.2.254 dev v0 table main proto netmgmt metric 100");

  RouteRow blackhole;
  initializeIpForwardEntry(blackhole);
  blackhole.destinationPrefix = *IpPrefix::parse("2001:db8:ff::/48");
  blackhole.nextHop = IpAddress::zero(Family::V6);
  blackhole.type = RouteType::Blackhole;
  blackhole.table = 100;
  blackhole.weight = 4;
  CHECK(describe(blackhole, names) ==
        "route blackhole 2001:db8:ff::/48 table 100 proto unspecified metric - weight 4");
}

TEST_CASE("unknown interface indexes print as #N, none as -", "[cli]") {
  const InterfaceNames names{{3, "v0"}};
  CHECK(interfaceName(names, 3) == "v0");
  CHECK(interfaceName(names, 7) == "#7");
  CHECK(interfaceName(names, 0) == "-");
}

TEST_CASE("address, neighbor and interface rows", "[cli]") {
  const InterfaceNames names{{3, "v0"}};
  UnicastAddressRow address;
  initializeUnicastIpAddressEntry(address);
  address.address = *IpAddress::parse("192.0.2.1");
  address.interfaceIndex = 3;
  address.onLinkPrefixLength = 24;
  address.validLifetime = 600;
  CHECK(describe(address, names) == "address 192.0.2.1/24 dev v0 dad preferred valid 600s preferred forever");
  address.onLinkPrefixLength = 0xff; // host prefix
  CHECK(addressesTable({address}, names).rows.at(0).at(0) == "192.0.2.1/32");

  NeighborRow neighbor;
  neighbor.address = *IpAddress::parse("2001:db8:1::7");
  neighbor.interfaceIndex = 3;
  neighbor.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:07");
  neighbor.state = NeighborState::Stale;
  neighbor.isRouter = true;
  CHECK(describe(neighbor, names) == "neighbor 2001:db8:1::7 dev v0 lladdr 02:00:00:00:00:07 stale router");
  CHECK(neighborsTable({neighbor}, names).rows.at(0) ==
        std::vector<std::string>{"2001:db8:1::7", "v0", "02:00:00:00:00:07", "stale", "yes"});

  InterfaceRow link;
  link.index = 1;
  link.name = "lo";
  link.type = 24;
  link.mtu = 65536;
  link.adminStatus = AdminStatus::Up;
  link.operStatus = OperStatus::Unknown;
  CHECK(interfacesTable({link}).rows.at(0) ==
        std::vector<std::string>{"1", "lo", "24", "65536", "none", "up", "unknown", "-"});
}

TEST_CASE("statistics show absent counters as -", "[cli]") {
  IpStatisticsRow row;
  row.family = Family::V4;
  row.inReceives = 12;
  const auto cells = statisticsTable({row}, {}).rows.at(0);
  CHECK(cells.at(1) == "(system)");
  CHECK(cells.at(2) == "12");
  CHECK(cells.at(3) == "-");
}

TEST_CASE("change markers", "[cli]") {
  CHECK(changeMarker(ChangeKind::Add) == '+');
  CHECK(changeMarker(ChangeKind::Delete) == '-');
  CHECK(changeMarker(ChangeKind::ParameterChange) == '~');
}

} // namespace
} // namespace ipmibd::platform::cli
