// LinuxBackend's multicast memberships and anycast addresses: RTM_GETMULTICAST / RTM_GETANYCAST
// dumps (IPv4 memberships from /proc/net/igmp where the kernel has no IPv4 RTM_GETMULTICAST), and
// anycast joins through IPV6_JOIN_ANYCAST on a socket the backend holds.
#include "platform/linux/group_decode.h"
#include "platform/linux/linux_backend.h"
#include "platform/linux/netns.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ipmibd::platform::linux_backend {

namespace {

// One RTM_GET{MULTICAST,ANYCAST} dump of a family into memberships.
Result dumpGroups(NetlinkSocket& socket, std::uint16_t type, int af, std::vector<GroupMembership>& out) {
  alignas(nlmsghdr) std::array<char, 256> bytes{};
  nlmsghdr* m = mnl_nlmsg_put_header(bytes.data());
  m->nlmsg_type = type;
  m->nlmsg_flags = NLM_F_REQUEST;
  auto* header = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(m, sizeof(ifaddrmsg)));
  header->ifa_family = std::uint8_t(af);
  out.clear();
  return socket.dump(
      m,
      [&](const nlmsghdr& reply) {
        if (auto g = decodeGroupMembership(reply)) out.push_back(*g);
      },
      [&] { out.clear(); });
}

template <class Row> void sortRows(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.interfaceIndex, a.address) < std::tie(b.interfaceIndex, b.address);
  });
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
}

} // namespace

Result LinuxBackend::readIpv4Memberships(std::vector<GroupMembership>& out) {
  if (!ipv4MulticastFromProc_) {
    const Result r = dumpGroups(*requestSocket_, RTM_GETMULTICAST, AF_INET, out);
    // Kernels before 6.13 have no IPv4 RTM_GETMULTICAST handler: EOPNOTSUPP (or EINVAL under strict
    // checking). From then on this backend reads /proc/net/igmp, as snmpd and `ip maddr` do.
    if (r.ok() || (r.status != Status::NotSupported && r.status != Status::InvalidParameter)) return r;
    ipv4MulticastFromProc_ = true;
  }
  NetnsScope scope(options_.netns); // /proc/thread-self/net follows the calling thread's namespace
  if (!scope.result().ok()) return scope.result();
  std::ifstream in("/proc/thread-self/net/igmp");
  if (!in) return Result::failure(Status::GeneralFailure, "cannot read /proc/net/igmp");
  std::ostringstream text;
  text << in.rdbuf();
  out = parseProcIgmp(text.str());
  return Result::success();
}

Result LinuxBackend::getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) {
  table.clear();
  std::vector<GroupMembership> groups;
  auto append = [&] {
    for (const auto& g : groups) {
      MulticastAddressRow row;
      row.address = g.address;
      row.interfaceIndex = g.interfaceIndex;
      row.luid = luidOf(g.interfaceIndex);
      row.scopeId = groupScopeId(g.address, g.interfaceIndex);
      table.push_back(row);
    }
  };
  if (family != Family::V6) {
    if (auto r = readIpv4Memberships(groups); !r.ok()) return r;
    append();
  }
  if (family != Family::V4) {
    if (auto r = dumpGroups(*requestSocket_, RTM_GETMULTICAST, AF_INET6, groups); !r.ok()) return r;
    append();
  }
  sortRows(table);
  return Result::success();
}

Result LinuxBackend::getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) {
  table.clear();
  if (family == Family::V4) return Result::success(); // no IPv4 anycast addresses in Linux
  std::vector<GroupMembership> groups;
  if (auto r = dumpGroups(*requestSocket_, RTM_GETANYCAST, AF_INET6, groups); !r.ok()) return r;
  for (const auto& g : groups) {
    AnycastAddressRow row;
    row.address = g.address;
    row.interfaceIndex = g.interfaceIndex;
    row.luid = luidOf(g.interfaceIndex);
    row.scopeId = groupScopeId(g.address, g.interfaceIndex);
    table.push_back(row);
  }
  sortRows(table);
  return Result::success();
}

