// IpNetToPhysicalTable over the simulator backend: Debian-compatible instance OIDs, every column,
// the type/state mapping of every NeighborState, incremental changes and GETNEXT order.
#include "platform/sim/sim_backend.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Change;
using ipmibd::platform::ChangeKind;
using ipmibd::platform::IpAddress;
using ipmibd::platform::NeighborRow;
using ipmibd::platform::NeighborState;
using ipmibd::platform::Result;
using ipmibd::platform::sim::SimBackend;
using ipmibd::platform::sim::SimOptions;

namespace {

// The lead's reference namespace: lo (1), v1 (2), v0 (3), a static neighbor 192.0.2.7 on v0.
const char* kScenario = R"(
link add v1 address 02:00:00:00:01:01 type ether
link set v1 up
link add v0 address 02:00:00:00:00:03 type ether
link set v0 up
addr add 192.0.2.1/24 dev v0
addr add 2001:db8:1::1/64 dev v0
neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0
)";

struct Fixture {
  explicit Fixture(IpNetToPhysicalOptions options = {}) : table(options) {
    backend = testing::makeSim(kScenario);
    upSince = backend->now() - 10s; // the agent started 10 s before the scenario was loaded
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
  RequestContext context() const { return RequestContext(backend->now(), upSince); }

  // GET of one column of one instance ("3.1.4.192.0.2.7"); the value's text, or "noSuchInstance".
  std::string get(SubId column, const std::string& index) const {
    Oid oid = IpNetToPhysicalTable::entryOid() + Oid{column} + *Oid::parse(index);
    GetResult result = table.table().getOid(oid, context());
    if (std::holds_alternative<NoSuchInstance>(result)) return "noSuchInstance";
    if (std::holds_alternative<NoSuchObject>(result)) return "noSuchObject";
    return std::get<Value>(result).toString();
  }
  // The whole table by GETNEXT, as "column.index=value".
  std::vector<std::string> walk() const { return testing::walk(table.table(), context()); }

  Result error;
  std::unique_ptr<SimBackend> backend;
  IpNetToPhysicalTable table;
  ipmibd::platform::Timestamp upSince{};
};

NeighborRow neighbor(const char* address, std::uint32_t ifIndex, NeighborState state) {
  NeighborRow row;
  row.address = *IpAddress::parse(address);
  row.interfaceIndex = ifIndex;
  row.state = state;
  row.physicalAddress = {0x02, 0, 0, 0, 0, 0x09};
  return row;
}

} // namespace

TEST_CASE("ipNetToPhysicalTable serves Debian's instances for the reference namespace",
          "[ip_net_to_physical][sim]") {
  Fixture f;
  CHECK(f.table.rowCount() == 1);
  // Debian: IP-MIB::ipNetToPhysicalPhysAddress.3.ipv4."192.0.2.7" = STRING: 2:0:0:0:0:7 ...
  CHECK(f.walk() == std::vector<std::string>{
                        "4.3.1.4.192.0.2.7=STRING: 0x020000000007",
                        "5.3.1.4.192.0.2.7=Timeticks: 1000", // loaded 10 s after the agent started
                        "6.3.1.4.192.0.2.7=INTEGER: 4",      // static
                        "7.3.1.4.192.0.2.7=INTEGER: 6",      // unknown: RFC 4293 (Debian: reachable(1))
                        "8.3.1.4.192.0.2.7=INTEGER: 1",      // active
                    });
  // Index columns are not-accessible; columns past the last do not exist.
  CHECK(f.get(1, "3.1.4.192.0.2.7") == "noSuchObject");
  CHECK(f.get(9, "3.1.4.192.0.2.7") == "noSuchObject");
  CHECK(f.get(4, "2.1.4.192.0.2.7") == "noSuchInstance");
  CHECK(f.get(4, "3.1.4.192.0.2") == "noSuchInstance");
  CHECK(f.table.objects()[0]->base() == IpNetToPhysicalTable::entryOid());
  CHECK(f.table.discardCount() == 0);
}

TEST_CASE("Debian's reachable(1) for static entries is an option", "[ip_net_to_physical][sim]") {
  IpNetToPhysicalOptions options;
  options.staticState = StaticNeighborState::Reachable;
  Fixture f(options);
  CHECK(f.get(6, "3.1.4.192.0.2.7") == "INTEGER: 4");
  CHECK(f.get(7, "3.1.4.192.0.2.7") == "INTEGER: 1");
}

