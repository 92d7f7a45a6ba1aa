// Index codecs: encode MIB index objects into instance sub-identifiers and decode them back, per
// RFC 2578 §7.7 and RFC 4001 (InetAddressType/InetAddress), never throwing on malformed input.
#pragma once

#include "platform/address.h"
#include "tables/engine/oid.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ipmibd::tables {

// RFC 4001 InetAddressType.
enum class InetAddressType : std::uint8_t { Unknown = 0, Ipv4 = 1, Ipv6 = 2, Ipv4z = 3, Ipv6z = 4, Dns = 16 };

// How a scoped IPv6 address (link-local with a scope id) is represented.
//  DropZone: ipv6(2), 16 bytes. What Debian's snmpd 5.9 serves in inetCidrRouteTable and
//    ipNetToPhysicalTable; in both tables the interface is already known from the row
//    (inetCidrRouteIfIndex column / ipNetToPhysicalIfIndex index), so the zone is implied by context.
//  KeepZone: ipv6z(4), 16 bytes + 4-byte zone index (network order) for addresses whose scope id is
//    non-zero; unscoped addresses stay ipv6(2). RFC 4001 allows both; it only forbids using zone 0
//    "as an easy way out" when the zone is known, which DropZone does not do (it uses the zoneless type).
enum class ZoneStyle : std::uint8_t { DropZone, KeepZone };

// An InetAddressType + InetAddress pair as it appears on the wire.
struct InetAddress {
  InetAddressType type = InetAddressType::Unknown;
  std::uint8_t length = 0;              // address bytes in `bytes` (0, 4 or 16), zone excluded
  std::array<std::uint8_t, 16> bytes{}; // network order
  std::uint32_t zone = 0;               // ipv4z/ipv6z only

  // unknown(0) with a zero-length address: the "no address" value (RFC 4292 non-remote next hop).
  static InetAddress unknown() { return {}; }
  // From a platform address: V4 -> ipv4; V6 -> ipv6, or ipv6z when KeepZone and scope id != 0;
  // Unspecified -> unknown(0).
  static InetAddress fromIp(const platform::IpAddress& address, ZoneStyle style);
  // Back to a platform address; nullopt for ipv4z (no scope on platform IPv4) and dns.
  std::optional<platform::IpAddress> toIp() const;
  // The InetAddress octet string (address bytes + zone for z-types), e.g. for a column value.
  std::basic_string<std::uint8_t> octets() const;

  friend bool operator==(const InetAddress&, const InetAddress&) = default;
};

// ---- Encoders: append index sub-identifiers to an Oid -------------------------------------------
// Integer32/Unsigned32/InterfaceIndex/InetAddressPrefixLength: one sub-identifier.
inline void encodeIntegerIndex(Oid& out, std::uint32_t value) { out.append(value); }
// InetAddressType, then the InetAddress LENGTH-PREFIXED (not IMPLIED): type, n, byte1..byten.
// ipv4 -> 1.4.a.b.c.d; ipv6 -> 2.16.<16 bytes>; ipv4z -> 3.8.<4 bytes>.<4 zone bytes>;
// ipv6z -> 4.20.<16 bytes>.<4 zone bytes>; unknown -> 0.0.
void encodeInetAddressIndex(Oid& out, const InetAddress& address);
inline void encodeInetAddressIndex(Oid& out, const platform::IpAddress& address, ZoneStyle style) {
  encodeInetAddressIndex(out, InetAddress::fromIp(address, style));
}
// OBJECT IDENTIFIER index (e.g. inetCidrRoutePolicy, RowPointer): length, then the sub-identifiers.
void encodeOidIndex(Oid& out, const Oid& value);
// OCTET STRING index: length-prefixed (variable size), IMPLIED (last index, no length), or fixed
// size (SIZE(n) with a single size: no length either).
enum class StringIndexForm : std::uint8_t { LengthPrefixed, Implied, Fixed };
void encodeOctetStringIndex(Oid& out, std::span<const std::uint8_t> value, StringIndexForm form);

// ---- Decoders -----------------------------------------------------------------------------------
// Why decoding failed. Decoders never throw and never read past the end of the input.
enum class IndexError : std::uint8_t {
  None,
  Truncated,      // fewer sub-identifiers than the encoding needs
  ByteOutOfRange, // a sub-identifier in a byte position is > 255
  BadLength,      // length wrong for the InetAddressType, or over the syntax's maximum
  BadType,        // InetAddressType not one of 0, 1, 2, 3, 4, 16
  OutOfRange,     // an integer outside the caller's bounds
  TrailingData,   // sub-identifiers left after the last index object (see IndexReader::finish)
};
std::string_view toString(IndexError error);

// Reads index objects one after another from an instance suffix. After the first error every
// further read returns nullopt and error() keeps the first failure.
class IndexReader {
public:
  explicit IndexReader(std::span<const SubId> subIds) : subIds_(subIds) {}

  std::optional<std::uint32_t> integer(std::uint32_t min = 0, std::uint32_t max = 0xffffffff);
  std::optional<InetAddress> inetAddress();
  std::optional<Oid> oid(std::size_t maxLength = 128);
  // `size`: the exact size for Fixed, the maximum for LengthPrefixed (0 = none), unused for Implied.
  std::optional<std::basic_string<std::uint8_t>> octetString(StringIndexForm form, std::size_t size = 0);
  // True when every sub-identifier was consumed without error; sets TrailingData otherwise.
  bool finish();

  IndexError error() const { return error_; }
  bool ok() const { return error_ == IndexError::None; }
  std::size_t position() const { return position_; }

private:
  bool fail(IndexError error);
  std::optional<std::uint8_t> byte();

  std::span<const SubId> subIds_;
  std::size_t position_ = 0;
  IndexError error_ = IndexError::None;
};

} // namespace ipmibd::tables
