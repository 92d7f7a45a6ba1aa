// IpInterfaceTables over the simulator and with hand-made changes: instance OIDs and values of every
// column, the RFC 4293 LastChange rules, GETNEXT order and the edge cases of the column syntaxes.
#include "tables/ip_mib/ip_interface_tables.h"

#include "tests/tables/ip_tables_test_support.h"

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using ipmibd::platform::Change;
using ipmibd::platform::ChangeKind;
using ipmibd::platform::Family;
using ipmibd::platform::IpInterfaceRow;
using Strings = std::vector<std::string>;

namespace {

struct Fixture {
  std::unique_ptr<ipmibd::platform::sim::SimBackend> sim = makeSim();
  ipmibd::platform::Timestamp origin = sim->now(); // the agent's sysUpTime origin
  IpInterfaceTables tables{{.clock = [this] { return sim->now(); }}};

  Fixture() {
    REQUIRE(tables.attach(*sim).ok());
    settle();
  }
  void settle() {
    for (int i = 0; i < 100; ++i) {
      bool more = sim->dispatch(20ms);
      more = tables.applyPending(20ms) || more;
      if (!more) return;
    }
    FAIL("did not settle");
  }
  void run(const char* command) {
    INFO(command);
    REQUIRE(sim->apply(command).ok());
    settle();
  }
  RequestContext context() const { return {sim->now(), origin}; }
  std::string lastChange(const Oid& scalar) {
    Oid instance = scalar;
    instance.append(0);
    return get(*tables.objects()[scalar == IpInterfaceTables::ipv4LastChangeOid() ? 0 : 2], instance,
               context());
  }
  std::string v4(SubId column, SubId ifIndex) {
    return get(tables.ipv4Table(), IpInterfaceTables::ipv4EntryOid() + Oid{column, ifIndex}, context());
  }
  std::string v6(SubId column, SubId ifIndex) {
    return get(tables.ipv6Table(), IpInterfaceTables::ipv6EntryOid() + Oid{column, ifIndex}, context());
  }
};

void deliver(IpInterfaceTables& tables, ChangeKind kind, const IpInterfaceRow& row) {
  const Change<IpInterfaceRow> batch[] = {{kind, row}};
  tables.enqueue(batch);
}

IpInterfaceRow ipv6Row(std::uint32_t ifIndex) {
  IpInterfaceRow row;
  row.family = Family::V6;
  row.interfaceIndex = ifIndex;
  row.reassemblyMaxSize = 65535;
  row.baseReachableTime = row.reachableTime = 30000;
  row.retransmitTime = 1000;
  return row;
}

} // namespace

TEST_CASE_METHOD(Fixture, "ipv4InterfaceTable: every instance from the simulator", "[ip_interface]") {
  // Debian's snmpd 5.9.3 serves no rows here (/tmp/refsnmp/ipv4InterfaceTable.txt); values follow RFC 4293.
  CHECK(walk(tables.ipv4Table(), context()) == Strings{
                                                   "2.1=INTEGER: 65535",
                                                   "2.2=INTEGER: 65535",
                                                   "2.3=INTEGER: 65535",
                                                   "3.1=INTEGER: 1",
                                                   "3.2=INTEGER: 1",
                                                   "3.3=INTEGER: 1",
                                                   "4.1=Unsigned32: 1000",
                                                   "4.2=Unsigned32: 1000",
                                                   "4.3=Unsigned32: 1000",
                                               });
  CHECK(IpInterfaceTables::ipv4EntryOid().toString() == "1.3.6.1.2.1.4.28.1");
  CHECK(IpInterfaceTables::ipv4LastChangeOid().toString() == "1.3.6.1.2.1.4.27");
  CHECK(tables.rowCount(Family::V4) == 3);
}

