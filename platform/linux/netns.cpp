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
    result_ = Result::failure(errno == ENOENT ? Status::NotFound : Status::AccessDenied,
                              path + ": " + std::strerror(errno));
    ::close(original_);
    original_ = -1;
    return;
  }
  if (::setns(target, CLONE_NEWNET) != 0) {
    result_ = Result::failure(Status::AccessDenied, "setns " + path + ": " + std::strerror(errno));
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
