// Parsing, formatting and arithmetic of IpAddress / IpPrefix / PhysicalAddress.
#include "platform/address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>
#include <cstring>

namespace ipmibd::platform {

std::string_view toString(Family family) {
  switch (family) {
  case Family::V4: return "ipv4";
  case Family::V6: return "ipv6";
  case Family::Unspecified: break;
  }
  return "unspec";
}

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> bytes) {
  IpAddress a;
  a.family_ = Family::V4;
  std::memcpy(a.bytes_.data(), bytes.data(), 4);
  return a;
}

IpAddress IpAddress::v4(std::uint32_t hostOrder) {
  return v4({std::uint8_t(hostOrder >> 24), std::uint8_t(hostOrder >> 16), std::uint8_t(hostOrder >> 8),
             std::uint8_t(hostOrder)});
}

IpAddress IpAddress::v6(std::array<std::uint8_t, 16> bytes, std::uint32_t scopeId) {
  IpAddress a;
  a.family_ = Family::V6;
  a.bytes_ = bytes;
  a.scopeId_ = scopeId;
  return a;
}

IpAddress IpAddress::zero(Family family) {
  IpAddress a;
  a.family_ = family;
  return a;
}

std::optional<IpAddress> IpAddress::fromBytes(const std::uint8_t* data, std::size_t length,
                                              std::uint32_t scopeId) {
  IpAddress a;
  if (length == 4) {
    a.family_ = Family::V4;
  } else if (length == 16) {
    a.family_ = Family::V6;
    a.scopeId_ = scopeId;
  } else {
    return std::nullopt;
  }
  std::memcpy(a.bytes_.data(), data, length);
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::string s(text);
  std::uint32_t scope = 0;
  if (auto pct = s.find('%'); pct != std::string::npos) {
    std::string_view scopeText = std::string_view(s).substr(pct + 1);
    auto [ptr, ec] = std::from_chars(scopeText.data(), scopeText.data() + scopeText.size(), scope);
    if (ec != std::errc() || ptr != scopeText.data() + scopeText.size() || scopeText.empty())
      return std::nullopt;
    s.resize(pct);
  }
  std::uint8_t buf[16];
  if (s.find(':') == std::string::npos) {
    if (scope != 0 || inet_pton(AF_INET, s.c_str(), buf) != 1) return std::nullopt;
    return fromBytes(buf, 4);
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) != 1) return std::nullopt;
  return fromBytes(buf, 16, scope);
}

bool IpAddress::isZero() const {
  for (std::size_t i = 0; i < size(); ++i)
    if (bytes_[i] != 0) return false;
  return true;
}

bool IpAddress::isV6LinkLocal() const { return isV6() && bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80; }

bool IpAddress::isMulticast() const {
  if (isV4()) return (bytes_[0] & 0xf0) == 0xe0;
  if (isV6()) return bytes_[0] == 0xff;
  return false;
}

bool IpAddress::isLoopback() const {
  if (isV4()) return bytes_[0] == 127;
  if (isV6()) {
    for (int i = 0; i < 15; ++i)
      if (bytes_[i] != 0) return false;
    return bytes_[15] == 1;
  }
  return false;
}

std::size_t IpAddress::size() const { return isV4() ? 4 : isV6() ? 16 : 0; }

IpAddress IpAddress::withScope(std::uint32_t scopeId) const {
  IpAddress a = *this;
  a.scopeId_ = isV6() ? scopeId : 0;
  return a;
}

IpAddress IpAddress::masked(unsigned prefixLength) const {
  IpAddress a = *this;
  const unsigned bits = unsigned(size()) * 8;
  for (unsigned i = 0; i < size(); ++i) {
    const unsigned first = i * 8;
    if (first >= prefixLength) {
      a.bytes_[i] = 0;
    } else if (first + 8 > prefixLength && prefixLength < bits) {
      a.bytes_[i] &= std::uint8_t(0xff << (8 - (prefixLength - first)));
    }
  }
  return a;
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN + 16];
  if (isV4()) {
    inet_ntop(AF_INET, bytes_.data(), buf, sizeof buf);
    return buf;
  }
  if (isV6()) {
    inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
    std::string s = buf;
    if (scopeId_ != 0) s += "%" + std::to_string(scopeId_);
    return s;
  }
  return "none";
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  IpPrefix p;
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  p.address = *addr;
  if (slash == std::string_view::npos) {
    p.length = std::uint8_t(p.maxLength());
    return p;
  }
  auto lenText = text.substr(slash + 1);
  unsigned len = 0;
  auto [ptr, ec] = std::from_chars(lenText.data(), lenText.data() + lenText.size(), len);
  if (ec != std::errc() || ptr != lenText.data() + lenText.size() || lenText.empty() || len > p.maxLength())
    return std::nullopt;
  p.length = std::uint8_t(len);
  return p;
}

bool IpPrefix::contains(const IpAddress& a) const {
  if (a.family() != family()) return false;
  return a.withScope(address.scopeId()).masked(length) == address.masked(length);
}

std::string IpPrefix::toString() const { return address.toString() + "/" + std::to_string(length); }

std::string formatPhysicalAddress(const PhysicalAddress& address) {
  std::string s;
  char buf[4];
  for (std::size_t i = 0; i < address.size(); ++i) {
    std::snprintf(buf, sizeof buf, i ? ":%02x" : "%02x", address[i]);
    s += buf;
  }
  return s;
}

std::optional<PhysicalAddress> parsePhysicalAddress(std::string_view text) {
  PhysicalAddress out;
  if (text.empty()) return out;
  std::size_t pos = 0;
  while (true) {
    auto end = text.find(':', pos);
    auto part = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v, 16);
    if (part.empty() || part.size() > 2 || ec != std::errc() || ptr != part.data() + part.size())
      return std::nullopt;
    out.push_back(std::uint8_t(v));
    if (out.size() > 32) return std::nullopt;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

} // namespace ipmibd::platform
