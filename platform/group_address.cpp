// The scope of multicast and anycast address rows.
#include "platform/group_address.h"

namespace ipmibd::platform {

std::uint32_t groupScopeId(const IpAddress& address, InterfaceIndex interfaceIndex) {
  if (!address.isV6()) return 0;
  if (address.isV6LinkLocal()) return interfaceIndex;
  // Multicast scope nibble (RFC 4291 2.7): 1 interface-local, 2 link-local.
  if (address.isMulticast() && ((address.data()[1] & 0x0f) == 1 || (address.data()[1] & 0x0f) == 2))
    return interfaceIndex;
  return 0;
}

} // namespace ipmibd::platform
