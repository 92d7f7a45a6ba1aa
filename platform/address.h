// IpAddress and IpPrefix: the small address value types every platform row uses (IPv4/IPv6 + IPv6 scope id).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipmibd::platform {

// Address family of a row or request. Unspecified is only meaningful as a filter ("both families")
// or as the "no next hop" marker of an on-link route, mirroring AF_UNSPEC in IP Helper.
enum class Family : std::uint8_t { Unspecified = 0, V4 = 4, V6 = 6 };

std::string_view toString(Family family);

// An IPv4 or IPv6 address. IPv6 link-local (and other scoped) addresses carry the scope id (the
// interface index on Linux), as SOCKADDR_IN6 does; it takes part in equality and ordering so that
// fe80::1%2 and fe80::1%3 are distinct. An Unspecified-family address is the "none" value.
class IpAddress {
public:
  IpAddress() = default;
  static IpAddress v4(std::array<std::uint8_t, 4> bytes);
  static IpAddress v4(std::uint32_t hostOrder);
  static IpAddress v6(std::array<std::uint8_t, 16> bytes, std::uint32_t scopeId = 0);
  // Any-address of a family (0.0.0.0 / ::); for Unspecified the "none" value.
  static IpAddress zero(Family family);
  // Builds from raw bytes: 4 bytes -> V4, 16 -> V6, anything else -> nullopt.
  static std::optional<IpAddress> fromBytes(const std::uint8_t* data, std::size_t length,
                                            std::uint32_t scopeId = 0);
  // Parses "192.0.2.1", "2001:db8::1", "fe80::1%3" (numeric scope only). nullopt on error.
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool isV4() const { return family_ == Family::V4; }
  bool isV6() const { return family_ == Family::V6; }
  bool isUnspecified() const { return family_ == Family::Unspecified; }
  // True for 0.0.0.0, :: and the "none" value.
  bool isZero() const;
  bool isV6LinkLocal() const;
  bool isMulticast() const;
  bool isLoopback() const;
  // 4 for V4, 16 for V6, 0 for Unspecified.
  std::size_t size() const;
  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint32_t scopeId() const { return scopeId_; }
  IpAddress withScope(std::uint32_t scopeId) const;
  // Keeps the first prefixLength bits, zeroes the rest (scope kept).
  IpAddress masked(unsigned prefixLength) const;
  // Text form as `ip` prints it; scoped IPv6 as "fe80::1%3"; "none" for Unspecified.
  std::string toString() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

private:
  Family family_ = Family::Unspecified;
  std::array<std::uint8_t, 16> bytes_{};
  std::uint32_t scopeId_ = 0;
};

// A destination prefix (IP_ADDRESS_PREFIX). The address is not required to be masked: callers that
// need canonical form check `isCanonical()` (the MIB layer reports inconsistentName for that).
struct IpPrefix {
  IpAddress address;
  std::uint8_t length = 0;

  static std::optional<IpPrefix> parse(std::string_view text); // "198.51.100.0/24", "default" is not accepted
  Family family() const { return address.family(); }
  unsigned maxLength() const { return address.isV4() ? 32 : address.isV6() ? 128 : 0; }
  bool isValid() const { return !address.isUnspecified() && length <= maxLength(); }
  bool isCanonical() const { return address.masked(length) == address; }
  bool contains(const IpAddress& a) const;
  std::string toString() const;

  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

// A link-layer address (MAC, or empty for interfaces without one). Up to 32 bytes as IP Helper.
using PhysicalAddress = std::basic_string<std::uint8_t>;
std::string formatPhysicalAddress(const PhysicalAddress& address); // "02:00:00:00:00:07"
std::optional<PhysicalAddress> parsePhysicalAddress(std::string_view text);

} // namespace ipmibd::platform
