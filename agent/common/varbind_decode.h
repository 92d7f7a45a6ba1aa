// Reads a SET varbind's value out of Net-SNMP's representation into a tables::Value.
#pragma once

#include "agent/common/netsnmp.h"
#include "tables/engine/value.h"

#include <optional>

namespace ipmibd::agent {

// The value with the Syntax its BER tag stands for (ASN_INTEGER -> Integer32, ASN_GAUGE/UNSIGNED ->
// Gauge32, ASN_COUNTER, ASN_COUNTER64, ASN_TIMETICKS, ASN_OCTET_STR, ASN_IPADDRESS,
// ASN_OBJECT_ID). nullopt for tags no SMIv2 object of ours can have (NULL, Opaque, exceptions) and
// for an IpAddress that is not 4 bytes long.
std::optional<tables::Value> valueOfVarbind(const netsnmp_variable_list* varbind);

} // namespace ipmibd::agent
