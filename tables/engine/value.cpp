// Value accessors and the human-readable form used in logs and test messages.
#include "tables/engine/value.h"

#include <cassert>
#include <cstdio>

namespace ipmibd::tables {

std::string_view toString(Syntax syntax) {
  switch (syntax) {
  case Syntax::Integer32: return "INTEGER";
  case Syntax::Unsigned32: return "Unsigned32";
  case Syntax::Gauge32: return "Gauge32";
  case Syntax::Counter32: return "Counter32";
  case Syntax::Counter64: return "Counter64";
  case Syntax::TimeTicks: return "Timeticks";
  case Syntax::OctetString: return "STRING";
  case Syntax::ObjectIdentifier: return "OID";
  case Syntax::IpAddress: return "IpAddress";
  }
  return "?";
}

std::int32_t Value::asInteger32() const {
  assert(syntax_ == Syntax::Integer32);
  const auto* v = std::get_if<std::int32_t>(&payload_);
  return v ? *v : 0;
}

std::uint32_t Value::asUnsigned32() const {
  const auto* v = std::get_if<std::uint32_t>(&payload_);
  assert(v);
  return v ? *v : 0;
}

std::uint64_t Value::asCounter64() const {
  const auto* v = std::get_if<std::uint64_t>(&payload_);
  assert(v);
  return v ? *v : 0;
}

const Value::Bytes& Value::asBytes() const {
  static const Bytes kEmpty;
  const auto* v = std::get_if<Bytes>(&payload_);
  assert(v);
  return v ? *v : kEmpty;
}

const Oid& Value::asOid() const {
  static const Oid kEmpty;
  const auto* v = std::get_if<Oid>(&payload_);
  assert(v);
  return v ? *v : kEmpty;
}

std::string Value::toString() const {
  std::string text(tables::toString(syntax_));
  text += ": ";
  switch (syntax_) {
  case Syntax::Integer32: return text + std::to_string(asInteger32());
  case Syntax::Unsigned32:
  case Syntax::Gauge32:
  case Syntax::Counter32:
  case Syntax::TimeTicks: return text + std::to_string(asUnsigned32());
  case Syntax::Counter64: return text + std::to_string(asCounter64());
  case Syntax::ObjectIdentifier: return text + asOid().toString();
  case Syntax::IpAddress: {
    const Bytes& b = asBytes();
    for (std::size_t i = 0; i < b.size(); ++i)
      text += (i ? "." : "") + std::to_string(b[i]);
    return text;
  }
  case Syntax::OctetString: {
    text += "0x";
    char hex[3];
    for (std::uint8_t byte : asBytes()) {
      std::snprintf(hex, sizeof hex, "%02x", byte);
      text += hex;
    }
    return text;
  }
  }
  return text;
}

} // namespace ipmibd::tables
