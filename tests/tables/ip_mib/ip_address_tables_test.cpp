// IpAddressTables over the simulator backend: Debian-compatible instances and values for the
// reference namespace, RowPointers that always resolve, prefix reference counting, lifetimes,
// origin/status mappings, index collisions, broadcast rows and ipAddressSpinLock.
#include "platform/sim/sim_backend.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

#include <limits>
#include <set>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Change;
using ipmibd::platform::ChangeKind;
using ipmibd::platform::DadState;
using ipmibd::platform::IpAddress;
using ipmibd::platform::PrefixOrigin;
using ipmibd::platform::Result;
using ipmibd::platform::SuffixOrigin;
using ipmibd::platform::UnicastAddressRow;
using ipmibd::platform::sim::SimBackend;
using ipmibd::platform::sim::SimOptions;

namespace {

// The lead's reference namespace: lo (1), v1 (2), v0 (3) with 192.0.2.1/24 and 2001:db8:1::1/64.
// Link-local addresses come from the MACs: v1 fe80::ff:fe00:101, v0 fe80::ff:fe00:3.
const char* kScenario = R"(
link add v1 address 02:00:00:00:01:01 type ether
link set v1 up
link add v0 address 02:00:00:00:00:03 type ether
link set v0 up
addr add 192.0.2.1/24 dev v0
addr add 2001:db8:1::1/64 dev v0
)";

// Index parts, as sub-identifier text.
const std::string kLo4 = "1.4.127.0.0.1";
const std::string kV0Ip4 = "1.4.192.0.2.1";
const std::string kLo6 = "2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1";
const std::string kV0Ip6 = "2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.1";
const std::string kV0LinkLocal = "2.16.254.128.0.0.0.0.0.0.0.0.0.255.254.0.0.3";
const std::string kV1LinkLocal = "2.16.254.128.0.0.0.0.0.0.0.0.0.255.254.0.1.1";
const std::string kLinkLocalPrefix = "2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.0.64";
const std::string kPrefixOrigin = "1.3.6.1.2.1.4.32.1.5.";

struct Fixture {
  explicit Fixture(IpAddressTablesOptions options = {}) {
    SimOptions simOptions;
    simOptions.manualClock = true;
    backend = SimBackend::fromScenario(kScenario, "test", error, simOptions);
    REQUIRE(backend);
    // The agent starts 5 s after the addresses were made: their TimeStamps are 0, as in Debian.
    backend->advance(10s);
    upSince = backend->now() - 5s;
    options.clock = [b = backend.get()] { return b->now(); };
    if (!options.spinLockSeed) options.spinLockSeed = 1834962669;
    tables = std::make_unique<IpAddressTables>(std::move(options));
    REQUIRE(tables->attach(*backend).ok());
    settle();
  }

  void settle() { testing::settle(*backend, *tables); }
  void run(const std::string& command) {
    INFO(command);
    Result r = backend->apply(command);
    INFO(r.toString());
    REQUIRE(r.ok());
    settle();
  }
  RequestContext context() const { return RequestContext(backend->now(), upSince); }

  // One table by GETNEXT from its entry OID, as "column.index=value"; checks the order.
  std::vector<std::string> walk(const MibObject& table) const { return testing::walk(table, context()); }
  std::vector<std::string> column(const MibObject& table, SubId id) const {
    std::vector<std::string> out;
    for (const std::string& row : walk(table))
      if (row.rfind(std::to_string(id) + ".", 0) == 0) out.push_back(row.substr(row.find('.') + 1));
    return out;
  }
  std::string getAddress(SubId column, const std::string& index) const {
    return text(tables->addressTable().getOid(
        IpAddressTables::addressEntryOid() + Oid{column} + *Oid::parse(index), context()));
  }
  std::string getPrefix(SubId column, const std::string& index) const {
    return text(tables->prefixTable().getOid(
        IpAddressTables::prefixEntryOid() + Oid{column} + *Oid::parse(index), context()));
  }
  static std::string text(const GetResult& result) {
    if (std::holds_alternative<NoSuchInstance>(result)) return "noSuchInstance";
    if (std::holds_alternative<NoSuchObject>(result)) return "noSuchObject";
    return std::get<Value>(result).toString();
  }
  // Every ipAddressPrefix value names an instance the prefix table answers a GET for, and every
  // prefix row is named by some address (no orphans).
  void checkPointers() const {
    std::size_t pointers = 0;
    std::set<Oid> named;
    for (const std::string& row : column(tables->addressTable(), 5)) {
      INFO(row);
      Oid pointer = *Oid::parse(row.substr(row.find("OID: ") + 5));
      CHECK(std::holds_alternative<Value>(tables->prefixTable().getOid(pointer, context())));
      named.insert(pointer);
      ++pointers;
    }
    CHECK(pointers == tables->rowCount());
    // Hidden addresses keep their prefixes, so there can be more prefixes than pointers only then.
    if (tables->hiddenCount() == 0) CHECK(named.size() == tables->prefixCount());
  }

