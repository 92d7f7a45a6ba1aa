// Writable ipAddressTable and ipAddressSpinLock over the simulator: addresses created (prefix length
// rule), changed (Status, StorageType) and destroyed, every refusal with its error index and the
// platform untouched, system-owned rows, the spin lock in and out of a PDU, rollback through fault
// injection, and the nonVolatile list published only at COMMIT.
#include "platform/sim/sim_backend.h"
#include "tables/engine/set_request.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tests/tables/ip_tables_test_support.h"
#include "tests/tables/set_pdu.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using ipmibd::platform::Family;
using ipmibd::platform::IpAddress;
using ipmibd::platform::Result;
using ipmibd::platform::Status;
using ipmibd::platform::UnicastAddressRow;
using ipmibd::platform::sim::Operation;
using ipmibd::platform::sim::SimBackend;

namespace {

// lo = 1, eth0 = 2, eth1 = 3 (each ether link gets its link-local address from its MAC).
const char* kScenario = R"(
link add eth0 address 02:00:00:00:00:02 type ether
link set eth0 up
link add eth1 address 02:00:00:00:00:03 type ether
link set eth1 up
addr add 192.0.2.2/24 dev eth0
addr add 2001:db8:1::2/64 dev eth1
route add 198.51.100.0/24 dev eth1
)";

enum : SubId {
  kIfIndex = 3,
  kType = 4,
  kPrefix = 5,
  kOrigin = 6,
  kStatus = 7,
  kCreated = 8,
  kRowStatus = 10,
  kStorage = 11
};
enum : std::int32_t { kPreferred = 1, kDeprecated = 2, kInvalid = 3, kTentative = 6, kDuplicate = 7 };
enum : std::int32_t { kOther = 1, kVolatile = 2, kNonVolatile = 3, kPermanent = 4, kReadOnly = 5 };

Oid v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) { return Oid{1, 4, a, b, c, d}; }
Oid v6(std::array<std::uint8_t, 16> bytes) {
  Oid oid{2, 16};
  for (std::uint8_t b : bytes)
    oid.append(b);
  return oid;
}
const Oid kNew = v4(192, 0, 2, 77);
const Oid kExisting = v4(192, 0, 2, 2);
const Oid kLoopback = v4(127, 0, 0, 1);
const Oid kNew6 = v6({0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77});
// eth1's link-local address fe80::ff:fe00:3, served zoneless (DropZone).
const Oid kLinkLocal = v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 3});

Value integer(std::int32_t v) { return Value::integer32(v); }

struct Fixture : testing::SetPduDriver<Fixture> {
  std::unique_ptr<SimBackend> backend = testing::makeSim(kScenario);
  std::unique_ptr<IpAddressTables> tables;
  RequestContext context{backend->now(), backend->now()};
  std::vector<std::vector<PersistentAddress>> published; // every onNonVolatileChange call

  explicit Fixture(IpAddressTablesOptions options = {}) {
    options.clock = [b = backend.get()] { return b->now(); };
    if (!options.spinLockSeed) options.spinLockSeed = 1000;
    options.onNonVolatileChange = [this](const std::vector<PersistentAddress>& list) {
      published.push_back(list);
    };
    tables = std::make_unique<IpAddressTables>(std::move(options));
    REQUIRE(tables->attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, *tables); }
  const MibObject& table() const { return *tables->objects()[2]; }
  const MibObject& spinLock() const { return *tables->objects()[1]; }
  static Oid col(SubId column, const Oid& index) {
    return IpAddressTables::addressEntryOid() + Oid{column} + index;
  }

  Varbind lock(std::int32_t value) {
    return {&spinLock(), IpAddressTables::spinLockOid() + Oid{0}, integer(value)};
  }
  SetOutcome create(const Oid& index, std::int32_t ifIndex, std::vector<Varbind> more = {}) {
    std::vector<Varbind> varbinds{vb(kRowStatus, index, integer(kCreateAndGo)),
                                  vb(kIfIndex, index, integer(ifIndex))};
    varbinds.insert(varbinds.end(), more.begin(), more.end());
    return set(varbinds);
  }

