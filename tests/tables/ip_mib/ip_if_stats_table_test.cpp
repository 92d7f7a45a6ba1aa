// IpStatisticsTables over the simulator: instance OIDs and values of every column of ipSystemStatsTable
// and ipIfStatsTable, Counter32 = low 32 bits, the on-demand snapshot refresh, LastChange and failures.
#include "tables/ip_mib/ip_if_stats_table.h"

#include "tests/tables/ip_tables_test_support.h"

#include <map>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using ipmibd::platform::Family;
using ipmibd::platform::IpStatisticsRow;
using ipmibd::platform::Status;
using ipmibd::platform::sim::Operation;
using Strings = std::vector<std::string>;

namespace {

// The RFC 4293 columns (same numbers in both tables) and the IpStatisticsRow field each one shows,
// written out independently of the unit's declarations. hc: Counter64 column.
struct ExpectedColumn {
  SubId id;
  std::optional<std::uint64_t> IpStatisticsRow::*field;
  bool hc;
};
const ExpectedColumn kExpected[] = {
    {3, &IpStatisticsRow::inReceives, false},        {4, &IpStatisticsRow::inReceives, true},
    {5, &IpStatisticsRow::inOctets, false},          {6, &IpStatisticsRow::inOctets, true},
    {7, &IpStatisticsRow::inHdrErrors, false},       {8, &IpStatisticsRow::inNoRoutes, false},
    {9, &IpStatisticsRow::inAddrErrors, false},      {10, &IpStatisticsRow::inUnknownProtos, false},
    {11, &IpStatisticsRow::inTruncatedPkts, false},  {12, &IpStatisticsRow::inForwDatagrams, false},
    {13, &IpStatisticsRow::inForwDatagrams, true},   {14, &IpStatisticsRow::reasmReqds, false},
    {15, &IpStatisticsRow::reasmOKs, false},         {16, &IpStatisticsRow::reasmFails, false},
    {17, &IpStatisticsRow::inDiscards, false},       {18, &IpStatisticsRow::inDelivers, false},
    {19, &IpStatisticsRow::inDelivers, true},        {20, &IpStatisticsRow::outRequests, false},
    {21, &IpStatisticsRow::outRequests, true},       {22, &IpStatisticsRow::outNoRoutes, false},
    {23, &IpStatisticsRow::outForwDatagrams, false}, {24, &IpStatisticsRow::outForwDatagrams, true},
    {25, &IpStatisticsRow::outDiscards, false},      {26, &IpStatisticsRow::outFragReqds, false},
    {27, &IpStatisticsRow::outFragOKs, false},       {28, &IpStatisticsRow::outFragFails, false},
    {29, &IpStatisticsRow::outFragCreates, false},   {30, &IpStatisticsRow::outTransmits, false},
    {31, &IpStatisticsRow::outTransmits, true},      {32, &IpStatisticsRow::outOctets, false},
    {33, &IpStatisticsRow::outOctets, true},         {34, &IpStatisticsRow::inMcastPkts, false},
    {35, &IpStatisticsRow::inMcastPkts, true},       {36, &IpStatisticsRow::inMcastOctets, false},
    {37, &IpStatisticsRow::inMcastOctets, true},     {38, &IpStatisticsRow::outMcastPkts, false},
    {39, &IpStatisticsRow::outMcastPkts, true},      {40, &IpStatisticsRow::outMcastOctets, false},
    {41, &IpStatisticsRow::outMcastOctets, true},    {42, &IpStatisticsRow::inBcastPkts, false},
    {43, &IpStatisticsRow::inBcastPkts, true},       {44, &IpStatisticsRow::outBcastPkts, false},
    {45, &IpStatisticsRow::outBcastPkts, true},
};

struct Fixture {
  std::unique_ptr<ipmibd::platform::sim::SimBackend> sim = makeSim();
  ipmibd::platform::Timestamp origin = sim->now();
  IpStatisticsTables stats;

