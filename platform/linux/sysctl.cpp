// /proc/sys access for the Linux backend (values rtnetlink cannot read or write).
#include "platform/linux/sysctl.h"

#include "platform/linux/netlink_socket.h"
#include "platform/linux/netns.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ipmibd::platform::linux_backend {

namespace {
int openSysctl(const std::string& netns, const std::string& key, int flags) {
  NetnsScope scope(netns);
  if (!scope.result().ok()) {
    errno = ENOENT;
    return -1;
  }
  return ::open(("/proc/sys/" + key).c_str(), flags | O_CLOEXEC);
}
} // namespace

std::optional<long long> readSysctl(const std::string& netns, const std::string& key) {
  int fd = openSysctl(netns, key, O_RDONLY);
  if (fd < 0) return std::nullopt;
  char buf[64] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(buf, &end, 10);
  if (errno != 0 || end == buf) return std::nullopt;
  return v;
}

Result writeSysctl(const std::string& netns, const std::string& key, long long value) {
  int fd = openSysctl(netns, key, O_WRONLY);
  if (fd < 0) {
    int e = errno;
    return Result::failure(statusFromErrno(e), "/proc/sys/" + key + ": " + std::strerror(e));
  }
  const std::string text = std::to_string(value) + "\n";
  ssize_t n = ::write(fd, text.data(), text.size());
  int e = errno;
  ::close(fd);
  if (n != ssize_t(text.size()))
    return Result::failure(statusFromErrno(e),
                           "/proc/sys/" + key + " = " + std::to_string(value) + ": " + std::strerror(e));
  return Result::success();
}

} // namespace ipmibd::platform::linux_backend
