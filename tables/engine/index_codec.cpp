// RFC 2578 §7.7 / RFC 4001 index encoders and the non-throwing IndexReader.
#include "tables/engine/index_codec.h"

#include <algorithm>

namespace ipmibd::tables {

namespace {
// Address bytes (zone excluded) each InetAddressType carries; -1 for types we do not index.
int addressLength(InetAddressType type) {
  switch (type) {
  case InetAddressType::Unknown: return 0;
  case InetAddressType::Ipv4:
  case InetAddressType::Ipv4z: return 4;
  case InetAddressType::Ipv6:
  case InetAddressType::Ipv6z: return 16;
  case InetAddressType::Dns: return -1;
  }
  return -1;
}
bool hasZone(InetAddressType type) {
  return type == InetAddressType::Ipv4z || type == InetAddressType::Ipv6z;
}
} // namespace

InetAddress InetAddress::fromIp(const platform::IpAddress& address, ZoneStyle style) {
  InetAddress result;
  if (address.isUnspecified()) return result;
  result.length = std::uint8_t(address.size());
  std::copy_n(address.data(), address.size(), result.bytes.begin());
  if (address.isV4()) {
    result.type = InetAddressType::Ipv4;
  } else if (style == ZoneStyle::KeepZone && address.scopeId() != 0) {
    result.type = InetAddressType::Ipv6z;
    result.zone = address.scopeId();
  } else {
    result.type = InetAddressType::Ipv6;
  }
  return result;
}

std::optional<platform::IpAddress> InetAddress::toIp() const {
  switch (type) {
  case InetAddressType::Unknown: return platform::IpAddress();
  case InetAddressType::Ipv4: return platform::IpAddress::fromBytes(bytes.data(), 4);
  case InetAddressType::Ipv6: return platform::IpAddress::fromBytes(bytes.data(), 16);
  case InetAddressType::Ipv6z: return platform::IpAddress::fromBytes(bytes.data(), 16, zone);
  case InetAddressType::Ipv4z:
  case InetAddressType::Dns: return std::nullopt;
  }
  return std::nullopt;
}

std::basic_string<std::uint8_t> InetAddress::octets() const {
  std::basic_string<std::uint8_t> out(bytes.begin(), bytes.begin() + length);
  if (hasZone(type))
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(std::uint8_t(zone >> shift));
  return out;
}

// The same octets as octets(), appended in place: this runs once or twice per row of a million-row
// route table load, where a temporary string per IPv6 address was a measurable share.
void encodeInetAddressIndex(Oid& out, const InetAddress& address) {
  out.append(SubId(address.type));
  const bool zoned = hasZone(address.type);
  out.append(SubId(address.length + (zoned ? 4u : 0u)));
  for (std::size_t i = 0; i < address.length; ++i)
    out.append(address.bytes[i]);
  if (zoned)
    for (int shift = 24; shift >= 0; shift -= 8)
      out.append(SubId(std::uint8_t(address.zone >> shift)));
}

void encodeOidIndex(Oid& out, const Oid& value) {
  out.append(SubId(value.size()));
  out.append(value);
}

void encodeOctetStringIndex(Oid& out, std::span<const std::uint8_t> value, StringIndexForm form) {
  if (form == StringIndexForm::LengthPrefixed) out.append(SubId(value.size()));
  for (std::uint8_t b : value)
    out.append(b);
}

std::string_view toString(IndexError error) {
  switch (error) {
  case IndexError::None: return "none";
  case IndexError::Truncated: return "truncated";
  case IndexError::ByteOutOfRange: return "byte out of range";
  case IndexError::BadLength: return "bad length";
  case IndexError::BadType: return "bad address type";
  case IndexError::OutOfRange: return "out of range";
  case IndexError::TrailingData: return "trailing data";
  }
  return "?";
}

bool IndexReader::fail(IndexError error) {
  if (error_ == IndexError::None) error_ = error;
  return false;
}

std::optional<std::uint8_t> IndexReader::byte() {
  if (!ok()) return std::nullopt;
  if (position_ >= subIds_.size()) return fail(IndexError::Truncated), std::nullopt;
  SubId v = subIds_[position_];
  if (v > 255) return fail(IndexError::ByteOutOfRange), std::nullopt;
  ++position_;
  return std::uint8_t(v);
}

std::optional<std::uint32_t> IndexReader::integer(std::uint32_t min, std::uint32_t max) {
  if (!ok()) return std::nullopt;
  if (position_ >= subIds_.size()) return fail(IndexError::Truncated), std::nullopt;
  SubId v = subIds_[position_];
  if (v < min || v > max) return fail(IndexError::OutOfRange), std::nullopt;
  ++position_;
  return v;
}

std::optional<InetAddress> IndexReader::inetAddress() {
  if (!ok()) return std::nullopt;
  if (position_ >= subIds_.size()) return fail(IndexError::Truncated), std::nullopt;
  SubId rawType = subIds_[position_];
  InetAddress address;
  switch (rawType) {
  case 0:
  case 1:
  case 2:
  case 3:
  case 4: address.type = InetAddressType(rawType); break;
  default: return fail(IndexError::BadType), std::nullopt; // dns(16) is not an index type we serve
  }
  ++position_;
  if (position_ >= subIds_.size()) return fail(IndexError::Truncated), std::nullopt;
  SubId length = subIds_[position_];
  int expected = addressLength(address.type) + (hasZone(address.type) ? 4 : 0);
  if (length != SubId(expected)) return fail(IndexError::BadLength), std::nullopt;
  ++position_;
  address.length = std::uint8_t(addressLength(address.type));
  for (std::size_t i = 0; i < address.length; ++i) {
    auto b = byte();
    if (!b) return std::nullopt;
    address.bytes[i] = *b;
  }
  if (hasZone(address.type)) {
    for (int i = 0; i < 4; ++i) {
      auto b = byte();
      if (!b) return std::nullopt;
      address.zone = address.zone << 8 | *b;
    }
  }
  return address;
}

std::optional<Oid> IndexReader::oid(std::size_t maxLength) {
  if (!ok()) return std::nullopt;
  if (position_ >= subIds_.size()) return fail(IndexError::Truncated), std::nullopt;
  SubId length = subIds_[position_];
  if (length > maxLength) return fail(IndexError::BadLength), std::nullopt;
  if (subIds_.size() - position_ - 1 < length) return fail(IndexError::Truncated), std::nullopt;
  ++position_;
  Oid value(subIds_.subspan(position_, length));
  position_ += length;
  return value;
}

std::optional<std::basic_string<std::uint8_t>> IndexReader::octetString(StringIndexForm form,
                                                                        std::size_t size) {
  if (!ok()) return std::nullopt;
  std::size_t length = size;
  if (form == StringIndexForm::LengthPrefixed) {
    if (position_ >= subIds_.size()) return fail(IndexError::Truncated), std::nullopt;
    SubId declared = subIds_[position_];
    if (size != 0 && declared > size) return fail(IndexError::BadLength), std::nullopt; // size = max here
    if (subIds_.size() - position_ - 1 < declared) return fail(IndexError::Truncated), std::nullopt;
    ++position_;
    length = declared;
  } else if (form == StringIndexForm::Implied) {
    length = subIds_.size() - position_;
  } else if (subIds_.size() - position_ < length) {
    return fail(IndexError::Truncated), std::nullopt;
  }
  std::basic_string<std::uint8_t> value;
  value.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    auto b = byte();
    if (!b) return std::nullopt;
    value.push_back(*b);
  }
  return value;
}

bool IndexReader::finish() {
  if (!ok()) return false;
  if (position_ != subIds_.size()) return fail(IndexError::TrailingData);
  return true;
}

} // namespace ipmibd::tables
