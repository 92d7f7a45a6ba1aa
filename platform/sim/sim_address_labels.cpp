// SimKernel's address label table (`ip addrlabel`), the policy RFC 6724 address selection reads.
#include "platform/sim/sim_kernel.h"

#include <algorithm>

namespace ipmibd::platform::sim {

namespace {
// The kernel's list order: longer prefixes first; of equal ones, an interface-specific row first.
bool before(const AddressLabelRow& a, const AddressLabelRow& b) {
  if (a.prefix.length != b.prefix.length) return a.prefix.length > b.prefix.length;
  return a.interfaceIndex > b.interfaceIndex;
}
} // namespace

std::vector<AddressLabelRow> SimKernel::defaultAddressLabelsInKernelOrder() {
  auto rows = defaultAddressLabels();
  std::stable_sort(rows.begin(), rows.end(), before);
  return rows;
}

Result SimKernel::addAddressLabel(const AddressLabelRow& wanted) {
  if (!wanted.prefix.isValid() || wanted.prefix.family() != Family::V6)
    return Result::failure(Status::InvalidParameter, "address labels take IPv6 prefixes");
  if (wanted.interfaceIndex != 0 && !links_.contains(wanted.interfaceIndex))
    return Result::failure(Status::NotFound, "no interface " + std::to_string(wanted.interfaceIndex));
  // The kernel refuses IPv4-mapped prefixes longer than the mapped /96 (ip6addrlbl_alloc: EINVAL):
  // IPv4 gets one label as a whole.
  const IpPrefix mapped = *IpPrefix::parse("::ffff:0:0/96");
  if (wanted.prefix.length > 96 && mapped.contains(wanted.prefix.address.withScope(0)))
    return Result::failure(Status::InvalidParameter, "IPv4-mapped label prefixes are at most /96");
  AddressLabelRow row = wanted;
  row.prefix.address = row.prefix.address.masked(row.prefix.length).withScope(0);
  for (const auto& existing : addressLabels_)
    if (existing.prefix == row.prefix && existing.interfaceIndex == row.interfaceIndex)
      return Result::failure(Status::AlreadyExists, "label of " + row.prefix.toString() + " exists");
  addressLabels_.insert(std::upper_bound(addressLabels_.begin(), addressLabels_.end(), row, before), row);
  return Result::success();
}

Result SimKernel::deleteAddressLabel(const IpPrefix& prefix, InterfaceIndex interfaceIndex) {
  const IpPrefix key{prefix.address.masked(prefix.length).withScope(0), prefix.length};
  const auto erased = std::erase_if(addressLabels_, [&](const AddressLabelRow& row) {
    return row.prefix == key && row.interfaceIndex == interfaceIndex;
  });
  if (erased == 0) return Result::failure(Status::NotFound, "no label for " + key.toString());
  return Result::success();
}

} // namespace ipmibd::platform::sim
