// DaemonConfig: ipmibd.conf's own directives and their parsers (pure; Net-SNMP feeds the lines).
#pragma once

#include "agent/common/notify_settings.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ipmibd::tables {
class MibObject;
}

namespace ipmibd::agent {

struct LinuxBackendSpec {
  std::string netns; // named network namespace (ip netns); empty = the daemon's own
  friend bool operator==(const LinuxBackendSpec&, const LinuxBackendSpec&) = default;
};
struct SimBackendSpec {
  std::filesystem::path scenario; // absolute after parsing
  friend bool operator==(const SimBackendSpec&, const SimBackendSpec&) = default;
};
// No default backend on purpose: serving the wrong data source silently is worse than not starting.
using BackendSpec = std::variant<std::monostate, LinuxBackendSpec, SimBackendSpec>;

inline constexpr int kDefaultAgentxPriority = 127; // RFC 2741 default; lower number wins
// RFC 2579 suggests removing createAndWait/notInService rows after about 5 minutes.
inline constexpr std::chrono::seconds kDefaultRowIdleTimeout{300};
// Where nonVolatile rows created through SNMP are kept (`stateFile`), for `backend linux` in the
// daemon's own namespace. Other backends have no default: two daemons must never share one file.
inline constexpr std::string_view kDefaultStateFile = "/var/lib/ipmibd/state";
// Net-SNMP's agentxPingInterval (its own directive, which ipmibd.conf may use) defaults to 15 s:
// that long without the master after it returns. ipmibd sets this default before the files are
// read so it reconnects and registers again within about 2 s of the master's return.
inline constexpr int kDefaultAgentxPingInterval = 2;

// `writeAccess`: which writable objects accept SETs. The default (no line) is none: an agent that
// changes routing must be switched on deliberately, whatever the master's communities allow.
struct WriteAccess {
  bool all = false;
  std::vector<std::string> objects; // MibObject names: inetCidrRouteTable, ipDefaultTTL, ...
  friend bool operator==(const WriteAccess&, const WriteAccess&) = default;
};
// `context NAME netns NSNAME` / `context NAME table N` / `context NAME vrf VRF`: one more routing
// instance, served under the SNMP context NAME (SNMPv3 contextName; AgentX non-default context)
// beside the default one. A netns context serves every table of that namespace (a Linux backend
// opened in it); a table context the routes of kernel route table N of the default instance's
// namespace, with that namespace's other tables; a vrf context the VRF device VRF of the default
// instance's namespace: its table's routes and its interfaces' rows (platform/vrf_view.h).
struct ContextSpec {
  enum class Kind { Netns, Table, Vrf };
  std::string name;
  Kind kind = Kind::Netns;
  std::string netns;       // Kind::Netns
  std::uint32_t table = 0; // Kind::Table
  std::string vrf;         // Kind::Vrf: the VRF device's name
  friend bool operator==(const ContextSpec&, const ContextSpec&) = default;
};

// The names `writeAccess` accepts: every object ipmibd can write.
std::span<const std::string_view> writableObjectNames();

struct DaemonConfig {
  BackendSpec backend;
  std::vector<std::uint32_t> routeTables; // as listed; empty means "main" only
  std::optional<int> agentxPriority;
  std::optional<std::string> agentxContext;
  std::optional<WriteAccess> writeAccess;
  std::optional<std::chrono::seconds> rowIdleTimeout;
  std::optional<std::filesystem::path> stateFile; // absolute; empty = `stateFile none`
  std::optional<int> eventReceiveBuffer;          // bytes; the Linux backend's netlink event socket
  NotifySettings notify;                          // change notifications (notify_settings.h)
  std::vector<ContextSpec> contexts;              // routing instances beside the default one
  bool autoNetns = false; // `context auto netns`: every named namespace, followed, as a context
  bool autoVrf = false;   // `context auto vrf`: every VRF device of the default instance's namespace

  std::vector<std::uint32_t> effectiveRouteTables() const;
  int effectivePriority() const { return agentxPriority.value_or(kDefaultAgentxPriority); }
  std::string effectiveContext() const { return agentxContext.value_or(""); }
  // Whether SETs of the object named `object` (MibObject::name()) are allowed.
  bool writeAllowed(std::string_view object) const;
  // Whether `object` is registered writable: it has a writer and writeAllowed(its name).
  bool writable(const tables::MibObject& object) const;
  std::chrono::seconds effectiveRowIdleTimeout() const {
    return rowIdleTimeout.value_or(kDefaultRowIdleTimeout);
  }
  // The state file in use, nullopt when persistence is off (`stateFile none`, or no line and a
  // backend other than `linux` without netns).
  std::optional<std::filesystem::path> effectiveStateFile() const;
  friend bool operator==(const DaemonConfig&, const DaemonConfig&) = default;
};

// One ipmibd.conf directive. `apply` gets the text after the token and returns an error message
// (without file/line: the caller's config system adds those) or nullopt when the line is fine.
struct Directive {
  std::string_view token;
  std::string_view help; // shown by Net-SNMP's config help and in conf/ipmibd.conf
  std::optional<std::string> (*apply)(DaemonConfig& config, std::string_view arguments,
                                      const std::filesystem::path& baseDirectory);
};
// Every directive ipmibd understands.
std::span<const Directive> directives();

// Whole-file checks that no single line can make (a missing `backend`).
std::optional<std::string> validate(const DaemonConfig& config);

// "linux", "linux (netns blue)", "sim (/path/demo.scn)" for logs.
std::string describe(const BackendSpec& backend);

} // namespace ipmibd::agent
