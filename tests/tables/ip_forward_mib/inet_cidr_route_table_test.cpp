// InetCidrRouteTable fed with Change batches directly: instance OIDs (Debian-compatible), column
// mapping, policy disambiguation, exact row count, budgeted bulk loading and memory per row.
#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <catch2/catch.hpp>

#include <malloc.h>

#include <cstdio>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Change;
using ipmibd::platform::ChangeKind;
using ipmibd::platform::IpAddress;
using ipmibd::platform::IpPrefix;
using ipmibd::platform::RouteProtocol;
using ipmibd::platform::RouteRow;
using ipmibd::platform::RouteType;

namespace {

RouteRow route(const char* prefix, const char* nextHop, std::uint32_t ifIndex, std::uint32_t metric = 0,
               RouteType type = RouteType::Unicast) {
  RouteRow row;
  row.destinationPrefix = *IpPrefix::parse(prefix);
  row.nextHop = nextHop ? *IpAddress::parse(nextHop) : IpAddress::zero(row.destinationPrefix.family());
  row.interfaceIndex = ifIndex;
  row.metric = metric;
  row.type = type;
  row.protocol = RouteProtocol::Local;
  return row;
}

void add(InetCidrRouteTable& table, std::initializer_list<RouteRow> rows) {
  std::vector<Change<RouteRow>> batch;
  for (const RouteRow& row : rows)
    batch.push_back({ChangeKind::Add, row});
  table.enqueue(batch);
  while (table.applyPending(50ms)) {}
}
void remove(InetCidrRouteTable& table, const RouteRow& row) {
  std::vector<Change<RouteRow>> batch{{ChangeKind::Delete, row}};
  table.enqueue(batch);
}

std::string indexText(const InetCidrRouteTable& table, const RouteRow& row) {
  auto index = table.indexOf(row);
  return index ? index->toString() : "(not served)";
}

// Walks one column; returns "index=value" strings.
std::vector<std::string> walkColumn(const InetCidrRouteTable& table, SubId column,
                                    const RequestContext& context) {
  std::vector<std::string> out;
  Oid prefix = InetCidrRouteTable::entryOid();
  prefix.append(column);
  Oid at = prefix;
  while (auto vb = table.table().getNextOid(at, context)) {
    if (!prefix.isPrefixOf(vb->oid)) break;
    out.push_back(Oid(vb->oid.suffixAfter(prefix)).toString() + "=" + vb->value.toString());
    at = vb->oid;
  }
  return out;
}

const std::string kV6Zero = "2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0";

} // namespace

TEST_CASE("inetCidrRouteTable instance OIDs match Debian's snmpd 5.9.3", "[inet_cidr_route]") {
  InetCidrRouteTable table;
  RouteRow defaultRoute = route("0.0.0.0/0", "192.0.2.1", 4);
  RouteRow connected = route("192.0.2.0/24", nullptr, 4);
  RouteRow linkLocal = route("fe80::/64", nullptr, 4, 256);
  RouteRow v6Default = route("::/0", "fd00::1", 4, 1024);
  add(table, {defaultRoute, connected, linkLocal, v6Default});
  // Walked from Debian 12's snmpd on the same routes (eth0 = ifIndex 4):
  //   .7.1.4.0.0.0.0.0.2.0.0.1.4.192.0.2.1 and .7.1.4.192.0.2.0.24.3.0.0.4.1.4.0.0.0.0
  CHECK(indexText(table, defaultRoute) == "1.4.0.0.0.0.0.2.0.0.1.4.192.0.2.1");
  CHECK(indexText(table, connected) == "1.4.192.0.2.0.24.3.0.0.4.1.4.0.0.0.0");
  // IPv6 uses the same policy rule (Debian's is a dump position, see keyOf()).
  CHECK(indexText(table, linkLocal) == "2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.0.64.3.0.0.4." + kV6Zero);
  CHECK(indexText(table, v6Default) ==
        "2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.2.16.253.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1");
  CHECK(table.rowCount() == 4);
}

