// IF-MIB linkUp/linkDown from the simulator's interface changes (scenario `ip link set` lines),
// with exact varbinds, the RFC 2863 transition rule, and the rate limit on a manual clock.
#include "tables/notify/link_watch.h"

#include "platform/sim/sim_backend.h"

#include <catch2/catch.hpp>

#include <chrono>

using namespace ipmibd::tables;
using ipmibd::platform::InterfaceRow;
using ipmibd::platform::OperStatus;
using ipmibd::platform::Result;
using ipmibd::platform::sim::SimBackend;
using ipmibd::platform::sim::SimOptions;
using namespace std::chrono_literals;

namespace {

using Clock = ChangeNotifier::Clock;

struct ManualClock {
  Clock::time_point now{std::chrono::hours(1)};
  std::function<Clock::time_point()> function() {
    return [this] { return now; };
  }
};

std::vector<std::string> render(const Notification& n) {
  std::vector<std::string> out{"trap=" + n.trapOid.toString()};
  for (const VarBind& vb : n.varbinds)
    out.push_back(vb.oid.toString() + "=" + vb.value.toString());
  return out;
}

std::unique_ptr<SimBackend> lab(const char* scenario) {
  Result error;
  SimOptions options;
  options.manualClock = true;
  auto backend = SimBackend::fromScenario(scenario, "lab", error, options);
  REQUIRE(backend);
  return backend;
}

std::uint32_t indexOf(SimBackend& backend, const std::string& name) {
  std::vector<InterfaceRow> rows;
  REQUIRE(backend.getIfTable2(rows).ok());
  for (const InterfaceRow& row : rows)
    if (row.name == name) return row.index;
  FAIL("no interface " << name);
  return 0;
}

// Applies `command` as an out-of-band change and delivers what it caused.
void change(SimBackend& backend, const char* command) {
  REQUIRE(backend.apply(command).ok());
  while (backend.dispatch(1s)) {}
}

std::vector<std::string> linkTrap(const char* trap, std::uint32_t index, int admin, int oper) {
  const std::string i = "." + std::to_string(index);
  return {std::string("trap=1.3.6.1.6.3.1.1.5.") + trap,
          "1.3.6.1.2.1.2.2.1.1" + i + "=INTEGER: " + std::to_string(index),
          "1.3.6.1.2.1.2.2.1.7" + i + "=INTEGER: " + std::to_string(admin),
          "1.3.6.1.2.1.2.2.1.8" + i + "=INTEGER: " + std::to_string(oper)};
}

} // namespace

TEST_CASE("linkTransition follows RFC 2863", "[notify][link]") {
  CHECK(linkTransition(OperStatus::Up, OperStatus::Down) == false);
  CHECK(linkTransition(OperStatus::LowerLayerDown, OperStatus::Down) == false);
  CHECK(linkTransition(OperStatus::Down, OperStatus::Up) == true);
  CHECK(linkTransition(OperStatus::Down, OperStatus::LowerLayerDown) == true); // left down
  CHECK_FALSE(linkTransition(OperStatus::Up, OperStatus::LowerLayerDown));     // not into down
  CHECK_FALSE(linkTransition(OperStatus::Up, OperStatus::Up));
  CHECK_FALSE(linkTransition(OperStatus::NotPresent, OperStatus::Down));
  CHECK_FALSE(linkTransition(OperStatus::Down, OperStatus::NotPresent));
}

TEST_CASE("ip link set down/up gives linkDown/linkUp with ifIndex, ifAdminStatus, ifOperStatus",
          "[notify][link]") {
  auto backend = lab("link add d0 type veth peer name d1\n"
                     "link set d0 up\n"
                     "link set d1 up\n"
                     "link add e0 type ether\n");
  ManualClock clock;
  ChangeNotifier notifier({}, clock.function());
  Result dump;
  LinkWatch watch(*backend, notifier, dump);
  REQUIRE(dump.ok());
  const std::uint32_t d0 = indexOf(*backend, "d0"), e0 = indexOf(*backend, "e0");
  CHECK_FALSE(notifier.hasOutput()); // the state at start-up is not announced

  // d0 goes down(2)/down(2); its peer d1 goes up -> lowerLayerDown: not a linkDown (RFC 2863).
  change(*backend, "ip link set dev d0 down");
  auto sent = notifier.take();
  REQUIRE(sent.size() == 1);
  CHECK(render(sent[0]) == linkTrap("3", d0, 2, 2));

  // Back up: d0 down -> up is a linkUp; d1 lowerLayerDown -> up is none.
  change(*backend, "ip link set dev d0 up");
  sent = notifier.take();
  REQUIRE(sent.size() == 1);
  CHECK(render(sent[0]) == linkTrap("4", d0, 1, 1));

  // An MTU change is no oper-status change; an ether link brought up is (down -> up).
  change(*backend, "ip link set dev d0 mtu 1400");
  CHECK_FALSE(notifier.hasOutput());
  change(*backend, "ip link set dev e0 up");
  sent = notifier.take();
  REQUIRE(sent.size() == 1);
  CHECK(render(sent[0]) == linkTrap("4", e0, 1, 1));

  // A new interface and a deleted one are not transitions.
  change(*backend, "ip link add e1 type ether");
  change(*backend, "ip link del e1");
  CHECK_FALSE(notifier.hasOutput());
  CHECK(notifier.counters().coalesced == 0);
}

TEST_CASE("linkUp/linkDown share the rate limit and are summarised as ifTable(5)", "[notify][link]") {
  auto backend = lab("link add e0 type ether\nlink add e1 type ether\nlink add e2 type ether\n"
                     "link add e3 type ether\nlink add e4 type ether\n");
  ManualClock clock;
  NotifierOptions options;
  options.ratePerSecond = 2;
  ChangeNotifier notifier(options, clock.function());
  Result dump;
  LinkWatch watch(*backend, notifier, dump);
  for (const char* name : {"e0", "e1", "e2", "e3", "e4"})
    change(*backend, (std::string("ip link set dev ") + name + " up").c_str());
  CHECK(notifier.take().size() == 2);
  clock.now += 1s;
  REQUIRE(notifier.deadline());
  notifier.poll();
  const auto summaries = notifier.take();
  REQUIRE(summaries.size() == 1);
  const std::string objects = "1.3.6.1.4.1.8072.9999.9999.42.3.";
  CHECK(render(summaries[0]) ==
        std::vector<std::string>{"trap=1.3.6.1.4.1.8072.9999.9999.42.0.10", objects + "10.0=INTEGER: 5",
                                 objects + "11.0=Gauge32: 0", objects + "12.0=Gauge32: 3",
                                 objects + "13.0=Gauge32: 0"});
  CHECK(notifier.counters().coalesced == 3);
}
