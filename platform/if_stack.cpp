// Derivation of the interface stack from the interface rows' master and link indexes.
#include "platform/if_stack.h"

#include <algorithm>
#include <set>

namespace ipmibd::platform {

std::vector<IfStackRow> ifStackOf(const std::vector<InterfaceRow>& interfaces) {
  std::set<InterfaceIndex> present;
  for (const auto& i : interfaces)
    present.insert(i.index);
  std::set<IfStackRow> rows; // a set: a master that is also the IFLA_LINK parent is one pair
  for (const auto& i : interfaces) {
    if (i.masterIndex != 0 && i.masterIndex != i.index && present.count(i.masterIndex))
      rows.insert({i.masterIndex, i.index});
    if (i.linkIndex != 0 && i.linkIndex != i.index && present.count(i.linkIndex))
      rows.insert({i.index, i.linkIndex});
  }
  return {rows.begin(), rows.end()};
}

std::vector<InvertedIfStackRow> invertedIfStackOf(const std::vector<InterfaceRow>& interfaces) {
  std::vector<InvertedIfStackRow> out;
  for (const auto& r : ifStackOf(interfaces))
    out.push_back({r.lowerLayerInterfaceIndex, r.higherLayerInterfaceIndex});
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace ipmibd::platform
