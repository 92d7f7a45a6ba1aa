// VrfView: filters another backend's rows and notifications down to one VRF's interfaces (vrf_view.h).
#include "platform/vrf_view.h"

#include <algorithm>
#include <vector>

namespace ipmibd::platform {

namespace {

template <class Row, class Keep> void keepOnly(std::vector<Row>& rows, Keep keep) {
  std::erase_if(rows, [&](const Row& row) { return !keep(row); });
}

std::pair<IpAddress, InterfaceIndex> keyOfRow(const UnicastAddressRow& r) {
  return {r.address, r.interfaceIndex};
}
std::pair<IpAddress, InterfaceIndex> keyOfRow(const NeighborRow& r) { return {r.address, r.interfaceIndex}; }
std::pair<Family, InterfaceIndex> keyOfRow(const IpInterfaceRow& r) { return {r.family, r.interfaceIndex}; }

Result notInVrf(InterfaceIndex index, const std::string& vrf, std::string_view what) {
  return Result::failure(Status::NotFound, std::string(what) + ": interface " + std::to_string(index) +
                                               " is not in VRF " + vrf);
}

} // namespace

VrfView::VrfView(std::unique_ptr<Backend> inner, std::string vrfName, std::uint32_t vrfTable)
    : inner_(std::move(inner)), vrfName_(std::move(vrfName)), vrfTable_(vrfTable) {
  std::vector<InterfaceRow> links;
  if (inner_->getIfTable2(links).ok())
    for (InterfaceRow& row : links) {
      if (row.name == vrfName_ && row.vrfTable == vrfTable_) vrfIndex_ = row.index;
      interfaces_[row.index] = std::move(row);
    }
  // What a subscriber reading the tables now gets: the baseline of the published keys.
  for (const auto& [index, row] : interfaces_)
    if (isMember(index)) shownInterfaces_.insert(index);
  std::vector<IpInterfaceRow> ipInterfaces;
  if (getIpInterfaceTable(Family::Unspecified, ipInterfaces).ok())
    for (const auto& row : ipInterfaces)
      shownIpInterfaces_.insert(keyOfRow(row));
  std::vector<UnicastAddressRow> addresses;
  if (getUnicastIpAddressTable(Family::Unspecified, addresses).ok())
    for (const auto& row : addresses)
      shownAddresses_.insert(keyOfRow(row));
  std::vector<NeighborRow> neighbors;
  if (getIpNetTable2(Family::Unspecified, neighbors).ok())
    for (const auto& row : neighbors)
      shownNeighbors_.insert(keyOfRow(row));

  interfaceSubscription_ = inner_->notifyInterfaceChange([this](auto changes) { onInterfaces(changes); });
  ipInterfaceSubscription_ =
      inner_->notifyIpInterfaceChange(Family::Unspecified, [this](auto changes) { onIpInterfaces(changes); });
  addressSubscription_ = inner_->notifyUnicastIpAddressChange(Family::Unspecified,
                                                              [this](auto changes) { onAddresses(changes); });
  neighborSubscription_ =
      inner_->notifyIpNetChange(Family::Unspecified, [this](auto changes) { onNeighbors(changes); });
  // The VRF's table is all the inner backend exports: its routes pass as they come (the initial
  // load's batches included, since this subscribes before the first dispatch).
  routeSubscription_ =
      inner_->notifyRouteChange2(Family::Unspecified, [this](auto changes) { publish(changes); });
}

VrfView::~VrfView() {
  routeSubscription_.cancel();
  neighborSubscription_.cancel();
  addressSubscription_.cancel();
  ipInterfaceSubscription_.cancel();
  interfaceSubscription_.cancel();
}

bool VrfView::isMember(InterfaceIndex index) const {
  if (index == 0 || vrfIndex_ == 0) return false;
  if (index == vrfIndex_) return true;
  const auto it = interfaces_.find(index);
  return it != interfaces_.end() && it->second.masterIndex == vrfIndex_;
}

Result VrfView::member(InterfaceIndex index, InterfaceLuid luid, std::string_view what) const {
  if (index == 0 && luid.value != 0) {
    // Resolved by the namespace: a LUID of an interface outside the VRF is refused below.
    if (!inner_->convertInterfaceLuidToIndex(luid, index).ok())
      return Result::failure(Status::NotFound, std::string(what) + ": no such interface");
  }
  if (index == 0 || isMember(index)) return Result::success();
  return notInVrf(index, vrfName_, what);
}

// ---- notifications ---------------------------------------------------------------------------

namespace {

// Passes the changes of member rows, keeping `shown` (the keys subscribers have) exact.
template <class Row, class Key, class Member>
std::vector<Change<Row>> filterChanges(std::span<const Change<Row>> changes, std::set<Key>& shown,
                                       Member member) {
  std::vector<Change<Row>> out;
  for (const Change<Row>& change : changes) {
    const Key key = keyOfRow(change.row);
    if (change.kind == ChangeKind::Delete) {
      if (shown.erase(key) != 0) out.push_back(change);
      continue;
    }
    if (!member(change.row.interfaceIndex)) continue;
    const bool fresh = shown.insert(key).second;
    out.push_back({fresh ? ChangeKind::Add : ChangeKind::ParameterChange, change.row});
  }
  return out;
}

} // namespace

void VrfView::onIpInterfaces(std::span<const Change<IpInterfaceRow>> changes) {
  auto out = filterChanges(changes, shownIpInterfaces_, [this](InterfaceIndex i) { return isMember(i); });
  if (!out.empty()) publish(std::span<const Change<IpInterfaceRow>>(out));
}

void VrfView::onAddresses(std::span<const Change<UnicastAddressRow>> changes) {
  auto out = filterChanges(changes, shownAddresses_, [this](InterfaceIndex i) { return isMember(i); });
  if (!out.empty()) publish(std::span<const Change<UnicastAddressRow>>(out));
}

void VrfView::onNeighbors(std::span<const Change<NeighborRow>> changes) {
  auto out = filterChanges(changes, shownNeighbors_, [this](InterfaceIndex i) { return isMember(i); });
  if (!out.empty()) publish(std::span<const Change<NeighborRow>>(out));
}

void VrfView::onInterfaces(std::span<const Change<InterfaceRow>> changes) {
  for (const Change<InterfaceRow>& change : changes) {
    const InterfaceRow& row = change.row;
    if (change.kind == ChangeKind::Delete) {
      if (row.index == vrfIndex_ && vrfIndex_ != 0) {
        // The VRF itself is gone: nothing is a member any more.
        const std::set<InterfaceIndex> members = shownInterfaces_;
        for (InterfaceIndex index : members)
          left(index);
        vrfIndex_ = 0;
      } else if (shownInterfaces_.contains(row.index)) {
        left(row.index);
      }
      interfaces_.erase(row.index);
      continue;
    }
    interfaces_[row.index] = row;
    if (vrfIndex_ == 0 && row.name == vrfName_ && row.vrfTable == vrfTable_) {
      vrfIndex_ = row.index; // (re)created: adopt it and the interfaces already enslaved to it
      for (const auto& [index, other] : interfaces_)
        if (isMember(index) && !shownInterfaces_.contains(index)) joined(other);
      continue;
    }
    const bool now = isMember(row.index);
    const bool shown = shownInterfaces_.contains(row.index);
    if (now && !shown) {
      joined(row);
    } else if (!now && shown) {
      left(row.index);
    } else if (now) {
      const Change<InterfaceRow> passed{ChangeKind::ParameterChange, row};
      publish(std::span<const Change<InterfaceRow>>(&passed, 1));
    }
  }
}

// An interface entered the VRF: it and its rows as the inner backend has them now.
void VrfView::joined(const InterfaceRow& row) {
  const InterfaceIndex index = row.index;
  shownInterfaces_.insert(index);
  const Change<InterfaceRow> added{ChangeKind::Add, row};
  publish(std::span<const Change<InterfaceRow>>(&added, 1));
  auto addAll = [&](auto& rows, auto& shown) {
    using Row = typename std::decay_t<decltype(rows)>::value_type;
    std::vector<Change<Row>> out;
    for (const Row& r : rows)
      if (r.interfaceIndex == index)
        out.push_back({shown.insert(keyOfRow(r)).second ? ChangeKind::Add : ChangeKind::ParameterChange, r});
    if (!out.empty()) publish(std::span<const Change<Row>>(out));
  };
  std::vector<IpInterfaceRow> ipInterfaces;
  if (inner_->getIpInterfaceTable(Family::Unspecified, ipInterfaces).ok())
    addAll(ipInterfaces, shownIpInterfaces_);
  std::vector<UnicastAddressRow> addresses;
  if (inner_->getUnicastIpAddressTable(Family::Unspecified, addresses).ok())
    addAll(addresses, shownAddresses_);
  std::vector<NeighborRow> neighbors;
  if (inner_->getIpNetTable2(Family::Unspecified, neighbors).ok()) addAll(neighbors, shownNeighbors_);
}

// An interface left the VRF (released, deleted, or the VRF gone): Delete for what was shown of it.
void VrfView::left(InterfaceIndex index) {
  InterfaceRow row;
  row.index = index;
  if (const auto it = interfaces_.find(index); it != interfaces_.end()) row = it->second;
  auto withdraw = [&](auto& shown, auto makeRow) {
    using Row = decltype(makeRow(*shown.begin()));
    std::vector<Change<Row>> out;
    for (auto it = shown.begin(); it != shown.end();) {
      if (it->second != index) {
        ++it;
        continue;
      }
      out.push_back({ChangeKind::Delete, makeRow(*it)});
      it = shown.erase(it);
    }
    if (!out.empty()) publish(std::span<const Change<Row>>(out));
  };
  withdraw(shownNeighbors_, [&](const AddressKey& key) {
    NeighborRow r;
    r.address = key.first;
    r.interfaceIndex = key.second;
    r.luid = row.luid;
    return r;
  });
  withdraw(shownAddresses_, [&](const AddressKey& key) {
    UnicastAddressRow r;
    r.address = key.first;
    r.interfaceIndex = key.second;
    r.luid = row.luid;
    return r;
  });
  withdraw(shownIpInterfaces_, [&](const std::pair<Family, InterfaceIndex>& key) {
    IpInterfaceRow r;
    r.family = key.first;
    r.interfaceIndex = key.second;
    r.luid = row.luid;
    return r;
  });
  shownInterfaces_.erase(index);
  const Change<InterfaceRow> gone{ChangeKind::Delete, row};
  publish(std::span<const Change<InterfaceRow>>(&gone, 1));
}

// ---- reads -------------------------------------------------------------------------------------

Result VrfView::getIfTable2(std::vector<InterfaceRow>& table) {
  Result r = inner_->getIfTable2(table);
  keepOnly(table, [this](const InterfaceRow& row) { return isMember(row.index); });
  return r;
}

Result VrfView::getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table) {
  if (Result r = inner_->getIfTable2Ex(level, table); !r.ok()) return r;
  keepOnly(table, [&](const InterfaceRow& r) { return isMember(r.index); });
  return Result::success();
}