  Result error;
  std::unique_ptr<SimBackend> backend;
  std::unique_ptr<IpAddressTables> tables;
  ipmibd::platform::Timestamp upSince{};
};

UnicastAddressRow address(const char* text, std::uint32_t ifIndex, std::uint8_t prefixLength,
                          PrefixOrigin prefixOrigin = PrefixOrigin::Manual,
                          SuffixOrigin suffixOrigin = SuffixOrigin::Manual) {
  UnicastAddressRow row;
  row.address = *IpAddress::parse(text);
  row.interfaceIndex = ifIndex;
  row.onLinkPrefixLength = prefixLength;
  row.prefixOrigin = prefixOrigin;
  row.suffixOrigin = suffixOrigin;
  return row;
}

void apply(IpAddressTables& tables, ChangeKind kind, const UnicastAddressRow& row) {
  std::vector<Change<UnicastAddressRow>> batch{{kind, row}};
  tables.enqueue(batch);
}

} // namespace

TEST_CASE("ipAddressTable matches Debian's walk of the reference namespace", "[ip_address][sim]") {
  Fixture f;
  CHECK(f.tables->rowCount() == 6);
  const std::vector<std::string> order = {kLo4, kV0Ip4, kLo6, kV0Ip6, kV0LinkLocal, kV1LinkLocal};
  auto column = [&](SubId id, std::vector<std::string> values) {
    std::vector<std::string> rows;
    for (std::size_t i = 0; i < order.size(); ++i)
      rows.push_back(order[i] + "=" + values[i]);
    INFO("column " << id);
    CHECK(f.column(f.tables->addressTable(), id) == rows);
  };
  column(3, {"INTEGER: 1", "INTEGER: 3", "INTEGER: 1", "INTEGER: 3", "INTEGER: 3", "INTEGER: 2"});
  column(4, std::vector<std::string>(6, "INTEGER: 1")); // unicast
  column(5, {"OID: " + kPrefixOrigin + "1.1.4.127.0.0.0.8", "OID: " + kPrefixOrigin + "3.1.4.192.0.2.0.24",
             "OID: " + kPrefixOrigin + "1." + kLo6 + ".128",
             "OID: " + kPrefixOrigin + "3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.64",
             "OID: " + kPrefixOrigin + "3." + kLinkLocalPrefix,
             "OID: " + kPrefixOrigin + "2." + kLinkLocalPrefix});
  // manual(2) for configured and loopback addresses, linklayer(5) for link-local ones.
  column(6, {"INTEGER: 2", "INTEGER: 2", "INTEGER: 2", "INTEGER: 2", "INTEGER: 5", "INTEGER: 5"});
  column(7, std::vector<std::string>(6, "INTEGER: 1")); // preferred
  column(8, std::vector<std::string>(6, "Timeticks: 0"));
  column(9, std::vector<std::string>(6, "Timeticks: 0"));
  column(10, std::vector<std::string>(6, "INTEGER: 1")); // active
  // permanent(4) for what the kernel made itself (Debian: volatile(2) for the loopback ones).
  column(11, {"INTEGER: 4", "INTEGER: 2", "INTEGER: 4", "INTEGER: 2", "INTEGER: 4", "INTEGER: 4"});
  CHECK(f.walk(f.tables->addressTable()).size() == 6 * 9);
  CHECK(f.tables->hiddenCount() == 0);
  CHECK(f.tables->discardCount() == 0);
  f.checkPointers();
}

