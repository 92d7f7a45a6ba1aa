// Zero-timeout poll() over the descriptors Net-SNMP's sessions and transports listen on.
#include "agent/common/request_backlog.h"

#include "agent/common/netsnmp.h"

#include <poll.h>
#include <vector>

namespace ipmibd::agent {

bool requestsWaiting() {
  netsnmp_large_fd_set readable;
  netsnmp_large_fd_set_init(&readable, FD_SETSIZE);
  int numfds = 0;
  int block = 1;
  timeval timeout{0, 0};
  snmp_select_info2(&numfds, &readable, &timeout, &block);
  std::vector<pollfd> fds;
  for (int fd = 0; fd < numfds; ++fd)
    if (NETSNMP_LARGE_FD_ISSET(fd, &readable)) fds.push_back(pollfd{fd, POLLIN, 0});
  netsnmp_large_fd_set_cleanup(&readable);
  if (fds.empty()) return false;
  return ::poll(fds.data(), fds.size(), 0) > 0;
}

std::chrono::milliseconds sliceBudget(std::chrono::milliseconds full) {
  return requestsWaiting() ? std::min(full, kShortSlice) : full;
}

} // namespace ipmibd::agent