Result VrfView::getAddressLabelTable(std::vector<AddressLabelRow>& table) {
  if (Result r = inner_->getAddressLabelTable(table); !r.ok()) return r;
  keepOnly(table,
           [&](const AddressLabelRow& r) { return r.interfaceIndex == 0 || isMember(r.interfaceIndex); });
  return Result::success();
}

Result VrfView::getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) {
  if (Result r = inner_->getMulticastIpAddressTable(family, table); !r.ok()) return r;
  keepOnly(table, [&](const MulticastAddressRow& r) { return isMember(r.interfaceIndex); });
  return Result::success();
}

Result VrfView::getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) {
  if (Result r = inner_->getAnycastIpAddressTable(family, table); !r.ok()) return r;
  keepOnly(table, [&](const AnycastAddressRow& r) { return isMember(r.interfaceIndex); });
  return Result::success();
}

Result VrfView::createAnycastIpAddressEntry(const AnycastAddressRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "anycast address"); !r.ok()) return r;
  return inner_->createAnycastIpAddressEntry(row);
}

Result VrfView::deleteAnycastIpAddressEntry(const AnycastAddressRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "anycast address"); !r.ok()) return r;
  return inner_->deleteAnycastIpAddressEntry(row);
}

Result VrfView::getIfEntry2(InterfaceRow& row) {
  Result r = inner_->getIfEntry2(row);
  if (r.ok() && !isMember(row.index)) return notInVrf(row.index, vrfName_, "interface");
  return r;
}