TEST_CASE("ipAddressPrefixTable matches Debian's walk of the reference namespace", "[ip_address][sim]") {
  Fixture f;
  CHECK(f.tables->prefixCount() == 6);
  const std::vector<std::string> order = {"1.1.4.127.0.0.0.8",
                                          "1." + kLo6 + ".128",
                                          "2." + kLinkLocalPrefix,
                                          "3.1.4.192.0.2.0.24",
                                          "3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.64",
                                          "3." + kLinkLocalPrefix};
  auto column = [&](SubId id, std::vector<std::string> values) {
    std::vector<std::string> rows;
    for (std::size_t i = 0; i < order.size(); ++i)
      rows.push_back(order[i] + "=" + values[i]);
    INFO("column " << id);
    CHECK(f.column(f.tables->prefixTable(), id) == rows);
  };
  // wellknown(3) for loopback and link-local prefixes (Debian: manual(2) for the loopback ones).
  column(5, {"INTEGER: 3", "INTEGER: 3", "INTEGER: 3", "INTEGER: 2", "INTEGER: 2", "INTEGER: 3"});
  column(6, std::vector<std::string>(6, "INTEGER: 1"));             // on-link
  column(7, std::vector<std::string>(6, "INTEGER: 2"));             // not autonomous
  column(8, std::vector<std::string>(6, "Unsigned32: 4294967295")); // infinite
  column(9, std::vector<std::string>(6, "Unsigned32: 4294967295"));
  CHECK(f.walk(f.tables->prefixTable()).size() == 6 * 5);
  CHECK(f.getPrefix(4, "3.1.4.192.0.2.0.24") == "noSuchObject"); // index columns are not-accessible
  CHECK(f.getPrefix(5, "3.1.4.192.0.2.0.25") == "noSuchInstance");
}

TEST_CASE("ipAddressSpinLock and the registration order", "[ip_address][sim]") {
  Fixture f;
  auto objects = f.tables->objects();
  CHECK(objects[0]->base() == IpAddressTables::prefixEntryOid());
  CHECK(objects[1]->base() == IpAddressTables::spinLockOid());
  CHECK(objects[2]->base() == IpAddressTables::addressEntryOid());
  CHECK(objects[0]->base() < objects[1]->base());
  CHECK(objects[1]->base() < objects[2]->base());
  const Oid instance = IpAddressTables::spinLockOid() + Oid{0};
  CHECK(objects[1]->getOid(instance, f.context()) == GetResult{Value::integer32(1834962669)});
  // The whole IP-MIB part in order: prefix rows, the spin lock, address rows.
  auto next = objects[1]->getNextOid(IpAddressTables::spinLockOid(), f.context());
  REQUIRE(next);
  CHECK(next->oid == instance);
  CHECK_FALSE(objects[1]->getNextOid(instance, f.context()));

  CHECK_FALSE(f.tables->testAndIncrSpinLock(1834962668));
  CHECK(f.tables->testAndIncrSpinLock(1834962669));
  CHECK(objects[1]->getOid(instance, f.context()) == GetResult{Value::integer32(1834962670)});

  IpAddressTablesOptions top;
  top.spinLockSeed = std::numeric_limits<std::int32_t>::max();
  IpAddressTables wrapping(top);
  CHECK(wrapping.testAndIncrSpinLock(std::numeric_limits<std::int32_t>::max()));
  CHECK(wrapping.spinLock() == 0);
  IpAddressTables random; // unseeded: somewhere in 0..2^31-1
  CHECK(random.spinLock() >= 0);
}

