// Applies -L and -D through Net-SNMP's own snmp_log_options()/debug registry, as snmpd does, and
// gives stderr/stdout lines sd-daemon priority prefixes when that stream is systemd's journal.
#include "agent/daemon/log_setup.h"

#include "agent/common/netsnmp.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace ipmibd::agent {
namespace {

// Whether a stream line is at its start, per stream (a message may arrive in pieces, as
// Net-SNMP's debug output does: only the first piece of a line gets the prefix).
bool g_stdoutAtLineStart = true;
bool g_stderrAtLineStart = true;

// Net-SNMP's stdio handler with "<N>" (the syslog priority, sd-daemon(3)) before every line:
// journald files each line at that priority instead of stderr's default, info.
int journalHandler(netsnmp_log_handler* handler, int priority, const char* message) {
  const bool toStdout = handler->imagic != 0; // as log_handler_stdouterr(): imagic set = stdout
  bool& atLineStart = toStdout ? g_stdoutAtLineStart : g_stderrAtLineStart;
  std::string text;
  for (const char* p = message; *p != '\0'; ++p) {
    if (atLineStart) {
      text += '<';
      text += static_cast<char>('0' + (priority & 7));
      text += '>';
      atLineStart = false;
    }
    text += *p;
    if (*p == '\n') atLineStart = true;
  }
  std::FILE* out = toStdout ? stdout : stderr;
  std::fputs(text.c_str(), out);
  std::fflush(out);
  return 1;
}

} // namespace

bool isJournalStream(int fd) {
  // systemd sets JOURNAL_STREAM=DEV:INODE for a service whose stdout or stderr is the journal;
  // the descriptor is that stream when its device and inode match (as sd_journal_stream_fd users
  // check), not merely when the variable exists (a child may inherit it with other streams).
  const char* value = std::getenv("JOURNAL_STREAM");
  if (value == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  char end = '\0';
  if (std::sscanf(value, "%llu:%llu%c", &device, &inode, &end) != 2) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device &&
         static_cast<unsigned long long>(st.st_ino) == inode;
}

bool setUpLogging(const Options& options, std::string& error) {
  // Syslog lines say "ipmibd[pid]" rather than Net-SNMP's default "net-snmp".
  snmp_log_syslogname("ipmibd");
  std::vector<std::string> specs = options.logSpecs;
  if (specs.empty()) specs.push_back(options.foreground || options.checkConfig ? "e" : "sd");
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
  // -Le / -Lo (the default with -f) under systemd: the stream is the journal, which reads the
  // priority from each line's "<N>" prefix (no libsystemd needed). Net-SNMP's own handler would
  // write bare lines, all filed at info.
  for (netsnmp_log_handler* h = get_logh_head(); h != nullptr; h = h->next) {
    if ((h->type == NETSNMP_LOGHANDLER_STDERR || h->type == NETSNMP_LOGHANDLER_STDOUT) &&
        h->handler == log_handler_stdouterr &&
        isJournalStream(h->imagic != 0 ? STDOUT_FILENO : STDERR_FILENO))
      h->handler = journalHandler;
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
