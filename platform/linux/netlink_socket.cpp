// NetlinkSocket over libmnl: request/ack with extended-ack messages, interruption-safe dumps and
// non-blocking multicast event reception for the Linux backend.
#include "platform/linux/netlink_socket.h"
#include "platform/linux/rtnl_decode.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace ipmibd::platform::linux_backend {

namespace {

// The kernel fills one dump datagram up to 32 KiB when the reader offers that much (it remembers the
// largest buffer a reader used); 64 KiB leaves room for large single messages (links with many
// attributes) and is what keeps a million-route dump at ~30 routes per byte of syscall overhead.
constexpr std::size_t kReceiveBufferSize = 64 * 1024;

// NLM_F_DUMP_INTR retries before the last (possibly inconsistent) attempt is accepted as is: the
// events queued meanwhile on the event socket repair whatever that attempt got wrong.
constexpr int kMaxDumpAttempts = 5;

// Guards request sockets against a kernel that never answers (it always does, but a hang in the
// agent's only thread would be worse than a GeneralFailure).
constexpr int kRequestTimeoutSeconds = 30;

std::unique_ptr<char[]> makeBuffer() { return std::unique_ptr<char[]>(new char[kReceiveBufferSize]); }

struct ExtAck {
  std::string message;
};

int collectExtAck(const nlattr* attr, void* data) {
  if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG) {
    const auto length = mnl_attr_get_payload_len(attr);
    const auto* text = static_cast<const char*>(mnl_attr_get_payload(attr));
    static_cast<ExtAck*>(data)->message.assign(text, strnlen(text, length));
  }
  return MNL_CB_OK;
}

