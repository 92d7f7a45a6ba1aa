// Reading and writing /proc/sys values inside the backend's network namespace.
#pragma once

#include "platform/status.h"

#include <optional>
#include <string>

namespace ipmibd::platform::linux_backend {

// `key` is relative to /proc/sys, e.g. "net/ipv6/conf/eth0/forwarding". /proc/sys/net files belong
// to the namespace of the process that opens them, so both enter `netns` (empty = current) first.
std::optional<long long> readSysctl(const std::string& netns, const std::string& key);
// Success; NotFound (no such key); InvalidParameter (EINVAL: value refused); AccessDenied.
Result writeSysctl(const std::string& netns, const std::string& key, long long value);

} // namespace ipmibd::platform::linux_backend
