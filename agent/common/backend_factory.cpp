// Maps the `backend` and `routeTable` directives onto the backends' own open calls.
#include "agent/common/backend_factory.h"

#include "platform/linux/linux_backend.h"
#include "platform/sim/sim_backend.h"

#include <variant>

namespace ipmibd::agent {

std::unique_ptr<platform::Backend> openBackend(const DaemonConfig& config, std::string& error,
                                               platform::Status* status) {
  if (const auto* spec = std::get_if<LinuxBackendSpec>(&config.backend)) {
    platform::linux_backend::LinuxOptions options;
    options.netns = spec->netns;
    options.routeTables = config.effectiveRouteTables();
    if (config.eventReceiveBuffer) options.eventReceiveBuffer = *config.eventReceiveBuffer;
    platform::Result result;
    auto backend = platform::linux_backend::LinuxBackend::open(std::move(options), result);
    if (!backend) {
      error = "cannot open the linux backend: " + result.toString();
      if (status) *status = result.status;
    }
    return backend;
  }
  if (const auto* spec = std::get_if<SimBackendSpec>(&config.backend)) {
    platform::sim::SimOptions options;
    options.routeTables = config.effectiveRouteTables();
    platform::Result result;
    auto backend = platform::sim::SimBackend::fromFile(spec->scenario.string(), result, std::move(options));
    if (!backend)
      error = "cannot load simulator scenario " + spec->scenario.string() + ": " + result.toString();
    return backend;
  }
  error = "no backend configured";
  return nullptr;
}

} // namespace ipmibd::agent
