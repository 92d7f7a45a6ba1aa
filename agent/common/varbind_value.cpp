// Syntax-directed encoding of values into varbinds; the one place that knows Net-SNMP's value layouts.
#include "agent/common/varbind_value.h"

#include <vector>

namespace ipmibd::agent {

u_char asnType(tables::Syntax syntax) {
  using tables::Syntax;
  switch (syntax) {
  case Syntax::Integer32: return ASN_INTEGER;
  case Syntax::Unsigned32:
  case Syntax::Gauge32: return ASN_GAUGE;
  case Syntax::Counter32: return ASN_COUNTER;
  case Syntax::Counter64: return ASN_COUNTER64;
  case Syntax::TimeTicks: return ASN_TIMETICKS;
  case Syntax::OctetString: return ASN_OCTET_STR;
  case Syntax::ObjectIdentifier: return ASN_OBJECT_ID;
  case Syntax::IpAddress: return ASN_IPADDRESS;
  }
  return ASN_NULL;
}

bool setVarbindValue(netsnmp_variable_list* varbind, const tables::Value& value) {
  using tables::Syntax;
  const u_char type = asnType(value.syntax());
  int rc = 0;
  switch (value.syntax()) {
  case Syntax::Integer32: {
    // Net-SNMP reads integers as `long` when val_len == sizeof(long); sign-extends correctly.
    const long v = value.asInteger32();
    rc = snmp_set_var_typed_value(varbind, type, &v, sizeof v);
    break;
  }
  case Syntax::Unsigned32:
  case Syntax::Gauge32:
  case Syntax::Counter32:
  case Syntax::TimeTicks: {
    const u_long v = value.asUnsigned32();
    rc = snmp_set_var_typed_value(varbind, type, &v, sizeof v);
    break;
  }
  case Syntax::Counter64: {
    const std::uint64_t v = value.asCounter64();
    counter64 c{};
    c.high = static_cast<u_long>(v >> 32);
    c.low = static_cast<u_long>(v & 0xffffffffu);
    rc = snmp_set_var_typed_value(varbind, type, &c, sizeof c);
    break;
  }
  case Syntax::OctetString:
  case Syntax::IpAddress: {
    const auto& bytes = value.asBytes();
    rc = snmp_set_var_typed_value(varbind, type, bytes.data(), bytes.size());
    break;
  }
  case Syntax::ObjectIdentifier: {
    const tables::Oid& o = value.asOid();
    const std::vector<oid> subIds(o.begin(), o.end());
    rc = snmp_set_var_typed_value(varbind, type, subIds.data(), subIds.size() * sizeof(oid));
    break;
  }
  }
  return rc == 0;
}

} // namespace ipmibd::agent
