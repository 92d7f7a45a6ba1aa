// Applies -L and -D through Net-SNMP's own snmp_log_options()/debug registry, as snmpd does.
#include "agent/daemon/log_setup.h"

#include "agent/common/netsnmp.h"

#include <vector>

namespace ipmibd::agent {

bool setUpLogging(const Options& options, std::string& error) {
  // Syslog lines say "ipmibd[pid]" rather than Net-SNMP's default "net-snmp".
  snmp_log_syslogname("ipmibd");
  std::vector<std::string> specs = options.logSpecs;
  if (specs.empty()) specs.push_back(options.foreground ? "e" : "sd");
  for (const std::string& spec : specs) {
    // parseOptions() already folded any separate file/facility argument into the spec, so
    // snmp_log_options() never needs argv, except 'S' which insists on a non-null one.
    std::vector<char> text(spec.begin(), spec.end());
    text.push_back('\0');
    char programName[] = "ipmibd";
    char* const dummyArgv[] = {programName, nullptr};
    const bool needsArgv = spec[0] == 'S';
    if (snmp_log_options(text.data(), needsArgv ? 1 : 0, needsArgv ? dummyArgv : nullptr) != 0) {
      error = "invalid logging option -L" + spec;
      return false;
    }
  }
  if (!options.debugTokens.empty()) {
    for (const std::string& token : options.debugTokens) {
      std::vector<char> text(token.begin(), token.end());
      text.push_back('\0');
      debug_register_tokens(text.data());
    }
    snmp_set_do_debugging(1);
  }
  return true;
}

} // namespace ipmibd::agent
