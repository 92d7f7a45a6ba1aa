// IpDefaultRouterTable over the simulator: static IPv4/IPv6 and RA-learned default routers, the
// lifetime counting down from the route's expiry, RFC 4191 preferences, refreshes, expiry and the
// Debian-compatible option.
#include "platform/sim/sim_backend.h"
#include "tables/ip_mib/ip_default_router_table.h"
#include "tests/tables/ip_tables_test_support.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;
using namespace std::chrono_literals;
using ipmibd::platform::Result;

namespace {

// lo (1), v1 (2), v0 (3); a static IPv4 and IPv6 default router and one learned from an RA.
const char* kScenario = R"(
link add v0 type veth peer v1
link set v0 up
link set v1 up
addr add 192.0.2.1/24 dev v0
addr add 2001:db8:1::1/64 dev v0
route add default via 192.0.2.254 dev v0
route add default via 2001:db8:1::fe dev v0 metric 2048
route add default via fe80::1 dev v0 proto ra metric 1024 expires 1800 pref high
route add 198.51.100.0/24 via 192.0.2.254 dev v0
)";

// Instance suffixes below ipDefaultRouterEntry.<column>.
const std::string kV4 = "1.4.192.0.2.254.3";
const std::string kV6Static = "2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.254.3";
const std::string kV6Ra = "2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1.3";

struct Fixture {
  explicit Fixture(IpDefaultRouterOptions options = {}) : table(options) {
    backend = testing::makeSim(kScenario);
    REQUIRE(table.attach(*backend).ok());
    settle();
  }
  void settle() { testing::settle(*backend, table); }
  void run(const std::string& command) {
    INFO(command);
    Result r = backend->apply(command);
    INFO(r.toString());
    REQUIRE(r.ok());
    settle();
  }
  RequestContext context() const { return RequestContext(backend->now(), backend->now() - 10s); }
  std::vector<std::string> walk() const { return testing::walk(table.table(), context()); }
  std::string get(SubId column, const std::string& index) const {
    return testing::get(table.table(), IpDefaultRouterTable::entryOid() + Oid{column} + *Oid::parse(index),
                        context());
  }

  std::unique_ptr<ipmibd::platform::sim::SimBackend> backend;
  IpDefaultRouterTable table;
};

} // namespace

TEST_CASE("ipDefaultRouterTable serves static and RA-learned default routers", "[ip_default_router][sim]") {
  Fixture f;
  CHECK(f.walk() == std::vector<std::string>{
                        "4." + kV4 + "=Unsigned32: 65535",
                        "4." + kV6Static + "=Unsigned32: 65535",
                        "4." + kV6Ra + "=Unsigned32: 1800",
                        "5." + kV4 + "=INTEGER: 0",
                        "5." + kV6Static + "=INTEGER: 0",
                        "5." + kV6Ra + "=INTEGER: 1",
                    });
  CHECK(f.table.rowCount() == 3);
  // Index columns are not accessible; no other column exists.
  CHECK(f.get(3, kV4) == "noSuchObject");
  CHECK(f.get(6, kV4) == "noSuchObject");
  CHECK(f.get(4, "1.4.192.0.2.253.3") == "noSuchInstance");
}

TEST_CASE("ipDefaultRouterLifetime counts down from the expiry without any change",
          "[ip_default_router][sim]") {
  Fixture f;
  f.backend->advance(100s);
  CHECK(f.get(4, kV6Ra) == "Unsigned32: 1700");
  f.backend->advance(1699s);
  CHECK(f.get(4, kV6Ra) == "Unsigned32: 1");
  CHECK(f.get(4, kV4) == "Unsigned32: 65535");
  // Ran out: not served even before the platform removes the route, then gone for good.
  f.backend->advance(1s);
  CHECK(f.get(4, kV6Ra) == "noSuchInstance");
  CHECK(f.get(5, kV6Ra) == "noSuchInstance");
  f.settle();
  CHECK(f.table.rowCount() == 2);
  CHECK(f.walk().size() == 4);
}

TEST_CASE("a new router advertisement refreshes lifetime and preference", "[ip_default_router][sim]") {
  Fixture f;
  f.backend->advance(1000s);
  CHECK(f.get(4, kV6Ra) == "Unsigned32: 800");
  f.run("route replace default via fe80::1 dev v0 proto ra metric 1024 expires 600 pref low");
  CHECK(f.get(4, kV6Ra) == "Unsigned32: 600");
  CHECK(f.get(5, kV6Ra) == "INTEGER: -1");
  f.run("route replace default via fe80::1 dev v0 proto ra metric 1024 expires 70000 pref medium");
  CHECK(f.get(4, kV6Ra) == "Unsigned32: 65535"); // Unsigned32 (0..65535)
  CHECK(f.get(5, kV6Ra) == "INTEGER: 0");
}

TEST_CASE("default routes come and go with route changes", "[ip_default_router][sim]") {
  Fixture f;
  f.run("route del default via 192.0.2.254 dev v0");
  CHECK(f.get(4, kV4) == "noSuchInstance");
  f.run("route add default via 192.0.2.253 dev v0 metric 10");
  CHECK(f.get(4, "1.4.192.0.2.253.3") == "Unsigned32: 65535");
  // The same router in two metrics is one row, until neither route is left.
  f.run("route add default via 192.0.2.253 dev v0 metric 20");
  CHECK(f.table.rowCount() == 3);
  f.run("route del default via 192.0.2.253 dev v0 metric 10");
  CHECK(f.get(4, "1.4.192.0.2.253.3") == "Unsigned32: 65535");
  f.run("route del default via 192.0.2.253 dev v0 metric 20");
  CHECK(f.get(4, "1.4.192.0.2.253.3") == "noSuchInstance");
  // Not default routers: an on-link default route and a reject one.
  f.run("route add default dev v0 metric 30");
  f.run("route add unreachable default metric 40");
  CHECK(f.table.rowCount() == 2);
  // The link goes away and the routes through it with it.
  f.run("link del v0");
  CHECK(f.walk().empty());
}

TEST_CASE("ipDefaultRouterTable can leave static IPv6 routers out, as Debian", "[ip_default_router][sim]") {
  IpDefaultRouterOptions options;
  options.includeStaticIpv6 = false;
  Fixture f(options);
  CHECK(f.table.rowCount() == 2);
  CHECK(f.get(4, kV6Static) == "noSuchInstance");
  CHECK(f.get(4, kV6Ra) == "Unsigned32: 1800");
}