TEST_CASE("Addresses come and go, prefixes are reference-counted, pointers always resolve",
          "[ip_address][sim]") {
  Fixture f;
  f.backend->advance(5s);
  f.run("addr add 2001:db8:1::2/64 dev v0");
  CHECK(f.tables->rowCount() == 7);
  CHECK(f.tables->prefixCount() == 6); // shares 2001:db8:1::/64 with ::1
  const std::string second = "2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.2";
  CHECK(f.getAddress(8, second) == "Timeticks: 1000"); // created 10 s after the agent started
  CHECK(f.getAddress(9, second) == "Timeticks: 1000");
  f.checkPointers();

  f.run("addr del 2001:db8:1::1/64 dev v0");
  CHECK(f.getAddress(3, kV0Ip6) == "noSuchInstance");
  CHECK(f.getPrefix(5, "3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.64") == "INTEGER: 2"); // kept for ::2
  f.checkPointers();
  f.run("addr del 2001:db8:1::2/64 dev v0");
  CHECK(f.getPrefix(5, "3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.64") == "noSuchInstance");
  CHECK(f.tables->prefixCount() == 5);
  f.checkPointers();

  // IPv4: a second address in the subnet (secondary), then both go with the primary.
  f.run("addr add 192.0.2.2/24 dev v0");
  f.run("addr add 198.51.100.1/25 dev v0");
  CHECK(f.tables->prefixCount() == 6);
  CHECK(f.getAddress(5, "1.4.198.51.100.1") == "OID: " + kPrefixOrigin + "3.1.4.198.51.100.0.25");
  f.run("addr del 192.0.2.2/24 dev v0");
  CHECK(f.getPrefix(5, "3.1.4.192.0.2.0.24") == "INTEGER: 2");
  f.run("addr add 192.0.2.2/24 dev v0");
  f.run("addr del 192.0.2.1/24 dev v0"); // promote_secondaries=0: 192.0.2.2 goes too
  CHECK(f.getAddress(3, kV0Ip4) == "noSuchInstance");
  CHECK(f.getAddress(3, "1.4.192.0.2.2") == "noSuchInstance");
  CHECK(f.getPrefix(5, "3.1.4.192.0.2.0.24") == "noSuchInstance");
  f.checkPointers();

  // The link going down takes its IPv6 addresses (and their prefixes) with it.
  f.run("link set v0 down");
  CHECK(f.getAddress(3, kV0LinkLocal) == "noSuchInstance");
  CHECK(f.getPrefix(5, "3." + kLinkLocalPrefix) == "noSuchInstance");
  CHECK(f.getAddress(3, kV1LinkLocal) == "INTEGER: 2");
  f.checkPointers();
  CHECK(f.tables->hiddenCount() == 0);
}

TEST_CASE("Prefix lifetimes count down from the address lifetimes", "[ip_address][sim]") {
  Fixture f;
  f.run("addr add 2001:db8:2::1/64 dev v0 valid_lft 3600 preferred_lft 1800");
  const std::string prefix = "3.2.16.32.1.13.184.0.2.0.0.0.0.0.0.0.0.0.0.64";
  CHECK(f.getPrefix(8, prefix) == "Unsigned32: 1800");
  CHECK(f.getPrefix(9, prefix) == "Unsigned32: 3600");
  f.backend->advance(100s);
  CHECK(f.getPrefix(8, prefix) == "Unsigned32: 1700");
  CHECK(f.getPrefix(9, prefix) == "Unsigned32: 3500");
  // A second address with longer lifetimes extends the prefix; when it goes, the first one's remain.
  f.run("addr add 2001:db8:2::2/64 dev v0 valid_lft 7200 preferred_lft 7200");
  CHECK(f.getPrefix(8, prefix) == "Unsigned32: 7200");
  f.run("addr del 2001:db8:2::2/64 dev v0");
  CHECK(f.getPrefix(8, prefix) == "Unsigned32: 1700");
  // Preferred lifetime over: the address is deprecated(2), the prefix no longer preferred.
  f.backend->advance(1700s);
  f.settle();
  CHECK(f.getAddress(7, "2.16.32.1.13.184.0.2.0.0.0.0.0.0.0.0.0.1") == "INTEGER: 2");
  CHECK(f.getPrefix(8, prefix) == "Unsigned32: 0");
  CHECK(f.getPrefix(9, prefix) == "Unsigned32: 1800");
  // Valid lifetime over: the address and its prefix are gone.
  f.backend->advance(1800s);
  f.settle();
  CHECK(f.getPrefix(9, prefix) == "noSuchInstance");
  f.checkPointers();
}