  Fixture() { REQUIRE(stats.attach(*sim, sim->now()).ok()); }
  RequestContext at(std::chrono::milliseconds sinceOrigin) const { return {origin + sinceOrigin, origin}; }
  const MibObject& system() const { return *stats.objects()[0]; }
  const MibObject& lastChange() const { return *stats.objects()[1]; }
  const MibObject& interfaces() const { return *stats.objects()[2]; }

  // What a walk must return, built from the backend's own rows at the simulator's current time.
  Strings expectedWalk(bool perInterface, const RequestContext& context) const {
    std::vector<IpStatisticsRow> rows;
    REQUIRE(sim->getIpStatisticsTable(Family::Unspecified, rows).ok());
    std::map<Oid, const IpStatisticsRow*> served; // by index
    for (const IpStatisticsRow& row : rows) {
      const SubId version = row.family == Family::V4 ? 1 : 2;
      if (!perInterface && row.interfaceIndex == 0) served[Oid{version}] = &row;
      if (perInterface && row.interfaceIndex != 0 && row.inReceives)
        served[Oid{version, row.interfaceIndex}] = &row;
    }
    Strings out;
    for (const ExpectedColumn& column : kExpected) {
      if (perInterface && column.id == 22) continue; // ipIfStatsEntry has no OutNoRoutes
      for (const auto& [index, row] : served) {
        const auto& figure = (*row).*column.field;
        if (!figure) continue;
        Value value = column.hc ? Value::counter64(*figure) : Value::counter32(std::uint32_t(*figure));
        out.push_back((Oid{column.id} + index).toString() + "=" + value.toString());
      }
    }
    for (const auto& [index, row] : served)
      out.push_back((Oid{46} + index).toString() + "=" +
                    Value::timeTicks(context.timeStamp(row->discontinuityTime)).toString());
    for (const auto& [index, row] : served)
      out.push_back((Oid{47} + index).toString() + "=Unsigned32: 1000");
    return out;
  }
};

bool contains(const Strings& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}
bool anyStartsWith(const Strings& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

} // namespace

TEST_CASE_METHOD(Fixture, "ipSystemStatsTable: every column of both rows", "[ip_stats]") {
  sim->advance(10s);
  RequestContext context = at(10s);
  Strings walked = walk(system(), context);
  CHECK(walked == expectedWalk(false, context));
  CHECK(system().base().toString() == "1.3.6.1.2.1.4.31.1.1");
  // Spot checks against the simulator's formulas (120 datagrams/s for IPv4, 80 for IPv6).
  CHECK(contains(walked, "3.1=Counter32: 1200"));
  CHECK(contains(walked, "4.1=Counter64: 1200"));
  CHECK(contains(walked, "3.2=Counter32: 800"));
  CHECK(contains(walked, "22.1=Counter32: 1"));  // OutNoRoutes: system-wide only
  CHECK(contains(walked, "42.1=Counter32: 40")); // IPv4 broadcasts
  CHECK(!anyStartsWith(walked, "42.2="));        // IPv6 has no broadcast: no instance
  CHECK(!anyStartsWith(walked, "26."));          // OutFragReqds: no figure, no instance
  CHECK(contains(walked, "46.1=Timeticks: 0"));  // discontinuity at the agent's start
  CHECK(contains(walked, "47.2=Unsigned32: 1000"));
  // IPv4: 42 counter columns (no OutFragReqds), IPv6: 38 (no broadcasts either), + 2 x 2.
  CHECK(walked.size() == 42 + 38 + 4);
}

TEST_CASE_METHOD(Fixture, "ipIfStatsTable: every column of the rows the platform counts", "[ip_stats]") {
  sim->advance(10s);
  RequestContext context = at(10s);
  Strings walked = walk(interfaces(), context);
  CHECK(walked == expectedWalk(true, context));
  CHECK(interfaces().base().toString() == "1.3.6.1.2.1.4.31.3.1");
  // Like Debian's snmpd on Linux: IPv6 rows for lo, v1, v0 (Linux keeps no per-interface IPv4 counters).
  CHECK(contains(walked, "3.2.1=Counter32: 60"));
  CHECK(contains(walked, "3.2.2=Counter32: 80"));
  CHECK(contains(walked, "3.2.3=Counter32: 100"));
  CHECK(contains(walked, "4.2.3=Counter64: 100"));
  CHECK(!anyStartsWith(walked, "3.1."));
  CHECK(!anyStartsWith(walked, "22."));
  CHECK(stats.interfaceRowCount() == 3);
  CHECK(stats.systemRowCount() == 2);
  // GET: present, absent counter, IPv4 row, index column.
  const Oid& entry = IpStatisticsTables::ifStatsEntryOid();
  CHECK(get(interfaces(), entry + Oid{5, 2, 3}, context) == "Counter32: 60000");
  CHECK(get(interfaces(), entry + Oid{26, 2, 3}, context) == "noSuchInstance");
  CHECK(get(interfaces(), entry + Oid{3, 1, 3}, context) == "noSuchInstance");
  CHECK(get(interfaces(), entry + Oid{2, 2, 3}, context) == "noSuchObject");
  CHECK(get(interfaces(), entry + Oid{22, 2, 3}, context) == "noSuchObject");
}

TEST_CASE_METHOD(Fixture, "IP statistics: Counter32 columns are the low 32 bits of the 64-bit figures",
                 "[ip_stats]") {
  sim->advance(24h);
  RequestContext context = at(24h);
  // IPv4 inOctets = 86400 s * 120/s * 600 = 6220800000 > 2^32.
  const Oid& entry = IpStatisticsTables::systemStatsEntryOid();
  CHECK(get(system(), entry + Oid{6, 1}, context) == "Counter64: 6220800000");
  CHECK(get(system(), entry + Oid{5, 1}, context) ==
        "Counter32: " + std::to_string(6220800000ull - (1ull << 32)));
}

TEST_CASE_METHOD(Fixture, "IP statistics: one snapshot per refresh interval, taken when a request needs it",
                 "[ip_stats]") {
  const Oid inReceives = IpStatisticsTables::systemStatsEntryOid() + Oid{4, 1};
  CHECK(stats.backendReads() == 1); // attach
  sim->advance(10s);
  CHECK(get(system(), inReceives, at(10s)) == "Counter64: 1200");
  CHECK(stats.backendReads() == 2);

  // The kernel moves on, but within the interval every request (and a whole multi-PDU walk)
  // sees the same snapshot, and the backend is not asked again.
  sim->advance(10s);
  CHECK(get(system(), inReceives, at(10s + 500ms)) == "Counter64: 1200");
  Strings walkedLater = walk(system(), at(10s + 999ms));
  CHECK(contains(walkedLater, "4.1=Counter64: 1200"));
  CHECK(get(lastChange(), IpStatisticsTables::ifStatsLastChangeOid() + Oid{0}, at(10s + 999ms)) ==
        "Timeticks: 0");
  CHECK(stats.backendReads() == 2);

  // Once the interval has passed, the next request refreshes.
  CHECK(get(system(), inReceives, at(11s)) == "Counter64: 2400");
  CHECK(stats.backendReads() == 3);
  // A request carrying an earlier time (a PDU built before the refresh) does not go back.
  CHECK(get(system(), inReceives, at(10s)) == "Counter64: 2400");
  CHECK(stats.backendReads() == 3);
}

TEST_CASE("IP statistics: refresh interval 0 reads once per PDU, never per varbind", "[ip_stats]") {
  auto sim = makeSim();
  auto origin = sim->now();
  IpStatisticsTables stats({.refreshInterval = 0ms});
  REQUIRE(stats.attach(*sim, origin).ok());
  RequestContext pdu(origin + 1ms, origin);
  walk(*stats.objects()[0], pdu);
  walk(*stats.objects()[2], pdu);
  CHECK(stats.backendReads() == 2);
  get(*stats.objects()[0], IpStatisticsTables::systemStatsEntryOid() + Oid{3, 1},
      RequestContext(origin + 2ms, origin));
  CHECK(stats.backendReads() == 3);
  CHECK(get(*stats.objects()[0], IpStatisticsTables::systemStatsEntryOid() + Oid{47, 1}, pdu) ==
        "Unsigned32: 0");
}

TEST_CASE_METHOD(Fixture, "ipIfStatsTableLastChange moves when a refresh finds rows added or deleted",
                 "[ip_stats]") {
  const Oid instance = IpStatisticsTables::ifStatsLastChangeOid() + Oid{0};
  CHECK(instance.toString() == "1.3.6.1.2.1.4.31.2.0");
  CHECK(get(lastChange(), instance, at(1s)) == "Timeticks: 0"); // the first snapshot is the baseline

  sim->advance(30s);
  REQUIRE(sim->apply("link add d0 type dummy").ok());
  // The snapshot is read at request time and the new interface is in it.
  CHECK(get(lastChange(), instance, at(40s)) == "Timeticks: 4000");
  CHECK(stats.interfaceRowCount() == 4);
  // d0's counters start at its creation (simulator time 30 s).
  CHECK(get(interfaces(), IpStatisticsTables::ifStatsEntryOid() + Oid{46, 2, 4}, at(40s)) ==
        "Timeticks: 3000");

  // Counters moving is no row change.
  sim->advance(5s);
  CHECK(get(lastChange(), instance, at(45s)) == "Timeticks: 4000");

  sim->advance(5s);
  REQUIRE(sim->apply("link del d0").ok());
  CHECK(get(interfaces(), IpStatisticsTables::ifStatsEntryOid() + Oid{3, 2, 4}, at(50s)) == "noSuchInstance");
  CHECK(get(lastChange(), instance, at(50s)) == "Timeticks: 5000");
  CHECK(stats.interfaceRowCount() == 3);
}

TEST_CASE_METHOD(Fixture,
                 "IP statistics: a failed refresh keeps the previous snapshot, retried next interval",
                 "[ip_stats]") {
  const Oid inReceives = IpStatisticsTables::systemStatsEntryOid() + Oid{4, 2};
  sim->advance(10s);
  CHECK(get(system(), inReceives, at(10s)) == "Counter64: 800");
  sim->injectFault(Operation::GetStatistics, Status::GeneralFailure, 1);
  sim->advance(10s);
  CHECK(stats.refresh(origin + 12s).status == Status::GeneralFailure);
  CHECK(get(system(), inReceives, at(12s + 500ms)) == "Counter64: 800");
  CHECK(get(lastChange(), IpStatisticsTables::ifStatsLastChangeOid() + Oid{0}, at(12s + 500ms)) ==
        "Timeticks: 0");
  CHECK(get(system(), inReceives, at(13s)) == "Counter64: 1600");
}

TEST_CASE("IP statistics: empty before attach or after a failed first read", "[ip_stats]") {
  auto sim = makeSim();
  auto origin = sim->now();
  IpStatisticsTables stats;
  RequestContext context(origin, origin);
  CHECK(walk(*stats.objects()[0], context).empty());
  CHECK_FALSE(stats.refresh(origin).ok());
  sim->injectFault(Operation::GetStatistics, Status::GeneralFailure, 1);
  CHECK_FALSE(stats.attach(*sim, origin).ok());
  CHECK(walk(*stats.objects()[2], RequestContext(origin + 500ms, origin)).empty());
  // The first successful read is still the baseline: its rows are no "change".
  CHECK(walk(*stats.objects()[2], RequestContext(origin + 1s, origin)).size() > 0);
  CHECK(get(*stats.objects()[1], IpStatisticsTables::ifStatsLastChangeOid() + Oid{0},
            RequestContext(origin + 1s, origin)) == "Timeticks: 0");
}

TEST_CASE_METHOD(Fixture, "IP statistics: the three objects walk as one strictly increasing sequence",
                 "[ip_stats]") {
  sim->advance(3s);
  RequestContext context = at(3s);
  Oid previous;
  std::size_t count = 0;
  for (const MibObject* object : stats.objects()) {
    CHECK(previous < object->base());
    for (const std::string& line : walk(*object, context)) {
      Oid full = object->base() + *Oid::parse(line.substr(0, line.find('=')));
      CHECK(previous < full);
      previous = full;
      ++count;
    }
  }
  CHECK(count == 84 + 1 + 3 * 39); // 37 counter columns per IPv6 interface row, + 2
}
