// The entry points snmpd's dlmod looks up: init_ipmibd() and deinit_ipmibd() (`dlmod ipmibd PATH`).
#include "agent/common/netsnmp.h"
#include "agent/module/module_instance.h"

#include <exception>

extern "C" {

// The only symbols the module exports (module.map). Net-SNMP's callbacks are plain C, so
// exceptions must not cross them: a failure is logged and ipmibd serves nothing, snmpd carries on.
__attribute__((visibility("default"))) void init_ipmibd() {
  try {
    ipmibd::agent::ModuleInstance::get().onInit();
  } catch (const std::exception& e) {
    snmp_log(LOG_ERR, "ipmibd: cannot start inside snmpd: %s\n", e.what());
  }
}

__attribute__((visibility("default"))) void deinit_ipmibd() {
  try {
    ipmibd::agent::ModuleInstance::get().onDeinit();
  } catch (const std::exception& e) {
    snmp_log(LOG_ERR, "ipmibd: stopping inside snmpd: %s\n", e.what());
  }
}

} // extern "C"
