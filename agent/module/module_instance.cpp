// The module's life inside snmpd: Net-SNMP callbacks in, Service and SnmpdLoop out.
#include "agent/module/module_instance.h"

#include "agent/common/capabilities.h"
#include "agent/common/netsnmp.h"
#include "agent/common/set_transactions.h"
#include "agent/common/whole_tree_view.h"

#include <net-snmp/agent/agent_callbacks.h>

#include <filesystem>
#include <unistd.h>

#ifndef IPMIBD_VERSION
#define IPMIBD_VERSION "unknown"
#endif

namespace ipmibd::agent {
namespace {

// ipmibd's directives are registered under this file type: no "ipmibd-module.conf" exists, so
// snmpd never reads anything with them by itself; ModuleInstance feeds ipmibd.conf explicitly.
constexpr const char* kFileType = "ipmibd-module";

int preUpdateTrampoline(int, int, void*, void*) {
  ModuleInstance::get().onPreUpdateConfig();
  return SNMPERR_SUCCESS;
}
int postReadTrampoline(int, int, void*, void*) {
  ModuleInstance::get().onPostReadConfig();
  return SNMPERR_SUCCESS;
}
int shutdownTrampoline(int, int, void*, void*) {
  ModuleInstance::get().onShutdown();
  return SNMPERR_SUCCESS;
}
void startAlarmTrampoline(unsigned int, void*) { ModuleInstance::get().onStartAlarm(); }

} // namespace

ModuleInstance& ModuleInstance::get() {
  static ModuleInstance instance; // never destroyed before snmpd exits: -z nodelete
  return instance;
}

void ModuleInstance::onInit() {
  loaded_ = true;
  applied_ = false;
  if (!callbacksRegistered_) {
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_PRE_UPDATE_CONFIG, preUpdateTrampoline,
                           nullptr);
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, postReadTrampoline,
                           nullptr);
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_SHUTDOWN, shutdownTrampoline, nullptr);
    callbacksRegistered_ = true;
  }
  if (!reader_) {
    std::error_code ec;
    reader_ = std::make_unique<ConfigReader>(std::filesystem::current_path(ec), kFileType);
  }
  // Loaded while snmpd reads its files (the dlmod line): POST_READ_CONFIG follows and applies
  // the configuration. Loaded by a dlmodTable SET: no read follows; the alarm applies it once
  // snmpd's loop runs (alarms never run inside a configuration read).
  if (startAlarm_ == 0) startAlarm_ = snmp_alarm_register(0, 0, startAlarmTrampoline, nullptr);
}

void ModuleInstance::onDeinit() {
  loaded_ = false;
  if (reloading_) return; // SIGHUP: keep serving; onPostReadConfig() decides
  stop();
}

void ModuleInstance::onPreUpdateConfig() { reloading_ = true; }

void ModuleInstance::onPostReadConfig() {
  const bool wasReload = reloading_;
  reloading_ = false;
  if (!loaded_) {
    // The dlmod line is gone from snmpd.conf (or never loaded us): stop what a reload parked.
    if (wasReload && service_) {
      snmp_log(LOG_INFO, "ipmibd: no longer loaded by snmpd.conf; stopping\n");
      stop();
    }
    return;
  }
  if (applied_) return;
  applied_ = true;
  apply();
}

void ModuleInstance::onStartAlarm() {
  startAlarm_ = 0;
  if (loaded_ && !applied_) {
    applied_ = true;
    apply();
  }
  checkWritePrivilege();
}

void ModuleInstance::onShutdown() {
  stop();
  // snmp_shutdown() unregisters every callback and config handler right after this.
  callbacksRegistered_ = false;
  reader_.reset();
}

bool ModuleInstance::readConfiguration() {
  const std::vector<std::filesystem::path> files = configFilesInSearchPath();
  reader_->readFiles(files);
  if (files.empty())
    snmp_log(LOG_INFO, "ipmibd: no ipmibd.conf in %s: backend linux, read-only\n",
             configSearchPath().c_str());
  if (reader_->errors() > 0) return false;
  return true;
}

void ModuleInstance::apply() {
  const bool running = service_ != nullptr;
  if (!readConfiguration()) {
    snmp_log(LOG_ERR, "ipmibd: %d error(s) in ipmibd.conf (see above); %s\n", reader_->errors(),
             running ? "keeping the running configuration" : "NOT serving the IP-MIB tables");
    return;
  }
  DaemonConfig config = reader_->config();
  // In-process the safe default needs no file: snmpd's own namespace, read-only.
  if (std::holds_alternative<std::monostate>(config.backend)) config.backend = LinuxBackendSpec{};
  if (auto problem = validate(config)) {
    snmp_log(LOG_ERR, "ipmibd: %s; %s\n", problem->c_str(),
             running ? "keeping the running configuration" : "NOT serving the IP-MIB tables");
    return;
  }
  if (running && config == service_->config()) {
    snmp_log(LOG_INFO, "ipmibd: configuration unchanged\n");
    return;
  }
  const DaemonConfig previous = running ? service_->config() : DaemonConfig{};
  service_.reset(); // its registrations go before the new ones are made
  std::string error;
  service_ = Service::start(config, clock_, error);
  if (!service_ && running) {
    snmp_log(LOG_ERR, "ipmibd: new configuration failed: %s; restoring the previous one\n", error.c_str());
    service_ = Service::start(previous, clock_, error);
  }
  if (service_) registerWholeTreeViewShortcut(); // GETBULK runs answered in one handler call
  if (!service_) {
    snmp_log(LOG_ERR, "ipmibd: %s; NOT serving the IP-MIB tables\n", error.c_str());
  } else if (!running) {
    snmp_log(LOG_INFO, "ipmibd %s started inside snmpd\n", IPMIBD_VERSION);
  }
  if (!loop_)
    loop_ = std::make_unique<SnmpdLoop>([this] { return static_cast<WorkSource*>(service_.get()); });
  loop_->sourceChanged();
  SetTransactions::instance().setOnEnd([this] {
    if (loop_) loop_->wake();
  });
}

void ModuleInstance::checkWritePrivilege() {
  if (!service_ || service_->writableRegistrations() == 0) return;
  if (!std::holds_alternative<LinuxBackendSpec>(service_->config().backend)) return;
  if (hasNetAdmin()) return;
  snmp_log(LOG_WARNING,
           "ipmibd: writeAccess is configured but snmpd runs without CAP_NET_ADMIN (uid %u): every SET "
           "will be refused with noAccess. Give snmpd that capability (the ipmibd snmpd drop-in, "
           "conf/snmpd-ipmibd.conf) or remove writeAccess\n",
           ::getuid());
}

void ModuleInstance::stop() {
  SetTransactions::instance().setOnEnd(nullptr);
  loop_.reset(); // its descriptor and alarm first: they point at the Service
  service_.reset();
  unregisterWholeTreeViewShortcut();
  if (startAlarm_ != 0) {
    snmp_alarm_unregister(startAlarm_);
    startAlarm_ = 0;
  }
}

} // namespace ipmibd::agent