TEST_CASE("Origins, flags and status of autoconfigured and DHCP addresses", "[ip_address]") {
  IpAddressTablesOptions options;
  options.spinLockSeed = 0;
  IpAddressTables tables(options);
  auto context = RequestContext::current(ipmibd::platform::Clock::now());
  auto get = [&](const MibObject& table, SubId column, const std::string& index) {
    return Fixture::text(table.getOid(table.base() + Oid{column} + *Oid::parse(index), context));
  };
  const std::string prefix = "2.2.16.32.1.13.184.0.3.0.0.0.0.0.0.0.0.0.0.64";
  UnicastAddressRow manual = address("2001:db8:3::1", 2, 64);
  UnicastAddressRow slaac = address("2001:db8:3::200:ff:fe00:2", 2, 64, PrefixOrigin::RouterAdvertisement,
                                    SuffixOrigin::LinkLayerAddress);
  UnicastAddressRow temporary =
      address("2001:db8:3::1234", 2, 64, PrefixOrigin::RouterAdvertisement, SuffixOrigin::Random);
  apply(tables, ChangeKind::Add, manual);
  CHECK(get(tables.prefixTable(), 5, prefix) == "INTEGER: 2");
  CHECK(get(tables.prefixTable(), 7, prefix) == "INTEGER: 2");
  apply(tables, ChangeKind::Add, slaac);
  apply(tables, ChangeKind::Add, temporary);
  CHECK(tables.prefixCount() == 1);
  CHECK(get(tables.prefixTable(), 5, prefix) == "INTEGER: 5"); // routeradv wins over manual
  CHECK(get(tables.prefixTable(), 7, prefix) == "INTEGER: 1"); // autonomous
  CHECK(get(tables.addressTable(), 6, "2.16.32.1.13.184.0.3.0.0.2.0.0.255.254.0.0.2") == "INTEGER: 5");
  CHECK(get(tables.addressTable(), 6, "2.16.32.1.13.184.0.3.0.0.0.0.0.0.0.0.18.52") ==
        "INTEGER: 6"); // random
  // Autoconfigured (and DHCP) addresses are the system's: permanent(4), as Debian serves SLAAC ones.
  CHECK(get(tables.addressTable(), 11, "2.16.32.1.13.184.0.3.0.0.0.0.0.0.0.0.18.52") == "INTEGER: 4");
  apply(tables, ChangeKind::Delete, slaac);
  CHECK(get(tables.prefixTable(), 7, prefix) == "INTEGER: 1");
  apply(tables, ChangeKind::Delete, temporary);
  CHECK(get(tables.prefixTable(), 5, prefix) == "INTEGER: 2");
  CHECK(get(tables.prefixTable(), 7, prefix) == "INTEGER: 2");

  UnicastAddressRow dhcp = address("198.51.100.7", 4, 24, PrefixOrigin::Dhcp, SuffixOrigin::Dhcp);
  apply(tables, ChangeKind::Add, dhcp);
  CHECK(get(tables.addressTable(), 6, "1.4.198.51.100.7") == "INTEGER: 4");
  CHECK(get(tables.addressTable(), 11, "1.4.198.51.100.7") == "INTEGER: 4");
  CHECK(get(tables.prefixTable(), 5, "4.1.4.198.51.100.0.24") == "INTEGER: 4");
  UnicastAddressRow other = address("198.51.100.8", 4, 0xff, PrefixOrigin::Other, SuffixOrigin::Other);
  apply(tables, ChangeKind::Add, other); // no prefix length: a host prefix
  CHECK(get(tables.addressTable(), 6, "1.4.198.51.100.8") == "INTEGER: 1");
  CHECK(get(tables.addressTable(), 5, "1.4.198.51.100.8") ==
        "OID: " + kPrefixOrigin + "4.1.4.198.51.100.8.32");
  CHECK(get(tables.prefixTable(), 5, "4.1.4.198.51.100.8.32") == "INTEGER: 1");

  // ipAddressStatus for every DAD state; updates replace the row in place.
  const std::pair<DadState, const char*> states[] = {{DadState::Preferred, "INTEGER: 1"},
                                                     {DadState::Deprecated, "INTEGER: 2"},
                                                     {DadState::Invalid, "INTEGER: 3"},
                                                     {DadState::Tentative, "INTEGER: 6"},
                                                     {DadState::Duplicate, "INTEGER: 7"}};
  for (const auto& [state, expected] : states) {
    manual.dadState = state;
    apply(tables, ChangeKind::ParameterChange, manual);
    CHECK(get(tables.addressTable(), 7, "2.16.32.1.13.184.0.3.0.0.0.0.0.0.0.0.0.1") == expected);
  }
  // A new prefix length moves the address to another prefix row; the old one goes.
  manual.onLinkPrefixLength = 48;
  apply(tables, ChangeKind::ParameterChange, manual);
  CHECK(get(tables.prefixTable(), 5, prefix) == "noSuchInstance");
  CHECK(get(tables.addressTable(), 5, "2.16.32.1.13.184.0.3.0.0.0.0.0.0.0.0.0.1") ==
        "OID: " + kPrefixOrigin + "2.2.16.32.1.13.184.0.3.0.0.0.0.0.0.0.0.0.0.48");
  CHECK(tables.rowCount() == 3);
  CHECK(tables.prefixCount() == 3);
}

