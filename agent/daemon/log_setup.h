// Logging setup: turns -L/-D options into Net-SNMP log handlers and debug tokens.
#pragma once

#include "agent/daemon/options.h"

#include <string>

namespace ipmibd::agent {

// Installs the log handlers named by -L (snmpd's syntax); with none, logs to stderr in the
// foreground (and with -t) and to syslog (facility daemon) once detached. A stderr/stdout handler
// whose stream is systemd's journal (isJournalStream) writes "<N>" priority prefixes. Enables -D
// debug tokens.
// Returns false with `error` set when a -L value is rejected by Net-SNMP.
bool setUpLogging(const Options& options, std::string& error);

// Whether descriptor `fd` is the journal stream systemd named in JOURNAL_STREAM (DEV:INODE).
bool isJournalStream(int fd);

} // namespace ipmibd::agent
