// Privileges: switching from root to an unprivileged user that keeps only the capabilities needed.
#pragma once

#include <string>

namespace ipmibd::agent {

struct PrivilegeDrop {
  std::string user;          // name or numeric uid (required)
  std::string group;         // name or numeric gid; empty = the user's primary group
  bool keepSysAdmin = false; // CAP_SYS_ADMIN too: `backend linux netns` enters the namespace (setns)
};

// Becomes `drop.user`/`drop.group` (supplementary groups: just that group) keeping CAP_NET_ADMIN
// (writes over rtnetlink and /proc/sys/net, SO_RCVBUFFORCE) and, when asked, CAP_SYS_ADMIN in the
// permitted and effective sets; every other capability leaves the bounding set too, so nothing
// can bring it back. Must be called as root. False with `error` set on any failure: the caller
// must then exit rather than carry on with more privilege than asked for.
bool dropPrivileges(const PrivilegeDrop& drop, std::string& error);

} // namespace ipmibd::agent