TEST_CASE("The same link-local address on two links: one row, the lowest ifIndex", "[ip_address][sim]") {
  Fixture f;
  f.run("addr add fe80::1/64 dev v0");
  f.run("addr add fe80::1/64 dev v1");
  const std::string shared = "2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1";
  CHECK(f.tables->rowCount() == 7);
  CHECK(f.tables->hiddenCount() == 1);
  CHECK(f.getAddress(3, shared) == "INTEGER: 2");
  CHECK(f.getAddress(5, shared) == "OID: " + kPrefixOrigin + "2." + kLinkLocalPrefix);
  f.checkPointers();
  UnicastAddressRow onV0 = address("fe80::1", 3, 64);
  onV0.address = onV0.address.withScope(3);
  UnicastAddressRow onV1 = address("fe80::1", 2, 64);
  onV1.address = onV1.address.withScope(2);
  CHECK_FALSE(f.tables->indexOf(onV0));
  CHECK(f.tables->indexOf(onV1) == Oid::parse(shared));
  CHECK(f.tables->prefixIndexOf(onV0) == Oid::parse("3." + kLinkLocalPrefix));

  // The served one goes: the other takes its place.
  f.run("addr del fe80::1/64 dev v1");
  CHECK(f.getAddress(3, shared) == "INTEGER: 3");
  CHECK(f.getAddress(5, shared) == "OID: " + kPrefixOrigin + "3." + kLinkLocalPrefix);
  CHECK(f.tables->hiddenCount() == 0);
  CHECK(f.tables->indexOf(onV0) == Oid::parse(shared));
  f.checkPointers();

  // Arrival order does not matter: adding v1's back serves v1's again.
  f.run("addr add fe80::1/64 dev v1");
  CHECK(f.getAddress(3, shared) == "INTEGER: 2");

  // The same IPv4 address on two links behaves the same way.
  f.run("addr add 10.9.9.9/24 dev v0");
  f.run("addr add 10.9.9.9/24 dev v1");
  CHECK(f.getAddress(3, "1.4.10.9.9.9") == "INTEGER: 2");
  CHECK(f.tables->hiddenCount() == 2);
  CHECK(f.getPrefix(5, "3.1.4.10.9.9.0.24") == "INTEGER: 2"); // both prefixes are served
  CHECK(f.getPrefix(5, "2.1.4.10.9.9.0.24") == "INTEGER: 2");
  f.checkPointers();
}

