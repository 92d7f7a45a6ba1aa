// Unit tests of ipmibd.conf directive parsing: strict, no silent defaults.
#include "agent/common/daemon_config.h"

#include "agent/common/table_set.h"
#include "platform/sim/sim_backend.h"
#include "tables/engine/row_writer.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace ipmibd::agent;

namespace {
std::optional<std::string> apply(DaemonConfig& config, std::string_view token, std::string_view args) {
  for (const Directive& d : directives())
    if (d.token == token) return d.apply(config, args, "/etc/snmp");
  FAIL("no directive " << token);
  return std::nullopt;
}
} // namespace

TEST_CASE("config: backend directive", "[agent][config]") {
  DaemonConfig c;
  CHECK(validate(c)); // no default backend
  CHECK_FALSE(apply(c, "backend", "linux"));
  CHECK(std::get<LinuxBackendSpec>(c.backend).netns.empty());
  CHECK(apply(c, "backend", "sim x.scn")); // only one backend

  DaemonConfig n;
  CHECK_FALSE(apply(n, "backend", "linux netns blue"));
  CHECK(std::get<LinuxBackendSpec>(n.backend).netns == "blue");
  CHECK_FALSE(validate(n));

  DaemonConfig s;
  CHECK_FALSE(apply(s, "backend", "sim scenarios/demo.scn"));
  CHECK(std::get<SimBackendSpec>(s.backend).scenario == "/etc/snmp/scenarios/demo.scn");

  DaemonConfig bad;
  CHECK(apply(bad, "backend", ""));
  CHECK(apply(bad, "backend", "windows"));
  CHECK(apply(bad, "backend", "linux netns"));
  CHECK(apply(bad, "backend", "linux blue"));
  CHECK(apply(bad, "backend", "sim"));
  CHECK(apply(bad, "backend", "sim a b"));
}

TEST_CASE("config: routeTable directive", "[agent][config]") {
  DaemonConfig c;
  CHECK(c.effectiveRouteTables() == std::vector<std::uint32_t>{254});
  CHECK_FALSE(apply(c, "routeTable", "main"));
  CHECK_FALSE(apply(c, "routeTable", "100"));
  CHECK(c.effectiveRouteTables() == std::vector<std::uint32_t>{254, 100});
  CHECK(apply(c, "routeTable", "254")); // duplicate
  CHECK(apply(c, "routeTable", "0"));
  CHECK(apply(c, "routeTable", "-1"));
  CHECK(apply(c, "routeTable", "4294967296"));
  CHECK(apply(c, "routeTable", "12abc"));
  CHECK(apply(c, "routeTable", "1 2"));
}

TEST_CASE("config: agentxPriority and agentxContext", "[agent][config]") {
  DaemonConfig c;
  CHECK(c.effectivePriority() == 127);
  CHECK(c.effectiveContext().empty());
  CHECK_FALSE(apply(c, "agentxPriority", "1"));
  CHECK(c.effectivePriority() == 1);
  CHECK(apply(c, "agentxPriority", "2")); // twice
  DaemonConfig d;
  CHECK(apply(d, "agentxPriority", "0"));
  CHECK(apply(d, "agentxPriority", "256"));
  CHECK(apply(d, "agentxPriority", "high"));
  CHECK_FALSE(apply(d, "agentxContext", "vrf-blue"));
  CHECK(d.effectiveContext() == "vrf-blue");
  CHECK(apply(d, "agentxContext", "other"));
  DaemonConfig e;
  CHECK(apply(e, "agentxContext", ""));
  CHECK(apply(e, "agentxContext", "two words"));
}

