// The backend-independent parts of the conformance fixture: the topology and the settle loops.
#include "tests/platform/conformance/stack_under_test.h"

#include <poll.h>

#include <algorithm>

namespace ipmibd::conformance {

namespace {
// The kernel reports most changes before the `ip` command returns; this covers the rest (linkwatch,
// address configuration after carrier) without making every test slow.
constexpr auto kQuietPeriod = 150ms;

// Runs dispatch() until the backend says nothing is left for now.
void drain(platform::Backend& backend) {
  for (int rounds = 0; rounds < 10'000 && backend.dispatch(50ms); ++rounds) {}
}

// Waits up to `limit` for the backend to have something to do: its descriptor readable or its
// next deadline reached. Returns false when nothing happened within `limit`.
bool waitForWork(platform::Backend& backend, std::chrono::milliseconds limit) {
  auto wait = limit;
  if (auto deadline = backend.nextDeadline()) {
    const auto untilDeadline =
        std::chrono::ceil<std::chrono::milliseconds>(*deadline - platform::Clock::now());
    if (untilDeadline <= 0ms) return true;
    wait = std::min(wait, untilDeadline);
  }
  pollfd fd{backend.eventDescriptor(), POLLIN, 0};
  if (fd.fd < 0) {
    // No descriptor (the simulator): only timed work can appear, and only at its deadline.
    if (!backend.nextDeadline()) return false;
    poll(nullptr, 0, int(wait.count()));
    return true;
  }
  return poll(&fd, 1, int(wait.count())) > 0;
}
} // namespace

void StackUnderTest::settle() {
  auto& b = backend();
  const auto giveUp = platform::Clock::now() + kSettleTimeout;
  drain(b);
  if (!isKernel()) return;
  while (platform::Clock::now() < giveUp && waitForWork(b, kQuietPeriod))
    drain(b);
}

bool StackUnderTest::settleUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto& b = backend();
  const auto giveUp = platform::Clock::now() + timeout;
  drain(b);
  while (!done()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(giveUp - platform::Clock::now());
    if (left <= 0ms) return false;
    if (!isKernel() && !b.nextDeadline()) return false; // the simulator has nothing more coming
    waitForWork(b, std::min<std::chrono::milliseconds>(left, 50ms));
    drain(b);
  }
  return true;
}

const std::vector<std::string>& pathLabRoutes() {
  static const std::vector<std::string> commands = {
      "route add 198.18.0.0/24 via 192.0.2.2 dev v0",
      "-6 route add 2001:db8:f::/64 via 2001:db8:1::2 dev v0",
  };
  return commands;
}

const std::vector<std::string>& topologyCommands() {
  static const std::vector<std::string> commands = {
      "link set lo up",
      "link add v0 type veth peer name v1",
      "link add v2 type veth peer name v3",
      "link set v0 up",
      "link set v1 up",
      "link set v2 up",
      "link set v3 up",
      "addr add 192.0.2.1/24 dev v0",
      "addr add 2001:db8:1::1/64 dev v0 nodad",
      "addr add 198.51.100.1/24 dev v2",
      "addr add 2001:db8:2::1/64 dev v2 nodad",
  };
  return commands;
}

} // namespace ipmibd::conformance
