// Backend::getIfTable2Ex's shared part: the levels every backend answers the same way.
#include "platform/backend.h"

namespace ipmibd::platform {

std::string_view toString(IfTableLevel level) {
  switch (level) {
  case IfTableLevel::Normal: return "normal";
  case IfTableLevel::Raw: return "raw";
  case IfTableLevel::NormalWithoutStatistics: return "normal-without-statistics";
  }
  return "?";
}

// Backends override it for Raw (the device's own state is theirs to read) and may for
// NormalWithoutStatistics (to skip reading counters at all).
Result Backend::getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table) {
  table.clear();
  switch (level) {
  case IfTableLevel::Normal: return getIfTable2(table);
  case IfTableLevel::NormalWithoutStatistics: {
    Result r = getIfTable2(table);
    for (auto& row : table) {
      row.inOctets = row.inUcastPkts = row.inNUcastPkts = row.inDiscards = row.inErrors =
          row.inUnknownProtos = row.inMulticastPkts = 0;
      row.outOctets = row.outUcastPkts = row.outNUcastPkts = row.outDiscards = row.outErrors = 0;
    }
    return r;
  }
  case IfTableLevel::Raw:
    return Result::failure(Status::NotSupported, "this backend cannot read interfaces' own state");
  }
  return Result::failure(Status::InvalidParameter, "unknown table level " + std::to_string(int(level)));
}

} // namespace ipmibd::platform