  // The platform's addresses as "address/length dev N preferred|deprecated", for "exactly as it
  // was" checks.
  std::vector<std::string> kernel() {
    std::vector<UnicastAddressRow> rows;
    REQUIRE(backend->getUnicastIpAddressTable(Family::Unspecified, rows).ok());
    std::vector<std::string> out;
    for (const UnicastAddressRow& r : rows)
      out.push_back(r.address.toString() + "/" + std::to_string(r.onLinkPrefixLength) + " dev " +
                    std::to_string(r.interfaceIndex) +
                    (r.preferredLifetime == 0 ? " deprecated" : " preferred"));
    std::sort(out.begin(), out.end());
    return out;
  }
  std::optional<UnicastAddressRow> address(const char* text, std::uint32_t ifIndex) {
    UnicastAddressRow row;
    row.address = *IpAddress::parse(text);
    row.interfaceIndex = ifIndex;
    if (!backend->getUnicastIpAddressEntry(row).ok()) return std::nullopt;
    return row;
  }
  std::string get(SubId column, const Oid& index) {
    return testing::get(table(), col(column, index), context);
  }
};

PersistentAddress persistent(const char* address, std::uint8_t length, std::uint32_t ifIndex) {
  return {*IpAddress::parse(address), length, ifIndex};
}

} // namespace

TEST_CASE_METHOD(Fixture, "createAndGo an IPv4 address, deprecate it, destroy it", "[set][address]") {
  REQUIRE(create(kNew, 2).ok());
  auto row = address("192.0.2.77", 2);
  REQUIRE(row);
  CHECK(row->onLinkPrefixLength == 24); // the prefix of 192.0.2.2/24 on the same interface
  CHECK(get(kRowStatus, kNew) == "INTEGER: 1");
  CHECK(get(kIfIndex, kNew) == "INTEGER: 2");
  CHECK(get(kType, kNew) == "INTEGER: 1");
  CHECK(get(kOrigin, kNew) == "INTEGER: 2"); // manual
  CHECK(get(kStatus, kNew) == "INTEGER: 1");
  CHECK(get(kStorage, kNew) == "INTEGER: 2"); // volatile, the DEFVAL
  CHECK(get(kPrefix, kNew) == "OID: 1.3.6.1.2.1.4.32.1.5.2.1.4.192.0.2.0.24");

  REQUIRE(set({vb(kStatus, kNew, integer(kDeprecated))}).ok());
  CHECK(address("192.0.2.77", 2)->preferredLifetime == 0);
  CHECK(get(kStatus, kNew) == "INTEGER: 2");
  REQUIRE(set({vb(kStatus, kNew, integer(kPreferred))}).ok());
  CHECK(address("192.0.2.77", 2)->preferredLifetime != 0);
  CHECK(get(kStatus, kNew) == "INTEGER: 1");
  // Values the row has already, and RowStatus active: nothing to do, and no error.
  const auto before = kernel();
  REQUIRE(set({vb(kRowStatus, kNew, integer(kActive)), vb(kIfIndex, kNew, integer(2)),
               vb(kType, kNew, integer(1)), vb(kStatus, kNew, integer(kPreferred)),
               vb(kStorage, kNew, integer(kVolatile))})
              .ok());
  CHECK(kernel() == before);

  REQUIRE(set({vb(kRowStatus, kNew, integer(kDestroy))}).ok());
  CHECK_FALSE(address("192.0.2.77", 2));
  CHECK(get(kRowStatus, kNew) == "noSuchInstance");
  CHECK(set({vb(kRowStatus, kNew, integer(kDestroy))}).ok()); // RFC 2579 state A: destroy is noError
  CHECK(published.empty());
}

