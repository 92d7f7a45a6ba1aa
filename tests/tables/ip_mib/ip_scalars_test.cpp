// IpScalars over the simulator: ipForwarding, ipDefaultTTL, ipv6IpForwarding and ipv6IpDefaultHopLimit
// values (as Debian's snmpd serves them), their lazy refresh, GETNEXT order and SET validators.
#include "tables/ip_mib/ip_scalars.h"

#include "tests/tables/ip_tables_test_support.h"

using namespace ipmibd::tables;
using namespace ipmibd::tables::testing;
using namespace std::chrono_literals;
using ipmibd::platform::Status;
using ipmibd::platform::sim::Operation;
using Strings = std::vector<std::string>;

namespace {

struct Fixture {
  std::unique_ptr<ipmibd::platform::sim::SimBackend> sim = makeSim();
  ipmibd::platform::Timestamp origin = sim->now();
  IpScalars scalars;

  Fixture() { REQUIRE(scalars.attach(*sim, origin).ok()); }
  RequestContext at(std::chrono::milliseconds sinceOrigin) const { return {origin + sinceOrigin, origin}; }
  // All four by GETNEXT, as "OID=value".
  Strings walkAll(const RequestContext& context) const {
    Strings out;
    for (const MibObject* object : scalars.objects())
      for (const std::string& line : walk(*object, context))
        out.push_back(object->base().toString() + "." + line);
    return out;
  }
};

} // namespace

TEST_CASE_METHOD(Fixture, "IP scalars match Debian's snmpd in a fresh namespace", "[ip_scalars]") {
  // /tmp/refsnmp: ipForwarding.0 = notForwarding(2), ipDefaultTTL.0 = 64,
  // ipv6IpForwarding.0 = notForwarding(2), ipv6IpDefaultHopLimit.0 = 64.
  CHECK(walkAll(at(0ms)) == Strings{
                                "1.3.6.1.2.1.4.1.0=INTEGER: 2",
                                "1.3.6.1.2.1.4.2.0=INTEGER: 64",
                                "1.3.6.1.2.1.4.13.0=INTEGER: 30",
                                "1.3.6.1.2.1.4.25.0=INTEGER: 2",
                                "1.3.6.1.2.1.4.26.0=INTEGER: 64",
                            });
  CHECK(get(*scalars.objects()[0], IpScalars::forwardingOid() + Oid{1}, at(0ms)) == "noSuchInstance");
  CHECK(get(*scalars.objects()[0], IpScalars::forwardingOid() + Oid{0, 0}, at(0ms)) == "noSuchInstance");
  CHECK(scalars.backendReads() == 1);
}

TEST_CASE_METHOD(Fixture, "IP scalars follow sysctl changes at the next refresh", "[ip_scalars]") {
  REQUIRE(sim->apply("sysctl net.ipv4.ip_forward=1").ok());
  REQUIRE(sim->apply("sysctl net.ipv4.ip_default_ttl=128").ok());
  REQUIRE(sim->apply("sysctl net.ipv6.conf.all.forwarding=1").ok());
  REQUIRE(sim->apply("sysctl net.ipv6.conf.default.hop_limit=255").ok());
  // Still the cached values within the refresh interval.
  CHECK(walkAll(at(999ms)) == Strings{
                                  "1.3.6.1.2.1.4.1.0=INTEGER: 2",
                                  "1.3.6.1.2.1.4.2.0=INTEGER: 64",
                                  "1.3.6.1.2.1.4.13.0=INTEGER: 30",
                                  "1.3.6.1.2.1.4.25.0=INTEGER: 2",
                                  "1.3.6.1.2.1.4.26.0=INTEGER: 64",
                              });
  CHECK(scalars.backendReads() == 1);
  // One PDU after the interval: one read for all four.
  CHECK(walkAll(at(1s)) == Strings{
                               "1.3.6.1.2.1.4.1.0=INTEGER: 1",
                               "1.3.6.1.2.1.4.2.0=INTEGER: 128",
                               "1.3.6.1.2.1.4.13.0=INTEGER: 30",
                               "1.3.6.1.2.1.4.25.0=INTEGER: 1",
                               "1.3.6.1.2.1.4.26.0=INTEGER: 255",
                           });
  CHECK(scalars.backendReads() == 2);
}

TEST_CASE_METHOD(Fixture, "IP scalars: a failed read keeps the last values", "[ip_scalars]") {
  REQUIRE(sim->apply("sysctl net.ipv4.ip_forward=1").ok());
  sim->injectFault(Operation::GetGlobal, Status::GeneralFailure, 2);
  CHECK(get(*scalars.objects()[0], IpScalars::forwardingOid() + Oid{0}, at(2s)) == "INTEGER: 2");
  CHECK(get(*scalars.objects()[0], IpScalars::forwardingOid() + Oid{0}, at(3s)) == "INTEGER: 1");
}

TEST_CASE("IP scalars without a successful read have no instance", "[ip_scalars]") {
  auto sim = makeSim();
  auto origin = sim->now();
  IpScalars scalars;
  sim->injectFault(Operation::GetGlobal, Status::GeneralFailure, 2);
  CHECK_FALSE(scalars.attach(*sim, origin).ok());
  RequestContext context(origin + 500ms, origin);
  CHECK(get(*scalars.objects()[1], IpScalars::defaultTtlOid() + Oid{0}, context) == "noSuchInstance");
  CHECK_FALSE(scalars.objects()[1]->getNextOid(IpScalars::defaultTtlOid(), context));
}

TEST_CASE("IP scalars are declared read-write with validators for the SET issue", "[ip_scalars]") {
  IpScalars scalars;
  for (const MibObject* object : scalars.objects()) {
    const auto* scalar = dynamic_cast<const MibScalar*>(object);
    REQUIRE(scalar);
    // ipReasmTimeout is read-only in the MIB; the four settings are read-write.
    CHECK(scalar->access() ==
          (scalar->base() == IpScalars::reasmTimeoutOid() ? Access::ReadOnly : Access::ReadWrite));
    CHECK(scalar->syntax() == Syntax::Integer32);
  }
  CHECK(IpScalars::validForwarding(Value::integer32(1)));
  CHECK(IpScalars::validForwarding(Value::integer32(2)));
  CHECK_FALSE(IpScalars::validForwarding(Value::integer32(0)));
  CHECK_FALSE(IpScalars::validForwarding(Value::integer32(3)));
  CHECK_FALSE(IpScalars::validForwarding(Value::unsigned32(1)));
  CHECK(IpScalars::validDefaultTtl(Value::integer32(1)));
  CHECK(IpScalars::validDefaultTtl(Value::integer32(255)));
  CHECK_FALSE(IpScalars::validDefaultTtl(Value::integer32(0)));
  CHECK_FALSE(IpScalars::validDefaultTtl(Value::integer32(256)));
  CHECK_FALSE(IpScalars::validDefaultTtl(Value::integer32(-1)));
  CHECK(IpScalars::validDefaultHopLimit(Value::integer32(64)));
  CHECK_FALSE(IpScalars::validDefaultHopLimit(Value::integer32(0)));
  CHECK_FALSE(IpScalars::validDefaultHopLimit(Value::integer32(256)));
}
