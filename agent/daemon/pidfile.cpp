// Pid file handling; the file is removed only if it still holds our pid (a successor may own it).
#include "agent/daemon/pidfile.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace ipmibd::agent {

bool PidFile::write(const std::string& path, std::string& error) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    error = "cannot write pid file " + path + ": " + std::strerror(errno);
    return false;
  }
  out << ::getpid() << '\n';
  out.close();
  if (!out) {
    error = "cannot write pid file " + path;
    return false;
  }
  path_ = path;
  return true;
}

PidFile::~PidFile() {
  if (path_.empty()) return;
  std::ifstream in(path_);
  long pid = 0;
  if (in >> pid && pid == static_cast<long>(::getpid())) ::unlink(path_.c_str());
}

} // namespace ipmibd::agent
