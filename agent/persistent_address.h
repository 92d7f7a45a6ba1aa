// PersistentAddress until h-addr's ipAddressTable writer lands: the same declaration as its
// tables/ip_address_tables.h contract (this header goes away at that merge).
#pragma once

#include "platform/address.h"

#include <cstdint>

namespace ipmibd::tables {

struct PersistentAddress {     // an address created through SNMP with ipAddressStorageType nonVolatile(3)
  platform::IpAddress address; // with scope id for link-local IPv6
  std::uint8_t prefixLength = 0;
  std::uint32_t ifIndex = 0;
};

} // namespace ipmibd::tables
