// Parsers of the change-notification directives; strict like the others in daemon_config.cpp.
#include "agent/common/notify_settings.h"

#include "agent/common/daemon_config.h"

#include <charconv>
#include <sstream>
#include <vector>

namespace ipmibd::agent {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

// yes|no / on|off / true|false as the single argument.
std::optional<bool> parseSwitch(std::string_view arguments) {
  const auto w = words(arguments);
  if (w.size() != 1) return std::nullopt;
  if (w[0] == "yes" || w[0] == "on" || w[0] == "true") return true;
  if (w[0] == "no" || w[0] == "off" || w[0] == "false") return false;
  return std::nullopt;
}

} // namespace

tables::NotifierOptions NotifySettings::options() const {
  tables::NotifierOptions o;
  if (kinds) o.tables = *kinds;
  o.ratePerSecond = ratePerSecond.value_or(kDefaultNotifyRate);
  o.announceSnmpChanges = announceSnmpChanges.value_or(true);
  return o;
}

std::optional<std::string> applyNotifications(DaemonConfig& config, std::string_view arguments,
                                              const std::filesystem::path&) {
  if (config.notify.enabled) return "notifications given more than once";
  const auto value = parseSwitch(arguments);
  if (!value) return "usage: notifications on|off (default on)";
  config.notify.enabled = value;
  return std::nullopt;
}

std::optional<std::string> applyNotifyKinds(DaemonConfig& config, std::string_view arguments,
                                            const std::filesystem::path&) {
  if (config.notify.kinds) return "notifyKinds given more than once";
  tables::NotifyKinds kinds{};
  const auto w = words(arguments);
  if (w.empty()) return "usage: notifyKinds KIND... (route neighbor address interface; default all)";
  for (const std::string& kind : w) {
    bool known = false;
    for (tables::NotifyTable table : tables::kNotifyTables)
      if (kind == tables::toString(table)) {
        kinds[std::size_t(table) - 1] = true;
        known = true;
      }
    if (!known) return "notifyKinds: unknown kind '" + kind + "' (known: route neighbor address interface)";
  }
  config.notify.kinds = kinds;
  return std::nullopt;
}

std::optional<std::string> applyNotifyRate(DaemonConfig& config, std::string_view arguments,
                                           const std::filesystem::path&) {
  if (config.notify.ratePerSecond) return "notifyRate given more than once";
  const auto w = words(arguments);
  std::uint32_t value = 0;
  bool ok = w.size() == 1;
  if (ok) {
    const auto* end = w[0].data() + w[0].size();
    const auto [ptr, ec] = std::from_chars(w[0].data(), end, value);
    ok = ec == std::errc{} && ptr == end && value <= 100000;
  }
  if (!ok) return "usage: notifyRate N (per-row notifications per second, 0-100000; default 50)";
  config.notify.ratePerSecond = value;
  return std::nullopt;
}

std::optional<std::string> applyNotifySnmpChanges(DaemonConfig& config, std::string_view arguments,
                                                  const std::filesystem::path&) {
  if (config.notify.announceSnmpChanges) return "notifySnmpChanges given more than once";
  const auto value = parseSwitch(arguments);
  if (!value) return "usage: notifySnmpChanges yes|no (default yes)";
  config.notify.announceSnmpChanges = value;
  return std::nullopt;
}

std::optional<std::string> applyNotifyLinkUpDown(DaemonConfig& config, std::string_view arguments,
                                                 const std::filesystem::path&) {
  if (config.notify.linkUpDown) return "notifyLinkUpDown given more than once";
  const auto value = parseSwitch(arguments);
  if (!value) return "usage: notifyLinkUpDown yes|no (default no)";
  config.notify.linkUpDown = value;
  return std::nullopt;
}

} // namespace ipmibd::agent
