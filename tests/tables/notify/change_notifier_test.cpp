// Change notifications: exact varbinds per table, the rate limit and summaries on a manual clock,
// and the SET echo filter (nothing for an undone SET).
#include "tables/notify/change_watches.h"

#include <catch2/catch.hpp>

#include <chrono>

using namespace ipmibd::tables;
using ipmibd::platform::ChangeKind;
using ipmibd::platform::IpAddress;
using ipmibd::platform::IpPrefix;
using ipmibd::platform::NeighborRow;
using ipmibd::platform::NeighborState;
using ipmibd::platform::RouteProtocol;
using ipmibd::platform::RouteRow;
using namespace std::chrono_literals;

namespace {

using Clock = ChangeNotifier::Clock;

// A clock that moves only when told to.
struct ManualClock {
  Clock::time_point now{std::chrono::hours(1)};
  std::function<Clock::time_point()> function() {
    return [this] { return now; };
  }
};

RouteRow route(const char* prefix, const char* nextHop, std::uint32_t ifIndex) {
  RouteRow row;
  row.destinationPrefix = *IpPrefix::parse(prefix);
  row.nextHop = nextHop ? *IpAddress::parse(nextHop) : IpAddress::zero(row.destinationPrefix.family());
  row.interfaceIndex = ifIndex;
  row.protocol = RouteProtocol::NetMgmt;
  return row;
}

// "oid=value" lines of a notification, the trap OID first.
std::vector<std::string> render(const Notification& n) {
  std::vector<std::string> out{"trap=" + n.trapOid.toString()};
  for (const VarBind& vb : n.varbinds)
    out.push_back(vb.oid.toString() + "=" + vb.value.toString());
  return out;
}

const std::string kNotify = "1.3.6.1.4.1.8072.9999.9999.42.0.";
const std::string kObjects = "1.3.6.1.4.1.8072.9999.9999.42.3.";

} // namespace

TEST_CASE("route notifications name the served inetCidrRouteTable instance", "[notify]") {
  ManualClock clock;
  ChangeNotifier notifier({}, clock.function());
  InetCidrRouteTable table;
  auto watch = watchChanges(table, notifier);

  const RouteRow v4 = route("198.51.100.0/24", "192.0.2.1", 3);
  table.apply(ChangeKind::Add, v4);
  RouteRow moved = v4;
  moved.protocol = RouteProtocol::Local; // e.g. the kernel took the route over
  table.apply(ChangeKind::ParameterChange, moved);
  table.apply(ChangeKind::ParameterChange, moved); // same values again: nothing to tell
  table.apply(ChangeKind::Delete, moved);
  const RouteRow v6 = route("2001:db8:5::/48", nullptr, 3);
  table.apply(ChangeKind::Add, v6);

  const auto sent = notifier.take();
  REQUIRE(sent.size() == 4);
  const std::string index = ".1.4.198.51.100.0.24.2.0.0.1.4.192.0.2.1";
  CHECK(render(sent[0]) == std::vector<std::string>{
                               "trap=" + kNotify + "1",
                               kObjects + "9.0=INTEGER: 1",
                               "1.3.6.1.2.1.4.24.7.1.7" + index + "=INTEGER: 3",
                               "1.3.6.1.2.1.4.24.7.1.8" + index + "=INTEGER: 4",
                               "1.3.6.1.2.1.4.24.7.1.9" + index + "=INTEGER: 3",
                               "1.3.6.1.2.1.4.24.7.1.17" + index + "=INTEGER: 1",
                           });
  CHECK(render(sent[1])[0] == "trap=" + kNotify + "2");
  CHECK(render(sent[1])[4] == "1.3.6.1.2.1.4.24.7.1.9" + index + "=INTEGER: 2");
  CHECK(render(sent[2])[0] == "trap=" + kNotify + "3");
  CHECK(render(sent[2])[1] == kObjects + "9.0=INTEGER: 3");
  CHECK(render(sent[2])[4] == "1.3.6.1.2.1.4.24.7.1.9" + index + "=INTEGER: 2"); // as last served
  const std::string v6index =
      ".2.16.32.1.13.184.0.5.0.0.0.0.0.0.0.0.0.0.48.3.0.0.3.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0";
  CHECK(render(sent[3])[2] == "1.3.6.1.2.1.4.24.7.1.7" + v6index + "=INTEGER: 3");
  CHECK(render(sent[3])[3] == "1.3.6.1.2.1.4.24.7.1.8" + v6index + "=INTEGER: 3"); // local
  CHECK(notifier.counters().coalesced == 0);
}