Result VrfView::getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) {
  Result r = inner_->getIpInterfaceTable(family, table);
  keepOnly(table, [this](const IpInterfaceRow& row) { return isMember(row.interfaceIndex); });
  return r;
}

Result VrfView::getIpInterfaceEntry(IpInterfaceRow& row) {
  if (row.family != Family::Unspecified && !isMember(row.interfaceIndex))
    return notInVrf(row.interfaceIndex, vrfName_, "IP interface");
  return inner_->getIpInterfaceEntry(row);
}

Result VrfView::getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) {
  Result r = inner_->getIpStatisticsTable(family, table);
  keepOnly(table, [this](const IpStatisticsRow& row) {
    return row.interfaceIndex == 0 || isMember(row.interfaceIndex);
  });
  return r;
}

Result VrfView::getUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table) {
  Result r = inner_->getUnicastIpAddressTable(family, table);
  keepOnly(table, [this](const UnicastAddressRow& row) { return isMember(row.interfaceIndex); });
  return r;
}

Result VrfView::getUnicastIpAddressEntry(UnicastAddressRow& row) {
  Result r = inner_->getUnicastIpAddressEntry(row);
  if (r.ok() && !isMember(row.interfaceIndex)) return notInVrf(row.interfaceIndex, vrfName_, "address");
  return r;
}

