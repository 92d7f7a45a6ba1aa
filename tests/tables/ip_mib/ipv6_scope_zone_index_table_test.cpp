// Ipv6ScopeZoneIndexTable over the simulator: one row per IPv6 interface, link-local zone = ifIndex
// and every other scope the default zone 0, kept current as interfaces come and go.
#include "platform/sim/sim_backend.h"
#include "tables/ip_mib/ipv6_scope_zone_index_table.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Result;

namespace {

struct Fixture {
  Fixture() {
    backend = testing::makeSim();
    REQUIRE(table.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, table); }
  void run(const std::string& command) {
    INFO(command);
    Result r = backend->apply(command);
    INFO(r.toString());
    REQUIRE(r.ok());
    settle();
  }
  RequestContext context() const { return RequestContext(backend->now(), backend->now()); }
  std::vector<std::string> walk() const { return testing::walk(table.table(), context()); }

  std::unique_ptr<ipmibd::platform::sim::SimBackend> backend;
  Ipv6ScopeZoneIndexTable table;
};

// Column `column` of the rows `ifIndexes`, as walk() renders them.
std::vector<std::string> column(SubId column, std::initializer_list<std::uint32_t> ifIndexes,
                                bool linkLocal) {
  std::vector<std::string> out;
  for (std::uint32_t i : ifIndexes)
    out.push_back(std::to_string(column) + "." + std::to_string(i) +
                  "=Unsigned32: " + std::to_string(linkLocal ? i : 0));
  return out;
}

} // namespace

TEST_CASE("ipv6ScopeZoneIndexTable: link-local zone = ifIndex, other scopes 0", "[ipv6_scope_zone][sim]") {
  Fixture f;
  std::vector<std::string> expected;
  for (SubId c = 2; c <= 13; ++c) {
    auto rows = column(c, {1, 2, 3}, c == 2);
    expected.insert(expected.end(), rows.begin(), rows.end());
  }
  CHECK(f.walk() == expected);
  CHECK(f.table.rowCount() == 3);
  CHECK(testing::get(f.table.table(), Ipv6ScopeZoneIndexTable::entryOid() + Oid{14, 1}, f.context()) ==
        "noSuchObject");
  CHECK(testing::get(f.table.table(), Ipv6ScopeZoneIndexTable::entryOid() + Oid{1, 1}, f.context()) ==
        "noSuchObject");
  CHECK(testing::get(f.table.table(), Ipv6ScopeZoneIndexTable::entryOid() + Oid{8, 3}, f.context()) ==
        "Unsigned32: 0");
}

TEST_CASE("ipv6ScopeZoneIndexTable follows interfaces and their IPv6 state", "[ipv6_scope_zone][sim]") {
  Fixture f;
  f.run("link add d0 type dummy");
  CHECK(f.table.rowCount() == 4);
  CHECK(testing::get(f.table.table(), Ipv6ScopeZoneIndexTable::entryOid() + Oid{2, 4}, f.context()) ==
        "Unsigned32: 4");
  f.run("sysctl net.ipv6.conf.d0.disable_ipv6=1");
  CHECK(f.table.rowCount() == 3);
  f.run("sysctl net.ipv6.conf.d0.disable_ipv6=0");
  CHECK(f.table.rowCount() == 4);
  f.run("link del d0");
  f.run("link del v0");
  CHECK(f.table.rowCount() == 1);
  CHECK(f.walk().front() == "2.1=Unsigned32: 1");
}
