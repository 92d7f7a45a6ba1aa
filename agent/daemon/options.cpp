// Command-line parsing for ipmibd (getopt-like, but without global state so tests can call it).
#include "agent/daemon/options.h"

#include "agent/common/daemon_config.h"

#include <string_view>

namespace ipmibd::agent {
namespace {

// Turns one -L value (plus, when it needs one, the following argument) into a self-contained
// string for snmp_log_options(), so that function never has to look at argv/optind itself.
std::optional<std::string> normalizeLogSpec(std::string_view value, const char* next, bool& usedNext,
                                            std::string& error) {
  usedNext = false;
  if (value.empty()) {
    error = "-L needs a mode: e, o, n, f FILE, s FACILITY (or E/O/N/F/S with a priority)";
    return std::nullopt;
  }
  const char mode = value[0];
  std::string_view rest = value.substr(1);
  while (!rest.empty() && (rest.front() == '=' || rest.front() == ' '))
    rest.remove_prefix(1);
  auto takeArgument = [&](std::string_view what) -> std::optional<std::string> {
    if (!rest.empty()) return std::string(rest);
    if (next == nullptr) {
      error = std::string("-L") + mode + " needs " + std::string(what);
      return std::nullopt;
    }
    usedNext = true;
    return std::string(next);
  };
  switch (mode) {
  case 'e':
  case 'o':
  case 'n': return std::string(1, mode);
  case 'E':
  case 'O':
  case 'N': {
    auto priority = takeArgument("a priority");
    if (!priority) return std::nullopt;
    return std::string(1, mode) + *priority;
  }
  case 'f': {
    auto file = takeArgument("a file name");
    if (!file) return std::nullopt;
    return "f" + *file;
  }
  case 's': {
    auto facility = takeArgument("a syslog facility (d, u, 0-7)");
    if (!facility) return std::nullopt;
    return "s" + *facility;
  }
  case 'F':
  case 'S': {
    // Priority first (one level, or a range "p1-p2", as decode_priority() reads it), then the
    // file/facility, either attached or as the next argument.
    std::size_t n = rest.empty() ? 0 : (rest.size() >= 3 && rest[1] == '-' ? 3 : 1);
    std::string priority(rest.substr(0, n));
    rest.remove_prefix(n);
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    if (priority.empty()) {
      error = std::string("-L") + mode + " needs a priority before the " +
              (mode == 'F' ? "file name" : "facility");
      return std::nullopt;
    }
    auto target = takeArgument(mode == 'F' ? "a file name" : "a syslog facility");
    if (!target) return std::nullopt;
    return std::string(1, mode) + priority + (mode == 'F' ? " " : "") + *target;
  }
  default: error = std::string("unknown logging mode -L") + mode; return std::nullopt;
  }
}

void splitTokens(std::string_view text, std::vector<std::string>& out) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto token = text.substr(0, comma);
    if (!token.empty()) out.emplace_back(token);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

} // namespace

ParsedOptions parseOptions(int argc, const char* const* argv) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  auto fail = [&](std::string message) {
    parsed.error = std::move(message);
    return parsed;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      if (i + 1 < argc) return fail("unexpected argument '" + std::string(argv[i + 1]) + "'");
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') return fail("unexpected argument '" + std::string(arg) + "'");
    // The two GNU-style long options every tool is expected to know, and --objects (snmpd has no
    // such listing, so no letter of its to follow); everything else is snmpd's.
    if (arg.starts_with("--")) {
      if (arg == "--help")
        o.help = true;
      else if (arg == "--version")
        o.version = true;
      else if (arg == "--objects")
        o.objects = true;
      else
        return fail("unknown option " + std::string(arg));
      continue;
    }
    // Clustered switches ("-fC") as getopt allows; an option taking a value ends the cluster.
    for (std::size_t pos = 1; pos < arg.size(); ++pos) {
      const char c = arg[pos];
      const std::string_view attached = arg.substr(pos + 1);
      const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
      // Value of an option that requires one: attached ("-xFOO") or the next argument ("-x FOO").
      auto value = [&](std::string& into) -> bool {
        if (!attached.empty()) {
          into = std::string(attached);
        } else if (next != nullptr) {
          into = next;
          ++i;
        } else {
          return false;
        }
        pos = arg.size();
        return true;
      };
      switch (c) {
      case 'f': o.foreground = true; break;
      case 'C': o.noDefaultConfigs = true; break;
      case 'h': o.help = true; break;
      case 'H': o.directives = true; break;
      case 't': o.checkConfig = true; break;
      case 'V':
      case 'v': o.version = true; break;
      case 'x':
        if (!value(o.masterAddress)) return fail("-x needs an address (e.g. /var/agentx/master)");
        break;
      case 'c':
        if (!value(o.configFile)) return fail("-c needs a configuration file");
        break;
      case 'p':
        if (!value(o.pidFile)) return fail("-p needs a pid file name");
        break;
      case 'u':
        if (!value(o.user)) return fail("-u needs a user name or id");
        break;
      case 'g':
        if (!value(o.group)) return fail("-g needs a group name or id");
        break;
      case 'S': {
        std::string addresses;
        if (!value(addresses)) return fail("-S needs listening addresses (e.g. udp:161,tcp:161)");
        o.standaloneAddresses = addresses;
        break;
      }
      case 'D':
        // Optional and attached only, as snmpd: "-D" alone means every token.
        if (attached.empty())
          o.debugTokens.emplace_back("ALL");
        else
          splitTokens(attached, o.debugTokens);
        pos = arg.size();
        break;
      case 'L': {
        std::string error;
        bool usedNext = false;
        std::string_view spec = attached;
        const char* after = next;
        if (spec.empty()) { // "-L e" / "-L f FILE"
          if (next == nullptr) return fail("-L needs a mode");
          spec = next;
          ++i;
          after = i + 1 < argc ? argv[i + 1] : nullptr;
        }
        auto normalized = normalizeLogSpec(spec, after, usedNext, error);
        if (!normalized) return fail(error);
        if (usedNext) ++i;
        o.logSpecs.push_back(*normalized);
        pos = arg.size();
        break;
      }
      default: return fail(std::string("unknown option -") + c);
      }
    }
  }
  if (!o.group.empty() && o.user.empty()) return fail("-g needs -u (ipmibd drops root only to a user)");
  if (o.standaloneAddresses && !o.masterAddress.empty())
    return fail("-S (standalone agent) and -x (AgentX master address) exclude each other");
  return parsed;
}