TEST_CASE("config: context directive", "[agent][config]") {
  DaemonConfig c;
  REQUIRE_FALSE(apply(c, "backend", "linux netns host"));
  CHECK_FALSE(apply(c, "context", "blue netns tenant-blue"));
  CHECK_FALSE(apply(c, "context", "pol table 100"));
  CHECK_FALSE(apply(c, "context", "loc table local"));
  CHECK_FALSE(apply(c, "context", "auto netns"));
  REQUIRE(c.contexts.size() == 3);
  CHECK(c.contexts[0] == ContextSpec{"blue", ContextSpec::Kind::Netns, "tenant-blue", 0, ""});
  CHECK(c.contexts[1] == ContextSpec{"pol", ContextSpec::Kind::Table, "", 100, ""});
  CHECK(c.contexts[2].table == 255);
  CHECK(c.autoNetns);
  CHECK_FALSE(validate(c));
  CHECK(apply(c, "context", "blue table 7"));           // the name again
  CHECK(apply(c, "context", "auto netns"));             // twice
  CHECK(apply(c, "context", "auto table 5"));           // reserved
  CHECK(apply(c, "context", "x table 0"));              // no table 0
  CHECK(apply(c, "context", "x table many"));           // not a number
  CHECK(apply(c, "context", "x vrf"));                  // no VRF
  CHECK(apply(c, "context", "x vrf a/b"));              // not a device name
  CHECK(apply(c, "context", "x vrf abcdefghijklmnop")); // 16 characters: longer than IFNAMSIZ allows
  CHECK(apply(c, "context", "auto vrf x"));             // auto takes no name
  CHECK(apply(c, "context", "x netns"));                // no namespace
  CHECK(apply(c, "context", "auto"));                   // incomplete
  DaemonConfig d;
  REQUIRE_FALSE(apply(d, "backend", "linux"));
  REQUIRE_FALSE(apply(d, "agentxContext", "main"));
  REQUIRE_FALSE(apply(d, "context", "main table 100"));
  CHECK(validate(d)); // the default instance's own context
  DaemonConfig sim;
  REQUIRE_FALSE(apply(sim, "backend", "sim demo.scn"));
  REQUIRE_FALSE(apply(sim, "context", "pol table 100"));
  CHECK_FALSE(validate(sim)); // a table of the simulator
  REQUIRE_FALSE(apply(sim, "context", "blue netns x"));
  CHECK(validate(sim)); // namespaces need linux
  DaemonConfig simAuto;
  REQUIRE_FALSE(apply(simAuto, "backend", "sim demo.scn"));
  REQUIRE_FALSE(apply(simAuto, "context", "auto netns"));
  CHECK(validate(simAuto));
  // VRF contexts: of the default instance's namespace, with either backend.
  DaemonConfig vrf;
  REQUIRE_FALSE(apply(vrf, "backend", "sim demo.scn"));
  CHECK_FALSE(apply(vrf, "context", "tenant-a vrf blue"));
  CHECK_FALSE(apply(vrf, "context", "auto vrf"));
  REQUIRE(vrf.contexts.size() == 1);
  CHECK(vrf.contexts[0].kind == ContextSpec::Kind::Vrf);
  CHECK(vrf.contexts[0].vrf == "blue");
  CHECK(vrf.contexts[0].name == "tenant-a");
  CHECK(vrf.autoVrf);
  CHECK_FALSE(vrf.autoNetns);
  CHECK_FALSE(validate(vrf));
  CHECK(apply(vrf, "context", "auto vrf"));          // twice
  CHECK(apply(vrf, "context", "tenant-a vrf red"));  // the name again
  CHECK_FALSE(apply(vrf, "context", "red vrf red")); // named as its VRF
}

TEST_CASE("config: stateFile directive", "[agent][config]") {
  DaemonConfig c;
  CHECK_FALSE(c.effectiveStateFile()); // no backend, no file
  CHECK_FALSE(apply(c, "backend", "linux"));
  CHECK(c.effectiveStateFile() == std::filesystem::path("/var/lib/ipmibd/state"));
  CHECK_FALSE(apply(c, "stateFile", "none"));
  CHECK_FALSE(c.effectiveStateFile());
  CHECK(apply(c, "stateFile", "/x")); // once only

  DaemonConfig relative;
  CHECK_FALSE(apply(relative, "stateFile", "../lib/state"));
  CHECK(relative.effectiveStateFile() == std::filesystem::path("/etc/lib/state"));

  // A namespace or the simulator has no default: two daemons must never share one file.
  DaemonConfig netns;
  CHECK_FALSE(apply(netns, "backend", "linux netns blue"));
  CHECK_FALSE(netns.effectiveStateFile());
  CHECK_FALSE(apply(netns, "stateFile", "/var/lib/ipmibd/state.blue"));
  CHECK(netns.effectiveStateFile() == std::filesystem::path("/var/lib/ipmibd/state.blue"));

  DaemonConfig bad;
  CHECK(apply(bad, "stateFile", ""));
  CHECK(apply(bad, "stateFile", "/a /b"));
  CHECK(apply(bad, "stateFile", "/var/lib/ipmibd/"));
}