Result VrfView::getIpNetTable2(Family family, std::vector<NeighborRow>& table) {
  Result r = inner_->getIpNetTable2(family, table);
  keepOnly(table, [this](const NeighborRow& row) { return isMember(row.interfaceIndex); });
  return r;
}

Result VrfView::getIpNetEntry2(NeighborRow& row) {
  Result r = inner_->getIpNetEntry2(row);
  if (r.ok() && !isMember(row.interfaceIndex)) return notInVrf(row.interfaceIndex, vrfName_, "neighbor");
  return r;
}

// ---- writes ------------------------------------------------------------------------------------

Result VrfView::setIpInterfaceEntry(const IpInterfaceRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "IP interface"); !r.ok()) return r;
  return inner_->setIpInterfaceEntry(row);
}

Result VrfView::createUnicastIpAddressEntry(const UnicastAddressRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "address"); !r.ok()) return r;
  return inner_->createUnicastIpAddressEntry(row);
}

Result VrfView::setUnicastIpAddressEntry(const UnicastAddressRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "address"); !r.ok()) return r;
  return inner_->setUnicastIpAddressEntry(row);
}

Result VrfView::deleteUnicastIpAddressEntry(const UnicastAddressRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "address"); !r.ok()) return r;
  return inner_->deleteUnicastIpAddressEntry(row);
}

Result VrfView::resolveIpNetEntry2Async(const NeighborRow& row, std::chrono::milliseconds timeout,
                                        ResolveCallback callback, Subscription& subscription) {
  subscription = Subscription();
  if (row.interfaceIndex == 0 && row.luid.value == 0)
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  if (Result r = member(row.interfaceIndex, row.luid, "neighbor"); !r.ok()) return r;
  return inner_->resolveIpNetEntry2Async(row, timeout, std::move(callback), subscription);
}

Result VrfView::getIpPathTable(Family family, std::vector<IpPathRow>& table) {
  if (Result r = inner_->getIpPathTable(family, table); !r.ok()) return r;
  keepOnly(table, [&](const IpPathRow& r) { return isMember(r.interfaceIndex); });
  return Result::success();
}

Result VrfView::flushIpPathTable(Family family) {
  if (Result r = Backend::flushIpPathTable(family); r.status == Status::InvalidParameter) return r;
  return Result::failure(Status::NotSupported,
                         "a VRF's paths cannot be flushed alone: the kernel's flush is per namespace");
}

Result VrfView::createIpNetEntry2(const NeighborRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "neighbor"); !r.ok()) return r;
  return inner_->createIpNetEntry2(row);
}

Result VrfView::setIpNetEntry2(const NeighborRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "neighbor"); !r.ok()) return r;
  return inner_->setIpNetEntry2(row);
}

Result VrfView::deleteIpNetEntry2(const NeighborRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "neighbor"); !r.ok()) return r;
  return inner_->deleteIpNetEntry2(row);
}

Result VrfView::flushIpNetTable2(Family family, InterfaceIndex interfaceIndex) {
  if (interfaceIndex != 0) {
    if (Result r = member(interfaceIndex, {}, "neighbor flush"); !r.ok()) return r;
    return inner_->flushIpNetTable2(family, interfaceIndex);
  }
  // "Every interface" of a VRF is each member, never the whole namespace.
  const std::set<InterfaceIndex> members = shownInterfaces_;
  for (InterfaceIndex index : members)
    if (Result r = inner_->flushIpNetTable2(family, index); !r.ok()) return r;
  return Result::success();
}

Result VrfView::getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) {
  InterfaceIndex found = 0;
  if (Result r = Backend::getBestInterfaceEx(destination, found); !r.ok()) return r;
  if (!isMember(found))
    return Result::failure(Status::NetworkUnreachable,
                           destination.toString() + " is routed to no interface of VRF " + vrfName_);
  interfaceIndex = found;
  return Result::success();
}

Result VrfView::createIpForwardEntry2(const RouteRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "route"); !r.ok()) return r;
  RouteRow own = row;
  own.table = vrfTable_; // a VRF context's routes are the VRF's
  return inner_->createIpForwardEntry2(own);
}

Result VrfView::setIpForwardEntry2(const RouteRow& key, const RouteRow& row) {
  if (Result r = member(row.interfaceIndex, row.luid, "route"); !r.ok()) return r;
  RouteRow own = row;
  own.table = vrfTable_;
  return inner_->setIpForwardEntry2(key, own);
}

} // namespace ipmibd::platform
