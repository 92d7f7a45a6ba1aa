// Start-up re-apply of saved nonVolatile addresses over the simulator: missing ones re-created on
// the interface of their name (whatever its ifIndex now), present ones kept, gone interfaces and
// refused creations skipped; and the list back to records for saving.
#include "agent/common/non_volatile_restore.h"
#include "platform/sim/sim_backend.h"

#include <catch2/catch.hpp>

#include <set>

using namespace ipmibd::agent;
using ipmibd::platform::Family;
using ipmibd::platform::InterfaceRow;
using ipmibd::platform::IpAddress;
using ipmibd::platform::Result;
using ipmibd::platform::Status;
using ipmibd::platform::UnicastAddressRow;
using ipmibd::platform::sim::Operation;
using ipmibd::platform::sim::SimBackend;
using ipmibd::tables::PersistentAddress;

namespace {

// lo (1), spare (2), eth0 (3), eth1 (4): saved records name ifindex 2 and 3 for eth0 and eth1, as
// before a reboot that added `spare` first.
const char* kScenario = R"(
link add spare type dummy
link add eth0 address 02:00:00:00:00:03 type ether
link set eth0 up
link add eth1 address 02:00:00:00:00:04 type ether
link set eth1 up
addr add 192.0.2.1/24 dev eth0
)";

StateAddress record(const char* address, int length, const char* dev, std::uint32_t ifIndex) {
  return {*IpAddress::parse(address), std::uint8_t(length), dev, ifIndex};
}

std::unique_ptr<SimBackend> makeBackend() {
  Result error;
  auto backend = SimBackend::fromScenario(kScenario, "test", error);
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

// The system's addresses as "address/len@ifindex", scope ids included.
std::set<std::string> addresses(SimBackend& backend) {
  std::vector<UnicastAddressRow> rows;
  REQUIRE(backend.getUnicastIpAddressTable(Family::Unspecified, rows).ok());
  std::set<std::string> out;
  for (const UnicastAddressRow& r : rows)
    out.insert(r.address.toString() + "/" + std::to_string(r.onLinkPrefixLength) + "@" +
               std::to_string(r.interfaceIndex));
  return out;
}

// PersistentAddress as text, for comparisons ("address/len@ifindex").
std::vector<std::string> texts(const std::vector<PersistentAddress>& list) {
  std::vector<std::string> out;
  for (const PersistentAddress& a : list)
    out.push_back(a.address.toString() + "/" + std::to_string(a.prefixLength) + "@" +
                  std::to_string(a.ifIndex));
  return out;
}

} // namespace

TEST_CASE("restore: missing addresses come back on the interface of their name") {
  auto backend = makeBackend();
  const std::uint32_t eth0 = indexOf(*backend, "eth0");
  const std::uint32_t eth1 = indexOf(*backend, "eth1");
  REQUIRE(eth0 == 3);
  const std::set<std::string> before = addresses(*backend);

  const State saved{{
      record("192.0.2.5", 24, "eth0", 2),     // eth0 had ifindex 2 when saved: now 3
      record("2001:db8:1::5", 64, "eth1", 3), // and eth1 had 3
      record("fe80::5", 64, "eth1", 3),       // link-local: its scope is eth1's index now
      record("192.0.2.1", 24, "eth0", 2),     // still there (the scenario has it)
      record("198.51.100.1", 24, "wlan0", 4), // gone; ifindex 4 is now eth1: must not land there
  }};
  const RestoreResult result = restoreAddresses(*backend, saved);

  std::set<std::string> expected = before;
  expected.insert("192.0.2.5/24@3");
  expected.insert("2001:db8:1::5/64@4");
  expected.insert("fe80::5%4/64@4");
  CHECK(addresses(*backend) == expected);

  REQUIRE(result.events.size() == 5);
  using Kind = RestoreEvent::Kind;
  CHECK(result.events[0].kind == Kind::Reapplied);
  CHECK(result.events[0].message ==
        "nonVolatile address 192.0.2.5/24 dev eth0: re-created (ifindex 3 now, 2 when saved)");
  CHECK(result.events[1].kind == Kind::Reapplied);
  CHECK(result.events[2].kind == Kind::Reapplied);
  CHECK(result.events[3].kind == Kind::Present);
  CHECK(result.events[3].message ==
        "nonVolatile address 192.0.2.1/24 dev eth0: present (ifindex 3 now, 2 when saved)");
  CHECK(result.events[4].kind == Kind::InterfaceGone);
  CHECK(result.events[4].message ==
        "nonVolatile address 198.51.100.1/24 dev wlan0: skipped, interface wlan0 does "
        "not exist (it leaves the state file at the next save)");
  CHECK(result.events[4].record == saved.addresses[4]);

  const std::vector<PersistentAddress> nonVolatile{
      {*IpAddress::parse("192.0.2.5"), 24, eth0},
      {*IpAddress::parse("2001:db8:1::5"), 64, eth1},
      {IpAddress::parse("fe80::5")->withScope(eth1), 64, eth1},
      {*IpAddress::parse("192.0.2.1"), 24, eth0},
  };
  CHECK(texts(result.nonVolatile) == texts(nonVolatile));

  // A second start finds them all present and changes nothing.
  const RestoreResult again = restoreAddresses(*backend, saved);
  CHECK(addresses(*backend) == expected);
  CHECK(texts(again.nonVolatile) == texts(nonVolatile));
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(again.events[i].kind == Kind::Present);
}

