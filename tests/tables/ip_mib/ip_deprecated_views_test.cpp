// The deprecated ip group objects over the simulator: the IPv4 counters and ipReasmTimeout,
// ipAddrTable and ipNetToMediaTable (reads), each checked against the table it is a view of.
#include "tables/ip_mib/ip_addr_table.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tables/ip_mib/ip_if_stats_table.h"
#include "tables/ip_mib/ip_interface_tables.h"
#include "tables/ip_mib/ip_net_to_media_table.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tables/ip_mib/ip_scalars.h"
#include "tables/ip_mib/ip_v4_counters.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

namespace {

const Oid kIp{1, 3, 6, 1, 2, 1, 4};

const MibObject* objectAt(const IpV4Counters& counters, SubId id) {
  for (const MibObject* object : counters.objects())
    if (object->base() == kIp + Oid{id}) return object;
  return nullptr;
}

} // namespace

TEST_CASE("ip counters: the ipv4 row of ipSystemStatsTable, same snapshot, same numbers", "[v4views]") {
  auto sim = makeSim();
  const auto origin = sim->now();
  IpStatisticsTables stats;
  IpV4Counters counters(stats);
  REQUIRE(stats.attach(*sim, origin).ok());
  REQUIRE(counters.objects().size() == 17);
  // Registered in OID order, .13 (ipReasmTimeout, a setting) and .20-.22 (tables) left out.
  Oid previous;
  for (const MibObject* object : counters.objects()) {
    CHECK(object->base() > previous);
    previous = object->base();
  }
  CHECK(objectAt(counters, 13) == nullptr);

  sim->advance(10s);
  const RequestContext context{origin + 10s, origin};
  // ip group object -> ipSystemStatsEntry column (RFC 4293 names each one's replacement).
  const std::pair<SubId, SubId> replacedBy[] = {{3, 3},   {4, 7},   {5, 9},   {6, 12},  {7, 10},  {8, 17},
                                                {9, 18},  {10, 20}, {11, 25}, {12, 22}, {14, 14}, {15, 15},
                                                {16, 16}, {17, 27}, {18, 28}, {19, 29}};
  const MibObject& system = *stats.objects()[0];
  for (const auto& [id, column] : replacedBy) {
    INFO("ip." << id);
    const MibObject* object = objectAt(counters, id);
    REQUIRE(object);
    const std::string value = get(*object, object->base() + Oid{0}, context);
    CHECK(value.rfind("Counter32: ", 0) == 0);
    CHECK(value == get(system, IpStatisticsTables::systemStatsEntryOid() + Oid{column, 1}, context));
  }
  CHECK(get(*objectAt(counters, 3), kIp + Oid{3, 0}, context) == "Counter32: 1200"); // 120/s
  // ipRoutingDiscards: the platform's figure (the simulator's in/1000; Linux's is always 0).
  CHECK(get(*objectAt(counters, 23), kIp + Oid{23, 0}, context) == "Counter32: 1");
  // Scalars: only .0 exists; GETNEXT from the object gives .0, from .0 nothing.
  CHECK(get(*objectAt(counters, 3), kIp + Oid{3, 1}, context) == "noSuchInstance");
  auto next = objectAt(counters, 9)->getNextOid(kIp + Oid{9}, context);
  REQUIRE(next);
  CHECK(next->oid == kIp + Oid{9, 0});
  CHECK_FALSE(objectAt(counters, 9)->getNextOid(kIp + Oid{9, 0}, context));
  // One snapshot per refresh interval for both the table and the view.
  const auto reads = stats.backendReads();
  for (const MibObject* object : counters.objects())
    get(*object, object->base() + Oid{0}, context);
  CHECK(stats.backendReads() == reads);
}

TEST_CASE("ipReasmTimeout: the platform's IPv4 fragment timeout", "[v4views]") {
  {
    auto sim = makeSim();
    IpScalars scalars;
    REQUIRE(scalars.attach(*sim, sim->now()).ok());
    const RequestContext context{sim->now(), sim->now()};
    REQUIRE(scalars.objects()[2]->base() == IpScalars::reasmTimeoutOid());
    CHECK(get(*scalars.objects()[2], kIp + Oid{13, 0}, context) == "INTEGER: 30"); // Linux's default
    CHECK(scalars.objects()[2]->writer() == nullptr);                              // read-only
  }
  auto sim = makeSim(R"(
sysctl -w net.ipv4.ipfrag_time=17
sysctl -w net.ipv6.ip6frag_time=9
)");
  IpScalars scalars;
  REQUIRE(scalars.attach(*sim, sim->now()).ok());
  const RequestContext context{sim->now(), sim->now()};
  CHECK(get(*scalars.objects()[2], kIp + Oid{13, 0}, context) == "INTEGER: 17");
}