// Validates an anycast row and resolves its interface: as CreateAnycastIpAddressEntry checks.
Result LinuxBackend::anycastTarget(const AnycastAddressRow& row, InterfaceIndex& index) {
  if (row.address.isV4()) return Result::failure(Status::NotSupported, "Linux has no IPv4 anycast addresses");
  if (!row.address.isV6() || row.address.isZero() || row.address.isMulticast())
    return Result::failure(Status::InvalidParameter, "not a unicast IPv6 address: " + row.address.toString());
  index = row.interfaceIndex;
  if (row.luid.value != 0) {
    if (auto r = convertInterfaceLuidToIndex(row.luid, index); !r.ok()) return r;
  } else if (index == 0) {
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  } else if (!links_.count(index)) {
    return Result::failure(Status::NotFound, "no interface " + std::to_string(index));
  }
  if (row.address.scopeId() != 0 && row.address.scopeId() != index)
    return Result::failure(Status::InvalidParameter, "the address's scope names another interface");
  return Result::success();
}

Result LinuxBackend::createAnycastIpAddressEntry(const AnycastAddressRow& row) {
  InterfaceIndex index = 0;
  if (auto r = anycastTarget(row, index); !r.ok()) return r;
  AnycastAddressRow existing;
  existing.address = row.address.withScope(0);
  existing.interfaceIndex = index;
  if (getAnycastIpAddressEntry(existing).ok())
    return Result::failure(Status::AlreadyExists,
                           existing.address.toString() + " is already an anycast address there");
  if (anycastSocket_ < 0) {
    NetnsScope scope(options_.netns); // the joins belong to the socket's namespace
    if (!scope.result().ok()) return scope.result();
    anycastSocket_ = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (anycastSocket_ < 0)
      return Result::failure(statusFromErrno(errno), std::string("anycast socket: ") + std::strerror(errno));
  }
  ipv6_mreq request{};
  std::memcpy(&request.ipv6mr_multiaddr, row.address.data(), 16);
  request.ipv6mr_interface = index;
  // A stale record (the interface went away, taking the kernel's entry with it) is left first, so
  // the socket's own list holds the address once.
  const std::pair key{row.address.withScope(0), index};
  if (anycastJoined_.erase(key))
    ::setsockopt(anycastSocket_, IPPROTO_IPV6, IPV6_LEAVE_ANYCAST, &request, sizeof request);
  if (::setsockopt(anycastSocket_, IPPROTO_IPV6, IPV6_JOIN_ANYCAST, &request, sizeof request) != 0) {
    const int e = errno;
    if (e == EADDRNOTAVAIL)
      // ipv6_sock_ac_join: a host (forwarding off) may only join anycasts of its on-link prefixes.
      return Result::failure(
          Status::InvalidParameter,
          "not within an on-link prefix of the interface (forwarding off: a host joins only those)");
    if (e == EINVAL)
      return Result::failure(Status::InvalidParameter,
                             row.address.toString() +
                                 " is a unicast address of this host or not valid as anycast");
    return Result::failure(statusFromErrno(e), std::string("IPV6_JOIN_ANYCAST: ") + std::strerror(e));
  }
  anycastJoined_.insert(key);
  return Result::success();
}

Result LinuxBackend::deleteAnycastIpAddressEntry(const AnycastAddressRow& row) {
  InterfaceIndex index = 0;
  if (auto r = anycastTarget(row, index); !r.ok()) return r;
  const std::pair key{row.address.withScope(0), index};
  if (!anycastJoined_.count(key))
    return Result::failure(Status::NotFound, row.address.toString() + " was not joined through this backend");
  ipv6_mreq request{};
  std::memcpy(&request.ipv6mr_multiaddr, row.address.data(), 16);
  request.ipv6mr_interface = index;
  anycastJoined_.erase(key);
  if (::setsockopt(anycastSocket_, IPPROTO_IPV6, IPV6_LEAVE_ANYCAST, &request, sizeof request) != 0) {
    const int e = errno;
    // ENOENT: the kernel dropped it with its interface; nothing of ours is left to remove.
    return Result::failure(e == ENOENT ? Status::NotFound : statusFromErrno(e),
                           std::string("IPV6_LEAVE_ANYCAST: ") + std::strerror(e));
  }
  return Result::success();
}

void LinuxBackend::closeAnycastSocket() {
  if (anycastSocket_ >= 0) ::close(anycastSocket_);
  anycastSocket_ = -1;
}

} // namespace ipmibd::platform::linux_backend
