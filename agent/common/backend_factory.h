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

} // namespace ipmibd::agent
