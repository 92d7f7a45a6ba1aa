// The backend-independent parts of Backend: subscriber registries and the Convert… functions.
#include "platform/backend.h"

namespace ipmibd::platform {

std::string_view toString(ChangeKind kind) {
  switch (kind) {
  case ChangeKind::Add: return "add";
  case ChangeKind::Delete: return "delete";
  case ChangeKind::ParameterChange: return "change";
  }
  return "?";
}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    cancel_ = std::exchange(other.cancel_, {});
  }
  return *this;
}

void Subscription::cancel() {
  if (auto c = std::exchange(cancel_, {})) c();
}

template <class Row>
Subscription Backend::subscribe(Subscribers<Row>& list, Family family, ChangeCallback<Row> callback) {
  const auto id = nextSubscriptionId_++;
  list.emplace(id, Subscriber<Row>{family, std::move(callback)});
  return Subscription([&list, id] { list.erase(id); });
}

template <class Row> void Backend::deliver(Subscribers<Row>& list, std::span<const Change<Row>> changes) {
  if (changes.empty()) return;
  // Copy the ids first: a callback may cancel its own (or another) subscription.
  std::vector<std::uint64_t> ids;
  ids.reserve(list.size());
  for (auto& [id, s] : list)
    ids.push_back(id);
  std::vector<Change<Row>> filtered;
  for (auto id : ids) {
    auto it = list.find(id);
    if (it == list.end()) continue;
    const Family want = it->second.family;
    if (want == Family::Unspecified) {
      it->second.callback(changes);
      continue;
    }
    filtered.clear();
    for (const auto& c : changes)
      if (familyOf(c.row) == want) filtered.push_back(c);
    if (!filtered.empty()) it->second.callback(filtered);
  }
}

Subscription Backend::notifyRouteChange2(Family family, ChangeCallback<RouteRow> callback) {
  return subscribe(routeSubscribers_, family, std::move(callback));
}
Subscription Backend::notifyUnicastIpAddressChange(Family family,
                                                   ChangeCallback<UnicastAddressRow> callback) {
  return subscribe(addressSubscribers_, family, std::move(callback));
}
Subscription Backend::notifyIpInterfaceChange(Family family, ChangeCallback<IpInterfaceRow> callback) {
  return subscribe(ipInterfaceSubscribers_, family, std::move(callback));
}
Subscription Backend::notifyIpNetChange(Family family, ChangeCallback<NeighborRow> callback) {
  return subscribe(neighborSubscribers_, family, std::move(callback));
}
Subscription Backend::notifyInterfaceChange(ChangeCallback<InterfaceRow> callback) {
  return subscribe(interfaceSubscribers_, Family::Unspecified, std::move(callback));
}

void Backend::publish(std::span<const Change<RouteRow>> c) { deliver(routeSubscribers_, c); }
void Backend::publish(std::span<const Change<UnicastAddressRow>> c) { deliver(addressSubscribers_, c); }
void Backend::publish(std::span<const Change<IpInterfaceRow>> c) { deliver(ipInterfaceSubscribers_, c); }
void Backend::publish(std::span<const Change<NeighborRow>> c) { deliver(neighborSubscribers_, c); }
void Backend::publish(std::span<const Change<InterfaceRow>> c) { deliver(interfaceSubscribers_, c); }

Result Backend::getRoutesCovering(const IpAddress& address, InterfaceIndex interfaceIndex,
                                  std::vector<RouteRow>& routes) {
  routes.clear();
  if (address.isUnspecified()) return Result::failure(Status::InvalidParameter, "no address given");
  if (Result r = getIpForwardTable2(address.family(), routes); !r.ok()) return r;
  const IpAddress unscoped = address.withScope(0);
  std::erase_if(routes, [&](const RouteRow& r) {
    return r.interfaceIndex != interfaceIndex || !r.destinationPrefix.contains(unscoped);
  });
  return Result::success();
}

Result Backend::getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) {
  RouteRow best;
  IpAddress source;
  if (Result r = getBestRoute2(destination, best, source); !r.ok()) return r;
  if (best.type != RouteType::Unicast || best.interfaceIndex == 0)
    return Result::failure(Status::NetworkUnreachable, destination.toString() + " is routed to no interface");
  interfaceIndex = best.interfaceIndex;
  return Result::success();
}

Result Backend::convertInterfaceIndexToLuid(InterfaceIndex index, InterfaceLuid& luid) {
  InterfaceRow row;
  row.index = index;
  if (index == 0) return Result::failure(Status::InvalidParameter, "interface index 0");
  auto r = getIfEntry2(row);
  if (r.ok()) luid = row.luid;
  return r;
}