namespace {

// lo = 1, eth0 = 2, eth1 = 3. Secondary addresses, a broadcast address, the same address on both
// interfaces (added to eth1 first), IPv6 addresses that must not show.
const char* kAddresses = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.1/24 brd 192.0.2.255 dev eth0
addr add 192.0.2.9/24 dev eth0
addr add 198.51.100.1/25 dev eth1
addr add 203.0.113.77/24 dev eth1
addr add 203.0.113.77/28 dev eth0
addr add 10.255.0.1/16 brd 10.255.0.0 dev eth1
addr add 2001:db8::1/64 dev eth0
)";

struct AddrFixture {
  std::unique_ptr<ipmibd::platform::sim::SimBackend> sim = makeSim(kAddresses);
  IpAddressTablesOptions options;
  IpAddressTables addresses{options};
  IpInterfaceTables interfaces;
  IpAddrTable view{addresses, interfaces};
  RequestContext context{sim->now(), sim->now()};
  AddrFixture() {
    REQUIRE(addresses.attach(*sim).ok());
    REQUIRE(interfaces.attach(*sim).ok());
    settle(*sim, addresses, interfaces);
  }
  const MibObject& table() const { return *view.objects()[0]; }
};

} // namespace

TEST_CASE_METHOD(AddrFixture, "ipAddrTable: one row per IPv4 address, in ipAddressTable's order",
                 "[v4views]") {
  const Strings walked = walk(table(), context);
  const Strings expectedAddresses = {
      "1.10.255.0.1=IpAddress: 10.255.0.1",     "1.127.0.0.1=IpAddress: 127.0.0.1",
      "1.192.0.2.1=IpAddress: 192.0.2.1",       "1.192.0.2.9=IpAddress: 192.0.2.9",
      "1.198.51.100.1=IpAddress: 198.51.100.1", "1.203.0.113.77=IpAddress: 203.0.113.77",
  };
  REQUIRE(walked.size() == 5 * expectedAddresses.size());
  CHECK(Strings(walked.begin(), walked.begin() + 6) == expectedAddresses);
  const Strings rest(walked.begin() + 6, walked.end());
  const Strings expectedRest = {
      "2.10.255.0.1=INTEGER: 3",
      "2.127.0.0.1=INTEGER: 1",
      "2.192.0.2.1=INTEGER: 2",
      "2.192.0.2.9=INTEGER: 2",
      "2.198.51.100.1=INTEGER: 3",
      "2.203.0.113.77=INTEGER: 2", // on eth0 and eth1: the lowest ifIndex, as ipAddressTable and Debian
      "3.10.255.0.1=IpAddress: 255.255.0.0",
      "3.127.0.0.1=IpAddress: 255.0.0.0",
      "3.192.0.2.1=IpAddress: 255.255.255.0",
      "3.192.0.2.9=IpAddress: 255.255.255.0",
      "3.198.51.100.1=IpAddress: 255.255.255.128",
      "3.203.0.113.77=IpAddress: 255.255.255.240", // the served (eth0) address's prefix
      "4.10.255.0.1=INTEGER: 0",                   // brd 10.255.0.0: low bit 0
      "4.127.0.0.1=INTEGER: 0",                    // no broadcast address
      "4.192.0.2.1=INTEGER: 1",
      "4.192.0.2.9=INTEGER: 0", // each address has its own broadcast: this one none (Debian: 0 too)
      "4.198.51.100.1=INTEGER: 0",
      "4.203.0.113.77=INTEGER: 0",
      "5.10.255.0.1=INTEGER: 65535",
      "5.127.0.0.1=INTEGER: 65535",
      "5.192.0.2.1=INTEGER: 65535",
      "5.192.0.2.9=INTEGER: 65535",
      "5.198.51.100.1=INTEGER: 65535",
      "5.203.0.113.77=INTEGER: 65535",
  };
  CHECK(rest == expectedRest);
  CHECK(view.rowCount() == 6);
  CHECK(addresses.hiddenCount() == 1);

  // The same order as ipAddressTable's IPv4 rows (1.4.a.b.c.d).
  Strings viewed;
  for (const std::string& line : walk(addresses.addressTable(), context))
    if (line.rfind("3.1.4.", 0) == 0) viewed.push_back(line.substr(6, line.find('=') - 6));
  Strings mine;
  for (std::size_t i = 0; i < 6; ++i)
    mine.push_back(walked[i].substr(2, walked[i].find('=') - 2));
  CHECK(mine == viewed);
}

