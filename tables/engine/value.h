// Value: one SNMP varbind value with its explicit SMI syntax, independent of any SNMP library.
#pragma once

#include "tables/engine/oid.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace ipmibd::tables {

// The SMIv2 base syntaxes the agent has to put on the wire. Textual conventions map onto these:
// enums, RowStatus, TruthValue, InterfaceIndex, InetAddressType -> Integer32; InetAddress,
// PhysAddress, DisplayString -> OctetString; TimeStamp -> TimeTicks; RowPointer -> ObjectIdentifier.
enum class Syntax : std::uint8_t {
  Integer32,
  Unsigned32,
  Gauge32,
  Counter32,
  Counter64,
  TimeTicks,
  OctetString,
  ObjectIdentifier,
  IpAddress,
};
std::string_view toString(Syntax syntax);

// A value. The payload kind follows the syntax: Integer32 -> int32; Unsigned32, Gauge32, Counter32,
// TimeTicks -> uint32; Counter64 -> uint64; OctetString, IpAddress (4 bytes) -> bytes;
// ObjectIdentifier -> Oid. Built only through the named constructors so the two always agree.
class Value {
public:
  using Bytes = std::basic_string<std::uint8_t>;

  static Value integer32(std::int32_t v) { return Value(Syntax::Integer32, v); }
  static Value unsigned32(std::uint32_t v) { return Value(Syntax::Unsigned32, v); }
  static Value gauge32(std::uint32_t v) { return Value(Syntax::Gauge32, v); }
  static Value counter32(std::uint32_t v) { return Value(Syntax::Counter32, v); }
  static Value counter64(std::uint64_t v) { return Value(Syntax::Counter64, v); }
  static Value timeTicks(std::uint32_t v) { return Value(Syntax::TimeTicks, v); }
  static Value octetString(Bytes v) { return Value(Syntax::OctetString, std::move(v)); }
  static Value octetString(std::string_view text) { return octetString(Bytes(text.begin(), text.end())); }
  static Value objectIdentifier(Oid v) { return Value(Syntax::ObjectIdentifier, std::move(v)); }
  static Value ipAddress(std::array<std::uint8_t, 4> v) {
    return Value(Syntax::IpAddress, Bytes(v.begin(), v.end()));
  }

  Syntax syntax() const { return syntax_; }
  // Accessors; each requires the matching syntax (checked with assert in debug builds).
  std::int32_t asInteger32() const;
  std::uint32_t asUnsigned32() const; // Unsigned32, Gauge32, Counter32, TimeTicks
  std::uint64_t asCounter64() const;
  const Bytes& asBytes() const; // OctetString, IpAddress
  const Oid& asOid() const;

  // "INTEGER: 3", "Gauge32: 9", "STRING: 0x0a0b", "OID: 0.0", for logs and test failure messages.
  std::string toString() const;

  friend bool operator==(const Value&, const Value&) = default;

private:
  using Payload = std::variant<std::int32_t, std::uint32_t, std::uint64_t, Bytes, Oid>;
  Value(Syntax syntax, Payload payload) : syntax_(syntax), payload_(std::move(payload)) {}

  Syntax syntax_;
  Payload payload_;
};

} // namespace ipmibd::tables