TEST_CASE("inetCidrRouteTable columns", "[inet_cidr_route]") {
  InetCidrRouteTable table;
  auto origin = ipmibd::platform::Clock::now();
  RouteRow gateway = route("10.0.0.0/8", "192.0.2.1", 4, 20);
  gateway.protocol = RouteProtocol::Bgp;
  gateway.created = origin + 10s;
  RouteRow blackhole = route("10.1.0.0/16", nullptr, 0, 0, RouteType::Blackhole);
  RouteRow unreachable = route("10.2.0.0/16", nullptr, 0, 0, RouteType::Unreachable);
  RouteRow prohibit = route("10.3.0.0/16", nullptr, 0, 0, RouteType::Prohibit);
  RouteRow local = route("192.0.2.2/32", nullptr, 4, 0, RouteType::Local);
  RouteRow multicast = route("ff00::/8", nullptr, 4, 256, RouteType::Multicast);
  RouteRow onLink = route("192.0.2.0/24", nullptr, 4, ipmibd::platform::kUnspecifiedMetric);
  onLink.protocol = RouteProtocol::NtStatic;
  RouteRow huge = route("198.51.100.0/24", "192.0.2.9", 4, 0x80000000u);
  huge.protocol = RouteProtocol::Unspecified;
  add(table, {gateway, blackhole, unreachable, prohibit, local, multicast, onLink, huge});
  RequestContext context(origin + 70s, origin);

  auto get = [&](const RouteRow& row, SubId column) {
    Oid oid = InetCidrRouteTable::entryOid();
    oid.append(column).append(*table.indexOf(row));
    GetResult result = table.table().getOid(oid, context);
    REQUIRE(std::holds_alternative<Value>(result));
    return std::get<Value>(result);
  };
  CHECK(get(gateway, 7) == Value::integer32(4));
  CHECK(get(gateway, 8) == Value::integer32(4));  // remote
  CHECK(get(gateway, 9) == Value::integer32(14)); // bgp
  CHECK(get(gateway, 10) == Value::gauge32(60));
  CHECK(get(gateway, 11) == Value::unsigned32(0));
  CHECK(get(gateway, 12) == Value::integer32(20));
  for (SubId column : {13u, 14u, 15u, 16u})
    CHECK(get(gateway, column) == Value::integer32(-1));
  CHECK(get(gateway, 17) == Value::integer32(1));
  CHECK(get(blackhole, 7) == Value::integer32(0));
  CHECK(get(blackhole, 8) == Value::integer32(5));
  CHECK(get(unreachable, 8) == Value::integer32(2));
  CHECK(get(prohibit, 8) == Value::integer32(2));
  CHECK(get(local, 8) == Value::integer32(1));     // other: delivers locally, neither forwards nor rejects
  CHECK(get(multicast, 8) == Value::integer32(3)); // on-link multicast: receivers are final
  CHECK(get(onLink, 8) == Value::integer32(3));
  CHECK(get(onLink, 9) == Value::integer32(3)); // NT static -> netmgmt
  CHECK(get(onLink, 10) == Value::gauge32(0));  // creation unknown
  CHECK(get(onLink, 12) == Value::integer32(-1));
  CHECK(get(huge, 12) == Value::integer32(0x7fffffff));
  CHECK(get(huge, 9) == Value::integer32(1));

  // Index columns are not-accessible; unknown columns do not exist.
  Oid notAccessible = InetCidrRouteTable::entryOid();
  notAccessible.append(1).append(*table.indexOf(gateway));
  CHECK(std::holds_alternative<NoSuchObject>(table.table().getOid(notAccessible, context)));
  Oid missing = InetCidrRouteTable::entryOid();
  missing.append(7).append(1).append(4);
  CHECK(std::holds_alternative<NoSuchInstance>(table.table().getOid(missing, context)));

  // A walk starts at column 7 and visits every row per column.
  CHECK(walkColumn(table, 7, context).size() == 8);
  auto vb = table.table().getNextOid(InetCidrRouteTable::entryOid(), context);
  REQUIRE(vb);
  CHECK(vb->oid[InetCidrRouteTable::entryOid().size()] == 7);
}

