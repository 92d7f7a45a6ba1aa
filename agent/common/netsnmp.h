// The one place ipmibd includes Net-SNMP's headers, in the order Net-SNMP requires.
#pragma once

#include <cstdint>

// net-snmp-config.h must come first: it defines the feature macros the other headers test.
// (Separate blocks keep clang-format from sorting them.)
#include <net-snmp/net-snmp-config.h>

#include <net-snmp/net-snmp-includes.h>

#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

// Net-SNMP's `oid` is `unsigned long` on LP64 (wider than an SNMP sub-identifier); the request
// adapter relies on this when it converts request OIDs.
static_assert(sizeof(oid) >= sizeof(std::uint32_t), "Net-SNMP oid narrower than a sub-identifier");
