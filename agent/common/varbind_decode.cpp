// Net-SNMP varbind payloads (long, u_long, counter64, byte and oid arrays) to tables::Value.
#include "agent/common/varbind_decode.h"

namespace ipmibd::agent {

std::optional<tables::Value> valueOfVarbind(const netsnmp_variable_list* varbind) {
  using tables::Value;
  if (varbind == nullptr) return std::nullopt;
  const auto* bytes = varbind->val.string;
  switch (varbind->type) {
  case ASN_INTEGER:
    if (varbind->val.integer == nullptr) return std::nullopt;
    return Value::integer32(static_cast<std::int32_t>(*varbind->val.integer));
  case ASN_GAUGE: // == ASN_UNSIGNED
    if (varbind->val.integer == nullptr) return std::nullopt;
    return Value::gauge32(static_cast<std::uint32_t>(*varbind->val.integer));
  case ASN_COUNTER:
    if (varbind->val.integer == nullptr) return std::nullopt;
    return Value::counter32(static_cast<std::uint32_t>(*varbind->val.integer));
  case ASN_TIMETICKS:
    if (varbind->val.integer == nullptr) return std::nullopt;
    return Value::timeTicks(static_cast<std::uint32_t>(*varbind->val.integer));
  case ASN_COUNTER64:
    if (varbind->val.counter64 == nullptr) return std::nullopt;
    return Value::counter64((std::uint64_t(varbind->val.counter64->high) << 32) |
                            (varbind->val.counter64->low & 0xffffffffu));
  case ASN_OCTET_STR: return Value::octetString(Value::Bytes(bytes, bytes + (bytes ? varbind->val_len : 0)));
  case ASN_IPADDRESS: // other lengths are refused by the caller with wrongLength
    if (bytes != nullptr && varbind->val_len == 4)
      return Value::ipAddress({bytes[0], bytes[1], bytes[2], bytes[3]});
    return std::nullopt;
  case ASN_OBJECT_ID: {
    tables::Oid value;
    const std::size_t n = varbind->val.objid ? varbind->val_len / sizeof(oid) : 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (varbind->val.objid[i] > 0xffffffffUL) return std::nullopt;
      value.append(static_cast<tables::SubId>(varbind->val.objid[i]));
    }
    return Value::objectIdentifier(std::move(value));
  }
  default: return std::nullopt;
  }
}

} // namespace ipmibd::agent