TEST_CASE_METHOD(AddrFixture, "ipAddrTable: GET and GETNEXT of odd instances", "[v4views]") {
  const Oid& entry = IpAddrTable::entryOid();
  CHECK(entry.toString() == "1.3.6.1.2.1.4.20.1");
  CHECK(get(table(), entry + Oid{2, 192, 0, 2, 9}, context) == "INTEGER: 2");
  CHECK(get(table(), entry + Oid{2, 192, 0, 2}, context) == "noSuchInstance");
  CHECK(get(table(), entry + Oid{2, 192, 0, 2, 9, 0}, context) == "noSuchInstance");
  CHECK(get(table(), entry + Oid{2, 192, 0, 2, 300}, context) == "noSuchInstance");
  CHECK(get(table(), entry + Oid{2, 192, 0, 2, 2}, context) == "noSuchInstance");
  CHECK(get(table(), entry + Oid{6, 192, 0, 2, 9}, context) == "noSuchObject");
  CHECK(get(table(), entry + Oid{0, 192, 0, 2, 9}, context) == "noSuchObject");
  auto next = [&](const Oid& suffix) {
    auto vb = table().getNextOid(entry + suffix, context);
    return vb ? Oid(vb->oid.suffixAfter(entry)).toString() : std::string("end");
  };
  CHECK(next({2, 192, 0}) == "2.192.0.2.1");            // partial index
  CHECK(next({2, 192, 0, 2, 1, 5}) == "2.192.0.2.9");   // over-long
  CHECK(next({2, 192, 0, 2, 300}) == "2.198.51.100.1"); // sub-id beyond a byte
  CHECK(next({2, 250}) == "3.10.255.0.1");              // past the column's last row
  CHECK(next({5, 203, 0, 113, 77}) == "end");
  CHECK(next({}) == "1.10.255.0.1");
  // The IPv6 address is not an ipAddrTable row, whatever is asked.
  CHECK(next({1, 203, 0, 113, 77}) == "2.10.255.0.1");
}

TEST_CASE_METHOD(AddrFixture, "ipAddrTable follows address changes; a hidden duplicate takes over",
                 "[v4views]") {
  REQUIRE(sim->apply("addr del 203.0.113.77/28 dev eth0").ok());
  REQUIRE(sim->apply("addr add 192.0.2.200/24 dev eth0").ok());
  settle(*sim, addresses, interfaces);
  CHECK(get(table(), IpAddrTable::entryOid() + Oid{2, 203, 0, 113, 77}, context) == "INTEGER: 3");
  CHECK(get(table(), IpAddrTable::entryOid() + Oid{3, 203, 0, 113, 77}, context) ==
        "IpAddress: 255.255.255.0");
  CHECK(get(table(), IpAddrTable::entryOid() + Oid{1, 192, 0, 2, 200}, context) == "IpAddress: 192.0.2.200");
  CHECK(view.rowCount() == 7);
}

TEST_CASE("ipAddrTable: broadcast rows of ipAddressTable are not addresses", "[v4views]") {
  auto sim = makeSim(kAddresses);
  IpAddressTablesOptions options;
  options.broadcastRows = true;
  IpAddressTables addresses{options};
  IpInterfaceTables interfaces;
  IpAddrTable view{addresses, interfaces};
  REQUIRE(addresses.attach(*sim).ok());
  REQUIRE(interfaces.attach(*sim).ok());
  settle(*sim, addresses, interfaces);
  const RequestContext context{sim->now(), sim->now()};
  CHECK(get(*view.objects()[0], IpAddrTable::entryOid() + Oid{1, 192, 0, 2, 255}, context) ==
        "noSuchInstance");
  CHECK(view.rowCount() == 6);
  // Without an ipv4InterfaceTable row there is no ReasmMaxSize to report.
  IpInterfaceTables detached;
  IpAddrTable lonely{addresses, detached};
  CHECK(get(*lonely.objects()[0], IpAddrTable::entryOid() + Oid{5, 192, 0, 2, 1}, context) ==
        "noSuchInstance");
  CHECK(get(*lonely.objects()[0], IpAddrTable::entryOid() + Oid{2, 192, 0, 2, 1}, context) == "INTEGER: 2");
}