TEST_CASE_METHOD(Fixture, "ipv6InterfaceTable: every instance from the simulator", "[ip_interface]") {
  CHECK(walk(tables.ipv6Table(), context()) == Strings{
                                                   "2.1=Unsigned32: 65535",
                                                   "2.2=Unsigned32: 65535",
                                                   "2.3=Unsigned32: 65535",
                                                   // EUI-64 of the (simulated) MACs, U/L bit flipped.
                                                   "3.1=STRING: 0x020000fffe000000",
                                                   "3.2=STRING: 0x000000fffe000002",
                                                   "3.3=STRING: 0x000000fffe000003",
                                                   "5.1=INTEGER: 1",
                                                   "5.2=INTEGER: 1",
                                                   "5.3=INTEGER: 1",
                                                   "6.1=Unsigned32: 30000",
                                                   "6.2=Unsigned32: 30000",
                                                   "6.3=Unsigned32: 30000",
                                                   "7.1=Unsigned32: 1000",
                                                   "7.2=Unsigned32: 1000",
                                                   "7.3=Unsigned32: 1000",
                                                   "8.1=INTEGER: 2",
                                                   "8.2=INTEGER: 2",
                                                   "8.3=INTEGER: 2",
                                               });
  CHECK(IpInterfaceTables::ipv6EntryOid().toString() == "1.3.6.1.2.1.4.30.1");
  CHECK(IpInterfaceTables::ipv6LastChangeOid().toString() == "1.3.6.1.2.1.4.29");
  // The index column, the reserved column 4 and columns past the end do not exist.
  CHECK(v6(1, 3) == "noSuchObject");
  CHECK(v6(4, 3) == "noSuchObject");
  CHECK(v6(9, 3) == "noSuchObject");
  CHECK(v6(2, 4) == "noSuchInstance");
  CHECK(get(tables.ipv6Table(), IpInterfaceTables::ipv6EntryOid() + Oid{2, 3, 0}, context()) ==
        "noSuchInstance");
}

TEST_CASE_METHOD(Fixture, "IP interface tables: the four objects walk as one strictly increasing sequence",
                 "[ip_interface]") {
  auto objects = tables.objects();
  for (std::size_t i = 1; i < objects.size(); ++i)
    CHECK(objects[i - 1]->base() < objects[i]->base());
  Strings all;
  for (const MibObject* object : objects)
    for (const std::string& line : walk(*object, context()))
      all.push_back(object->base().toString() + "." + line);
  CHECK(all.size() == 1 + 9 + 1 + 18);
  CHECK(all.front() == "1.3.6.1.2.1.4.27.0=Timeticks: 0");
  CHECK(all[10] == "1.3.6.1.2.1.4.29.0=Timeticks: 0");
}

TEST_CASE_METHOD(Fixture, "IP interface tables: LastChange follows the columns RFC 4293 names for each table",
                 "[ip_interface]") {
  // The initial dump is the state at start, not a change.
  CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 0");
  CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 0");

  SECTION("an MTU change touches no served column") {
    sim->advance(5s);
    run("link set v0 mtu 1400");
    CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 0");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 0");
  }
  SECTION("IPv6 forwarding on one interface moves only ipv6InterfaceTableLastChange") {
    sim->advance(6s);
    run("sysctl net.ipv6.conf.v0.forwarding=1");
    CHECK(v6(8, 3) == "INTEGER: 1");
    CHECK(v6(8, 2) == "INTEGER: 2");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 600");
    CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 0");
  }
  SECTION("ipv4InterfaceRetransmitTime is served but does not count (RFC 4293)") {
    sim->advance(8s);
    run("sysctl net.ipv4.neigh.v0.retrans_time_ms=2000");
    CHECK(v4(4, 3) == "Unsigned32: 2000");
    CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 0");
  }
  SECTION("IPv6 retransmit and reachable times, and disabling IPv6, count") {
    sim->advance(1s);
    run("sysctl net.ipv6.neigh.v0.retrans_time_ms=2000");
    CHECK(v6(7, 3) == "Unsigned32: 2000");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 100");
    sim->advance(1s);
    run("sysctl net.ipv6.neigh.v0.base_reachable_time_ms=15000");
    CHECK(v6(6, 3) == "Unsigned32: 15000");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 200");
    sim->advance(1s);
    run("sysctl net.ipv6.conf.v1.disable_ipv6=1");
    CHECK(v6(5, 2) == "INTEGER: 2");
    CHECK(v4(3, 2) == "INTEGER: 1");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 300");
    CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 0");
  }
  SECTION("rows added and deleted move both") {
    sim->advance(10s);
    run("link add d0 type dummy");
    CHECK(tables.rowCount(Family::V4) == 4);
    CHECK(tables.rowCount(Family::V6) == 4);
    CHECK(v4(2, 4) == "INTEGER: 65535");
    CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 1000");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 1000");
    sim->advance(2s);
    run("link del d0");
    CHECK(tables.rowCount(Family::V4) == 3);
    CHECK(tables.rowCount(Family::V6) == 3);
    CHECK(v4(2, 4) == "noSuchInstance");
    CHECK(lastChange(IpInterfaceTables::ipv4LastChangeOid()) == "Timeticks: 1200");
    CHECK(lastChange(IpInterfaceTables::ipv6LastChangeOid()) == "Timeticks: 1200");
  }
}

