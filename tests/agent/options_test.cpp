// Unit tests of ipmibd's command-line parsing (snmpd-compatible switches).
#include "agent/daemon/options.h"

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using ipmibd::agent::parseOptions;
using ipmibd::agent::usageText;

namespace {
ipmibd::agent::ParsedOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "ipmibd");
  return parseOptions(static_cast<int>(args.size()), args.data());
}
} // namespace

TEST_CASE("options: snmpd-style switches", "[agent][options]") {
  const auto p =
      parse({"-f", "-x", "/tmp/x.sock", "-c", "/etc/a.conf", "-C", "-p", "/run/i.pid", "-Dagentx,ipmibd"});
  REQUIRE_FALSE(p.error);
  CHECK(p.options.foreground);
  CHECK(p.options.masterAddress == "/tmp/x.sock");
  CHECK(p.options.configFile == "/etc/a.conf");
  CHECK(p.options.noDefaultConfigs);
  CHECK(p.options.pidFile == "/run/i.pid");
  CHECK(p.options.debugTokens == std::vector<std::string>{"agentx", "ipmibd"});
}

TEST_CASE("options: attached values and clusters", "[agent][options]") {
  const auto p = parse({"-fCxtcp:localhost:705", "-D"});
  REQUIRE_FALSE(p.error);
  CHECK(p.options.foreground);
  CHECK(p.options.noDefaultConfigs);
  CHECK(p.options.masterAddress == "tcp:localhost:705");
  CHECK(p.options.debugTokens == std::vector<std::string>{"ALL"});
}

TEST_CASE("options: -L forms are normalized for snmp_log_options", "[agent][options]") {
  CHECK(parse({"-Lo"}).options.logSpecs == std::vector<std::string>{"o"});
  CHECK(parse({"-L", "e"}).options.logSpecs == std::vector<std::string>{"e"});
  CHECK(parse({"-Lf", "/var/log/ipmibd.log"}).options.logSpecs ==
        std::vector<std::string>{"f/var/log/ipmibd.log"});
  CHECK(parse({"-Lf/tmp/x"}).options.logSpecs == std::vector<std::string>{"f/tmp/x"});
  CHECK(parse({"-Ls", "d"}).options.logSpecs == std::vector<std::string>{"sd"});
  CHECK(parse({"-LS6", "d"}).options.logSpecs == std::vector<std::string>{"S6d"});
  CHECK(parse({"-LF3", "/tmp/f"}).options.logSpecs == std::vector<std::string>{"F3 /tmp/f"});
  CHECK(parse({"-LS6d"}).options.logSpecs == std::vector<std::string>{"S6d"});
  CHECK(parse({"-LS", "6", "d"}).error); // the priority must be attached, as documented
  CHECK(parse({"-LF3-6", "/tmp/f"}).options.logSpecs == std::vector<std::string>{"F3-6 /tmp/f"});
  // -L consumes its file argument, the next switch is still parsed.
  const auto p = parse({"-Lf", "/tmp/x", "-f"});
  REQUIRE_FALSE(p.error);
  CHECK(p.options.foreground);
}

TEST_CASE("options: usage errors", "[agent][options]") {
  CHECK(parse({"-x"}).error);
  CHECK(parse({"-Lf"}).error);
  CHECK(parse({"-Lq"}).error);
  CHECK(parse({"-q"}).error);
  CHECK(parse({"stray"}).error);
  CHECK(parse({"-h"}).options.help);
  CHECK(parse({"-V"}).options.version);
}

TEST_CASE("options: -u and -g as snmpd", "[agent][options]") {
  const auto p = parse({"-u", "ipmibd", "-gDebian-snmp"});
  REQUIRE_FALSE(p.error);
  CHECK(p.options.user == "ipmibd");
  CHECK(p.options.group == "Debian-snmp");
  CHECK(parse({"-fu", "123"}).options.user == "123");
  CHECK(parse({"-u"}).error);
  CHECK(parse({"-g"}).error);
  CHECK(parse({"-g", "adm"}).error); // a group alone is not supported
  CHECK(parse({}).options.user.empty());
}

TEST_CASE("options: -S selects standalone mode", "[agent][options]") {
  const auto p = parse({"-f", "-S", "udp:127.0.0.1:1161,tcp:127.0.0.1:1161"});
  REQUIRE_FALSE(p.error);
  CHECK(p.options.standaloneAddresses == std::optional<std::string>("udp:127.0.0.1:1161,tcp:127.0.0.1:1161"));
  CHECK(parse({"-S", ""}).options.standaloneAddresses == std::optional<std::string>(""));
  CHECK_FALSE(parse({"-f"}).options.standaloneAddresses);
  CHECK(parse({"-S"}).error);
  CHECK(parse({"-S", "udp:1161", "-x", "/tmp/x"}).error); // standalone has no AgentX master
}

TEST_CASE("options: -H, -t and the long options", "[agent][options]") {
  CHECK(parse({"-H"}).options.directives);
  CHECK_FALSE(parse({"-H"}).options.help); // -H was help once; now the directive list, as snmpd -H
  CHECK(parse({"-t", "-C", "-c", "/tmp/a.conf"}).options.checkConfig);
  CHECK(parse({"-tS", ""}).options.checkConfig);
  CHECK(parse({"--help"}).options.help);
  CHECK(parse({"--version"}).options.version);
  CHECK(parse({"-v"}).options.version);
  CHECK(parse({"--objects"}).options.objects);
  CHECK_FALSE(parse({"--objects"}).error);
  CHECK(parse({"--versio"}).error);
  CHECK(parse({"--foreground"}).error);
}

// The usage text is the list the man page is checked against (tests/man/options_test.py): every
// option it names must be accepted, and no other letter.
TEST_CASE("options: the usage text lists exactly what parseOptions accepts", "[agent][options]") {
  std::set<std::string> listed;
  std::istringstream usage(usageText("ipmibd"));
  const std::regex option("(^|[ ,])(--?[A-Za-z][A-Za-z-]*)");
  for (std::string line; std::getline(usage, line);) {
    if (line.rfind("  -", 0) != 0) continue;
    const std::string names = line.substr(2, line.find("  ", 2) - 2); // "-x ADDRESS", "-h, --help"
    for (auto it = std::sregex_iterator(names.begin(), names.end(), option); it != std::sregex_iterator();
         ++it)
      listed.insert((*it)[2]);
  }
  CHECK(listed.count("--help") == 1);
  CHECK(listed.count("--version") == 1);
  CHECK(listed.count("--objects") == 1);
  for (char c = 'A'; c <= 'z'; ++c) {
    if (c > 'Z' && c < 'a') continue;
    const std::string flag = std::string("-") + c;
    // Each option alone, or with a value it would accept when it takes one.
    std::vector<const char*> args = {flag.c_str(), "value"};
    if (c == 'L') args = {"-L", "e"};
    if (c == 'g') args = {"-u", "nobody", "-g", "nogroup"};
    const bool accepted = !parse({flag.c_str()}).error || !parse(args).error;
    INFO(flag);
    CHECK(accepted == (listed.count(flag) == 1));
  }
}
