// The interface stack (GetIfStackTable / GetInvertedIfStackTable): which interface sits directly on
// which, derived from the layering fields of the interface rows.
#pragma once

#include "platform/rows.h"

#include <vector>

namespace ipmibd::platform {

// MIB_IFSTACK_ROW: the interface `higherLayerInterfaceIndex` runs directly on top of
// `lowerLayerInterfaceIndex`.
struct IfStackRow {
  InterfaceIndex higherLayerInterfaceIndex = 0;
  InterfaceIndex lowerLayerInterfaceIndex = 0;
  friend auto operator<=>(const IfStackRow&, const IfStackRow&) = default;
};

// MIB_INVERTEDIFSTACK_ROW: the same relation keyed the other way round.
struct InvertedIfStackRow {
  InterfaceIndex lowerLayerInterfaceIndex = 0;
  InterfaceIndex higherLayerInterfaceIndex = 0;
  friend auto operator<=>(const InvertedIfStackRow&, const InvertedIfStackRow&) = default;
};

// The relation as Linux expresses it:
// - masterIndex (IFLA_MASTER): a bridge port, bond slave or VRF member sits below its master;
// - linkIndex (IFLA_LINK, decoded only where it means "layered over", see InterfaceRow): a VLAN,
//   macvlan/ipvlan or tunnel sits above its parent.
// A veth's peer is not a layer: both ends are peers of one link, neither runs on the other.
// Only pairs of interfaces present in `interfaces` are returned (a parent in another namespace is
// not ours to name), sorted by (higher, lower) resp. (lower, higher); no IF-MIB zero rows (the
// "nothing above/below" rows of ifStackTable are the MIB's business, not IP Helper's).
std::vector<IfStackRow> ifStackOf(const std::vector<InterfaceRow>& interfaces);
std::vector<InvertedIfStackRow> invertedIfStackOf(const std::vector<InterfaceRow>& interfaces);

} // namespace ipmibd::platform
