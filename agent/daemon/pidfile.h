// PidFile: writes the daemon's process id for init scripts and removes it again on exit.
#pragma once

#include <string>

namespace ipmibd::agent {

class PidFile {
public:
  PidFile() = default;
  // Writes getpid() to `path` (replacing an older file). False with `error` set on failure.
  bool write(const std::string& path, std::string& error);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

private:
  std::string path_;
};

} // namespace ipmibd::agent
