// The conformance fixture: one backend plus the means to change its world behind its back and to wait
// for the resulting notifications, implemented once for the kernel and once for the simulator.
#pragma once

#include "platform/backend.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ipmibd::conformance {

using namespace std::chrono_literals;

// How long a test waits for something the kernel does asynchronously (linkwatch may delay
// operational state changes by a second); generous because CI machines are slow, never reached on
// success.
inline constexpr std::chrono::milliseconds kSettleTimeout = 5s;

class StackUnderTest {
public:
  virtual ~StackUnderTest() = default;
  virtual platform::Backend& backend() = 0;
  // Applies an iproute2 command ("route add 203.0.113.0/24 via 192.0.2.254 dev v0", "-6 route add
  // ...") without going through the backend: `ip -n NS <cmd>` for the kernel, apply() for the sim.
  virtual platform::Result outOfBand(const std::string& ipCommand) = 0;
  // True for a real kernel: its side effects (link-local addresses, multicast neighbors) are richer
  // than the shared assertions may rely on.
  virtual bool isKernel() const = 0;
  // A socket's group membership (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on `device`), held until
  // leaveGroup: a socket in the namespace for the kernel, `mcast join|leave` for the simulator.
  virtual platform::Result joinGroup(const std::string& group, const std::string& device) = 0;
  virtual platform::Result leaveGroup(const std::string& group, const std::string& device) = 0;

  // Issue 19, IP paths. buildPathLab(): a router R on v0's link (192.0.2.2, 2001:db8:1::2) and,
  // behind it on a link of MTU kPathLabMtu, the host B (kPathLabHost4, kPathLabHost6), routed in
  // this stack via R. Kernel: v1 moves into a namespace R with forwarding on, B is a third
  // namespace; simulator: the routes only (it has no packets).
  virtual platform::Result buildPathLab() = 0;
  // A datagram too big for R's link to B, with DF (IPv4) / from a host that may not fragment it
  // (IPv6): R answers fragmentation-needed / packet-too-big, and this stack records a route
  // exception. Kernel: UDP sends from this namespace (IP(V6)_PMTUDISC_DO) until the socket sees
  // EMSGSIZE, i.e. a route lookup has used the exception; simulator: the exception that ICMP leaves
  // (`path add DEST dev v0 mtu kPathLabMtu expires 600`).
  virtual platform::Result sendTooBig(const std::string& destination) = 0;
  // A TCP connection from this stack to B that exchanges data and closes (the kernel saves its TCP
  // metrics on close); simulator: `path add DEST src SOURCE rtt 100`.
  virtual platform::Result tcpExchange(const std::string& destination) = 0;

  // Delivers every pending notification; for the kernel also waits (bounded) until the event
  // descriptor has been quiet for a short while, so asynchronous kernel work has been reported.
  void settle();
  // Dispatches until `done()` holds or `timeout` passes; returns done(). The condition is checked
  // after each dispatch, so callers can wait for a specific event rather than for silence.
  bool settleUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = kSettleTimeout);
};

// Issue 19, IP paths: buildPathLab()'s addresses and the MTU of the link behind the router.
inline constexpr std::uint32_t kPathLabMtu = 1280;
inline constexpr const char* kPathLabHost4 = "198.18.0.2";
inline constexpr const char* kPathLabHost6 = "2001:db8:f::2";
inline constexpr const char* kPathLabRouter4 = "192.0.2.2";
inline constexpr const char* kPathLabRouter6 = "2001:db8:1::2";
// The routes to B this stack gets (both fixtures apply them with outOfBand).
const std::vector<std::string>& pathLabRoutes();

// The commands that build the shared topology, in order: lo up, veth pairs v0-v1 and v2-v3 (all
// up), 192.0.2.1/24 + 2001:db8:1::1/64 on v0 and 198.51.100.1/24 + 2001:db8:2::1/64 on v2.
const std::vector<std::string>& topologyCommands();

// Provided once per test executable (linux_stack.cpp / sim_stack.cpp): a fresh stack with the
// topology built and settled. Null, after a WARN saying why, when this backend cannot run here
// (the Linux one needs root); the calling test then does nothing.
std::unique_ptr<StackUnderTest> openStack();

} // namespace ipmibd::conformance
