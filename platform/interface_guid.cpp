// Backend::convertInterfaceLuidToGuid / convertInterfaceGuidToLuid over getIfTable2 (platform/guid.h
// says how a GUID is derived).
#include "platform/backend.h"

namespace ipmibd::platform {

Result Backend::convertInterfaceLuidToGuid(InterfaceLuid luid, Guid& guid) {
  if (luid.value == 0) return Result::failure(Status::InvalidParameter, "LUID 0");
  std::vector<InterfaceRow> table;
  if (Result r = getIfTable2(table); !r.ok()) return r;
  const auto guids = interfaceGuids(table);
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].luid == luid) {
      guid = guids[i];
      return Result::success();
    }
  return Result::failure(Status::NotFound, "no interface with LUID " + std::to_string(luid.value));
}

Result Backend::convertInterfaceGuidToLuid(const Guid& guid, InterfaceLuid& luid) {
  if (guid.isNil()) return Result::failure(Status::InvalidParameter, "nil GUID");
  std::vector<InterfaceRow> table;
  if (Result r = getIfTable2(table); !r.ok()) return r;
  const auto guids = interfaceGuids(table);
  for (std::size_t i = 0; i < table.size(); ++i)
    if (guids[i] == guid) {
      luid = table[i].luid;
      return Result::success();
    }
  return Result::failure(Status::NotFound, "no interface with GUID " + guid.toString());
}

} // namespace ipmibd::platform
