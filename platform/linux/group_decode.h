// Decoders of multicast group memberships and anycast addresses: the rtnetlink RTM_NEWMULTICAST /
// RTM_NEWANYCAST messages (dumps of RTM_GETMULTICAST / RTM_GETANYCAST) and, for kernels that
// answer no IPv4 RTM_GETMULTICAST (before 6.13), the /proc/net/igmp and igmp6 files. Like
// rtnl_decode, they never trust their input (fuzzed in tests/fuzz/group_decode_fuzz).
#pragma once

#include "platform/group_address.h"

#include <optional>
#include <string_view>
#include <vector>

struct nlmsghdr;

namespace ipmibd::platform::linux_backend {

struct GroupMembership {
  IpAddress address; // link-local anycast addresses carry the interface as scope (see group_address.h)
  InterfaceIndex interfaceIndex = 0;
  bool anycast = false; // IFA_ANYCAST rather than IFA_MULTICAST
};

// Dump replies (RTM_GETMULTICAST / RTM_GETANYCAST) and events (RTM_NEW/DELMULTICAST, RTM_NEW/DELANYCAST)
// with IFA_MULTICAST resp. IFA_ANYCAST, AF_INET or AF_INET6; nullopt for anything else or malformed input (a
// multicast message must carry a multicast address, an anycast one a non-multicast one).
std::optional<GroupMembership> decodeGroupMembership(const nlmsghdr& message);

// /proc/net/igmp: a line per interface ("IDX\tNAME: COUNT QUERIER") followed by a line per group
// ("\t\t\t\tHEX USERS TIMER REPORTER", the group's __be32 printed as a native-endian number).
// Malformed lines are skipped.
std::vector<GroupMembership> parseProcIgmp(std::string_view content);
// /proc/net/igmp6: "IDX NAME HEX32 USERS FLAGS TIMER" per group and interface.
std::vector<GroupMembership> parseProcIgmp6(std::string_view content);

} // namespace ipmibd::platform::linux_backend