// Issue 19 part C: the simulator's DAD (accept_dad on d0; the veth peer d1 holds ::6 while d0's DAD
// runs, standing for another host: the table has one row per address, so it is gone before reading).
TEST_CASE_METHOD(Fixture, "ipAddressStatus across DAD: tentative(6), then preferred(1) or duplicate(7)",
                 "[set][address][dad]") {
  for (const char* line : {"link add d0 type veth peer name d1", "link set d0 up", "link set d1 up",
                           "sysctl -w net.ipv6.conf.d0.accept_dad=1"})
    REQUIRE(backend->apply(line).ok());
  ipmibd::platform::InterfaceLuid luid;
  ipmibd::platform::InterfaceIndex d0 = 0;
  REQUIRE(backend->convertInterfaceNameToLuid("d0", luid).ok());
  REQUIRE(backend->convertInterfaceLuidToIndex(luid, d0).ok());
  settle();
  const Oid usable = v6({0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5});
  const Oid duplicate = v6({0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6});
  REQUIRE(create(usable, std::int32_t(d0)).ok());
  REQUIRE(create(duplicate, std::int32_t(d0)).ok());
  CHECK(get(kStatus, usable) == "INTEGER: 6");
  CHECK(get(kStatus, duplicate) == "INTEGER: 6");
  REQUIRE(backend->apply("addr add 2001:db8:9::6/64 dev d1 nodad").ok());
  // The stack's verdict is pending: no status but the one it has.
  const auto before = kernel();
  SetOutcome outcome = set({vb(kStatus, usable, integer(kDeprecated))});
  CHECK(toString(outcome.error) == toString(SetError::InconsistentValue));
  CHECK(outcome.varbind == 1);
  CHECK(kernel() == before);
  CHECK(set({vb(kStatus, usable, integer(kTentative))}).ok());

  backend->advance(1s); // dad_transmits 1 x retrans_time 1 s
  settle();
  REQUIRE(backend->apply("addr del 2001:db8:9::6/64 dev d1").ok());
  settle();
  CHECK(get(kStatus, usable) == "INTEGER: 1");
  CHECK(get(kStatus, duplicate) == "INTEGER: 7");
  outcome = set({vb(kStatus, duplicate, integer(kPreferred))});
  CHECK(toString(outcome.error) == toString(SetError::InconsistentValue));
  CHECK(set({vb(kStatus, duplicate, integer(kDuplicate))}).ok());
  CHECK(set({vb(kStatus, usable, integer(kDeprecated))}).ok()); // usable now: the lifetime rule applies
  CHECK(get(kStatus, usable) == "INTEGER: 2");
}

