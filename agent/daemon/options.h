// Options: ipmibd's command line, parsed without touching Net-SNMP so it can be unit-tested.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ipmibd::agent {

// The switches follow snmpd's so operators can reuse their habits (-f, -L, -c, -C, -D, -p, -x).
struct Options {
  std::string masterAddress;            // -x: AgentX master socket; empty = Net-SNMP's default
  bool foreground = false;              // -f
  std::vector<std::string> logSpecs;    // -L: normalized snmp_log_options() arguments, in order
  std::string configFile;               // -c: extra config file(s), comma separated as snmpd
  bool noDefaultConfigs = false;        // -C
  std::vector<std::string> debugTokens; // -D: Net-SNMP debug tokens; "ALL" when -D has no value
  std::string pidFile;                  // -p
  std::string user;                     // -u: drop root to this user (name or number)
  std::string group;                    // -g: ... and this group (default: the user's)
  bool help = false;                    // -h, --help
  bool version = false;                 // -V, -v, --version
  bool directives = false;              // -H: list ipmibd.conf's directives (as snmpd -H)
  bool objects = false;                 // --objects: list every served object, OID and name
  bool checkConfig = false;             // -t: read and check the configuration, then exit
  // -S: serve SNMP directly (Net-SNMP master role) on these comma-separated transport addresses
  // (e.g. "udp:161,tcp:161"); `agentaddress` lines of ipmibd.conf are added to them. Empty value
  // ("-S ''"): only the file's agentaddress lines. nullopt: AgentX subagent.
  std::optional<std::string> standaloneAddresses;
};

struct ParsedOptions {
  Options options;
  std::optional<std::string> error; // set on a usage error; the caller prints usage and exits 1
};

// Parses argv (argv[0] is the program name). Accepts "-Lf FILE" and "-LfFILE" forms like snmpd.
ParsedOptions parseOptions(int argc, const char* const* argv);

// The help text for -h and usage errors.
std::string usageText(const std::string& program);

// The text of -H: one line per ipmibd.conf directive, "  TOKEN SYNTAX", straight from the parser's
// table (agent/common/daemon_config.h directives()), then a note on Net-SNMP's own directives.
std::string directivesText();

} // namespace ipmibd::agent
