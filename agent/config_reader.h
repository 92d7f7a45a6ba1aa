// ConfigReader: feeds ipmibd.conf through Net-SNMP's config system and turns its warnings into failures.
#pragma once

#include "agent/daemon_config.h"

#include <filesystem>
#include <string>

namespace ipmibd::agent {

// Net-SNMP only logs bad lines and carries on; ipmibd must refuse to run on a configuration it did
// not fully understand. The reader counts every error Net-SNMP reports while it reads the files
// (our own directives' errors, errors of Net-SNMP's directives such as agentxPingInterval, and
// "Unknown token" lines) so the caller can exit non-zero. There is one reader per process because
// Net-SNMP's config handlers are plain C callbacks.
class ConfigReader {
public:
  static constexpr const char* kAppName = "ipmibd"; // reads ipmibd.conf / ipmibd.local.conf

  // Registers ipmibd's directives. Call after init_agent() and before init_snmp().
  explicit ConfigReader(std::filesystem::path baseDirectory);
  ~ConfigReader();
  ConfigReader(const ConfigReader&) = delete;
  ConfigReader& operator=(const ConfigReader&) = delete;

  // Wraps the first read (done inside init_snmp()): call begin() before init_snmp() and
  // finish() after it.
  void begin();
  // Re-reads every configuration file (SIGHUP) through update_config().
  void reread();
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
  std::filesystem::path baseDirectory_;
  DaemonConfig config_;
  int errors_ = 0;
  bool collecting_ = false;
  bool started_ = false;
};

// Where Net-SNMP looks for ipmibd.conf, for error messages ("SNMPCONFPATH" search path).
std::string configSearchPath();

} // namespace ipmibd::agent
