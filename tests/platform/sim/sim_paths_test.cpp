// Tests of the simulator's IP paths beyond the conformance cases (issue 19): the `path` scenario
// syntax and its errors, what the model refuses, expiry on the manual clock, and a link's deletion.
#include "platform/sim/scenario_parser.h"
#include "tests/platform/sim/scenario_line.h"
#include "tests/platform/sim/sim_test_support.h"

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;
using namespace ipmibd::platform::sim::test;

TEST_CASE("scenario syntax: path add, del and flush", "[sim][parser][paths]") {
  const auto add =
      command<PathCommand>("path add 198.18.0.2 dev eth0 via 192.0.2.9 mtu 1280 expires 600 src 192.0.2.1 "
                           "rtt 900 rttvar 300");
  CHECK(add.action == PathCommand::Action::Add);
  CHECK(add.destination == ip("198.18.0.2"));
  CHECK(add.device == "eth0");
  CHECK(add.gateway == ip("192.0.2.9"));
  CHECK(add.mtu == 1280u);
  CHECK(add.expires == 600u);
  CHECK(add.source == ip("192.0.2.1"));
  CHECK(add.rtt == 900u);
  CHECK(add.rttvar == 300u);
  const auto del = command<PathCommand>("path del 2001:db8:f::2 dev eth0");
  CHECK(del.action == PathCommand::Action::Delete);
  CHECK(command<PathCommand>("-6 path flush").family == Family::V6);
  CHECK(command<PathCommand>("path flush").family == Family::Unspecified);

  CHECK(error("path add 198.18.0.2 mtu 1280").find("needs 'dev NAME'") != std::string::npos);
  CHECK(error("path add 198.18.0.2 dev eth0").find("needs mtu, via or rtt") != std::string::npos);
  CHECK(error("path add 198.18.0.2 dev eth0 mtu 60").find("invalid mtu") != std::string::npos);
  CHECK(error("path add 198.18.0.2 rttvar 5").find("'rttvar' needs 'rtt'") != std::string::npos);
  CHECK(error("path add 198.18.0.2 dev eth0 mtu 1280 src 192.0.2.1").find("TCP metric") != std::string::npos);
  CHECK(error("path del 198.18.0.2 mtu 1280").find("mtu") != std::string::npos);
  CHECK(error("path flush now").find("now") != std::string::npos);
  CHECK(error("path move 198.18.0.2").find("unknown path verb") != std::string::npos);
  CHECK(error("-4 path add 2001:db8::1 rtt 5").find("is not an") != std::string::npos);
}

TEST_CASE("simulator paths: refusals, expiry, a link's deletion, delete", "[sim][paths]") {
  auto backend = load(std::string(kTwoLinks) + "route add 198.18.0.0/24 via 192.0.2.254 dev eth0\n");
  for (const auto& [line, why] : std::vector<std::pair<std::string, std::string>>{
           {"path add 198.18.0.2 dev eth0 mtu 1600", "outside 68..1500"},
           {"path add 2001:db8:f::2 dev eth0 mtu 1200", "outside 1280..1500"},
           {"path add 198.18.0.2 dev nonesuch mtu 1280", "nonesuch"},
           {"path add 198.18.0.2 dev eth0 via 2001:db8:1::9", "another family"},
           {"path add 198.18.0.2 src 2001:db8:1::1 rtt 5", "another family"},
           {"path del 198.18.0.77", "no path"},
       }) {
    const Result r = backend->apply(line);
    INFO(line << " -> " << r.toString());
    CHECK_FALSE(r.ok());
    CHECK(r.message.find(why) != std::string::npos);
  }

  REQUIRE(backend->apply("path add 198.18.0.2 dev eth0 mtu 1280 expires 10").ok());
  REQUIRE(backend->apply("path add 198.18.0.3 dev eth1 via 198.51.100.9").ok()); // a redirect
  std::vector<IpPathRow> rows;
  REQUIRE(backend->getIpPathTable(Family::V4, rows).ok());
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].destination == ip("198.18.0.2"));
  CHECK(rows[0].currentNextHop == ip("192.0.2.254")); // the route's gateway
  CHECK(rows[0].expires == 10);
  CHECK(rows[1].currentNextHop == ip("198.51.100.9"));
  CHECK(rows[1].pathMtu == 1500); // a redirect teaches no MTU: the interface's

  backend->advance(std::chrono::seconds(4));
  REQUIRE(backend->getIpPathTable(Family::V4, rows).ok());
  CHECK(rows[0].expires == 6);
  backend->advance(std::chrono::seconds(6));
  REQUIRE(backend->getIpPathTable(Family::V4, rows).ok());
  REQUIRE(rows.size() == 1); // expired
  CHECK(rows[0].destination == ip("198.18.0.3"));

  REQUIRE(backend->apply("link del eth1").ok()); // takes its exception along
  REQUIRE(backend->getIpPathTable(Family::Unspecified, rows).ok());
  CHECK(rows.empty());

  REQUIRE(backend->apply("path add 198.18.0.2 rtt 3000").ok());
  REQUIRE(backend->getIpPathTable(Family::Unspecified, rows).ok());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rttMean == 3);
  CHECK(rows[0].rttDeviationMicros == 1500); // rttvar defaults to half the RTT
  CHECK(rows[0].source == IpAddress::zero(Family::V4));
  REQUIRE(backend->apply("path del 198.18.0.2").ok());
  REQUIRE(backend->getIpPathTable(Family::Unspecified, rows).ok());
  CHECK(rows.empty());
}

} // namespace