TEST_CASE("Type and state of every neighbor state", "[ip_net_to_physical][sim]") {
  Fixture f;
  f.run("neigh add 192.0.2.10 lladdr 02:00:00:00:00:0a dev v0 nud reachable");
  f.run("neigh add 192.0.2.11 lladdr 02:00:00:00:00:0b dev v0 nud stale");
  f.run("neigh add 192.0.2.12 lladdr 02:00:00:00:00:0c dev v0 nud delay");
  f.run("neigh add 192.0.2.13 lladdr 02:00:00:00:00:0d dev v0 nud probe");
  f.run("neigh add 192.0.2.14 dev v0 nud incomplete");
  f.run("neigh add 192.0.2.15 dev v0 nud failed");
  f.run("neigh add 192.0.2.16 lladdr 02:00:00:00:00:10 dev v0 nud noarp");
  struct Expected {
    const char* index;
    const char* type;
    const char* state;
  };
  const Expected expected[] = {
      {"3.1.4.192.0.2.10", "INTEGER: 3", "INTEGER: 1"}, // dynamic, reachable
      {"3.1.4.192.0.2.11", "INTEGER: 3", "INTEGER: 2"}, // dynamic, stale
      {"3.1.4.192.0.2.12", "INTEGER: 3", "INTEGER: 3"}, // dynamic, delay
      {"3.1.4.192.0.2.13", "INTEGER: 3", "INTEGER: 4"}, // dynamic, probe
      {"3.1.4.192.0.2.14", "INTEGER: 2", "INTEGER: 7"}, // invalid, incomplete (Debian too)
  };
  for (const auto& e : expected) {
    INFO(e.index);
    CHECK(f.get(6, e.index) == e.type);
    CHECK(f.get(7, e.index) == e.state);
  }
  CHECK(f.get(4, "3.1.4.192.0.2.14") == "STRING: 0x"); // nothing resolved yet
  // Failed and NOARP entries are not served by default (Debian drops them too).
  CHECK(f.get(6, "3.1.4.192.0.2.15") == "noSuchInstance");
  CHECK(f.get(6, "3.1.4.192.0.2.16") == "noSuchInstance");
  CHECK(f.table.rowCount() == 6);

  // With the options: invalid(2)/invalid(5) and other(1)/unknown(6).
  IpNetToPhysicalOptions all;
  all.includeFailed = true;
  all.includeNoArp = true;
  IpNetToPhysicalTable table(all);
  std::vector<Change<NeighborRow>> batch{
      {ChangeKind::Add, neighbor("192.0.2.15", 3, NeighborState::Unreachable)},
      {ChangeKind::Add, neighbor("192.0.2.16", 3, NeighborState::NoArp)}};
  table.enqueue(batch);
  auto context = f.context();
  auto get = [&](SubId column, const char* index) {
    return table.table().getOid(IpNetToPhysicalTable::entryOid() + Oid{column} + *Oid::parse(index), context);
  };
  CHECK(get(6, "3.1.4.192.0.2.15") == GetResult{Value::integer32(2)});
  CHECK(get(7, "3.1.4.192.0.2.15") == GetResult{Value::integer32(5)});
  CHECK(get(6, "3.1.4.192.0.2.16") == GetResult{Value::integer32(1)});
  CHECK(get(7, "3.1.4.192.0.2.16") == GetResult{Value::integer32(6)});
}

TEST_CASE("Neighbor changes flow into the table", "[ip_net_to_physical][sim]") {
  Fixture f;
  f.backend->advance(5s);
  f.run("neigh add 192.0.2.20 lladdr 02:00:00:00:00:14 dev v0 nud reachable");
  CHECK(f.get(5, "3.1.4.192.0.2.20") == "Timeticks: 1500");
  CHECK(f.get(4, "3.1.4.192.0.2.20") == "STRING: 0x020000000014");

  // Aging to stale, then a new MAC.
  f.backend->advance(2s);
  f.run("neigh change 192.0.2.20 dev v0 nud stale");
  CHECK(f.get(7, "3.1.4.192.0.2.20") == "INTEGER: 2");
  CHECK(f.get(5, "3.1.4.192.0.2.20") == "Timeticks: 1700");
  f.run("neigh replace 192.0.2.20 lladdr 02:00:00:00:00:15 dev v0 nud reachable");
  CHECK(f.get(4, "3.1.4.192.0.2.20") == "STRING: 0x020000000015");
  CHECK(f.get(7, "3.1.4.192.0.2.20") == "INTEGER: 1");

  // Resolution failing removes the row (as Debian does); a new resolution brings it back.
  f.run("neigh replace 192.0.2.20 dev v0 nud failed");
  CHECK(f.get(4, "3.1.4.192.0.2.20") == "noSuchInstance");
  CHECK(f.table.rowCount() == 1);
  f.run("neigh replace 192.0.2.20 lladdr 02:00:00:00:00:15 dev v0 nud reachable");
  CHECK(f.table.rowCount() == 2);

  f.run("neigh del 192.0.2.20 dev v0");
  CHECK(f.get(4, "3.1.4.192.0.2.20") == "noSuchInstance");
  f.run("neigh del 192.0.2.7 dev v0");
  CHECK(f.table.rowCount() == 0);
  CHECK(f.walk().empty());

  // A link going down drops its neighbors, static ones included.
  f.run("neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0");
  CHECK(f.table.rowCount() == 1);
  f.run("link set v0 down");
  CHECK(f.table.rowCount() == 0);
}

