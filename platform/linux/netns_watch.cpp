// inotify on /run/netns: IN_CREATE / IN_MOVED_TO add a namespace, IN_DELETE / IN_MOVED_FROM remove it.
#include "platform/linux/netns_watch.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <sys/inotify.h>
#include <system_error>
#include <unistd.h>

namespace ipmibd::platform::linux_backend {

NetnsWatch::NetnsWatch(std::filesystem::path directory) : directory_(std::move(directory)) {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error) throw std::system_error(error, "cannot create " + directory_.string());
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  if (::inotify_add_watch(fd_, directory_.c_str(), IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM) < 0) {
    const int saved = errno;
    ::close(fd_);
    throw std::system_error(saved, std::generic_category(), "inotify_add_watch " + directory_.string());
  }
}

NetnsWatch::~NetnsWatch() {
  if (fd_ >= 0) ::close(fd_);
}

std::set<std::string> NetnsWatch::names() const {
  std::set<std::string> out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error))
    out.insert(entry.path().filename().string());
  return out;
}

std::vector<NetnsWatch::Change> NetnsWatch::read() {
  std::vector<Change> out;
  alignas(inotify_event) std::array<char, 4096> buffer;
  for (;;) {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n <= 0) break; // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
      at += ssize_t(sizeof(inotify_event) + event->len);
      if (event->len == 0 || (event->mask & IN_ISDIR)) continue;
      const bool added = (event->mask & (IN_CREATE | IN_MOVED_TO)) != 0;
      if (added || (event->mask & (IN_DELETE | IN_MOVED_FROM)) != 0) out.push_back({event->name, added});
    }
  }
  return out;
}

} // namespace ipmibd::platform::linux_backend