TEST_CASE("neighbor notifications ignore reachability churn", "[notify]") {
  ManualClock clock;
  ChangeNotifier notifier({}, clock.function());
  IpNetToPhysicalTable table;
  auto watch = watchChanges(table, notifier);

  NeighborRow row;
  row.address = *IpAddress::parse("192.0.2.7");
  row.interfaceIndex = 3;
  row.physicalAddress = *ipmibd::platform::parsePhysicalAddress("02:00:00:00:00:07");
  row.state = NeighborState::Reachable;
  table.apply(ChangeKind::Add, row);
  row.state = NeighborState::Stale;
  table.apply(ChangeKind::ParameterChange, row); // state only: no notification
  row.physicalAddress = *ipmibd::platform::parsePhysicalAddress("02:00:00:00:00:08");
  table.apply(ChangeKind::ParameterChange, row);
  table.apply(ChangeKind::Delete, row);

  const auto sent = notifier.take();
  REQUIRE(sent.size() == 3);
  const std::string index = ".3.1.4.192.0.2.7";
  CHECK(render(sent[0]) == std::vector<std::string>{
                               "trap=" + kNotify + "4",
                               kObjects + "9.0=INTEGER: 1",
                               "1.3.6.1.2.1.4.35.1.4" + index + "=STRING: 0x020000000007",
                               "1.3.6.1.2.1.4.35.1.6" + index + "=INTEGER: 3",
                               "1.3.6.1.2.1.4.35.1.7" + index + "=INTEGER: 1",
                           });
  CHECK(render(sent[1])[0] == "trap=" + kNotify + "5");
  CHECK(render(sent[1])[2] == "1.3.6.1.2.1.4.35.1.4" + index + "=STRING: 0x020000000008");
  CHECK(render(sent[1])[4] == "1.3.6.1.2.1.4.35.1.7" + index + "=INTEGER: 2"); // stale
  CHECK(render(sent[2])[0] == "trap=" + kNotify + "6");
}

TEST_CASE("a table whose kind is switched off announces nothing", "[notify]") {
  ManualClock clock;
  NotifierOptions options;
  options.tables = {false, true, true, true};
  ChangeNotifier notifier(options, clock.function());
  InetCidrRouteTable table;
  auto watch = watchChanges(table, notifier);
  table.apply(ChangeKind::Add, route("198.51.100.0/24", nullptr, 3));
  CHECK_FALSE(notifier.hasOutput());
  CHECK(table.rowCount() == 1);
}

TEST_CASE("limiter: N per second, then a storm with one summary per table and second", "[notify]") {
  NotificationLimiter limiter(3);
  const Clock::time_point t0{std::chrono::hours(1)};
  int admitted = 0;
  for (int i = 0; i < 10; ++i)
    admitted +=
        limiter.admit(NotifyTable::Route, i % 2 ? RowEvent::Removed : RowEvent::Added, t0 + 10ms * i) ? 1 : 0;
  CHECK(admitted == 3);
  CHECK(limiter.coalesced() == 7);
  CHECK(limiter.saturated(t0 + 500ms));
  CHECK(limiter.due(t0 + 999ms).empty());
  REQUIRE(limiter.deadline() == t0 + 1s);

  // Window 2 is a storm window: nothing per row even below the rate.
  auto summaries = limiter.due(t0 + 1s);
  REQUIRE(summaries.size() == 1);
  // i = 3..9 were coalesced: 3 even (added) 5,7,9 odd... i=3,5,7,9 removed (4), 4,6,8 added (3).
  CHECK(render(summaries[0]) ==
        std::vector<std::string>{"trap=" + kNotify + "10", kObjects + "10.0=INTEGER: 1",
                                 kObjects + "11.0=Gauge32: 3", kObjects + "12.0=Gauge32: 0",
                                 kObjects + "13.0=Gauge32: 4"});
  CHECK(limiter.storm());
  CHECK_FALSE(limiter.admit(NotifyTable::Neighbor, RowEvent::Changed, t0 + 1100ms));
  CHECK_FALSE(limiter.admit(NotifyTable::Route, RowEvent::Added, t0 + 1200ms));
  summaries = limiter.due(t0 + 2s);
  REQUIRE(summaries.size() == 2); // one per table
  CHECK(render(summaries[0])[1] == kObjects + "10.0=INTEGER: 1");
  CHECK(render(summaries[1])[1] == kObjects + "10.0=INTEGER: 2");
  CHECK(render(summaries[1])[3] == kObjects + "12.0=Gauge32: 1");
  // Window 2 had 2 changes (<= 3): the storm is over.
  CHECK(limiter.admit(NotifyTable::Route, RowEvent::Added, t0 + 2100ms));
  CHECK_FALSE(limiter.storm());
  CHECK_FALSE(limiter.deadline());
  CHECK(limiter.coalesced() == 9);
}

