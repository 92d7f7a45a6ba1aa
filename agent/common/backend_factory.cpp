// Maps the `backend` and `routeTable` directives onto the backends' own open calls.
#include "agent/common/backend_factory.h"

#include "platform/linux/linux_backend.h"
#include "platform/sim/sim_backend.h"
#include "platform/vrf_view.h"

#include <algorithm>
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

std::unique_ptr<platform::Backend> openVrfBackend(const DaemonConfig& config, const std::string& vrf,
                                                  std::string& error) {
  std::uint32_t table = 0;
  {
    // The Linux backend returns from open before it has read the routes, so this look costs a
    // link dump, not a route dump.
    auto probe = openBackend(config, error);
    if (!probe) return nullptr;
    std::vector<platform::InterfaceRow> links;
    if (const platform::Result r = probe->getIfTable2(links); !r.ok()) {
      error = "VRF " + vrf + ": cannot read the interfaces: " + r.toString();
      return nullptr;
    }
    const auto it = std::ranges::find(links, vrf, &platform::InterfaceRow::name);
    if (it == links.end()) {
      error = "VRF " + vrf + " not found: no such device in " + describe(config.backend);
      return nullptr;
    }
    if (it->vrfTable == 0) {
      error = "VRF " + vrf + ": device " + vrf + " is not a VRF (kind '" + it->description + "')";
      return nullptr;
    }
    table = it->vrfTable;
  }
  DaemonConfig own = config;
  own.routeTables = {table};
  auto inner = openBackend(own, error);
  if (!inner) return nullptr;
  return std::make_unique<platform::VrfView>(std::move(inner), vrf, table);
}

} // namespace ipmibd::agent
