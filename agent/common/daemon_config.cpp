// Parsers for ipmibd.conf's directives: strict, so a typo is an error and never a silent default.
#include "agent/common/daemon_config.h"

#include "tables/engine/mib_object.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace ipmibd::agent {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

template <class T> std::optional<T> parseNumber(std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

// Route table names as `ip route` knows them by default (/etc/iproute2/rt_tables).
std::optional<std::uint32_t> routeTableId(std::string_view word) {
  if (word == "main") return 254;
  if (word == "local") return 255;
  if (word == "default") return 253;
  const auto id = parseNumber<std::uint32_t>(word);
  if (!id || *id == 0) return std::nullopt;
  return id;
}

std::optional<std::string> applyBackend(DaemonConfig& config, std::string_view arguments,
                                        const std::filesystem::path& baseDirectory) {
  const auto w = words(arguments);
  if (!std::holds_alternative<std::monostate>(config.backend))
    return "backend given more than once (one backend per daemon)";
  if (w.empty()) return "backend needs a type: `backend linux [netns NAME]` or `backend sim FILE`";
  if (w[0] == "linux") {
    LinuxBackendSpec spec;
    if (w.size() == 3 && w[1] == "netns")
      spec.netns = w[2];
    else if (w.size() != 1)
      return "usage: backend linux [netns NAME]";
    config.backend = spec;
    return std::nullopt;
  }
  if (w[0] == "sim") {
    if (w.size() != 2) return "usage: backend sim FILE";
    // Resolved now: the daemon chdir()s to / when it detaches, and SIGHUP re-reads later.
    config.backend = SimBackendSpec{std::filesystem::absolute(baseDirectory / w[1]).lexically_normal()};
    return std::nullopt;
  }
  return "unknown backend '" + w[0] + "' (expected linux or sim)";
}

std::optional<std::string> applyRouteTable(DaemonConfig& config, std::string_view arguments,
                                           const std::filesystem::path&) {
  const auto w = words(arguments);
  if (w.size() != 1)
    return "usage: routeTable N (a kernel route table id 1-4294967295, main, local, default)";
  const std::optional<std::uint32_t> id = routeTableId(w[0]);
  if (!id) return "routeTable: '" + w[0] + "' is not a route table id (1-4294967295, main, local, default)";
  if (std::ranges::find(config.routeTables, *id) != config.routeTables.end())
    return "routeTable " + std::to_string(*id) + " listed twice";
  config.routeTables.push_back(*id);
  return std::nullopt;
}

std::optional<std::string> applyAgentxPriority(DaemonConfig& config, std::string_view arguments,
                                               const std::filesystem::path&) {
  const auto w = words(arguments);
  if (config.agentxPriority) return "agentxPriority given more than once";
  const auto value = w.size() == 1 ? parseNumber<int>(w[0]) : std::nullopt;
  if (!value || *value < 1 || *value > 255)
    return "usage: agentxPriority N (1-255, lower number = higher priority; default 127)";
  config.agentxPriority = *value;
  return std::nullopt;
}

std::optional<std::string> applyAgentxContext(DaemonConfig& config, std::string_view arguments,
                                              const std::filesystem::path&) {
  const auto w = words(arguments);
  if (config.agentxContext) return "agentxContext given more than once";
  if (w.size() != 1 || w[0].size() > 255) return "usage: agentxContext NAME (one word, up to 255 characters)";
  config.agentxContext = w[0];
  return std::nullopt;
}

std::optional<std::string> applyContext(DaemonConfig& config, std::string_view arguments,
                                        const std::filesystem::path&) {
  const auto w = words(arguments);
  const std::string usage =
      "usage: context NAME netns NSNAME | context NAME table N | context NAME vrf VRF | "
      "context auto netns | context auto vrf";
  if (w.size() == 2 && w[0] == "auto" && w[1] == "netns") {
    if (config.autoNetns) return "context auto netns given more than once";
    config.autoNetns = true;
    return std::nullopt;
  }
  if (w.size() == 2 && w[0] == "auto" && w[1] == "vrf") {
    if (config.autoVrf) return "context auto vrf given more than once";
    config.autoVrf = true;
    return std::nullopt;
  }
  if (w.size() != 3) return usage;
  if (w[0] == "auto") return "context: 'auto' is reserved (context auto netns, context auto vrf)";
  ContextSpec spec;
  spec.name = w[0];
  if (spec.name.size() > 255) return "context: NAME is longer than 255 characters";
  if (std::ranges::any_of(config.contexts, [&](const ContextSpec& c) { return c.name == spec.name; }))
    return "context " + spec.name + " given more than once";
  if (w[1] == "netns") {
    spec.kind = ContextSpec::Kind::Netns;
    spec.netns = w[2];
  } else if (w[1] == "table") {
    spec.kind = ContextSpec::Kind::Table;
    const auto id = routeTableId(w[2]);
    if (!id)
      return "context " + spec.name + ": '" + w[2] +
             "' is not a route table id (1-4294967295, main, local, default)";
    spec.table = *id;
  } else if (w[1] == "vrf") {
    // dev_valid_name(): what a VRF device can be called.
    if (w[2].size() > 15 || w[2] == "." || w[2] == ".." || w[2].find_first_of("/:") != std::string::npos)
      return "context " + spec.name + ": '" + w[2] +
             "' is not a device name (up to 15 characters, no / or :)";
    spec.kind = ContextSpec::Kind::Vrf;
    spec.vrf = w[2];
  } else {
    return usage;
  }
  config.contexts.push_back(std::move(spec));
  return std::nullopt;
}

constexpr std::string_view kWritableObjects[] = {
    "inetCidrRouteTable",    "ipForwarding",       "ipDefaultTTL",       "ipv6IpForwarding",
    "ipv6IpDefaultHopLimit", "ipv4InterfaceTable", "ipv6InterfaceTable", "ipNetToPhysicalTable",
    "ipAddressTable",        "ipAddressSpinLock",  "ipNetToMediaTable",  "ipCidrRouteTable",
    "ipRouteTable",
};

std::optional<std::string> applyWriteAccess(DaemonConfig& config, std::string_view arguments,
                                            const std::filesystem::path&) {
  if (config.writeAccess) return "writeAccess given more than once";
  std::string text(arguments);
  std::replace(text.begin(), text.end(), ',', ' ');
  const auto w = words(text);
  const std::string usage = "usage: writeAccess none | all | OBJECT[,OBJECT...]";
  if (w.empty()) return usage;
  WriteAccess access;
  if (w.size() == 1 && (w[0] == "none" || w[0] == "all")) {
    access.all = w[0] == "all";
    config.writeAccess = access;
    return std::nullopt;
  }
  for (const std::string& name : w) {
    if (name == "none" || name == "all") return usage + " ('" + name + "' cannot be combined with names)";
    if (std::ranges::find(kWritableObjects, name) == std::end(kWritableObjects)) {
      std::string known;
      for (std::string_view k : kWritableObjects)
        known += (known.empty() ? "" : ", ") + std::string(k);
      return "writeAccess: '" + name + "' is not a writable object (known: " + known + ")";
    }
    if (std::ranges::find(access.objects, name) == access.objects.end()) access.objects.push_back(name);
  }
  config.writeAccess = access;
  return std::nullopt;
}

std::optional<std::string> applyRowIdleTimeout(DaemonConfig& config, std::string_view arguments,
                                               const std::filesystem::path&) {
  if (config.rowIdleTimeout) return "rowIdleTimeout given more than once";
  const auto w = words(arguments);
  const auto value = w.size() == 1 ? parseNumber<std::uint32_t>(w[0]) : std::nullopt;
  if (!value || *value == 0 || *value > 86400) return "usage: rowIdleTimeout SECONDS (1-86400; default 300)";
  config.rowIdleTimeout = std::chrono::seconds(*value);
  return std::nullopt;
}

std::optional<std::string> applyStateFile(DaemonConfig& config, std::string_view arguments,
                                          const std::filesystem::path& baseDirectory) {
  if (config.stateFile) return "stateFile given more than once";
  const auto w = words(arguments);
  if (w.size() != 1 || w[0].back() == '/')
    return "usage: stateFile PATH | none (default " + std::string(kDefaultStateFile) + " for backend linux)";
  // Resolved now, as `backend sim`: the daemon chdir()s to / when it detaches.
  config.stateFile = w[0] == "none" ? std::filesystem::path()
                                    : std::filesystem::absolute(baseDirectory / w[0]).lexically_normal();
  return std::nullopt;
}

std::optional<std::string> applyEventReceiveBuffer(DaemonConfig& config, std::string_view arguments,
                                                   const std::filesystem::path&) {
  if (config.eventReceiveBuffer) return "eventReceiveBuffer given more than once";
  const auto w = words(arguments);
  const auto value = w.size() == 1 ? parseNumber<int>(w[0]) : std::nullopt;
  // The kernel doubles the value and enforces its own minimum; 1 GiB is far beyond any need.
  if (!value || *value < 1024 || *value > (1 << 30))
    return "usage: eventReceiveBuffer BYTES (1024-1073741824; default 8388608)";
  config.eventReceiveBuffer = *value;
  return std::nullopt;
}

constexpr Directive kDirectives[] = {
    {"backend", "linux [netns NAME] | sim FILE", applyBackend},
    {"routeTable", "N | main | local | default", applyRouteTable},
    {"agentxPriority", "N (1-255, lower = higher priority)", applyAgentxPriority},
    {"agentxContext", "NAME", applyAgentxContext},
    {"writeAccess", "none | all | OBJECT[,OBJECT...] (default none)", applyWriteAccess},
    {"rowIdleTimeout", "SECONDS (default 300)", applyRowIdleTimeout},
    {"stateFile", "PATH | none (default /var/lib/ipmibd/state for backend linux)", applyStateFile},
    {"eventReceiveBuffer", "BYTES (linux backend's netlink event socket; default 8388608)",
     applyEventReceiveBuffer},
    {"notifications", "on | off (default on)", applyNotifications},
    {"notifyKinds", "route neighbor address interface (default all)", applyNotifyKinds},
    {"notifyRate", "N per-row notifications per second (default 50)", applyNotifyRate},
    {"notifySnmpChanges", "yes | no (default yes)", applyNotifySnmpChanges},
    {"notifyLinkUpDown", "yes | no: IF-MIB linkUp/linkDown (default no)", applyNotifyLinkUpDown},
    {"context",
     "NAME netns NSNAME | NAME table N | NAME vrf VRF | auto netns | auto vrf (routing instances as SNMP "
     "contexts)",
     applyContext},
};

} // namespace

