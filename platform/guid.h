// Guid: the interface GUID of ConvertInterfaceLuidToGuid / ConvertInterfaceGuidToLuid, derived as an
// RFC 4122 (RFC 9562) version 5 name-based UUID so that it needs no stored state.
#pragma once

#include "platform/rows.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipmibd::platform {

// The 16 bytes in RFC 4122 network order (Windows' GUID struct stores the first three fields
// little-endian; text forms agree).
struct Guid {
  std::array<std::uint8_t, 16> bytes{};
  bool isNil() const;
  std::string toString() const;                            // "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
  static std::optional<Guid> parse(std::string_view text); // the same form, braces allowed
  friend auto operator<=>(const Guid&, const Guid&) = default;
};

// RFC 4122 section 4.3: SHA-1 of namespace bytes + name, version 5, variant 10.
Guid nameBasedGuid(const Guid& namespaceId, std::string_view name);

// The namespace of ipmibd's interface GUIDs (itself the version 5 UUID of the URL
// "urn:ipmibd:interface-guid" in RFC 4122's URL namespace).
const Guid& interfaceGuidNamespace();

// The name an interface's GUID is derived from: "mac:" + its permanent hardware address
// (IFLA_PERM_ADDRESS, "02:00:00:00:00:07") when it has one that no other interface of the table
// shares, else "name:" + its kernel name.
std::string interfaceGuidName(const InterfaceRow& row, bool permanentAddressShared = false);
// Every interface's GUID, in table order (the sharing check above done over `table`).
std::vector<Guid> interfaceGuids(const std::vector<InterfaceRow>& table);

} // namespace ipmibd::platform
