// NetlinkSocket: the one place that talks to rtnetlink (libmnl): requests with acks and extended
// acks, dumps, and multicast event reception. Message contents are built and parsed elsewhere
// (rtnl_encode / rtnl_decode), as pure functions.
#pragma once

#include "platform/status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

struct mnl_socket;
struct nlmsghdr;

namespace ipmibd::platform::linux_backend {

// errno (positive) -> IP Helper-like status: ENOENT/ESRCH/ENODEV/EADDRNOTAVAIL -> NotFound, EEXIST ->
// AlreadyExists, EINVAL/ERANGE/EAFNOSUPPORT -> InvalidParameter, EPERM/EACCES -> AccessDenied,
// EOPNOTSUPP -> NotSupported, ENETUNREACH/EHOSTUNREACH -> NetworkUnreachable, ENOMEM/ENOBUFS ->
// NoMemory, EBUSY/EAGAIN -> Busy, else GeneralFailure.
Status statusFromErrno(int error);

class NetlinkSocket {
public:
  // Opens a NETLINK_ROUTE socket in the current network namespace (wrap in NetnsScope for
  // another), bound to `groups` (RTNLGRP_* numbers; empty for a request socket). Extended acks and
  // strict dump checking are enabled where the kernel supports them. receiveBuffer 0 = default.
  static std::unique_ptr<NetlinkSocket> open(std::span<const unsigned> groups, int receiveBuffer,
                                             Result& error, int protocol = kRouteProtocol);
  // NETLINK_ROUTE; a request socket of NETLINK_GENERIC (tcp_metrics, issue 19) passes that instead.
  static constexpr int kRouteProtocol = 0;
  ~NetlinkSocket();
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;

  int fd() const;
  std::uint32_t nextSequence() { return ++sequence_; }

  // Sends one request (flags must include NLM_F_REQUEST; NLM_F_ACK is added) and waits for its ack.
  // Failure carries statusFromErrno() and the kernel's extended-ack message when present.
  Result request(nlmsghdr* message);
  // The same, for requests the kernel answers with data before the ack (RTM_GETROUTE for one
  // destination, RTM_GETLINK / RTM_GETNEIGH for one object): `onReply` sees each reply message.
  Result request(nlmsghdr* message, const std::function<void(const nlmsghdr&)>& onReply);
  // Sends a dump request (NLM_F_DUMP is added) and calls `onMessage` for every reply message until
  // NLMSG_DONE. A dump interrupted by concurrent changes (NLM_F_DUMP_INTR) is retried, up to a few
  // times, from the start (onRestart is called first so the caller can discard partial results).
  Result dump(nlmsghdr* message, const std::function<void(const nlmsghdr&)>& onMessage,
              const std::function<void()>& onRestart = {});
  // The same dump read in slices (LinuxBackend's route resync): beginDump sends the request, each
  // continueDump reads whole datagrams, at least one, until `stop()` holds or the dump ends, calling
  // onMessage per reply. The kernel builds the next datagram when the previous one is read, so a
  // call never waits for more than one. A dump abandoned before `done` keeps the socket busy
  // (the kernel refuses another dump on it with EBUSY): close the socket instead.
  struct DumpState {
    std::uint32_t sequence = 0;
    bool done = false;        // NLMSG_DONE (or the error that ended it) was read
    bool interrupted = false; // a reply carried NLM_F_DUMP_INTR: concurrent changes, maybe inconsistent
  };
  Result beginDump(nlmsghdr* message, DumpState& state);
  Result continueDump(DumpState& state, const std::function<void(const nlmsghdr&)>& onMessage,
                      const std::function<bool()>& stop);
  // Multicast sockets: reads what is available without blocking and calls onMessage for each
  // message. Returns Success when the socket is drained (EAGAIN), NoMemory on overrun (ENOBUFS: events
  // were lost, the caller must resync), or another failure. Stops early after `maxMessages`.
  Result receiveEvents(const std::function<void(const nlmsghdr&)>& onMessage, std::size_t maxMessages,
                       bool& more);

private:
  NetlinkSocket() = default;
  mnl_socket* socket_ = nullptr;
  std::uint32_t portId_ = 0;
  std::uint32_t sequence_ = 0;
};

} // namespace ipmibd::platform::linux_backend
