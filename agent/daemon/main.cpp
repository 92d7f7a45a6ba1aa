// ipmibd's entry point: options, Net-SNMP subagent start-up, configuration, the loop, clean shutdown.
#include "agent/common/capabilities.h"
#include "agent/common/config_reader.h"
#include "agent/common/netsnmp.h"
#include "agent/common/object_list.h"
#include "agent/common/service.h"
#include "agent/common/uptime_clock.h"
#include "agent/daemon/event_loop.h"
#include "agent/daemon/log_setup.h"
#include "agent/daemon/master_link.h"
#include "agent/daemon/options.h"
#include "agent/daemon/pidfile.h"
#include "agent/daemon/privileges.h"
#include "agent/daemon/signals.h"
#include "agent/daemon/standalone.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>
#include <unistd.h>

#ifndef IPMIBD_VERSION
#define IPMIBD_VERSION "unknown"
#endif

// agentx/subagent.c (libnetsnmpagent) connects to the master from this POST_READ_CONFIG callback;
// Debian installs no header declaring it. -t removes it so a check never touches a master.
extern "C" int subagent_startup(int majorID, int minorID, void* serverArg, void* clientArg);

namespace {

using namespace ipmibd::agent;

constexpr const char* kApp = ConfigReader::kAppName;

// Net-SNMP settings that must be in place before init_agent().
void configureNetSnmp(const Options& options) {
  // A subagent encodes OIDs numerically and never needs MIB texts; loading Debian's default
  // module list only produces noise (and slows start-up). An explicit MIBS still wins.
  ::setenv("MIBS", "", 0);
  if (options.standaloneAddresses)
    configureStandalone(*options.standaloneAddresses);
  else
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1); // SUB_AGENT
  // Alarms (AgentX pings, reconnects) must run from our loop, not from a SIGALRM handler.
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
  // ipmibd keeps no persistent state; do not create /var/lib/snmp/ipmibd.conf.
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  if (!options.masterAddress.empty())
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
                          options.masterAddress.c_str());
  if (!options.configFile.empty())
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OPTIONALCONFIG, options.configFile.c_str());
  if (options.noDefaultConfigs)
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
}

// SIGHUP: re-read every file; on any error keep serving the running configuration. A changed
// configuration replaces the whole Service (old registrations go first, so the master never sees
// two sources for one subtree). What a reload cannot change: the master address (-x or
// agentXSocket, the session stays open) and the command-line options.
void reload(ConfigReader& reader, std::unique_ptr<Service>& service, UptimeClock& clock) {
  snmp_log(LOG_INFO, "ipmibd: SIGHUP, re-reading the configuration\n");
  reader.reread();
  if (reader.errors() > 0) {
    snmp_log(LOG_ERR, "ipmibd: %d configuration error(s); keeping the running configuration\n",
             reader.errors());
    return;
  }
  if (auto problem = validate(reader.config())) {
    snmp_log(LOG_ERR, "ipmibd: %s; keeping the running configuration\n", problem->c_str());
    return;
  }
  if (service && reader.config() == service->config()) {
    snmp_log(LOG_INFO, "ipmibd: configuration unchanged\n");
    return;
  }
  const DaemonConfig previous = service ? service->config() : DaemonConfig{};
  service.reset();
  std::string error;
  service = Service::start(reader.config(), clock, error);
  if (service) return;
  snmp_log(LOG_ERR, "ipmibd: new configuration failed: %s; restoring the previous one\n", error.c_str());
  service = Service::start(previous, clock, error);
  if (!service)
    snmp_log(LOG_ERR, "ipmibd: previous configuration failed too: %s; serving nothing\n", error.c_str());
}