std::vector<std::uint32_t> DaemonConfig::effectiveRouteTables() const {
  if (routeTables.empty()) return {254};
  return routeTables;
}

std::optional<std::filesystem::path> DaemonConfig::effectiveStateFile() const {
  if (stateFile) return stateFile->empty() ? std::nullopt : stateFile;
  const auto* spec = std::get_if<LinuxBackendSpec>(&backend);
  if (spec && spec->netns.empty()) return std::filesystem::path(kDefaultStateFile);
  return std::nullopt;
}

std::span<const Directive> directives() { return kDirectives; }

std::span<const std::string_view> writableObjectNames() { return kWritableObjects; }

bool DaemonConfig::writeAllowed(std::string_view object) const {
  if (!writeAccess) return false;
  return writeAccess->all || std::ranges::find(writeAccess->objects, object) != writeAccess->objects.end();
}

bool DaemonConfig::writable(const tables::MibObject& object) const {
  // writeAccess (default none) decides; objects without a writer stay read-only regardless.
  return object.writer() != nullptr && writeAllowed(object.name());
}

std::optional<std::string> validate(const DaemonConfig& config) {
  if (std::holds_alternative<std::monostate>(config.backend))
    return "no backend configured: add `backend linux [netns NAME]` or `backend sim FILE` to ipmibd.conf";
  if (config.eventReceiveBuffer && !std::holds_alternative<LinuxBackendSpec>(config.backend))
    return "eventReceiveBuffer applies to `backend linux` only";
  if (config.autoNetns && !std::holds_alternative<LinuxBackendSpec>(config.backend))
    return "context auto netns: network namespaces need `backend linux`";
  for (const ContextSpec& context : config.contexts) {
    if (context.name == config.effectiveContext())
      return "context " + context.name + " is the default instance's own context (agentxContext)";
    if (context.kind == ContextSpec::Kind::Netns && !std::holds_alternative<LinuxBackendSpec>(config.backend))
      return "context " + context.name + " netns: network namespaces need `backend linux`";
  }
  return std::nullopt;
}

std::string describe(const BackendSpec& backend) {
  if (const auto* spec = std::get_if<LinuxBackendSpec>(&backend))
    return spec->netns.empty() ? "linux" : "linux (netns " + spec->netns + ")";
  if (const auto* sim = std::get_if<SimBackendSpec>(&backend)) return "sim (" + sim->scenario.string() + ")";
  return "none";
}

} // namespace ipmibd::agent