// The extended-ack TLVs of an NLMSG_ERROR / NLMSG_DONE message start `offset` bytes into its payload.
std::string extAckMessage(const nlmsghdr* message, std::size_t offset) {
  if (!(message->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  if (offset > mnl_nlmsg_get_payload_len(message)) return {};
  ExtAck ack;
  mnl_attr_parse(message, unsigned(offset), collectExtAck, &ack);
  return ack.message;
}

// Decodes an NLMSG_ERROR message: 0 for an ack, else the positive errno (and the ext-ack text).
int errorOf(const nlmsghdr* message, std::string& text) {
  if (mnl_nlmsg_get_payload_len(message) < sizeof(nlmsgerr)) {
    text = "truncated netlink error message";
    return EPROTO;
  }
  nlmsgerr err;
  std::memcpy(&err, mnl_nlmsg_get_payload(message), sizeof err);
  if (err.error == 0) return 0;
  // Without NLM_F_CAPPED the kernel echoes the whole request before the TLVs.
  std::size_t offset = sizeof(nlmsgerr);
  if (!(message->nlmsg_flags & NLM_F_CAPPED) && err.msg.nlmsg_len > sizeof(nlmsghdr))
    offset += err.msg.nlmsg_len - sizeof(nlmsghdr);
  text = extAckMessage(message, offset);
  return err.error < 0 ? -err.error : err.error;
}

Result failureFromErrno(int error, const std::string& context, const std::string& kernelText = {}) {
  std::string text = context + ": " + std::strerror(error);
  if (!kernelText.empty()) text += " (" + kernelText + ")";
  return Result::failure(statusFromErrno(error), std::move(text));
}

} // namespace

Status statusFromErrno(int error) {
  switch (error) {
  case 0: return Status::Success;
  case ENOENT:
  case ESRCH:
  case ENODEV:
  case ENXIO:
  case EADDRNOTAVAIL: return Status::NotFound; // RTM_DELADDR of an address the interface lacks
  case EEXIST: return Status::AlreadyExists;
  case EINVAL:
  case ERANGE:
  case EAFNOSUPPORT:
  case EDOM: return Status::InvalidParameter;
  case EPERM:
  case EACCES: return Status::AccessDenied;
  case EOPNOTSUPP:
  case EPROTONOSUPPORT: return Status::NotSupported;
  case ENETUNREACH:
  case EHOSTUNREACH: return Status::NetworkUnreachable;
  case ENOMEM:
  case ENOBUFS: return Status::NoMemory;
  case EBUSY:
  case EAGAIN: return Status::Busy;
  default: return Status::GeneralFailure;
  }
}

std::unique_ptr<NetlinkSocket> NetlinkSocket::open(std::span<const unsigned> groups, int receiveBuffer,
                                                   Result& error, int protocol) {
  static_assert(kRouteProtocol == NETLINK_ROUTE);
  std::unique_ptr<NetlinkSocket> socket(new NetlinkSocket());
  socket->socket_ = mnl_socket_open2(protocol, SOCK_CLOEXEC);
  if (!socket->socket_) {
    error = failureFromErrno(errno, "netlink socket");
    return nullptr;
  }
  const int fd = mnl_socket_get_fd(socket->socket_);
  int on = 1;
  // Best effort: older kernels lack these and work without them (no ack text / no strict dumps).
  mnl_socket_setsockopt(socket->socket_, NETLINK_EXT_ACK, &on, sizeof on);
  mnl_socket_setsockopt(socket->socket_, NETLINK_CAP_ACK, &on, sizeof on);
  mnl_socket_setsockopt(socket->socket_, NETLINK_GET_STRICT_CHK, &on, sizeof on);
  if (receiveBuffer > 0) {
    // SO_RCVBUFFORCE goes beyond net.core.rmem_max (needs CAP_NET_ADMIN); fall back to the capped one.
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receiveBuffer, sizeof receiveBuffer) != 0)
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
  }
  if (groups.empty()) {
    timeval timeout{kRequestTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  if (mnl_socket_bind(socket->socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
    error = failureFromErrno(errno, "netlink bind");
    return nullptr;
  }
  for (unsigned group : groups) {
    // NETLINK_ADD_MEMBERSHIP (unlike bind's 32-bit mask) reaches groups above 31 as well.
    if (mnl_socket_setsockopt(socket->socket_, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
      error = failureFromErrno(errno, "netlink group " + std::to_string(group));
      return nullptr;
    }
  }
  socket->portId_ = mnl_socket_get_portid(socket->socket_);
  error = Result::success();
  return socket;
}

NetlinkSocket::~NetlinkSocket() {
  if (socket_) mnl_socket_close(socket_);
}

int NetlinkSocket::fd() const { return socket_ ? mnl_socket_get_fd(socket_) : -1; }

namespace {

// Receives one datagram from the kernel. Returns its length, or -errno. Messages from other
// senders (another process can unicast to our port) are dropped: only the kernel is trusted.
ssize_t receiveFromKernel(int fd, char* buffer, std::size_t size, int flags) {
  while (true) {
    sockaddr_nl from{};
    iovec iov{buffer, size};
    msghdr header{};
    header.msg_name = &from;
    header.msg_namelen = sizeof from;
    header.msg_iov = &iov;
    header.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd, &header, flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (header.msg_flags & MSG_TRUNC) return -EMSGSIZE;
    if (from.nl_pid != 0) continue;
    return n;
  }
}

Result sendMessage(mnl_socket* socket, const nlmsghdr* message) {
  while (true) {
    if (mnl_socket_sendto(socket, message, message->nlmsg_len) >= 0) return Result::success();
    if (errno != EINTR) return failureFromErrno(errno, "netlink send");
  }
}

} // namespace

Result NetlinkSocket::request(nlmsghdr* message) {
  return request(message, [](const nlmsghdr&) {});
}

Result NetlinkSocket::request(nlmsghdr* message, const std::function<void(const nlmsghdr&)>& onReply) {
  message->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  message->nlmsg_pid = 0;
  const std::uint32_t sequence = message->nlmsg_seq = nextSequence();
  if (auto r = sendMessage(socket_, message); !r.ok()) return r;
  auto buffer = makeBuffer();
  const int fd = mnl_socket_get_fd(socket_);
  while (true) {
    const ssize_t n = receiveFromKernel(fd, buffer.get(), kReceiveBufferSize, 0);
    if (n < 0) return failureFromErrno(int(-n), "netlink receive");
    int remaining = int(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer.get()); messageFits(m, remaining);
         m = mnl_nlmsg_next(m, &remaining)) {
      // Leftovers of an earlier, abandoned exchange carry older sequence numbers.
      if (m->nlmsg_seq != sequence) continue;
      if (m->nlmsg_type == NLMSG_ERROR) {
        std::string text;
        const int error = errorOf(m, text);
        if (error == 0) return Result::success();
        return failureFromErrno(error, "netlink request", text);
      }
      if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_NOOP) continue;
      onReply(*m);
    }
  }
}

Result NetlinkSocket::dump(nlmsghdr* message, const std::function<void(const nlmsghdr&)>& onMessage,
                           const std::function<void()>& onRestart) {
  for (int attempt = 1;; ++attempt) {
    DumpState state;
    if (auto r = beginDump(message, state); !r.ok()) return r;
    while (!state.done)
      if (auto r = continueDump(state, onMessage, [] { return false; }); !r.ok()) return r;
    if (!state.interrupted || attempt >= kMaxDumpAttempts) return Result::success();
    if (onRestart) onRestart();
  }
}

Result NetlinkSocket::beginDump(nlmsghdr* message, DumpState& state) {
  message->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
  message->nlmsg_pid = 0;
  state = DumpState{};
  state.sequence = message->nlmsg_seq = nextSequence();
  return sendMessage(socket_, message);
}

Result NetlinkSocket::continueDump(DumpState& state, const std::function<void(const nlmsghdr&)>& onMessage,
                                   const std::function<bool()>& stop) {
  auto buffer = makeBuffer();
  const int fd = mnl_socket_get_fd(socket_);
  bool first = true;
  while (!state.done && (std::exchange(first, false) || !stop())) {
    const ssize_t n = receiveFromKernel(fd, buffer.get(), kReceiveBufferSize, 0);
    if (n < 0) return failureFromErrno(int(-n), "netlink dump receive");
    int remaining = int(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer.get()); messageFits(m, remaining);
         m = mnl_nlmsg_next(m, &remaining)) {
      if (m->nlmsg_seq != state.sequence) continue;
      if (m->nlmsg_flags & NLM_F_DUMP_INTR) state.interrupted = true;
      if (m->nlmsg_type == NLMSG_DONE) {
        state.done = true;
        // The payload is the dump's final status (0, or -errno followed by ext-ack TLVs).
        int status = 0;
        if (mnl_nlmsg_get_payload_len(m) >= sizeof status)
          std::memcpy(&status, mnl_nlmsg_get_payload(m), sizeof status);
        if (status < 0) return failureFromErrno(-status, "netlink dump", extAckMessage(m, sizeof status));
        break;
      }
      if (m->nlmsg_type == NLMSG_ERROR) {
        std::string text;
        const int error = errorOf(m, text);
        if (error != 0) {
          state.done = true; // an error ends the dump: nothing follows it
          return failureFromErrno(error, "netlink dump", text);
        }
        continue;
      }
      if (m->nlmsg_type == NLMSG_NOOP || m->nlmsg_type == NLMSG_OVERRUN) continue;
      onMessage(*m);
    }
  }
  return Result::success();
}

