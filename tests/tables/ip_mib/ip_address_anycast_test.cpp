// IpAddressTables' anycast(2) rows over the simulator: the subnet-router anycasts a forwarding
// interface gets, anycast addresses joined by sockets (learnt by the periodic re-read), their
// prefix pointers and fixed columns, and the option that turns them off.
#include "platform/sim/sim_backend.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Result;
using ipmibd::platform::sim::SimBackend;
using ipmibd::platform::sim::SimOptions;

namespace {

// lo (1), v1 (2), v0 (3): 2001:db8:1::1/64 on v0; link-locals fe80::ff:fe00:101 (v1), fe80::ff:fe00:3 (v0).
const char* kScenario = R"(
link add v1 address 02:00:00:00:01:01 type ether
link set v1 up
link add v0 address 02:00:00:00:00:03 type ether
link set v0 up
addr add 2001:db8:1::1/64 dev v0
)";

const std::string kSubnetRouter = "2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0";    // 2001:db8:1::
const std::string kLinkLocalRouter = "2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.0"; // fe80:: (zone dropped)
const std::string kJoined = "2.16.32.1.13.184.0.9.0.0.0.0.0.0.0.0.0.1";          // 2001:db8:9::1

struct Fixture {
  explicit Fixture(IpAddressTablesOptions options = {}) {
    SimOptions simOptions;
    simOptions.manualClock = true;
    Result error;
    backend = SimBackend::fromScenario(kScenario, "test", error, simOptions);
    REQUIRE(backend);
    options.clock = [b = backend.get()] { return b->now(); };
    options.spinLockSeed = 1;
    tables = std::make_unique<IpAddressTables>(std::move(options));
    REQUIRE(tables->attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, *tables); }
  void run(const std::string& command) {
    INFO(command);
    const Result r = backend->apply(command);
    INFO(r.toString());
    REQUIRE(r.ok());
    settle();
  }
  RequestContext context() const { return RequestContext(backend->now(), backend->now()); }
  std::string get(SubId column, const std::string& index) const {
    const auto result = tables->addressTable().getOid(
        IpAddressTables::addressEntryOid() + Oid{column} + *Oid::parse(index), context());
    if (!std::holds_alternative<Value>(result)) return "none";
    return std::get<Value>(result).toString();
  }
  std::unique_ptr<SimBackend> backend;
  std::unique_ptr<IpAddressTables> tables;
};

TEST_CASE("ipAddressTable: subnet-router anycasts of a forwarding interface are anycast(2) rows",
          "[ip_mib][anycast]") {
  Fixture f;
  CHECK(f.get(4, kSubnetRouter) == "none");
  const auto before = f.tables->rowCount();
  // Forwarding on v0: an IP interface change, which makes the unit re-read at once.
  f.run("sysctl -w net.ipv6.conf.v0.forwarding=1");
  CHECK(f.get(4, kSubnetRouter) == "INTEGER: 2"); // anycast
  CHECK(f.get(3, kSubnetRouter) == "INTEGER: 3"); // v0
  CHECK(f.get(5, kSubnetRouter) == "OID: 1.3.6.1.2.1.4.32.1.5.3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.64");
  CHECK(f.get(6, kSubnetRouter) == "INTEGER: 1");  // other
  CHECK(f.get(7, kSubnetRouter) == "INTEGER: 1");  // preferred
  CHECK(f.get(11, kSubnetRouter) == "INTEGER: 4"); // permanent
  CHECK(f.get(4, kLinkLocalRouter) == "INTEGER: 2");
  CHECK(f.get(5, kLinkLocalRouter) ==
        "OID: 1.3.6.1.2.1.4.32.1.5.3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.0.64");
  CHECK(f.tables->rowCount() == before + 2);
  CHECK(f.tables->anycastCount() == 2);
  // The prefix row every anycast row points at is served.
  CHECK(std::holds_alternative<Value>(f.tables->prefixTable().getOid(
      *Oid::parse("1.3.6.1.2.1.4.32.1.5.3.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.0.64"), f.context())));

  // A new prefix on the forwarding interface: a unicast address change, and its anycast follows.
  f.run("addr add 2001:db8:2::1/64 dev v0");
  CHECK(f.get(4, "2.16.32.1.13.184.0.2.0.0.0.0.0.0.0.0.0.0") == "INTEGER: 2");
  f.run("addr del 2001:db8:2::1/64 dev v0");
  CHECK(f.get(4, "2.16.32.1.13.184.0.2.0.0.0.0.0.0.0.0.0.0") == "none");

  f.run("sysctl -w net.ipv6.conf.v0.forwarding=0");
  CHECK(f.get(4, kSubnetRouter) == "none");
  CHECK(f.get(4, kLinkLocalRouter) == "none");
  CHECK(f.tables->rowCount() == before);
}

TEST_CASE("ipAddressTable: a socket's anycast join shows at the periodic re-read", "[ip_mib][anycast]") {
  IpAddressTablesOptions options;
  options.anycastRefresh = 0s; // every applyPending re-reads: the refresh is due at once
  Fixture f(options);
  f.run("sysctl -w net.ipv6.conf.v0.forwarding=1");
  f.run("anycast join 2001:db8:9::1 dev v0"); // no event: only the re-read finds it
  CHECK(f.get(4, kJoined) == "INTEGER: 2");
  CHECK(f.get(5, kJoined) == "OID: 0.0"); // outside every prefix of v0
  f.run("anycast leave 2001:db8:9::1 dev v0");
  CHECK(f.get(4, kJoined) == "none");
}

TEST_CASE("ipAddressTable: a unicast address wins an index an anycast also claims; anycastRows off",
          "[ip_mib][anycast]") {
  Fixture f;
  f.run("sysctl -w net.ipv6.conf.v0.forwarding=1");
  // 2001:db8:1:: as a unicast address of v1 (Linux allows it on another link): served as unicast.
  f.run("addr add 2001:db8:1::/128 dev v1");
  CHECK(f.get(4, kSubnetRouter) == "INTEGER: 1");
  CHECK(f.tables->hiddenCount() >= 1);
  f.run("addr del 2001:db8:1::/128 dev v1");
  CHECK(f.get(4, kSubnetRouter) == "INTEGER: 2");

  IpAddressTablesOptions off;
  off.anycastRows = false;
  Fixture g(off);
  g.run("sysctl -w net.ipv6.conf.v0.forwarding=1");
  CHECK(g.get(4, kSubnetRouter) == "none");
  CHECK(g.tables->anycastCount() == 0);
}

} // namespace
