// openBackend: the configured platform backend (linux or sim), chosen explicitly by ipmibd.conf.
#pragma once

#include "agent/common/daemon_config.h"
#include "platform/backend.h"

#include <memory>
#include <string>

namespace ipmibd::agent {

// Null with `error` set when the backend cannot be opened (missing namespace, unreadable scenario);
// `status`, if given, receives the platform's status of that failure (AccessDenied: no privilege).
std::unique_ptr<platform::Backend> openBackend(const DaemonConfig& config, std::string& error,
                                               platform::Status* status = nullptr);

// The VRF device `vrf` of `config`'s namespace as a backend (platform::VrfView): its table is read
// from the device's row (a first open of the namespace's backend), then a backend exporting that
// table only is opened under the view. Null with `error` naming the VRF when the namespace has no
// such device or the device is not a VRF.
std::unique_ptr<platform::Backend> openVrfBackend(const DaemonConfig& config, const std::string& vrf,
                                                  std::string& error);

} // namespace ipmibd::agent
