// Puts a tables::Value into a Net-SNMP varbind with the ASN.1 type its Syntax calls for.
#pragma once

#include "agent/common/netsnmp.h"
#include "tables/engine/value.h"

namespace ipmibd::agent {

// The BER tag for a syntax: Integer32 -> ASN_INTEGER, Unsigned32/Gauge32 -> ASN_GAUGE (the same
// tag as ASN_UNSIGNED), Counter32 -> ASN_COUNTER, Counter64 -> ASN_COUNTER64, TimeTicks ->
// ASN_TIMETICKS, OctetString -> ASN_OCTET_STR, ObjectIdentifier -> ASN_OBJECT_ID, IpAddress ->
// ASN_IPADDRESS.
u_char asnType(tables::Syntax syntax);

// Returns false when Net-SNMP could not store the value (allocation failure).
bool setVarbindValue(netsnmp_variable_list* varbind, const tables::Value& value);

} // namespace ipmibd::agent
