// NetnsScope: temporarily enters a named network namespace (/run/netns/NAME) so sockets and
// /proc/sys files opened meanwhile belong to it; leaves on destruction.
#pragma once

#include "platform/status.h"

#include <string>

namespace ipmibd::platform::linux_backend {

class NetnsScope {
public:
  // An empty name means "stay in the current namespace" (a no-op scope).
  explicit NetnsScope(const std::string& name);
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;
  // Success, or NotFound (no such namespace) / AccessDenied (setns refused).
  const Result& result() const { return result_; }

private:
  int original_ = -1;
  Result result_;
};

} // namespace ipmibd::platform::linux_backend
