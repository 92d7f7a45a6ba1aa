// Root to a dedicated user with CAP_NET_ADMIN only: prctl(PR_SET_KEEPCAPS) + setres[ug]id + capset.
#include "agent/daemon/privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>

namespace ipmibd::agent {
namespace {

std::optional<unsigned> parseId(const std::string& text) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string lastError(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

} // namespace

bool dropPrivileges(const PrivilegeDrop& drop, std::string& error) {
  if (::geteuid() != 0) {
    error = "-u/-g need ipmibd to be started as root";
    return false;
  }
  uid_t uid = 0;
  std::optional<gid_t> gid;
  if (const passwd* pw = ::getpwnam(drop.user.c_str())) {
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  } else if (auto id = parseId(drop.user)) {
    uid = *id;
  } else {
    error = "unknown user '" + drop.user + "'";
    return false;
  }
  if (!drop.group.empty()) {
    if (const group* gr = ::getgrnam(drop.group.c_str()))
      gid = gr->gr_gid;
    else if (auto id = parseId(drop.group))
      gid = *id;
    else {
      error = "unknown group '" + drop.group + "'";
      return false;
    }
  }
  if (!gid) {
    error = "user " + drop.user + " has no passwd entry: give the group with -g";
    return false;
  }

  std::uint64_t keep = 1ULL << CAP_NET_ADMIN;
  if (drop.keepSysAdmin) keep |= 1ULL << CAP_SYS_ADMIN;
  // The bounding set first, while CAP_SETPCAP is still ours; EINVAL marks the kernel's last one.
  for (int cap = 0; cap < 64; ++cap) {
    if ((keep >> cap) & 1) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;
      error = lastError("prctl(PR_CAPBSET_DROP)");
      return false;
    }
  }
  // Without KEEPCAPS the kernel clears the permitted set when the last uid 0 goes.
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
    error = lastError("prctl(PR_SET_KEEPCAPS)");
    return false;
  }
  const gid_t groups[] = {*gid};
  if (::setgroups(1, groups) != 0) {
    error = lastError("setgroups");
    return false;
  }
  if (::setresgid(*gid, *gid, *gid) != 0) {
    error = lastError("setresgid");
    return false;
  }
  if (::setresuid(uid, uid, uid) != 0) {
    error = lastError("setresuid");
    return false;
  }
  // No glibc wrapper without libcap; the raw call takes two 32-bit halves.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int half = 0; half < 2; ++half) {
    const auto bits = static_cast<std::uint32_t>(keep >> (32 * half));
    data[half].effective = bits;
    data[half].permitted = bits;
    data[half].inheritable = 0;
  }
  if (::syscall(SYS_capset, &header, data) != 0) {
    error = lastError("capset");
    return false;
  }
  ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  // Paranoia: a uid change that silently did not happen must not go unnoticed.
  if (uid != 0 && (::setuid(0) == 0 || ::geteuid() == 0)) {
    error = "still able to become root after dropping privileges";
    return false;
  }
  return true;
}

} // namespace ipmibd::agent
