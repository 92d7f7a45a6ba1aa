// LinuxBackend::getIfTable2Ex: the Raw level (the device's own carrier instead of the RFC 2863
// operational state) and the statistics-free level (a dump the kernel sends without counters).
#include "platform/linux/linux_backend.h"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <map>

namespace ipmibd::platform::linux_backend {

namespace {

// RTM_GETLINK dump request for every link; `skipStats` adds IFLA_EXT_MASK RTEXT_FILTER_SKIP_STATS.
nlmsghdr* linkDumpRequest(std::array<char, 256>& bytes, bool skipStats) {
  nlmsghdr* request = mnl_nlmsg_put_header(bytes.data());
  request->nlmsg_type = RTM_GETLINK;
  request->nlmsg_flags = NLM_F_REQUEST;
  auto* header = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifinfomsg)));
  header->ifi_family = AF_UNSPEC;
  if (skipStats) mnl_attr_put_u32(request, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  return request;
}

} // namespace

Result LinuxBackend::getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table) {
  table.clear();
  switch (level) {
  case IfTableLevel::Normal: return getIfTable2(table);
  case IfTableLevel::NormalWithoutStatistics: {
    alignas(nlmsghdr) std::array<char, 256> bytes{};
    nlmsghdr* request = linkDumpRequest(bytes, true);
    Result r = requestSocket_->dump(
        request,
        [&](const nlmsghdr& m) {
          if (auto row = decodeLink(m)) table.push_back(std::move(*row));
        },
        [&] { table.clear(); });
    if (!r.ok()) return r;
    for (auto& row : table) {
      // A kernel that ignores the mask still sends counters; the level promises none.
      row.inOctets = row.inUcastPkts = row.inNUcastPkts = row.inDiscards = row.inErrors =
          row.inUnknownProtos = row.inMulticastPkts = 0;
      row.outOctets = row.outUcastPkts = row.outNUcastPkts = row.outDiscards = row.outErrors = 0;
      if (auto it = links_.find(row.index); it != links_.end()) row.lastChange = it->second.lastChange;
    }
    std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    return Result::success();
  }
  case IfTableLevel::Raw: {
    if (Result r = getIfTable2(table); !r.ok()) return r;
    alignas(nlmsghdr) std::array<char, 256> bytes{};
    nlmsghdr* request = linkDumpRequest(bytes, true);
    std::map<InterfaceIndex, OperStatus> raw;
    Result r = requestSocket_->dump(
        request,
        [&](const nlmsghdr& m) {
          if (auto state = decodeRawLinkState(m)) raw[state->index] = state->operStatus;
        },
        [&] { raw.clear(); });
    if (!r.ok()) return r;
    // A link gone between the two dumps is left out, one that appeared is not added: the table is
    // the first dump's links.
    std::erase_if(table, [&](const InterfaceRow& row) { return !raw.contains(row.index); });
    for (auto& row : table)
      row.operStatus = raw[row.index];
    return Result::success();
  }
  }
  return Result::failure(Status::InvalidParameter, "unknown table level " + std::to_string(int(level)));
}

} // namespace ipmibd::platform::linux_backend
