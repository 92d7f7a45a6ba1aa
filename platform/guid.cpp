// Guid: text form, SHA-1 (FIPS 180-4, for RFC 4122 version 5 only, not for security) and the
// interface GUID derivation.
#include "platform/guid.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

namespace ipmibd::platform {
namespace {

std::array<std::uint8_t, 20> sha1(const std::uint8_t* data, std::size_t size) {
  std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::vector<std::uint8_t> message(data, data + size);
  const std::uint64_t bitLength = std::uint64_t(size) * 8;
  message.push_back(0x80);
  while (message.size() % 64 != 56)
    message.push_back(0);
  for (int i = 7; i >= 0; --i)
    message.push_back(std::uint8_t(bitLength >> (i * 8)));
  auto rotl = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  for (std::size_t chunk = 0; chunk < message.size(); chunk += 64) {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i)
      w[i] = std::uint32_t(message[chunk + 4 * i]) << 24 | std::uint32_t(message[chunk + 4 * i + 1]) << 16 |
             std::uint32_t(message[chunk + 4 * i + 2]) << 8 | std::uint32_t(message[chunk + 4 * i + 3]);
    for (int i = 16; i < 80; ++i)
      w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      const std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  std::array<std::uint8_t, 20> out{};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j)
      out[4 * i + j] = std::uint8_t(h[i] >> (24 - 8 * j));
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

bool Guid::isNil() const {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::string Guid::toString() const {
  std::string out;
  char buffer[3];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    std::snprintf(buffer, sizeof buffer, "%02x", bytes[i]);
    out += buffer;
  }
  return out;
}

std::optional<Guid> Guid::parse(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  if (text.size() != 36) return std::nullopt;
  Guid guid;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int high = hexValue(text[i]), low = hexValue(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    guid.bytes[byte++] = std::uint8_t(high << 4 | low);
    i += 2;
  }
  return guid;
}

Guid nameBasedGuid(const Guid& namespaceId, std::string_view name) {
  std::vector<std::uint8_t> input(namespaceId.bytes.begin(), namespaceId.bytes.end());
  input.insert(input.end(), name.begin(), name.end());
  const auto digest = sha1(input.data(), input.size());
  Guid guid;
  std::copy_n(digest.begin(), 16, guid.bytes.begin());
  guid.bytes[6] = std::uint8_t((guid.bytes[6] & 0x0f) | 0x50); // version 5
  guid.bytes[8] = std::uint8_t((guid.bytes[8] & 0x3f) | 0x80); // variant 10
  return guid;
}

const Guid& interfaceGuidNamespace() {
  static const Guid ns = nameBasedGuid(*Guid::parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), // NameSpace_URL
                                       "urn:ipmibd:interface-guid");
  return ns;
}

namespace {
bool hasPermanentAddress(const InterfaceRow& row) {
  const auto& mac = row.permanentPhysicalAddress;
  return std::any_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b != 0; });
}
} // namespace

std::string interfaceGuidName(const InterfaceRow& row, bool permanentAddressShared) {
  if (hasPermanentAddress(row) && !permanentAddressShared)
    return "mac:" + formatPhysicalAddress(row.permanentPhysicalAddress);
  return "name:" + row.name;
}

std::vector<Guid> interfaceGuids(const std::vector<InterfaceRow>& table) {
  std::map<PhysicalAddress, int> uses;
  for (const auto& row : table)
    if (hasPermanentAddress(row)) ++uses[row.permanentPhysicalAddress];
  std::vector<Guid> guids;
  guids.reserve(table.size());
  for (const auto& row : table) {
    const bool shared = hasPermanentAddress(row) && uses[row.permanentPhysicalAddress] > 1;
    guids.push_back(nameBasedGuid(interfaceGuidNamespace(), interfaceGuidName(row, shared)));
  }
  return guids;
}

} // namespace ipmibd::platform
