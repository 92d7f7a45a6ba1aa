// ConfigReader: feeds ipmibd.conf through Net-SNMP's config system and turns its warnings into failures.
#pragma once

#include "agent/common/daemon_config.h"

#include <filesystem>
#include <string>
#include <vector>

namespace ipmibd::agent {

// Net-SNMP only logs bad lines and carries on; ipmibd must refuse to run on a configuration it did
// not fully understand. The reader counts every error Net-SNMP reports while it reads the files
// (our own directives' errors, errors of Net-SNMP's directives such as agentxPingInterval, and
// "Unknown token" lines) so the caller can exit non-zero. There is one reader per process because
// Net-SNMP's config handlers are plain C callbacks.
class ConfigReader {
public:
  static constexpr const char* kAppName = "ipmibd"; // reads ipmibd.conf / ipmibd.local.conf

  // The daemon: registers ipmibd's directives as the application's own (Net-SNMP reads
  // ipmibd.conf because the application is "ipmibd"). Call after init_agent(), before init_snmp().
  explicit ConfigReader(std::filesystem::path baseDirectory);
  // Inside another application (snmpd): registers them under `fileType` only, whose files
  // (FILETYPE.conf) do not exist, so the host never reads them by itself; readFiles() feeds the
  // ipmibd.conf files explicitly.
  ConfigReader(std::filesystem::path baseDirectory, std::string fileType);
  ~ConfigReader();
  ConfigReader(const ConfigReader&) = delete;
  ConfigReader& operator=(const ConfigReader&) = delete;

  // Wraps the first read (done inside init_snmp()): call begin() before init_snmp() and
  // finish() after it.
  void begin();
  // Re-reads every configuration file (SIGHUP) through update_config().
  void reread();
  // Reads exactly `files` with ipmibd's directives, counting their errors (the module's read).
  void readFiles(const std::vector<std::filesystem::path>& files);
  // Errors seen since begin()/reread(); 0 means `config()` is what the files say.
  int errors() const { return errors_; }
  const DaemonConfig& config() const { return config_; }

  // Net-SNMP entry points (C callbacks); public only so the .cpp's trampolines can reach them.
  void onDirective(const char* token, const char* line);
  void onLogMessage(int priority, const char* message);
  void onReadStart();
  void onReadDone() { collecting_ = false; }
  // False if Net-SNMP never started reading (a library without the PRE_READ_CONFIG callback).
  bool started() const { return started_; }

private:
  // Lines of `file` whose first word is no ipmibd directive (the module's read counts them itself).
  static int unknownDirectives(const std::filesystem::path& file);

  std::filesystem::path baseDirectory_;
  std::string fileType_; // empty: the application's own type
  DaemonConfig config_;
  int errors_ = 0;
  bool collecting_ = false;
  bool selfCounting_ = false; // errors are being counted directly: ignore the log callback
  bool started_ = false;
};

// Where Net-SNMP looks for ipmibd.conf, for error messages ("SNMPCONFPATH" search path).
std::string configSearchPath();
// The ipmibd.conf and ipmibd.local.conf files present in that path, in Net-SNMP's reading order
// (each directory: ipmibd.conf, then ipmibd.local.conf). What the daemon reads, for the module.
std::vector<std::filesystem::path> configFilesInSearchPath();

} // namespace ipmibd::agent