TEST_CASE("ipv6InterfaceTable column syntaxes at their edges", "[ip_interface]") {
  auto now = ipmibd::platform::Clock::now();
  IpInterfaceTables tables{{.clock = [now] { return now; }}};
  RequestContext context(now, now - 10s);
  auto v6 = [&](SubId column, SubId ifIndex) {
    return get(tables.ipv6Table(), IpInterfaceTables::ipv6EntryOid() + Oid{column, ifIndex}, context);
  };

  IpInterfaceRow unknownReasm = ipv6Row(5);
  unknownReasm.reassemblyMaxSize = 0; // the platform does not know: no instance
  IpInterfaceRow smallReasm = ipv6Row(6);
  smallReasm.reassemblyMaxSize = 1280;                              // below the syntax's 1500..65535
  smallReasm.interfaceIdentifier = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; // longer than SIZE (0..8)
  smallReasm.reachableTime = 25000;
  smallReasm.baseReachableTime = 0; // no base: the current value
  IpInterfaceRow noIndex = ipv6Row(0);
  deliver(tables, ChangeKind::Add, unknownReasm);
  deliver(tables, ChangeKind::Add, smallReasm);
  deliver(tables, ChangeKind::Add, noIndex);

  CHECK(tables.rowCount(Family::V6) == 2);
  CHECK(v6(2, 5) == "noSuchInstance");
  CHECK(v6(3, 5) == "STRING: 0x"); // zero-length identifier
  CHECK(v6(2, 6) == "Unsigned32: 1500");
  CHECK(v6(3, 6) == "STRING: 0x0102030405060708");
  CHECK(v6(6, 6) == "Unsigned32: 25000");
  CHECK(tables.lastChange(Family::V6) == now);

  // GETNEXT skips the missing instance.
  auto next = tables.ipv6Table().getNextOid(IpInterfaceTables::ipv6EntryOid() + Oid{2}, context);
  REQUIRE(next);
  CHECK(next->oid == IpInterfaceTables::ipv6EntryOid() + Oid{2, 6});

  // Replaying an identical row, or deleting one that is not there, is not a change.
  IpInterfaceTables quiet{{.clock = [&now] { return now; }}};
  deliver(quiet, ChangeKind::Add, ipv6Row(7));
  auto first = quiet.lastChange(Family::V6);
  now += 1s;
  deliver(quiet, ChangeKind::ParameterChange, ipv6Row(7));
  deliver(quiet, ChangeKind::Delete, ipv6Row(8));
  CHECK(quiet.lastChange(Family::V6) == first);
  CHECK(quiet.lastChange(Family::V4) == ipmibd::platform::Timestamp{});
  deliver(quiet, ChangeKind::Delete, ipv6Row(7));
  CHECK(quiet.lastChange(Family::V6) == now);
  CHECK(quiet.rowCount(Family::V6) == 0);
}

TEST_CASE("IP interface tables: a family option limits the unit to one table", "[ip_interface]") {
  auto sim = makeSim();
  IpInterfaceTables tables{{.family = Family::V4}};
  REQUIRE(tables.attach(*sim).ok());
  while (tables.applyPending(20ms)) {}
  CHECK(tables.rowCount(Family::V4) == 3);
  CHECK(tables.rowCount(Family::V6) == 0);
}

TEST_CASE("IP interface tables: a large burst goes through the budgeted queue and still counts",
          "[ip_interface]") {
  auto now = ipmibd::platform::Clock::now();
  IpInterfaceTables tables{{.clock = [&now] { return now; }}};
  std::vector<Change<IpInterfaceRow>> burst;
  for (std::uint32_t i = 1; i <= 1000; ++i)
    burst.push_back({ChangeKind::Add, ipv6Row(i)});
  tables.enqueue(burst);
  CHECK(tables.pending() == 1000);
  CHECK(tables.rowCount(Family::V6) == 0);
  while (tables.applyPending(1ms)) {}
  CHECK(tables.rowCount(Family::V6) == 1000);
  CHECK(tables.lastChange(Family::V6) == now);
}