Result Backend::convertInterfaceLuidToIndex(InterfaceLuid luid, InterfaceIndex& index) {
  InterfaceRow row;
  row.luid = luid;
  if (luid.value == 0) return Result::failure(Status::InvalidParameter, "LUID 0");
  auto r = getIfEntry2(row);
  if (r.ok()) index = row.index;
  return r;
}

Result Backend::convertInterfaceLuidToName(InterfaceLuid luid, std::string& name) {
  InterfaceRow row;
  row.luid = luid;
  if (luid.value == 0) return Result::failure(Status::InvalidParameter, "LUID 0");
  auto r = getIfEntry2(row);
  if (r.ok()) name = row.name;
  return r;
}

Result Backend::convertInterfaceLuidToAlias(InterfaceLuid luid, std::string& alias) {
  InterfaceRow row;
  row.luid = luid;
  if (luid.value == 0) return Result::failure(Status::InvalidParameter, "LUID 0");
  auto r = getIfEntry2(row);
  if (r.ok()) alias = row.alias;
  return r;
}

namespace {
Result findLuidBy(Backend& backend, const std::string& wanted, std::string InterfaceRow::*field,
                  InterfaceLuid& luid) {
  std::vector<InterfaceRow> table;
  if (auto r = backend.getIfTable2(table); !r.ok()) return r;
  for (const auto& row : table) {
    if (row.*field == wanted) {
      luid = row.luid;
      return Result::success();
    }
  }
  return Result::failure(Status::NotFound, "no interface '" + wanted + "'");
}
} // namespace

Result Backend::convertInterfaceNameToLuid(const std::string& name, InterfaceLuid& luid) {
  return findLuidBy(*this, name, &InterfaceRow::name, luid);
}

Result Backend::convertInterfaceAliasToLuid(const std::string& alias, InterfaceLuid& luid) {
  if (alias.empty()) return Result::failure(Status::InvalidParameter, "empty alias");
  return findLuidBy(*this, alias, &InterfaceRow::alias, luid);
}

// ---- Interface stack and group addresses (issue 19 part B) ------------------------------------

Result Backend::getIfStackTable(std::vector<IfStackRow>& table) {
  table.clear();
  std::vector<InterfaceRow> interfaces;
  if (auto r = getIfTable2(interfaces); !r.ok()) return r;
  table = ifStackOf(interfaces);
  return Result::success();
}

Result Backend::getInvertedIfStackTable(std::vector<InvertedIfStackRow>& table) {
  table.clear();
  std::vector<InterfaceRow> interfaces;
  if (auto r = getIfTable2(interfaces); !r.ok()) return r;
  table = invertedIfStackOf(interfaces);
  return Result::success();
}

namespace {

// Get…Entry over Get…Table: the key is address + interface (the LUID wins when set).
template <class Row, class ReadTable> Result findGroupRow(Backend& backend, Row& row, ReadTable read) {
  if (row.address.isUnspecified()) return Result::failure(Status::InvalidParameter, "no address");
  InterfaceIndex index = row.interfaceIndex;
  if (row.luid.value != 0) {
    if (auto r = backend.convertInterfaceLuidToIndex(row.luid, index); !r.ok()) return r;
  } else if (index == 0) {
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  }
  std::vector<Row> table;
  if (auto r = read(row.address.family(), table); !r.ok()) return r;
  for (const auto& candidate : table) {
    // Link-local anycast rows carry the scope: a key without one matches on the interface alone.
    const IpAddress wanted = candidate.address.scopeId() != 0 && row.address.scopeId() == 0
                                 ? row.address.withScope(candidate.address.scopeId())
                                 : row.address;
    if (candidate.interfaceIndex == index && candidate.address == wanted) {
      row = candidate;
      return Result::success();
    }
  }
  return Result::failure(Status::NotFound, row.address.toString() + " on interface " + std::to_string(index));
}

} // namespace

Result Backend::getMulticastIpAddressEntry(MulticastAddressRow& row) {
  return findGroupRow(*this, row, [this](Family f, std::vector<MulticastAddressRow>& t) {
    return getMulticastIpAddressTable(f, t);
  });
}

Result Backend::getAnycastIpAddressEntry(AnycastAddressRow& row) {
  if (row.address.isV4()) return Result::failure(Status::NotSupported, "Linux has no IPv4 anycast addresses");
  return findGroupRow(*this, row, [this](Family f, std::vector<AnycastAddressRow>& t) {
    return getAnycastIpAddressTable(f, t);
  });
}

} // namespace ipmibd::platform
