// Entering and leaving named network namespaces with setns(2).
#include "platform/linux/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipmibd::platform::linux_backend {

NetnsScope::NetnsScope(const std::string& name) {
  if (name.empty()) return;
  original_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original_ < 0) {
    result_ = Result::failure(Status::GeneralFailure,
                              std::string("open /proc/self/ns/net: ") + std::strerror(errno));
    return;
  }
  const std::string path = "/run/netns/" + name;
  int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    const int error = errno;
    result_ = Result::failure(error == ENOENT                     ? Status::NotFound
                              : error == EACCES || error == EPERM ? Status::AccessDenied
                                                                  : Status::GeneralFailure,
                              path + ": " + std::strerror(error));
    ::close(original_);
    original_ = -1;
    return;
  }
  if (::setns(target, CLONE_NEWNET) != 0) {
    // EINVAL: the file is no namespace (yet: `ip netns add` creates it, then mounts the namespace
    // on it); EPERM: no CAP_SYS_ADMIN. Callers retry the first, never the second.
    const int error = errno;
    const Status status = error == EPERM || error == EACCES ? Status::AccessDenied
                          : error == EINVAL                 ? Status::NotFound
                                                            : Status::GeneralFailure;
    result_ = Result::failure(status, "setns " + path + ": " + std::strerror(error));
    ::close(original_);
    original_ = -1;
  }
  ::close(target);
}

NetnsScope::~NetnsScope() {
  if (original_ >= 0) {
    // Returning to our own namespace cannot fail for a process that could leave it.
    (void)::setns(original_, CLONE_NEWNET);
    ::close(original_);
  }
}

} // namespace ipmibd::platform::linux_backend