TEST_CASE("IPv6 neighbors, link-local ones without zone", "[ip_net_to_physical][sim]") {
  Fixture f;
  f.run("neigh add 2001:db8:1::7 lladdr 02:00:00:00:00:07 dev v0 nud reachable");
  f.run("neigh add fe80::7 lladdr 02:00:00:00:00:07 dev v0 nud stale router");
  f.run("neigh add fe80::7 lladdr 02:00:00:00:01:07 dev v1 nud delay");
  CHECK(f.table.rowCount() == 4);
  const std::string global = "3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.7";
  const std::string llV0 = "3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.7";
  const std::string llV1 = "2.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.7";
  CHECK(f.get(7, global) == "INTEGER: 1");
  CHECK(f.get(7, llV0) == "INTEGER: 2");
  CHECK(f.get(4, llV1) == "STRING: 0x020000000107");
  CHECK(f.get(7, llV1) == "INTEGER: 3");

  // The whole table in GETNEXT order: each column's rows by ifIndex, then type, then address.
  auto rows = f.walk();
  REQUIRE(rows.size() == 4 * 5);
  CHECK(rows[0] == "4." + llV1 + "=STRING: 0x020000000107");
  CHECK(rows[1] == "4.3.1.4.192.0.2.7=STRING: 0x020000000007");
  CHECK(rows[2] == "4." + global + "=STRING: 0x020000000007");
  CHECK(rows[3] == "4." + llV0 + "=STRING: 0x020000000007");
  CHECK(rows[4].rfind("5." + llV1 + "=", 0) == 0);
  CHECK(rows[19] == "8." + llV0 + "=INTEGER: 1");
}

TEST_CASE("ipv6z zones and the family filter are options", "[ip_net_to_physical][sim]") {
  IpNetToPhysicalOptions zoned;
  zoned.zones = ZoneStyle::KeepZone;
  Fixture f(zoned);
  f.run("neigh add fe80::7 lladdr 02:00:00:00:00:07 dev v0 nud reachable");
  CHECK(f.get(7, "3.4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.7.0.0.0.3") == "INTEGER: 1");

  IpNetToPhysicalOptions v6only;
  v6only.family = ipmibd::platform::Family::V6;
  Fixture g(v6only);
  CHECK(g.table.rowCount() == 0);
  g.run("neigh add fe80::7 lladdr 02:00:00:00:00:07 dev v0 nud reachable");
  g.run("neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev v0 nud reachable");
  CHECK(g.table.rowCount() == 1);
  NeighborRow row = neighbor("fe80::7", 3, NeighborState::Reachable);
  row.address = row.address.withScope(3);
  CHECK(g.table.indexOf(row) == Oid::parse("3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.7"));
}

TEST_CASE("Rows without an interface or address are discarded, not served", "[ip_net_to_physical]") {
  IpNetToPhysicalTable table;
  NeighborRow noInterface = neighbor("192.0.2.9", 0, NeighborState::Reachable);
  NeighborRow noAddress;
  noAddress.interfaceIndex = 2;
  std::vector<Change<NeighborRow>> batch{{ChangeKind::Add, noInterface},
                                         {ChangeKind::ParameterChange, noAddress}};
  table.enqueue(batch);
  CHECK(table.rowCount() == 0);
  CHECK(table.discardCount() == 2);
  std::vector<Change<NeighborRow>> deletes{{ChangeKind::Delete, noInterface}};
  table.enqueue(deletes); // deleting what was never served is harmless and not counted
  CHECK(table.discardCount() == 2);
}