TEST_CASE("restore: the system's prefix length wins over the saved one") {
  auto backend = makeBackend();
  const RestoreResult result = restoreAddresses(*backend, State{{record("192.0.2.1", 25, "eth0", 3)}});
  REQUIRE(result.events.size() == 1);
  CHECK(result.events[0].kind == RestoreEvent::Kind::Present);
  CHECK(result.events[0].message ==
        "nonVolatile address 192.0.2.1/25 dev eth0: present; the system has prefix length 24, which is kept");
  REQUIRE(result.nonVolatile.size() == 1);
  CHECK(result.nonVolatile[0].prefixLength == 24);
}

TEST_CASE("restore: a refused creation is reported and kept, the others go on") {
  auto backend = makeBackend();
  backend->injectFault(Operation::CreateAddress, Status::AccessDenied, 1, "no");
  const std::set<std::string> before = addresses(*backend);
  const RestoreResult result = restoreAddresses(
      *backend, State{{record("192.0.2.5", 24, "eth0", 3), record("192.0.2.6", 24, "eth0", 3)}});
  REQUIRE(result.events.size() == 2);
  CHECK(result.events[0].kind == RestoreEvent::Kind::Failed);
  CHECK(result.events[0].message.starts_with("nonVolatile address 192.0.2.5/24 dev eth0: creating it failed: "
                                             "AccessDenied"));
  CHECK(result.events[0].message.ends_with(" (kept, retried at the next start)"));
  CHECK(result.events[1].kind == RestoreEvent::Kind::Reapplied);
  std::set<std::string> expected = before;
  expected.insert("192.0.2.6/24@3");
  CHECK(addresses(*backend) == expected);
  // Both stay nonVolatile: the failed one is retried at the next start, as one deleted out of band.
  CHECK(texts(result.nonVolatile) == std::vector<std::string>{"192.0.2.5/24@3", "192.0.2.6/24@3"});
}

TEST_CASE("restore: nothing is created when the interfaces cannot be listed") {
  auto backend = makeBackend();
  backend->injectFault(Operation::GetInterfaces, Status::GeneralFailure, 1, "down");
  const std::set<std::string> before = addresses(*backend);
  const RestoreResult result = restoreAddresses(*backend, State{{record("192.0.2.5", 24, "eth0", 3)}});
  REQUIRE(result.events.size() == 1);
  CHECK(result.events[0].kind == RestoreEvent::Kind::Failed);
  CHECK(result.nonVolatile.empty());
  CHECK(result.unresolved == std::vector{record("192.0.2.5", 24, "eth0", 3)}); // saved again as it is
  CHECK(result.events[0].message.ends_with(" (kept in the state file)"));
  CHECK(addresses(*backend) == before);
}

TEST_CASE("stateOf: names interfaces for saving") {
  auto backend = makeBackend();
  const std::vector<PersistentAddress> list{
      {*IpAddress::parse("192.0.2.5"), 24, 3},
      {IpAddress::parse("fe80::5")->withScope(4), 64, 4}, // scope id not saved
      {*IpAddress::parse("192.0.2.5"), 24, 3},            // a duplicate is never written
      {*IpAddress::parse("203.0.113.9"), 24, 77},         // ifindex 77: known from the previous state
      {*IpAddress::parse("203.0.113.10"), 24, 78},        // ifindex 78: nobody knows its name
  };
  const State previous{{record("203.0.113.9", 24, "gone0", 77)}};
  std::vector<std::string> warnings;
  const State state = stateOf(*backend, list, previous, warnings);
  CHECK(state.addresses == std::vector{record("192.0.2.5", 24, "eth0", 3), record("fe80::5", 64, "eth1", 4),
                                       record("203.0.113.9", 24, "gone0", 77)});
  CHECK(warnings ==
        std::vector<std::string>{
            "nonVolatile address 203.0.113.10/24 is not saved: ifindex 78 has no interface to name"});
  // What is saved parses back.
  std::string error;
  CHECK(parseState(formatState(state), error) == state);
}