TEST_CASE("limiter: a flood straddling a window boundary gets no second allowance", "[notify]") {
  NotificationLimiter limiter(3);
  const Clock::time_point t0{std::chrono::hours(1)};
  auto admit = [&](Clock::duration at) {
    return limiter.admit(NotifyTable::Route, RowEvent::Added, t0 + at);
  };
  // Window 1 [t0, t0+1s): three changes, none refused, so window 2 is no storm window.
  CHECK(admit(0ms));
  CHECK(admit(990ms));
  CHECK(admit(995ms));
  // The flood starts in window 2: one admission is left in the sliding second, then nothing per row
  // for the rest of the window, also once the 990/995 ms admissions have aged out.
  int admitted = 0;
  for (int i = 0; i < 98; ++i)
    admitted += admit(1005ms + 10ms * i) ? 1 : 0;
  CHECK(admitted == 1);
  CHECK(limiter.storm());
  CHECK(limiter.coalesced() == 97);
  // Window 3 follows a window with a refusal: a storm too.
  CHECK_FALSE(admit(2100ms));
  // A quiet window later, per-row notifications flow again.
  CHECK(limiter.due(t0 + 3s).size() == 2); // windows 2 and 3
  CHECK(admit(3500ms));
}

TEST_CASE("limiter: instances sharing one rate send N rows between them, each its own summary", "[notify]") {
  // Two routing instances (contexts) flooded at once: 3 per-row notifications in all, not 3 each;
  // every change refused is in its own instance's summary.
  auto shared = std::make_shared<SharedNotificationRate>(3);
  NotificationLimiter a(3, shared), b(3, shared);
  const Clock::time_point t0{std::chrono::hours(1)};
  int admittedA = 0, admittedB = 0;
  for (int i = 0; i < 10; ++i) {
    admittedA += a.admit(NotifyTable::Route, RowEvent::Added, t0 + 10ms * i) ? 1 : 0;
    admittedB += b.admit(NotifyTable::Route, RowEvent::Added, t0 + 10ms * i + 5ms) ? 1 : 0;
  }
  CHECK(admittedA + admittedB == 3);
  CHECK(admittedA == 2); // a came first at 0 and 10 ms, b at 5 ms
  CHECK(a.coalesced() + b.coalesced() == 17);
  const auto summariesA = a.due(t0 + 1s + 10ms), summariesB = b.due(t0 + 1s + 10ms);
  REQUIRE(summariesA.size() == 1);
  REQUIRE(summariesB.size() == 1);
  CHECK(render(summariesA[0])[2] == kObjects + "11.0=Gauge32: 8");
  CHECK(render(summariesB[0])[2] == kObjects + "11.0=Gauge32: 9");
  // A quiet instance alone is not starved by a storm that is over: two seconds on, both send again.
  CHECK(a.admit(NotifyTable::Route, RowEvent::Added, t0 + 5s));
  CHECK(b.admit(NotifyTable::Route, RowEvent::Added, t0 + 5s + 1ms));
}

TEST_CASE("limiter: a flood of 100000 changes gives N rows and one summary", "[notify]") {
  ManualClock clock;
  NotifierOptions options;
  options.ratePerSecond = 50;
  ChangeNotifier notifier(options, clock.function());
  InetCidrRouteTable table;
  auto watch = watchChanges(table, notifier);
  std::vector<ipmibd::platform::Change<RouteRow>> batch;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    RouteRow row = route("198.51.100.0/24", nullptr, 3);
    row.destinationPrefix = IpPrefix{IpAddress::v4(0x0a000000u + (i << 8)), 24};
    batch.push_back({ChangeKind::Add, row});
  }
  table.enqueue(batch);
  while (table.applyPending(1s)) {}
  CHECK(table.rowCount() == 100000);
  CHECK(notifier.take().size() == 50);
  CHECK_FALSE(notifier.hasOutput());
  clock.now += 1s;
  REQUIRE(notifier.deadline());
  notifier.poll();
  const auto summaries = notifier.take();
  REQUIRE(summaries.size() == 1);
  CHECK(render(summaries[0])[2] == kObjects + "11.0=Gauge32: 99950");
  CHECK(notifier.counters().coalesced == 99950);
}

