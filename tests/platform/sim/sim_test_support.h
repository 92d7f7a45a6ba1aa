// Helpers shared by the simulator tests: building a backend from scenario lines and finding rows.
#pragma once

#include "platform/sim/sim_backend.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace ipmibd::platform::sim::test {

inline IpAddress ip(const char* text) {
  auto a = IpAddress::parse(text);
  REQUIRE(a);
  return *a;
}

inline IpPrefix prefix(const char* text) {
  auto p = IpPrefix::parse(text);
  REQUIRE(p);
  return *p;
}

inline PhysicalAddress mac(const char* text) {
  auto m = parsePhysicalAddress(text);
  REQUIRE(m);
  return *m;
}

// A backend on the manual clock built from `text`; the test fails if the scenario does not load.
inline std::unique_ptr<SimBackend> load(const std::string& text) {
  Result error;
  SimOptions options;
  options.manualClock = true;
  auto backend = SimBackend::fromScenario(text, "test.scn", error, options);
  INFO(error.toString());
  REQUIRE(backend);
  return backend;
}

// eth0 (index 2) up with 192.0.2.1/24 and 2001:db8:1::1/64; eth1 (index 3) up with 198.51.100.1/24.
inline const char* kTwoLinks = R"(
link add eth0 type ether
link add eth1 type ether
link set eth0 up
link set eth1 up
addr add 192.0.2.1/24 dev eth0
addr add 2001:db8:1::1/64 dev eth0
addr add 198.51.100.1/24 dev eth1
)";

inline std::vector<RouteRow> routes(SimBackend& b, Family family = Family::Unspecified) {
  std::vector<RouteRow> table;
  REQUIRE(b.getIpForwardTable2(family, table).ok());
  return table;
}

inline const RouteRow* findRoute(const std::vector<RouteRow>& table, const char* destination,
                                 InterfaceIndex index = 0) {
  const IpPrefix p = prefix(destination);
  auto it = std::find_if(table.begin(), table.end(), [&](const RouteRow& r) {
    return r.destinationPrefix == p && (index == 0 || r.interfaceIndex == index);
  });
  return it == table.end() ? nullptr : &*it;
}

inline std::vector<UnicastAddressRow> addresses(SimBackend& b, Family family = Family::Unspecified) {
  std::vector<UnicastAddressRow> table;
  REQUIRE(b.getUnicastIpAddressTable(family, table).ok());
  return table;
}

inline std::vector<NeighborRow> neighbors(SimBackend& b, Family family = Family::Unspecified) {
  std::vector<NeighborRow> table;
  REQUIRE(b.getIpNetTable2(family, table).ok());
  return table;
}

// A unicast route row as an API caller would build it.
inline RouteRow routeRow(const char* destination, const char* nextHop, InterfaceIndex index) {
  RouteRow row;
  initializeIpForwardEntry(row);
  row.destinationPrefix = prefix(destination);
  row.nextHop = nextHop ? ip(nextHop) : IpAddress{};
  row.interfaceIndex = index;
  return row;
}

// Records every change published to it, one entry per batch.
template <class Row> struct Recorder {
  std::vector<std::vector<Change<Row>>> batches;
  ChangeCallback<Row> callback() {
    return [this](std::span<const Change<Row>> changes) {
      batches.emplace_back(changes.begin(), changes.end());
    };
  }
  std::vector<Change<Row>> all() const {
    std::vector<Change<Row>> out;
    for (const auto& b : batches)
      out.insert(out.end(), b.begin(), b.end());
    return out;
  }
};

} // namespace ipmibd::platform::sim::test
