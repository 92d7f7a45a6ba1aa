// Multicast membership and anycast address decoders: rtnetlink messages and /proc/net/igmp{,6}.
#include "platform/linux/group_decode.h"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>
#include <string>

namespace ipmibd::platform::linux_backend {

namespace {
// Dump replies carry the request's type (RTM_GETMULTICAST 58, RTM_GETANYCAST 62); the events
// Linux 6.13 added use the NEW/DEL types, which the build's 6.1 headers do not define yet.
constexpr std::uint16_t kNewMulticast = 56, kDelMulticast = 57, kNewAnycast = 60, kDelAnycast = 61;
static_assert(RTM_GETMULTICAST == 58 && RTM_GETANYCAST == 62);
} // namespace

std::optional<GroupMembership> decodeGroupMembership(const nlmsghdr& m) {
  const auto type = m.nlmsg_type;
  const bool multicast = type == RTM_GETMULTICAST || type == kNewMulticast || type == kDelMulticast;
  const bool anycast = type == RTM_GETANYCAST || type == kNewAnycast || type == kDelAnycast;
  if (!multicast && !anycast) return std::nullopt;
  const std::size_t header = NLMSG_ALIGN(sizeof(ifaddrmsg));
  if (m.nlmsg_len < NLMSG_HDRLEN + header) return std::nullopt;
  ifaddrmsg ifa;
  const auto* base = reinterpret_cast<const std::uint8_t*>(&m);
  std::memcpy(&ifa, base + NLMSG_HDRLEN, sizeof ifa);
  if ((ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6) || ifa.ifa_index == 0) return std::nullopt;
  const std::size_t want = ifa.ifa_family == AF_INET ? 4 : 16;
  const unsigned wantedType = multicast ? IFA_MULTICAST : IFA_ANYCAST;
  std::optional<IpAddress> found;
  // The attributes, each checked against what remains before it is read.
  for (std::size_t offset = NLMSG_HDRLEN + header; offset + sizeof(nlattr) <= m.nlmsg_len;) {
    nlattr a;
    std::memcpy(&a, base + offset, sizeof a);
    if (a.nla_len < sizeof(nlattr) || a.nla_len > m.nlmsg_len - offset) return std::nullopt;
    if ((a.nla_type & NLA_TYPE_MASK) == wantedType) {
      if (a.nla_len - sizeof(nlattr) != want) return std::nullopt;
      found = IpAddress::fromBytes(base + offset + sizeof(nlattr), want);
    }
    offset += NLA_ALIGN(a.nla_len);
  }
  if (!found || found->isZero() || found->isMulticast() != multicast) return std::nullopt;
  GroupMembership g;
  g.address = found->isV6LinkLocal() ? found->withScope(ifa.ifa_index) : *found;
  g.interfaceIndex = ifa.ifa_index;
  g.anycast = anycast;
  return g;
}

namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <class T> std::optional<T> number(std::string_view text, int base = 10) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

template <class Visit> void forEachLine(std::string_view content, Visit visit) {
  while (!content.empty()) {
    const std::size_t end = content.find('\n');
    visit(content.substr(0, end));
    if (end == std::string_view::npos) break;
    content.remove_prefix(end + 1);
  }
}

} // namespace

std::vector<GroupMembership> parseProcIgmp(std::string_view content) {
  std::vector<GroupMembership> out;
  InterfaceIndex current = 0; // the interface the following group lines belong to; 0 none yet
  forEachLine(content, [&](std::string_view line) {
    if (line.empty()) return;
    const auto w = words(line);
    if (w.empty()) return;
    if (line[0] != '\t') {
      // "IDX\tNAME : COUNT QUERIER" (the header line "Idx\tDevice ..." is not a number).
      const auto index = number<std::uint32_t>(w[0]);
      current = index.value_or(0);
      return;
    }
    if (current == 0 || w[0].size() != 8) return;
    const auto value = number<std::uint32_t>(w[0], 16);
    if (!value) return;
    // The kernel prints the __be32 as a native integer: its bytes in memory are the address.
    std::uint8_t bytes[4];
    std::memcpy(bytes, &*value, 4);
    const auto group = IpAddress::fromBytes(bytes, 4);
    if (group && group->isMulticast()) out.push_back({*group, current, false});
  });
  return out;
}

std::vector<GroupMembership> parseProcIgmp6(std::string_view content) {
  std::vector<GroupMembership> out;
  forEachLine(content, [&](std::string_view line) {
    const auto w = words(line);
    if (w.size() < 3 || w[2].size() != 32) return;
    const auto index = number<std::uint32_t>(w[0]);
    if (!index || *index == 0) return;
    std::uint8_t bytes[16];
    for (std::size_t i = 0; i < 16; ++i) {
      const auto b = number<std::uint8_t>(w[2].substr(2 * i, 2), 16);
      if (!b) return;
      bytes[i] = *b;
    }
    const auto group = IpAddress::fromBytes(bytes, 16);
    if (group && group->isMulticast()) out.push_back({*group, *index, false});
  });
  return out;
}

} // namespace ipmibd::platform::linux_backend