TEST_CASE("echo filter: an undone SET announces nothing, a committed one its changes", "[notify]") {
  ManualClock clock;
  ChangeNotifier notifier({}, clock.function());
  InetCidrRouteTable table;
  auto watch = watchChanges(table, notifier);
  const RouteRow a = route("198.51.100.0/24", "192.0.2.1", 3);
  const RouteRow b = route("203.0.113.0/24", "192.0.2.1", 3);
  const Oid entry = InetCidrRouteTable::entryOid();
  auto rowOf = [&](const RouteRow& r) {
    // The instance the SET names is the one the route will be served under.
    InetCidrRouteTable probe;
    probe.apply(ChangeKind::Add, r);
    return entry + *probe.indexOf(r);
  };
  const std::vector<Oid> rows{rowOf(a), rowOf(b)};

  // Undone: created, then removed by the rollback; the echoes come during or after the PDU.
  notifier.setBegan(rows);
  table.apply(ChangeKind::Add, a);
  table.apply(ChangeKind::Add, b);
  table.apply(ChangeKind::Delete, a);
  notifier.setEnded(rows, false);
  table.apply(ChangeKind::Delete, b); // a late echo
  CHECK(notifier.take().empty());
  CHECK(notifier.counters().suppressed == 4);
  // After the echo window, the rows are announced again.
  clock.now += SetEchoFilter::kEchoWindow;
  table.apply(ChangeKind::Add, a);
  CHECK(notifier.take().size() == 1);

  // Committed: the held notification goes out when the PDU ends.
  notifier.setBegan(std::span<const Oid>(&rows[1], 1));
  table.apply(ChangeKind::Add, b);
  CHECK_FALSE(notifier.hasOutput());
  notifier.setEnded(std::span<const Oid>(&rows[1], 1), true);
  const auto sent = notifier.take();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].trapOid.toString() == kNotify + "1");
}

TEST_CASE("echo filter: committed SET changes are dropped when not announced", "[notify]") {
  ManualClock clock;
  NotifierOptions options;
  options.announceSnmpChanges = false;
  ChangeNotifier notifier(options, clock.function());
  SetEchoFilter filter;
  const std::vector<Oid> rows{Oid{1, 2, 3}};
  notifier.setBegan(rows);
  notifier.emit(NotifyTable::Route, RowEvent::Added, rows[0], Notification{Oid{9}, {}});
  notifier.setEnded(rows, true);
  notifier.emit(NotifyTable::Route, RowEvent::Changed, rows[0], Notification{Oid{9}, {}}); // echo
  CHECK_FALSE(notifier.hasOutput());
  CHECK(notifier.counters().suppressed == 2);
  // A PDU that never ends releases its rows after kPendingLimit.
  filter.begin(rows, clock.now);
  Notification n{Oid{7}, {}};
  CHECK(filter.offer(rows[0], n, clock.now) == SetEchoFilter::Verdict::Held);
  CHECK(filter.expire(clock.now + 1s).empty());
  CHECK(filter.expire(clock.now + SetEchoFilter::kPendingLimit).size() == 1);
  CHECK(filter.size() == 0);
}

TEST_CASE("IP interface notifications: parameter changes only, per family", "[notify]") {
  ManualClock clock;
  ChangeNotifier notifier({}, clock.function());
  IpInterfaceTables tables;
  auto watch = watchChanges(tables, notifier);
  ipmibd::platform::IpInterfaceRow v6;
  v6.family = ipmibd::platform::Family::V6;
  v6.interfaceIndex = 3;
  v6.enabled = true;
  v6.baseReachableTime = 30000;
  v6.retransmitTime = 1000;
  tables.apply(ChangeKind::Add, v6); // a new interface: IF-MIB's business, not announced
  CHECK_FALSE(notifier.hasOutput());
  v6.forwardingEnabled = true;
  tables.apply(ChangeKind::ParameterChange, v6);
  ipmibd::platform::IpInterfaceRow v4 = v6;
  v4.family = ipmibd::platform::Family::V4;
  tables.apply(ChangeKind::Add, v4);
  v4.enabled = false;
  tables.apply(ChangeKind::ParameterChange, v4);
  tables.apply(ChangeKind::Delete, v4);
  const auto sent = notifier.take();
  REQUIRE(sent.size() == 2);
  CHECK(render(sent[0]) == std::vector<std::string>{"trap=" + kNotify + "12", kObjects + "9.0=INTEGER: 2",
                                                    "1.3.6.1.2.1.4.30.1.5.3=INTEGER: 1",
                                                    "1.3.6.1.2.1.4.30.1.6.3=Unsigned32: 30000",
                                                    "1.3.6.1.2.1.4.30.1.7.3=Unsigned32: 1000",
                                                    "1.3.6.1.2.1.4.30.1.8.3=INTEGER: 1"});
  CHECK(render(sent[1]) == std::vector<std::string>{"trap=" + kNotify + "11", kObjects + "9.0=INTEGER: 2",
                                                    "1.3.6.1.2.1.4.28.1.3.3=INTEGER: 2",
                                                    "1.3.6.1.2.1.4.28.1.4.3=Unsigned32: 1000"});
}