namespace {

// lo = 1, eth0 = 2, eth1 = 3: static, dynamic, unresolved and IPv6 neighbors on both links.
const char* kNeighbors = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 198.51.100.2/24 dev eth1
addr add 2001:db8:1::2/64 dev eth0
neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0
neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev eth0 nud reachable
neigh add 192.0.2.9 dev eth0 nud incomplete
neigh add 2001:db8:1::7 lladdr 02:00:00:00:01:07 dev eth0
neigh add 198.51.100.3 lladdr 02:00:00:00:02:03 dev eth1 nud stale
)";

} // namespace

TEST_CASE("ipNetToMediaTable: IPv4 neighbors with a mapping, in ipNetToPhysicalTable's order", "[v4views]") {
  auto sim = makeSim(kNeighbors);
  IpNetToPhysicalTable neighbors;
  IpNetToMediaTable media(neighbors);
  REQUIRE(neighbors.attach(*sim).ok());
  settle(*sim, neighbors);
  const RequestContext context{sim->now(), sim->now()};
  const MibObject& table = *media.objects()[0];
  CHECK(table.base().toString() == "1.3.6.1.2.1.4.22.1");
  const Strings expected = {
      "1.2.192.0.2.7=INTEGER: 2",
      "1.2.192.0.2.8=INTEGER: 2",
      "1.3.198.51.100.3=INTEGER: 3",
      "2.2.192.0.2.7=STRING: 0x020000000007",
      "2.2.192.0.2.8=STRING: 0x020000000008",
      "2.3.198.51.100.3=STRING: 0x020000000203",
      "3.2.192.0.2.7=IpAddress: 192.0.2.7",
      "3.2.192.0.2.8=IpAddress: 192.0.2.8",
      "3.3.198.51.100.3=IpAddress: 198.51.100.3",
      "4.2.192.0.2.7=INTEGER: 4", // static
      "4.2.192.0.2.8=INTEGER: 3", // dynamic
      "4.3.198.51.100.3=INTEGER: 3",
  };
  CHECK(walk(table, context) == expected);
  CHECK(media.rowCount() == 3);
  // The unresolved neighbor is an ipNetToPhysicalTable row (invalid), not an ipNetToMediaTable one.
  CHECK(get(*neighbors.objects()[0], IpNetToPhysicalTable::entryOid() + Oid{6, 2, 1, 4, 192, 0, 2, 9},
            context) == "INTEGER: 2");
  const Oid& entry = IpNetToMediaTable::entryOid();
  CHECK(get(table, entry + Oid{2, 2, 192, 0, 2, 9}, context) == "noSuchInstance");
  CHECK(get(table, entry + Oid{4, 3, 198, 51, 100, 3}, context) == "INTEGER: 3");
  CHECK(get(table, entry + Oid{4, 2, 198, 51, 100, 3}, context) == "noSuchInstance"); // other interface
  CHECK(get(table, entry + Oid{4, 2, 192, 0, 2}, context) == "noSuchInstance");
  CHECK(get(table, entry + Oid{5, 2, 192, 0, 2, 7}, context) == "noSuchObject");
  auto next = [&](const Oid& suffix) {
    auto vb = table.getNextOid(entry + suffix, context);
    return vb ? Oid(vb->oid.suffixAfter(entry)).toString() : std::string("end");
  };
  CHECK(next({1}) == "1.2.192.0.2.7");
  CHECK(next({1, 2}) == "1.2.192.0.2.7");
  CHECK(next({1, 2, 192, 0, 2, 7}) == "1.2.192.0.2.8");
  CHECK(next({1, 2, 192, 0, 2, 8}) == "1.3.198.51.100.3"); // the unresolved .9 and the IPv6 row skipped
  CHECK(next({1, 2, 192, 0, 2, 8, 1}) == "1.3.198.51.100.3");
  CHECK(next({1, 2, 1, 4}) == "1.2.192.0.2.7"); // not confused with the source's type/length
  CHECK(next({4, 3, 198, 51, 100, 3}) == "end");

  // Changes show at once: resolved, removed.
  REQUIRE(sim->apply("neigh replace 192.0.2.9 lladdr 02:00:00:00:00:09 dev eth0 nud reachable").ok());
  REQUIRE(sim->apply("neigh del 192.0.2.8 dev eth0").ok());
  settle(*sim, neighbors);
  CHECK(get(table, entry + Oid{2, 2, 192, 0, 2, 9}, context) == "STRING: 0x020000000009");
  CHECK(get(table, entry + Oid{2, 2, 192, 0, 2, 8}, context) == "noSuchInstance");
}