std::string usageText(const std::string& program) {
  return "Usage: " + program +
         " [OPTIONS]\n"
         "AgentX subagent serving IP-MIB (RFC 4293) and IP-FORWARD-MIB (RFC 4292)\n"
         "(with -S: a standalone SNMP agent serving them itself).\n"
         "\n"
         "  -x ADDRESS    AgentX master address (default: Net-SNMP's, /var/agentx/master)\n"
         "  -S ADDRESSES  standalone: serve SNMP itself on ADDRESSES (comma separated, e.g.\n"
         "                udp:161,tcp:161; plus ipmibd.conf's agentaddress lines) instead of\n"
         "                registering with an AgentX master; access from rocommunity, rouser...\n"
         "  -f            stay in the foreground\n"
         "  -c FILE       read FILE(s) (comma separated) in addition to ipmibd.conf\n"
         "  -C            do not read the default configuration files\n"
         "  -p PIDFILE    write the process id to PIDFILE\n"
         "  -u USER       run as USER (after start-up as root), keeping only CAP_NET_ADMIN\n"
         "                (and CAP_SYS_ADMIN for `backend linux netns`)\n"
         "  -g GROUP      run as GROUP (default: USER's primary group)\n"
         "  -D[TOKENS]    Net-SNMP debug output for TOKENS (comma separated; all when empty)\n"
         "  -L MODE       logging: e (stderr), o (stdout), n (none), f FILE, s FACILITY,\n"
         "                E/O/N/F/S PRIORITY [FILE|FACILITY] for a minimum priority\n"
         "  -t            check the configuration files and exit (0: they are valid)\n"
         "  -H            list the ipmibd.conf directives and exit\n"
         "  --objects     list every object served, one \"OID NAME KIND ACCESS\" line each\n"
         "                (tables, entries, columns, scalars), and exit\n"
         "  -h, --help    this help\n"
         "  -V, -v, --version\n"
         "                print the version and exit\n"
         "\n"
         "Configuration: ipmibd.conf in SNMPCONFPATH (see `net-snmp-config --snmpconfpath`).\n"
         "Signals: SIGHUP re-reads the configuration, SIGTERM/SIGINT stop the agent.\n"
         "See ipmibd(8) and ipmibd.conf(5).\n";
}

std::string directivesText() {
  std::string text = "ipmibd.conf directives (ipmibd.conf(5)):\n";
  for (const Directive& d : directives())
    text += "  " + std::string(d.token) + " " + std::string(d.help) + "\n";
  text += "\n"
          "Net-SNMP's own directives are read from ipmibd.conf too: agentXSocket and\n"
          "agentxPingInterval; with -S also snmpd's agentaddress, access control (rocommunity,\n"
          "rwcommunity, com2sec, group, view, access, createUser, rouser, rwuser) and\n"
          "notification sinks (trap2sink, informsink, trapsess).\n";
  return text;
}

} // namespace ipmibd::agent
