// Capabilities: what this process may do to the kernel, asked at the moment it matters.
#pragma once

namespace ipmibd::agent {

// The effective capability set of this process (/proc/self/status CapEff), for logs and tests.
unsigned long long effectiveCapabilities();

// Whether the calling thread holds CAP_NET_ADMIN in its effective set (capget(2): one system
// call, cheap enough for every SET). rtnetlink writes and /proc/sys/net need it; without it the
// kernel refuses each write with EPERM, so a SET checks first and changes nothing.
bool hasNetAdmin();

} // namespace ipmibd::agent