TEST_CASE("inetCidrRouteNumber and Discards scalars", "[inet_cidr_route]") {
  InetCidrRouteTable table;
  auto context = RequestContext::current(ipmibd::platform::Clock::now());
  auto objects = table.objects();
  CHECK(objects[0]->base() == InetCidrRouteTable::numberOid());
  CHECK(objects[1]->base() == InetCidrRouteTable::entryOid());
  CHECK(objects[2]->base() == InetCidrRouteTable::discardsOid());
  auto number = [&] { return objects[0]->getOid(InetCidrRouteTable::numberOid() + Oid{0}, context); };
  CHECK(number() == GetResult{Value::gauge32(0)});
  RouteRow a = route("10.0.0.0/8", "192.0.2.1", 2);
  RouteRow b = route("10.0.0.0/8", "192.0.2.1", 2, 100); // same index, other metric
  add(table, {a, b, a});                                 // re-adding is an update, not a new row
  CHECK(number() == GetResult{Value::gauge32(2)});
  RouteRow changed = a;
  changed.protocol = RouteProtocol::Ospf;
  std::vector<Change<RouteRow>> update{{ChangeKind::ParameterChange, changed}};
  table.enqueue(update);
  CHECK(number() == GetResult{Value::gauge32(2)});
  remove(table, a);
  remove(table, a); // deleting twice is harmless
  CHECK(number() == GetResult{Value::gauge32(1)});
  remove(table, route("10.0.0.0/8", "192.0.2.1", 3)); // not ours: no effect
  CHECK(number() == GetResult{Value::gauge32(1)});
  CHECK(objects[2]->getOid(InetCidrRouteTable::discardsOid() + Oid{0}, context) ==
        GetResult{Value::counter32(0)});
}

TEST_CASE("Routes sharing destination and next hop get distinct rows", "[inet_cidr_route]") {
  InetCidrRouteTable table;
  // Each link's fe80::/64: policy {0 0 ifIndex} already separates them.
  RouteRow ll2 = route("fe80::/64", nullptr, 2, 256), ll3 = route("fe80::/64", nullptr, 3, 256);
  add(table, {ll2, ll3});
  CHECK(table.rowCount() == 2);
  CHECK(indexText(table, ll2) != indexText(table, ll3));

  // ECMP over link-local next hops (BGP unnumbered): same fe80::1 through two interfaces.
  RouteRow via2 = route("::/0", "fe80::1%2", 2, 1024), via3 = route("::/0", "fe80::1%3", 3, 1024);
  add(table, {via2});
  std::string shortForm = indexText(table, via2);
  CHECK(shortForm.find(".0.2.0.0.2.16.254.128.") !=
        std::string::npos); // policy {0 0}, next hop ipv6 w/o zone
  add(table, {via3});
  CHECK(table.rowCount() == 4);
  // Both now use the full form {0 0 ifIndex table metric}.
  CHECK(indexText(table, via2).find(".0.5.0.0.2.254.1024.2.16.254.128.") != std::string::npos);
  CHECK(indexText(table, via3).find(".0.5.0.0.3.254.1024.2.16.254.128.") != std::string::npos);
  // When one goes, the other returns to the short form.
  remove(table, via2);
  CHECK(table.rowCount() == 3);
  CHECK(indexText(table, via3).find(".0.2.0.0.2.16.254.128.") != std::string::npos);
  CHECK(indexText(table, via2) == "(not served)");

  // Same route in two tables and with two metrics: three rows, all in the full form.
  RouteRow main = route("198.51.100.0/24", "192.0.2.1", 2, 10);
  RouteRow other = main;
  other.table = 100;
  RouteRow worse = main;
  worse.metric = 20;
  add(table, {main, other, worse});
  CHECK(table.rowCount() == 6);
  CHECK(indexText(table, main) != indexText(table, other));
  CHECK(indexText(table, main) != indexText(table, worse));
  remove(table, other);
  remove(table, worse);
  CHECK(table.rowCount() == 4);
  CHECK(indexText(table, main) == "1.4.198.51.100.0.24.2.0.0.1.4.192.0.2.1");
  CHECK(table.discardCount() == 0);
}

