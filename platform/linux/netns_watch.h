// NetnsWatch: follows the named network namespaces (/run/netns, as `ip netns add` / `del` keep it)
// through inotify, for ipmibd's `context auto netns`.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace ipmibd::platform::linux_backend {

class NetnsWatch {
public:
  struct Change {
    std::string name;
    bool added = false; // false: removed
  };

  // Watches `directory` (created when missing, as `ip netns add` would); names() then lists what
  // is there. Throws std::system_error when inotify or the directory is unavailable.
  explicit NetnsWatch(std::filesystem::path directory = "/run/netns");
  ~NetnsWatch();
  NetnsWatch(const NetnsWatch&) = delete;
  NetnsWatch& operator=(const NetnsWatch&) = delete;

  // Readable when changes wait (non-blocking).
  int descriptor() const { return fd_; }
  // The namespaces there now (a directory scan), in name order.
  std::set<std::string> names() const;
  // The changes since the last call, in order (reads the descriptor until it is empty). A name
  // appears when `ip netns add` creates its file, a moment before the namespace is mounted on it:
  // a caller that cannot open it yet tries again a little later.
  std::vector<Change> read();

private:
  std::filesystem::path directory_;
  int fd_ = -1;
};

} // namespace ipmibd::platform::linux_backend