TEST_CASE("config: eventReceiveBuffer", "[agent][config]") {
  DaemonConfig c;
  CHECK_FALSE(c.eventReceiveBuffer);
  CHECK_FALSE(apply(c, "eventReceiveBuffer", "4096"));
  CHECK(c.eventReceiveBuffer == 4096);
  CHECK(apply(c, "eventReceiveBuffer", "8192")); // twice
  CHECK(validate(c));                            // no backend yet
  CHECK_FALSE(apply(c, "backend", "linux"));
  CHECK_FALSE(validate(c));
  DaemonConfig sim;
  CHECK_FALSE(apply(sim, "backend", "sim x.scn"));
  CHECK_FALSE(apply(sim, "eventReceiveBuffer", "65536"));
  CHECK(validate(sim)); // the simulator has no socket
  DaemonConfig bad;
  CHECK(apply(bad, "eventReceiveBuffer", "1023"));
  CHECK(apply(bad, "eventReceiveBuffer", "1073741825"));
  CHECK(apply(bad, "eventReceiveBuffer", "-1"));
  CHECK(apply(bad, "eventReceiveBuffer", "1M"));
  CHECK(apply(bad, "eventReceiveBuffer", ""));
  CHECK(apply(bad, "eventReceiveBuffer", "1 2"));
}

TEST_CASE("config: notification directives", "[agent][config]") {
  DaemonConfig d;
  CHECK(d.notify.effectiveEnabled());
  CHECK(d.notify.options().ratePerSecond == 50);
  CHECK(d.notify.options().announceSnmpChanges);
  CHECK(d.notify.options().tables == ipmibd::tables::NotifyKinds{true, true, true, true});
  CHECK_FALSE(d.notify.effectiveLinkUpDown());

  DaemonConfig c;
  CHECK_FALSE(apply(c, "notifications", "off"));
  CHECK_FALSE(c.notify.effectiveEnabled());
  CHECK(apply(c, "notifications", "on")); // only once
  CHECK_FALSE(apply(c, "notifyKinds", "route address"));
  CHECK(c.notify.options().tables == ipmibd::tables::NotifyKinds{true, false, true, false});
  CHECK_FALSE(apply(c, "notifyRate", "0"));
  CHECK(c.notify.options().ratePerSecond == 0);
  CHECK_FALSE(apply(c, "notifySnmpChanges", "no"));
  CHECK_FALSE(c.notify.options().announceSnmpChanges);
  CHECK_FALSE(apply(c, "notifyLinkUpDown", "yes"));
  CHECK(c.notify.effectiveLinkUpDown());
  CHECK(apply(c, "notifyLinkUpDown", "no")); // only once
  CHECK_FALSE(c == d);

  DaemonConfig bad;
  CHECK(apply(bad, "notifications", ""));
  CHECK(apply(bad, "notifications", "maybe"));
  CHECK(apply(bad, "notifyKinds", ""));
  CHECK(apply(bad, "notifyKinds", "route link"));
  CHECK(apply(bad, "notifyRate", "-1"));
  CHECK(apply(bad, "notifyRate", "100001"));
  CHECK(apply(bad, "notifyRate", "5/s"));
  CHECK(apply(bad, "notifySnmpChanges", "yes no"));
  CHECK(apply(bad, "notifyLinkUpDown", ""));
  CHECK(apply(bad, "notifyLinkUpDown", "sometimes"));
  CHECK(bad == DaemonConfig{});
}

namespace {
// The objects the agent would register writable under `config` (Service::start asks writable()),
// by name, with their OIDs; every object ipmibd serves with a writer, over the simulator.
std::map<std::string, std::string> writableObjects(const DaemonConfig& config) {
  ipmibd::platform::sim::SimBackend backend;
  std::vector<std::string> attachErrors;
  TableSet tables(backend, attachErrors);
  std::map<std::string, std::string> out;
  for (const ipmibd::tables::MibObject* object : tables.objects())
    if (config.writable(*object)) {
      CHECK(out.count(std::string(object->name())) == 0); // one object per writeAccess name
      out[std::string(object->name())] = object->base().toString();
    }
  return out;
}
} // namespace