TEST_CASE("RFC 4292 style: non-remote next hops are unknown(0)", "[inet_cidr_route]") {
  InetCidrRouteOptions options;
  options.nonRemoteNextHop = NonRemoteNextHop::Unknown;
  options.zones = ZoneStyle::KeepZone;
  InetCidrRouteTable table(options);
  RouteRow connected = route("192.0.2.0/24", nullptr, 4);
  RouteRow viaLinkLocal = route("2001:db8::/32", "fe80::1%4", 4);
  add(table, {connected, viaLinkLocal});
  CHECK(indexText(table, connected) == "1.4.192.0.2.0.24.3.0.0.4.0.0");
  CHECK(indexText(table, viaLinkLocal).find(".2.0.0.4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4") !=
        std::string::npos);
}

TEST_CASE("Family filter and invalid rows", "[inet_cidr_route]") {
  InetCidrRouteOptions options;
  options.family = ipmibd::platform::Family::V6;
  InetCidrRouteTable table(options);
  RouteRow bogus;
  add(table, {route("10.0.0.0/8", "192.0.2.1", 2), route("2001:db8::/32", "fd00::1", 2), bogus});
  CHECK(table.rowCount() == 1);
  CHECK(table.discardCount() == 0); // other families are filtered, not discarded

  InetCidrRouteTable all;
  add(all, {bogus});
  CHECK(all.rowCount() == 0);
  CHECK(all.discardCount() == 1); // a row without a destination family cannot be indexed
}

TEST_CASE("Large bursts are applied in budgeted steps, serving requests in between", "[inet_cidr_route]") {
  InetCidrRouteTable table;
  std::vector<Change<RouteRow>> burst;
  for (std::uint32_t i = 0; i < 200000; ++i) {
    RouteRow row = route("10.0.0.0/32", "192.0.2.1", 2);
    row.destinationPrefix.address = IpAddress::v4(0x0a000000u + i);
    burst.push_back({ChangeKind::Add, row});
  }
  table.enqueue(burst);
  CHECK(table.rowCount() == 0); // big batches are queued, not applied inline
  auto context = RequestContext::current(ipmibd::platform::Clock::now());
  // A spent budget still makes progress, in one small step (the clock is read every 64 rows): the
  // bound on a step's work that keeps requests answered, without timing anything here.
  CHECK(table.applyPending(0ms));
  CHECK(table.rowCount() == 64);
  int steps = 1;
  while (true) {
    bool more = table.applyPending(5ms);
    ++steps;
    // Requests work between steps.
    CHECK(table.objects()[0]->getOid(InetCidrRouteTable::numberOid() + Oid{0}, context) ==
          GetResult{Value::gauge32(std::uint32_t(table.rowCount()))});
    if (!more) break;
  }
  CHECK(table.rowCount() == 200000);
  CHECK(steps > 2);
}

// Heap in use, including blocks malloc serves by mmap (the row arena's 256 KiB chunks).
std::size_t heapInUse() {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

TEST_CASE("Memory per IPv4 route at one million routes", "[.memory][inet_cidr_route]") {
  const std::uint32_t count = 1000000;
  std::size_t before = heapInUse();
  {
    InetCidrRouteTable table;
    std::vector<Change<RouteRow>> batch;
    batch.reserve(10000);
    auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < count; ++i) {
      RouteRow row = route("10.0.0.0/32", "192.0.2.1", 2);
      row.destinationPrefix.address = IpAddress::v4(0x0a000000u + (i << 8));
      row.destinationPrefix.length = 24;
      row.nextHop = IpAddress::v4(0xc0000200u + (i % 200));
      batch.push_back({ChangeKind::Add, row});
      if (batch.size() == batch.capacity()) {
        table.enqueue(batch);
        while (table.applyPending(20ms)) {}
        batch.clear();
      }
    }
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t after = heapInUse();
    REQUIRE(table.rowCount() == count);
    std::printf("inetCidrRouteTable: %u IPv4 routes, %.1f bytes/row heap (%.1f stored), loaded in %.2f s\n",
                count, double(after - before) / count, double(table.table().rows().storedBytes()) / count,
                elapsed);

    auto context = RequestContext::current(ipmibd::platform::Clock::now());
    start = std::chrono::steady_clock::now();
    Oid at = InetCidrRouteTable::entryOid();
    for (int i = 0; i < 100000; ++i) {
      auto vb = table.table().getNextOid(at, context);
      REQUIRE(vb);
      at = vb->oid;
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("GETNEXT walk: %.2f us per step\n", elapsed * 1e6 / 100000);
  }
}
