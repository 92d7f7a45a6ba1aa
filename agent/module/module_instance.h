// ModuleInstance: ipmibd inside snmpd — configuration, Service and loop across snmpd's load, reload and
// shutdown.
#pragma once

#include "agent/common/config_reader.h"
#include "agent/common/service.h"
#include "agent/common/uptime_clock.h"
#include "agent/module/snmpd_loop.h"

#include <memory>

namespace ipmibd::agent {

// snmpd calls init_ipmibd() when it reads the `dlmod ipmibd PATH` line and deinit_ipmibd() when it
// frees its configuration: at shutdown, on every SIGHUP (update_config() unloads every dlmod
// module and loads it again from the re-read file), and when a manager unloads the module through
// UCD-DLMOD-MIB's dlmodTable. The module is linked with -z nodelete, so its code and this object
// survive dlclose(), and a SIGHUP behaves as the daemon's does: the running Service is parked at
// deinit, kept when ipmibd.conf did not change or has errors, replaced when it changed, and
// stopped when the dlmod line is gone.
//
// Configuration: the same ipmibd.conf (and ipmibd.local.conf) files the daemon reads, found in
// snmpd's configuration path (`net-snmp-config --snmpconfpath`; SNMPCONFPATH), read after
// snmpd.conf. Without any, or without a `backend` line, the backend is `linux` (snmpd's own
// network namespace); without writeAccess everything is read-only. Errors are logged as FILE:
// line N like snmpd's own, and a configuration with errors is not applied: at start-up ipmibd
// then serves nothing (and says so at LOG_ERR), on SIGHUP it keeps the running configuration.
class ModuleInstance {
public:
  static ModuleInstance& get(); // one per process (Net-SNMP's callbacks carry no context)

  void onInit();            // init_ipmibd
  void onDeinit();          // deinit_ipmibd
  void onPreUpdateConfig(); // SIGHUP: update_config() starts, the module is about to be freed
  void onPostReadConfig();  // snmpd finished reading its files (start-up or SIGHUP)
  void onShutdown();        // snmp_shutdown(): release everything before snmpd's sessions close
  void onStartAlarm();      // the module was loaded outside a configuration read (dlmodTable)

private:
  ModuleInstance() = default;
  // Reads ipmibd.conf; returns false (logged) when it has errors.
  bool readConfiguration();
  // Starts, keeps or replaces the Service for the configuration just read.
  void apply();
  void stop();
  // After snmpd dropped its privileges: warn once when writes are configured but cannot work.
  void checkWritePrivilege();

  bool callbacksRegistered_ = false;
  bool loaded_ = false;    // between init_ipmibd and deinit_ipmibd
  bool reloading_ = false; // between PRE_UPDATE_CONFIG and POST_READ_CONFIG
  bool applied_ = false;   // a configuration read was applied since the last init
  unsigned int startAlarm_ = 0;
  std::unique_ptr<ConfigReader> reader_;
  UptimeClock clock_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<SnmpdLoop> loop_;
};

} // namespace ipmibd::agent