TEST_CASE("ipv6z zones tell link-local addresses apart", "[ip_address][sim]") {
  IpAddressTablesOptions options;
  options.zones = ZoneStyle::KeepZone;
  Fixture f(options);
  f.run("addr add fe80::1/64 dev v0");
  f.run("addr add fe80::1/64 dev v1");
  CHECK(f.tables->hiddenCount() == 0);
  CHECK(f.getAddress(3, "4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.2") == "INTEGER: 2");
  CHECK(f.getAddress(3, "4.20.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.3") == "INTEGER: 3");
  CHECK(f.getAddress(3, kV0LinkLocal) == "noSuchInstance");
  CHECK(f.getAddress(3, "4.20.254.128.0.0.0.0.0.0.0.0.0.255.254.0.0.3.0.0.0.3") == "INTEGER: 3");
  CHECK(f.getAddress(3, kV0Ip6) == "INTEGER: 3"); // global addresses stay ipv6(2)
  f.checkPointers();
}

TEST_CASE("IPv4 broadcast addresses as broadcast(3) rows", "[ip_address][sim]") {
  Fixture plain;
  plain.run("addr add 198.51.100.1/24 dev v0 brd 198.51.100.255");
  CHECK(plain.getAddress(4, "1.4.198.51.100.255") == "noSuchInstance"); // Debian serves none

  IpAddressTablesOptions options;
  options.broadcastRows = true;
  Fixture f(options);
  f.run("addr add 198.51.100.1/24 dev v0 brd 198.51.100.255");
  CHECK(f.getAddress(4, "1.4.198.51.100.255") == "INTEGER: 3");
  CHECK(f.getAddress(3, "1.4.198.51.100.255") == "INTEGER: 3");
  CHECK(f.getAddress(5, "1.4.198.51.100.255") == "OID: " + kPrefixOrigin + "3.1.4.198.51.100.0.24");
  // A second link in the same subnet claims the same broadcast address.
  f.run("addr add 198.51.100.2/24 dev v1 brd 198.51.100.255");
  CHECK(f.getAddress(3, "1.4.198.51.100.255") == "INTEGER: 2");
  CHECK(f.tables->hiddenCount() == 1);
  f.checkPointers();
  f.run("addr del 198.51.100.2/24 dev v1");
  CHECK(f.getAddress(3, "1.4.198.51.100.255") == "INTEGER: 3");
  f.run("addr del 198.51.100.1/24 dev v0");
  CHECK(f.getAddress(3, "1.4.198.51.100.255") == "noSuchInstance");
  CHECK(f.tables->hiddenCount() == 0);
  f.checkPointers();
}

TEST_CASE("Family filter and unindexable rows", "[ip_address][sim]") {
  IpAddressTablesOptions options;
  options.family = ipmibd::platform::Family::V4;
  Fixture f(options);
  CHECK(f.tables->rowCount() == 2);
  CHECK(f.tables->prefixCount() == 2);
  f.run("addr add 2001:db8:9::1/64 dev v0");
  CHECK(f.tables->rowCount() == 2);

  IpAddressTables tables;
  UnicastAddressRow noInterface = address("192.0.2.5", 0, 24);
  UnicastAddressRow noAddress;
  noAddress.interfaceIndex = 2;
  apply(tables, ChangeKind::Add, noInterface);
  apply(tables, ChangeKind::Add, noAddress);
  apply(tables, ChangeKind::Delete, noInterface);
  CHECK(tables.rowCount() == 0);
  CHECK(tables.prefixCount() == 0);
  CHECK(tables.discardCount() == 2);
}

TEST_CASE("A large initial dump loads in budgeted steps", "[ip_address]") {
  IpAddressTables tables;
  std::vector<Change<UnicastAddressRow>> burst;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    UnicastAddressRow row = address("10.0.0.0", 2 + i % 4, 16);
    row.address = IpAddress::v4(0x0a000000u + i);
    burst.push_back({ChangeKind::Add, row});
  }
  tables.enqueue(burst);
  CHECK(tables.rowCount() == 0); // too big to apply inline
  while (tables.applyPending(1ms)) {}
  CHECK(tables.rowCount() == 20000);
  CHECK(tables.prefixCount() == 4 * 1); // 10.0.0.0/16 on each of four links
  CHECK(tables.pending() == 0);
}