Result NetlinkSocket::receiveEvents(const std::function<void(const nlmsghdr&)>& onMessage,
                                    std::size_t maxMessages, bool& more) {
  more = false;
  auto buffer = makeBuffer();
  const int fd = mnl_socket_get_fd(socket_);
  std::size_t delivered = 0;
  while (true) {
    if (delivered >= maxMessages) {
      more = true;
      return Result::success();
    }
    const ssize_t n = receiveFromKernel(fd, buffer.get(), kReceiveBufferSize, MSG_DONTWAIT);
    if (n < 0) {
      if (n == -EAGAIN || n == -EWOULDBLOCK) return Result::success();
      // ENOBUFS: the kernel dropped events for us; a datagram too large for the buffer is as bad.
      if (n == -ENOBUFS || n == -EMSGSIZE)
        return Result::failure(Status::NoMemory, "netlink event socket overrun: events were lost");
      return failureFromErrno(int(-n), "netlink event receive");
    }
    int remaining = int(n);
    // A datagram is handled whole even past maxMessages: its tail could not be read again later.
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer.get()); messageFits(m, remaining);
         m = mnl_nlmsg_next(m, &remaining)) {
      if (m->nlmsg_type == NLMSG_NOOP || m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR)
        continue;
      onMessage(*m);
      ++delivered;
    }
  }
}

} // namespace ipmibd::platform::linux_backend
