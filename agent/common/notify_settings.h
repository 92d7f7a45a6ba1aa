// NotifySettings: ipmibd.conf's change-notification directives (notifications, notifyKinds,
// notifyRate, notifySnmpChanges, notifyLinkUpDown) and their parsers.
#pragma once

#include "tables/notify/change_notifier.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ipmibd::agent {

struct DaemonConfig;

struct NotifySettings {
  std::optional<bool> enabled;                // notifications on|off (default on)
  std::optional<tables::NotifyKinds> kinds;   // notifyKinds route neighbor address interface (default all)
  std::optional<std::uint32_t> ratePerSecond; // notifyRate N (default 50; 0 = summaries only)
  std::optional<bool> announceSnmpChanges;    // notifySnmpChanges yes|no (default yes)
  std::optional<bool> linkUpDown;             // notifyLinkUpDown yes|no (default no)

  bool effectiveEnabled() const { return enabled.value_or(true); }
  // IF-MIB linkUp/linkDown: off by default, the master's own IF-MIB usually sends them.
  bool effectiveLinkUpDown() const { return linkUpDown.value_or(false); }
  tables::NotifierOptions options() const;
  friend bool operator==(const NotifySettings&, const NotifySettings&) = default;
};

inline constexpr std::uint32_t kDefaultNotifyRate = 50;

// Directive parsers (the Directive::apply shape).
std::optional<std::string> applyNotifications(DaemonConfig& config, std::string_view arguments,
                                              const std::filesystem::path&);
std::optional<std::string> applyNotifyKinds(DaemonConfig& config, std::string_view arguments,
                                            const std::filesystem::path&);
std::optional<std::string> applyNotifyRate(DaemonConfig& config, std::string_view arguments,
                                           const std::filesystem::path&);
std::optional<std::string> applyNotifySnmpChanges(DaemonConfig& config, std::string_view arguments,
                                                  const std::filesystem::path&);
std::optional<std::string> applyNotifyLinkUpDown(DaemonConfig& config, std::string_view arguments,
                                                 const std::filesystem::path&);

} // namespace ipmibd::agent
