// The simulator side of the conformance fixture: SimBackend loaded with the shared topology and
// changed out of band through apply(), with the same iproute2 strings the kernel run uses.
#include "platform/sim/sim_backend.h"
#include "tests/platform/conformance/stack_under_test.h"

#include <catch2/catch.hpp>

namespace ipmibd::conformance {
namespace {

class SimStack final : public StackUnderTest {
public:
  explicit SimStack(std::unique_ptr<platform::sim::SimBackend> backend) : backend_(std::move(backend)) {}
  platform::Backend& backend() override { return *backend_; }
  bool isKernel() const override { return false; }
  platform::Result outOfBand(const std::string& ipCommand) override { return backend_->apply(ipCommand); }
  platform::Result joinGroup(const std::string& group, const std::string& device) override {
    return backend_->apply("mcast join " + group + " dev " + device);
  }
  platform::Result leaveGroup(const std::string& group, const std::string& device) override {
    return backend_->apply("mcast leave " + group + " dev " + device);
  }
  // Issue 19, IP paths: the simulator has no packets, so the scenario lines leave what the
  // kernel's ICMP handling and TCP would (see stack_under_test.h).
  platform::Result buildPathLab() override {
    for (const auto& command : pathLabRoutes())
      if (auto r = backend_->apply(command); !r.ok()) return r;
    return platform::Result::success();
  }
  platform::Result sendTooBig(const std::string& destination) override {
    return backend_->apply("path add " + destination + " dev v0 mtu " + std::to_string(kPathLabMtu) +
                           " expires 600");
  }
  platform::Result tcpExchange(const std::string& destination) override {
    const bool v6 = destination.find(':') != std::string::npos;
    return backend_->apply("path add " + destination + " src " + (v6 ? "2001:db8:1::1" : "192.0.2.1") +
                           " rtt 100");
  }

private:
  std::unique_ptr<platform::sim::SimBackend> backend_;
};

} // namespace

std::unique_ptr<StackUnderTest> openStack() {
  // Loaded as a scenario, like the kernel run's namespace built before the backend opens: the
  // topology is the starting state and produces no notifications.
  std::string scenario;
  for (const auto& command : topologyCommands())
    scenario += command + "\n";
  platform::Result error;
  auto backend = platform::sim::SimBackend::fromScenario(scenario, "conformance-topology", error);
  INFO("loading the topology: " << error.toString());
  REQUIRE(backend != nullptr);
  auto stack = std::make_unique<SimStack>(std::move(backend));
  stack->settle();
  return stack;
}

} // namespace ipmibd::conformance