TEST_CASE("config: writeAccess", "[agent][config]") {
  DaemonConfig none;
  CHECK(writableObjects(none).empty()); // the default: read-only
  CHECK_FALSE(apply(none, "writeAccess", "none"));
  CHECK(writableObjects(none).empty());

  // `all`: every object with a writer, each under a name writeAccess accepts, and every accepted
  // name is one such object (a name that enabled nothing would be a silent no-op).
  DaemonConfig all;
  CHECK_FALSE(apply(all, "writeAccess", "all"));
  const auto everything = writableObjects(all);
  std::vector<std::string> names;
  for (const auto& [name, oid] : everything)
    names.push_back(name);
  std::vector<std::string> accepted(writableObjectNames().begin(), writableObjectNames().end());
  std::ranges::sort(accepted);
  CHECK(names == accepted);

  // The deprecated tables' names: accepted together, each enabling exactly its own table.
  DaemonConfig views;
  CHECK_FALSE(apply(views, "writeAccess", "ipNetToMediaTable,ipCidrRouteTable,ipRouteTable"));
  REQUIRE(views.writeAccess);
  CHECK_FALSE(views.writeAccess->all);
  CHECK(views.writeAccess->objects ==
        std::vector<std::string>{"ipNetToMediaTable", "ipCidrRouteTable", "ipRouteTable"});
  CHECK(writableObjects(views) ==
        std::map<std::string, std::string>{{"ipCidrRouteTable", "1.3.6.1.2.1.4.24.4.1"},
                                           {"ipNetToMediaTable", "1.3.6.1.2.1.4.22.1"},
                                           {"ipRouteTable", "1.3.6.1.2.1.4.21.1"}});
  CHECK_FALSE(views.writeAllowed("inetCidrRouteTable"));   // the views write through the current
  CHECK_FALSE(views.writeAllowed("ipNetToPhysicalTable")); // tables' writers, not their permission
  const std::pair<const char*, const char*> each[] = {{"ipNetToMediaTable", "1.3.6.1.2.1.4.22.1"},
                                                      {"ipCidrRouteTable", "1.3.6.1.2.1.4.24.4.1"},
                                                      {"ipRouteTable", "1.3.6.1.2.1.4.21.1"}};
  for (const auto& [name, oid] : each) {
    DaemonConfig one;
    CHECK_FALSE(apply(one, "writeAccess", name));
    CHECK(writableObjects(one) == std::map<std::string, std::string>{{name, oid}});
  }
  // ... and the current tables' names do not enable their views.
  DaemonConfig current;
  CHECK_FALSE(apply(current, "writeAccess", "inetCidrRouteTable,ipNetToPhysicalTable"));
  CHECK(writableObjects(current) ==
        std::map<std::string, std::string>{{"inetCidrRouteTable", "1.3.6.1.2.1.4.24.7.1"},
                                           {"ipNetToPhysicalTable", "1.3.6.1.2.1.4.35.1"}});

  // A duplicate is kept once; names with `all`/`none`, a second line and an empty list are refused.
  DaemonConfig twice;
  CHECK_FALSE(apply(twice, "writeAccess", "ipRouteTable, ipRouteTable"));
  CHECK(twice.writeAccess->objects == std::vector<std::string>{"ipRouteTable"});
  CHECK(apply(twice, "writeAccess", "ipCidrRouteTable"));
  DaemonConfig bad;
  CHECK(apply(bad, "writeAccess", ""));
  CHECK(apply(bad, "writeAccess", "all,ipRouteTable"));
  CHECK(apply(bad, "writeAccess", "ipRouteTable none"));
  CHECK_FALSE(bad.writeAccess);

  // A misspelt name refuses the line (nothing enabled) and lists every name there is.
  DaemonConfig typo;
  const auto error = apply(typo, "writeAccess", "ipNetToMediaTable,ipCidrRoutTable");
  REQUIRE(error);
  CHECK(error->starts_with(
      "writeAccess: 'ipCidrRoutTable' is not a writable object (known: inetCidrRouteTable, "));
  for (std::string_view name : writableObjectNames())
    CHECK(error->find(std::string(name)) != std::string::npos);
  CHECK(error->find("ipNetToMediaTable, ipCidrRouteTable, ipRouteTable)") != std::string::npos);
  CHECK_FALSE(typo.writeAccess);
  CHECK(apply(typo, "writeAccess", "iprouteTable")); // names are case-sensitive, as in the MIBs
}

TEST_CASE("config: conf/ipmibd.conf documents every writeAccess name", "[agent][config]") {
  std::ifstream file(IPMIBD_SOURCE_DIR "/conf/ipmibd.conf");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  // The writeAccess comment: from its heading to the example line.
  const std::string conf = text.str();
  const auto begin = conf.find("# Which objects accept SET requests");
  const auto end = conf.find("# writeAccess ", begin);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const std::string comment = conf.substr(begin, end - begin);
  for (std::string_view name : writableObjectNames()) {
    INFO(name);
    CHECK(std::regex_search(comment, std::regex("[^A-Za-z0-9]" + std::string(name) + "[^A-Za-z0-9]")));
  }
}