TEST_CASE_METHOD(Fixture, "prefix length: an address's prefix, an on-link route, else a host prefix",
                 "[set][address]") {
  REQUIRE(create(v4(198, 51, 100, 5), 3).ok());
  CHECK(address("198.51.100.5", 3)->onLinkPrefixLength == 24); // route 198.51.100.0/24 dev eth1
  REQUIRE(create(v4(203, 0, 113, 9), 3).ok());
  CHECK(address("203.0.113.9", 3)->onLinkPrefixLength == 32);
  REQUIRE(create(v4(192, 0, 2, 9), 3).ok()); // 192.0.2.0/24 is eth0's, not eth1's
  CHECK(address("192.0.2.9", 3)->onLinkPrefixLength == 32);
  REQUIRE(create(kNew6, 3).ok());
  CHECK(address("2001:db8:1::77", 3)->onLinkPrefixLength == 64);
  CHECK(get(kRowStatus, kNew6) == "INTEGER: 1");
  const Oid other6 = v6({0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  REQUIRE(create(other6, 2, {vb(kStatus, other6, integer(kDeprecated))}).ok());
  auto row = address("2001:db8:2::1", 2);
  REQUIRE(row);
  CHECK(row->onLinkPrefixLength == 128);
  CHECK(row->preferredLifetime == 0);
  CHECK(get(kStatus, other6) == "INTEGER: 2");
}

TEST_CASE_METHOD(Fixture, "prefix length from routes: the longest on-link one through the interface",
                 "[set][address]") {
  // Around 203.0.113.0/24 on eth1: a longer gateway route, a longer on-link route of eth0, a default
  // route and a host route: none of them is the address's subnet.
  for (const char* command :
       {"route add 203.0.113.0/24 dev eth1", "route add 203.0.113.0/26 dev eth1",
        "route add 203.0.113.0/28 via 198.51.100.1 dev eth1", "route add 203.0.113.0/29 dev eth0",
        "route add 0.0.0.0/0 dev eth1", "route add 203.0.113.5/32 dev eth1"})
    REQUIRE(backend->apply(command).ok());
  settle();
  REQUIRE(create(v4(203, 0, 113, 5), 3).ok());
  CHECK(address("203.0.113.5", 3)->onLinkPrefixLength == 26);
  REQUIRE(create(v4(203, 0, 113, 77), 3).ok());
  CHECK(address("203.0.113.77", 3)->onLinkPrefixLength == 24);
  REQUIRE(create(v4(203, 0, 113, 6), 2).ok()); // eth0's /29
  CHECK(address("203.0.113.6", 2)->onLinkPrefixLength == 29);
}

TEST_CASE_METHOD(Fixture, "refusals: error class and index, platform untouched", "[set][address]") {
  const auto before = kernel();
  const std::int32_t lockBefore = tables->spinLock();
  auto expect = [&](std::vector<Varbind> varbinds, SetError error, int varbind) {
    const SetOutcome outcome = set(varbinds);
    CHECK(toString(outcome.error) == toString(error));
    CHECK(outcome.varbind == varbind);
    CHECK(kernel() == before);
    CHECK(tables->spinLock() == lockBefore);
  };
  // RESERVE1: the varbind alone.
  expect({vb(kRowStatus, kNew, integer(kCreateAndWait)), vb(kIfIndex, kNew, integer(2))},
         SetError::WrongValue, 1);
  expect({vb(kIfIndex, kNew, integer(2)), vb(kRowStatus, kNew, integer(kNotReady))}, SetError::WrongValue, 2);
  expect({vb(kRowStatus, kNew, integer(7))}, SetError::WrongValue, 1);
  for (std::int32_t type : {2, 3, 4}) // anycast, broadcast, not a member
    expect({vb(kRowStatus, kNew, integer(kCreateAndGo)), vb(kIfIndex, kNew, integer(2)),
            vb(kType, kNew, integer(type))},
           SetError::WrongValue, 3);
  for (std::int32_t storage : {std::int32_t(kOther), std::int32_t(kPermanent), std::int32_t(kReadOnly), 6})
    expect({vb(kRowStatus, kNew, integer(kCreateAndGo)), vb(kIfIndex, kNew, integer(2)),
            vb(kStorage, kNew, integer(storage))},
           SetError::WrongValue, 3);
  expect({vb(kStatus, kExisting, integer(9))}, SetError::WrongValue, 1);
  expect({vb(kIfIndex, kNew, integer(0)), vb(kRowStatus, kNew, integer(kCreateAndGo))}, SetError::WrongValue,
         1);
  expect({vb(kIfIndex, kNew, Value::unsigned32(2))}, SetError::WrongType, 1);
  expect({vb(kPrefix, kExisting, Value::objectIdentifier({0, 0}))}, SetError::NotWritable, 1);
  expect({vb(kOrigin, kExisting, integer(2))}, SetError::NotWritable, 1);
  expect({vb(kCreated, kExisting, Value::timeTicks(0))}, SetError::NotWritable, 1);
  expect({lock(-1)}, SetError::WrongValue, 1);
  expect({lock(lockBefore), {&spinLock(), IpAddressTables::spinLockOid() + Oid{1}, integer(lockBefore)}},
         SetError::NoCreation, 2);
  // Indexes: a length that does not fit the type, other types, addresses that cannot be unicast.
  expect({vb(kRowStatus, Oid{1, 16, 192, 0, 2, 77}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, Oid{1, 5, 192, 0, 2, 77, 1}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, Oid{0, 0}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, Oid{3, 8, 192, 0, 2, 77, 0, 0, 0, 2}, integer(kCreateAndGo))},
         SetError::InconsistentName, 1);
  // ipv6z: this table (DropZone) serves link-local addresses zoneless.
  expect({vb(kRowStatus, Oid{4, 20, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77, 0, 0, 0, 3},
             integer(kCreateAndGo))},
         SetError::InconsistentName, 1);
  expect({vb(kRowStatus, Oid{16, 1, 97}, integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, v4(224, 0, 0, 1), integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, v4(0, 0, 0, 0), integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, v4(255, 255, 255, 255), integer(kCreateAndGo))}, SetError::InconsistentName, 1);
  expect({vb(kRowStatus, Oid{1, 4, 192, 0}, integer(kCreateAndGo))}, SetError::NoCreation, 1); // truncated
  // RESERVE2: the row against the current state.
  expect({vb(kIfIndex, kNew, integer(2))}, SetError::NoCreation, 1); // no row, no RowStatus
  expect({vb(kStorage, kNew, integer(kVolatile)), vb(kRowStatus, kNew, integer(kCreateAndGo))},
         SetError::InconsistentValue, 2); // no IfIndex: the row would be notReady
  expect({vb(kIfIndex, kNew, integer(99)), vb(kRowStatus, kNew, integer(kCreateAndGo))},
         SetError::InconsistentValue, 1); // no interface 99
  expect({vb(kIfIndex, kNew, integer(2)), vb(kRowStatus, kNew, integer(kActive))},
         SetError::InconsistentValue, 2);
  expect({vb(kRowStatus, kNew, integer(kNotInService)), vb(kIfIndex, kNew, integer(2))},
         SetError::InconsistentValue, 1);
  expect({vb(kRowStatus, kNew, integer(kCreateAndGo)), vb(kIfIndex, kNew, integer(2)),
          vb(kStatus, kNew, integer(kTentative))},
         SetError::InconsistentValue, 3);
  expect({vb(kRowStatus, kExisting, integer(kCreateAndGo)), vb(kIfIndex, kExisting, integer(2))},
         SetError::InconsistentValue, 1); // exists
  expect({vb(kRowStatus, kExisting, integer(kNotInService))}, SetError::InconsistentValue, 1);
  expect({vb(kStatus, kExisting, integer(kInvalid))}, SetError::InconsistentValue, 1);
  expect({vb(kStatus, kExisting, integer(kDeprecated)), vb(kIfIndex, kExisting, integer(3))},
         SetError::InconsistentValue, 2); // an address moves by destroy + createAndGo
  // Rows the system owns: permanent(4); destroy inconsistentValue, StorageType wrongValue, the
  // other columns notWritable.
  CHECK(get(kStorage, kLoopback) == "INTEGER: 4");
  CHECK(get(kStorage, kLinkLocal) == "INTEGER: 4");
  expect({vb(kRowStatus, kLoopback, integer(kDestroy))}, SetError::InconsistentValue, 1);
  expect({vb(kRowStatus, kLinkLocal, integer(kDestroy))}, SetError::InconsistentValue, 1);
  expect({vb(kStorage, kLinkLocal, integer(kNonVolatile))}, SetError::WrongValue, 1);
  expect({vb(kStorage, kLinkLocal, integer(kVolatile))}, SetError::WrongValue, 1);
  expect({vb(kStatus, kLinkLocal, integer(kDeprecated))}, SetError::NotWritable, 1);
  expect({vb(kRowStatus, kLoopback, integer(kActive)), vb(kIfIndex, kLoopback, integer(1))},
         SetError::NotWritable, 2);
  CHECK(set({vb(kRowStatus, kLoopback, integer(kActive))}).ok()); // nothing to change
  CHECK(published.empty());
}

TEST_CASE_METHOD(Fixture, "ipAddressSpinLock: TestAndIncr, alone and with rows", "[set][address][spinlock]") {
  CHECK(testing::get(spinLock(), IpAddressTables::spinLockOid() + Oid{0}, context) == "INTEGER: 1000");
  REQUIRE(set({lock(1000)}).ok());
  CHECK(tables->spinLock() == 1001);
  SetOutcome outcome = set({lock(1000)}); // the value another manager read before
  CHECK(outcome.error == SetError::InconsistentValue);
  CHECK(outcome.varbind == 1);
  CHECK(tables->spinLock() == 1001);

  // The usual NMS pattern: the lock first, then the row. A stale lock refuses the whole PDU.
  const auto before = kernel();
  outcome = set({lock(1000), vb(kRowStatus, kNew, integer(kCreateAndGo)), vb(kIfIndex, kNew, integer(2))});
  CHECK(outcome.error == SetError::InconsistentValue);
  CHECK(outcome.varbind == 1);
  CHECK(kernel() == before);
  outcome = set({vb(kRowStatus, kNew, integer(kCreateAndGo)), vb(kIfIndex, kNew, integer(2)), lock(5)});
  CHECK(outcome.error == SetError::InconsistentValue);
  CHECK(outcome.varbind == 3);
  CHECK(kernel() == before);
  REQUIRE(
      set({lock(1001), vb(kRowStatus, kNew, integer(kCreateAndGo)), vb(kIfIndex, kNew, integer(2))}).ok());
  CHECK(address("192.0.2.77", 2));
  CHECK(tables->spinLock() == 1002);

  // A PDU that fails in ACTION leaves the lock where it was.
  backend->injectFault(Operation::DeleteAddress, Status::AccessDenied, 1);
  outcome = set({lock(1002), vb(kRowStatus, kNew, integer(kDestroy))});
  CHECK(outcome.error == SetError::CommitFailed);
  CHECK(outcome.varbind == 2);
  CHECK(tables->spinLock() == 1002);
  CHECK(address("192.0.2.77", 2));
}

TEST_CASE("ipAddressSpinLock wraps from 2^31-1 to 0", "[set][address][spinlock]") {
  IpAddressTablesOptions options;
  options.spinLockSeed = std::numeric_limits<std::int32_t>::max();
  Fixture f(options);
  REQUIRE(f.set({f.lock(std::numeric_limits<std::int32_t>::max())}).ok());
  CHECK(f.tables->spinLock() == 0);
  REQUIRE(f.set({f.lock(0)}).ok());
  CHECK(f.tables->spinLock() == 1);
}

TEST_CASE_METHOD(Fixture, "StorageType nonVolatile: served, listed, published only at COMMIT",
                 "[set][address][storage]") {
  REQUIRE(create(kNew, 2, {vb(kStorage, kNew, integer(kNonVolatile))}).ok());
  CHECK(get(kStorage, kNew) == "INTEGER: 3");
  const std::vector<PersistentAddress> one{persistent("192.0.2.77", 24, 2)};
  CHECK(tables->nonVolatile() == one);
  REQUIRE(published.size() == 1);
  CHECK(published.back() == one);

  // Two rows in one PDU: one call, with the complete list.
  REQUIRE(set({vb(kRowStatus, kNew6, integer(kCreateAndGo)), vb(kIfIndex, kNew6, integer(3)),
               vb(kStorage, kNew6, integer(kNonVolatile)), vb(kStorage, kExisting, integer(kNonVolatile))})
              .ok());
  REQUIRE(published.size() == 2);
  const std::vector<PersistentAddress> three{persistent("192.0.2.2", 24, 2), persistent("192.0.2.77", 24, 2),
                                             persistent("2001:db8:1::77", 64, 3)};
  CHECK(published.back() == three);
  CHECK(get(kStorage, kExisting) == "INTEGER: 3");
  // Nothing changes: no call.
  REQUIRE(set({vb(kStorage, kExisting, integer(kNonVolatile))}).ok());
  CHECK(published.size() == 2);

  // Refused in RESERVE2, or undone after a platform refusal: no call, list as before.
  SetOutcome outcome = set({vb(kStorage, kExisting, integer(kVolatile)), lock(7)});
  CHECK(outcome.error == SetError::InconsistentValue);
  backend->injectFault(Operation::SetAddress, Status::AccessDenied, 1);
  outcome = set({vb(kStorage, kExisting, integer(kVolatile)), vb(kStatus, kNew, integer(kDeprecated))});
  CHECK(outcome.error == SetError::CommitFailed);
  CHECK(outcome.varbind == 2);
  CHECK(published.size() == 2);
  CHECK(tables->nonVolatile() == three);
  CHECK(get(kStorage, kExisting) == "INTEGER: 3");

  // volatile again, and destroy: each drops its entry.
  REQUIRE(set({vb(kStorage, kExisting, integer(kVolatile))}).ok());
  CHECK(get(kStorage, kExisting) == "INTEGER: 2");
  REQUIRE(set({vb(kRowStatus, kNew6, integer(kDestroy))}).ok());
  REQUIRE(published.size() == 4);
  CHECK(published.back() == one);

  // Gone out of band: kept (re-applied at the next start) until destroyed through SNMP.
  REQUIRE(backend->apply("addr del 192.0.2.77/24 dev eth0").ok());
  settle();
  CHECK(get(kRowStatus, kNew) == "noSuchInstance");
  REQUIRE(set({lock(tables->spinLock())}).ok());
  CHECK(tables->nonVolatile() == one);
  REQUIRE(set({vb(kRowStatus, kNew, integer(kDestroy))}).ok());
  CHECK(tables->nonVolatile().empty());
  REQUIRE(published.size() == 5);
  CHECK(published.back().empty());
}

TEST_CASE_METHOD(Fixture, "start-up list: served nonVolatile, no callback", "[set][address][storage]") {
  tables->setNonVolatile({persistent("192.0.2.2", 24, 2), persistent("203.0.113.1", 32, 2)});
  CHECK(get(kStorage, kExisting) == "INTEGER: 3");
  CHECK(published.empty());
  REQUIRE(backend->apply("addr add 203.0.113.1/32 dev eth0").ok());
  settle();
  CHECK(get(kStorage, v4(203, 0, 113, 1)) == "INTEGER: 3");
  tables->setNonVolatile({});
  CHECK(get(kStorage, kExisting) == "INTEGER: 2");
  CHECK(get(kStorage, v4(203, 0, 113, 1)) == "INTEGER: 2");
}

TEST_CASE_METHOD(Fixture, "addresses changed out of band between RESERVE2 and ACTION", "[set][address]") {
  SECTION("the address was added meanwhile: it stays as it is") {
    SetRequest request;
    REQUIRE(request.add(1, table(), col(kRowStatus, kNew), integer(kCreateAndGo)) == SetError::NoError);
    REQUIRE(request.add(2, table(), col(kIfIndex, kNew), integer(2)) == SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("addr add 192.0.2.77/32 dev eth0").ok());
    const SetOutcome outcome = request.execute();
    CHECK(outcome.error == SetError::InconsistentValue);
    CHECK(outcome.varbind == 1);
    request.discard();
    CHECK(address("192.0.2.77", 2)->onLinkPrefixLength == 32);
  }
  SECTION("the address was deleted meanwhile: nothing is recreated") {
    SetRequest request;
    REQUIRE(request.add(1, table(), col(kStatus, kExisting), integer(kDeprecated)) == SetError::NoError);
    REQUIRE(request.prepare(context).ok());
    REQUIRE(backend->apply("addr del 192.0.2.2/24 dev eth0").ok());
    const SetOutcome outcome = request.execute();
    CHECK(outcome.error == SetError::InconsistentValue);
    request.discard();
    CHECK_FALSE(address("192.0.2.2", 2));
  }
}

TEST_CASE_METHOD(Fixture, "a refusal in ACTION rolls back the whole PDU", "[set][address]") {
  REQUIRE(create(kNew, 2).ok());
  const auto before = kernel();
  const std::int32_t lockBefore = tables->spinLock();
  const Oid other = v4(192, 0, 2, 78);
  SECTION("commitFailed: every earlier change undone") {
    // Order in ACTION: the deletion (.77), the changes (lock, .2 deprecated), then the creations
    // (.78, which the platform refuses).
    backend->injectFault(Operation::CreateAddress, Status::AccessDenied, 1);
    const SetOutcome outcome =
        set({lock(lockBefore), vb(kRowStatus, other, integer(kCreateAndGo)), vb(kIfIndex, other, integer(2)),
             vb(kRowStatus, kNew, integer(kDestroy)), vb(kStatus, kExisting, integer(kDeprecated))});
    CHECK(outcome.error == SetError::CommitFailed);
    CHECK(outcome.varbind == 2);
    CHECK(kernel() == before);
    CHECK(tables->spinLock() == lockBefore);
    CHECK(get(kRowStatus, kNew) == "INTEGER: 1");
  }
  SECTION("undoFailed: the undo of the deletion is refused too") {
    backend->injectFault(Operation::CreateAddress, Status::AccessDenied, 2);
    const SetOutcome outcome =
        set({vb(kRowStatus, kNew, integer(kDestroy)), vb(kRowStatus, other, integer(kCreateAndGo)),
             vb(kIfIndex, other, integer(2))});
    CHECK(outcome.error == SetError::UndoFailed);
    CHECK(outcome.varbind == 2);
    CHECK(outcome.message.find("delete address 192.0.2.77/24 dev 2") != std::string::npos);
    CHECK_FALSE(address("192.0.2.77", 2));
  }
}

TEST_CASE("ipv6z rows when the table serves zones", "[set][address]") {
  IpAddressTablesOptions options;
  options.zones = ZoneStyle::KeepZone;
  Fixture f(options);
  const Oid zoned{4, 20, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77, 0, 0, 0, 3};
  const Oid zoneless = v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77});
  const auto before = f.kernel();
  SetOutcome outcome = f.create(zoneless, 3);
  CHECK(outcome.error == SetError::InconsistentName); // served as ipv6z, never as ipv6
  outcome = f.create(zoned, 2);
  CHECK(outcome.error == SetError::InconsistentValue); // the zone is interface 3
  CHECK(outcome.varbind == 2);
  CHECK(f.kernel() == before);
  REQUIRE(f.create(zoned, 3).ok());
  auto row = f.address("fe80::77%3", 3);
  REQUIRE(row);
  CHECK(row->onLinkPrefixLength == 64); // eth1's own link-local prefix
  CHECK(f.get(kRowStatus, zoned) == "INTEGER: 1");
  CHECK(f.get(kStorage, zoned) == "INTEGER: 2"); // made by a manager: volatile, not the kernel's
  REQUIRE(f.set({f.vb(kRowStatus, zoned, integer(kDestroy))}).ok());
  CHECK_FALSE(f.address("fe80::77%3", 3));
}