// Everything between init_agent() and snmp_shutdown(); returns the exit status.
int serve(const Options& options) {
  std::error_code ec;
  ConfigReader reader(std::filesystem::current_path(ec));
  if (options.standaloneAddresses) registerAccessControlDirectives();
  reader.begin();
  MasterLink masterLink;
  init_snmp(kApp); // reads the configuration, then connects to the master (POST_READ_CONFIG)
  reader.onReadDone();
  if (!options.standaloneAddresses) masterLink.afterStartup(); // standalone: no master to wait for
  if (!reader.started()) {
    snmp_log(LOG_ERR, "ipmibd: Net-SNMP did not read any configuration; not starting\n");
    return 1;
  }
  if (reader.errors() > 0) {
    snmp_log(LOG_ERR, "ipmibd: %d error(s) in the configuration (see above); not starting\n",
             reader.errors());
    return 1;
  }
  if (auto problem = validate(reader.config())) {
    snmp_log(LOG_ERR, "ipmibd: %s (searched %s)\n", problem->c_str(), configSearchPath().c_str());
    return 1;
  }
  std::string error;
  // Standalone: bind before detaching, so a taken port fails the start visibly.
  if (options.standaloneAddresses && !openListeningPorts(error)) {
    snmp_log(LOG_ERR, "ipmibd: %s\n", error.c_str());
    return 1;
  }
  if (options.standaloneAddresses) registerSysUpTime();

  if (!options.foreground && netsnmp_daemonize(1, snmp_stderrlog_status()) != 0) {
    snmp_log(LOG_ERR, "ipmibd: cannot detach from the terminal\n");
    return 1;
  }
  PidFile pidFile;
  if (!options.pidFile.empty() && !pidFile.write(options.pidFile, error)) {
    snmp_log(LOG_ERR, "ipmibd: %s\n", error.c_str());
    return 1;
  }

  if (!options.user.empty()) {
    // After the pid file and the master session (root's), before the backend: the same rights
    // at start-up and on every reload. A netns backend keeps entering its namespace (setns).
    const auto* linuxSpec = std::get_if<LinuxBackendSpec>(&reader.config().backend);
    const PrivilegeDrop drop{options.user, options.group, linuxSpec != nullptr && !linuxSpec->netns.empty()};
    if (!dropPrivileges(drop, error)) {
      snmp_log(LOG_ERR, "ipmibd: cannot drop privileges to %s: %s\n", options.user.c_str(), error.c_str());
      return 1;
    }
    snmp_log(LOG_INFO, "ipmibd: running as uid %u gid %u, capabilities %llx\n", ::getuid(), ::getgid(),
             effectiveCapabilities());
  } else if (::geteuid() == 0) {
    snmp_log(LOG_WARNING, "ipmibd: running as root with every capability; -u USER keeps only "
                          "CAP_NET_ADMIN (see conf/ipmibd.service)\n");
  }

  UptimeClock clock;
  std::unique_ptr<Service> service = Service::start(reader.config(), clock, error);
  if (!service) {
    snmp_log(LOG_ERR, "ipmibd: %s\n", error.c_str());
    return 1;
  }
  SignalPipe signals;
  EventLoop loop(signals, {[&] { return service.get(); }, [&] { reload(reader, service, clock); }});
  snmp_log(LOG_INFO, "ipmibd %s started\n", IPMIBD_VERSION);
  const int status = loop.run();
  snmp_log(LOG_INFO, "ipmibd: stopping\n");
  service.reset(); // unregisters every subtree from the master before the session closes
  return status;
}

// -t: reads the files exactly as a start would (same directives, same role, so the same Net-SNMP
// directives are known) and runs the same whole-file checks, but connects to no master, listens
// on no port and starts no backend (a sim scenario or a netns is only named, not opened).
int checkConfiguration(const Options& options) {
  if (!options.standaloneAddresses)
    snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, subagent_startup, nullptr,
                             0);
  std::error_code ec;
  ConfigReader reader(std::filesystem::current_path(ec));
  if (options.standaloneAddresses) registerAccessControlDirectives();
  reader.begin();
  init_snmp(kApp);
  reader.onReadDone();
  if (!reader.started()) {
    snmp_log(LOG_ERR, "ipmibd: Net-SNMP did not read any configuration\n");
    return 1;
  }
  if (reader.errors() > 0) {
    snmp_log(LOG_ERR, "ipmibd: %d error(s) in the configuration (see above)\n", reader.errors());
    return 1;
  }
  if (auto problem = validate(reader.config())) {
    snmp_log(LOG_ERR, "ipmibd: %s (searched %s)\n", problem->c_str(), configSearchPath().c_str());
    return 1;
  }
  std::printf("ipmibd: configuration OK (backend %s)\n", describe(reader.config().backend).c_str());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const ParsedOptions parsed = parseOptions(argc, argv);
  if (parsed.error) {
    std::fprintf(stderr, "ipmibd: %s\n\n%s", parsed.error->c_str(), usageText("ipmibd").c_str());
    return 1;
  }
  const Options& options = parsed.options;
  if (options.help) {
    std::fputs(usageText("ipmibd").c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("ipmibd %s (Net-SNMP %s)\n", IPMIBD_VERSION, netsnmp_get_version());
    return 0;
  }
  if (options.directives) {
    std::fputs(directivesText().c_str(), stdout);
    return 0;
  }
  if (options.objects) {
    std::fputs(objectListText(servedObjects()).c_str(), stdout);
    return 0;
  }
  std::string error;
  if (!setUpLogging(options, error)) {
    std::fprintf(stderr, "ipmibd: %s\n", error.c_str());
    return 1;
  }
  configureNetSnmp(options);
  init_agent(kApp);
  // Reconnect soon after the master returns (Net-SNMP's default, 15 s, is set by init_agent());
  // an agentxPingInterval line in the files, read by init_snmp(), still overrides it.
  netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
                     kDefaultAgentxPingInterval);
  const int status = options.checkConfig ? checkConfiguration(options) : serve(options);
  snmp_shutdown(kApp); // closes the AgentX session (Close-PDU)
  return status;
}
