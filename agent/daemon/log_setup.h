// Logging setup: turns -L/-D options into Net-SNMP log handlers and debug tokens.
#pragma once

#include "agent/daemon/options.h"

#include <string>

namespace ipmibd::agent {

// Installs the log handlers named by -L (snmpd's syntax); with none, logs to stderr in the
// foreground and to syslog (facility daemon) once detached. Enables -D debug tokens.
// Returns false with `error` set when a -L value is rejected by Net-SNMP.
bool setUpLogging(const Options& options, std::string& error);

} // namespace ipmibd::agent
