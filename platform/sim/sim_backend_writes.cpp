// SimBackend's writes: each API row becomes the kernel request the Linux backend would send, after any
// injected fault has had its say.
#include "platform/sim/route_protocol.h"
#include "platform/sim/sim_backend.h"

namespace ipmibd::platform::sim {

Result SimBackend::setIpInterfaceEntry(const IpInterfaceRow& row) {
  if (auto fault = faults_.take(Operation::SetIpInterface)) return *fault;
  IpInterfaceRow wanted = row;
  wanted.interfaceIndex = indexOf(row.interfaceIndex, row.luid);
  return kernel_.setIpInterface(wanted);
}

Result SimBackend::setIpGlobalSettings(const IpGlobalSettings& settings) {
  if (auto fault = faults_.take(Operation::SetGlobal)) return *fault;
  return kernel_.setGlobalSettings(settings);
}

Result SimBackend::createUnicastIpAddressEntry(const UnicastAddressRow& row) {
  if (auto fault = faults_.take(Operation::CreateAddress)) return *fault;
  if (row.skipAsSource) return Result::failure(Status::NotSupported, "Linux has no skip-as-source flag");
  // Origins and skipAsSource have no Linux equivalent: the kernel reports its own view of them.
  AddressRequest request;
  request.address = row.address;
  request.interfaceIndex = indexOf(row.interfaceIndex, row.luid);
  request.prefixLength = row.onLinkPrefixLength;
  request.validLifetime = row.validLifetime;
  request.preferredLifetime = row.preferredLifetime;
  request.broadcast = row.broadcast;
  return kernel_.addAddress(request);
}

Result SimBackend::setUnicastIpAddressEntry(const UnicastAddressRow& row) {
  if (auto fault = faults_.take(Operation::SetAddress)) return *fault;
  const InterfaceIndex index = indexOf(row.interfaceIndex, row.luid);
  const auto address = SimKernel::scopedFor(row.address, index);
  const AddressEntry* entry = address ? kernel_.address({*address, index}) : nullptr;
  if (!entry) return Result::failure(Status::NotFound, "no such address");
  const unsigned maxLength = row.address.isV4() ? 32 : 128;
  const unsigned length = row.onLinkPrefixLength == 0xff ? maxLength : row.onLinkPrefixLength;
  // Linux keys addresses by prefix length too: it cannot change in place.
  if (length != entry->row.onLinkPrefixLength)
    return Result::failure(Status::NotSupported, "the prefix length of an address cannot change");
  if (row.skipAsSource != entry->row.skipAsSource)
    return Result::failure(Status::NotSupported, "Linux has no skip-as-source flag");
  return kernel_.setAddressLifetimes({*address, index}, row.validLifetime, row.preferredLifetime);
}

Result SimBackend::deleteUnicastIpAddressEntry(const UnicastAddressRow& row) {
  if (auto fault = faults_.take(Operation::DeleteAddress)) return *fault;
  return kernel_.deleteAddress({row.address, indexOf(row.interfaceIndex, row.luid)});
}

Result SimBackend::createIpNetEntry2(const NeighborRow& row) {
  if (auto fault = faults_.take(Operation::CreateNeighbor)) return *fault;
  NeighborRow wanted = row;
  wanted.interfaceIndex = indexOf(row.interfaceIndex, row.luid);
  return kernel_.writeNeighbor(wanted, WriteMode::Create);
}

Result SimBackend::setIpNetEntry2(const NeighborRow& row) {
  if (auto fault = faults_.take(Operation::SetNeighbor)) return *fault;
  NeighborRow wanted = row;
  wanted.interfaceIndex = indexOf(row.interfaceIndex, row.luid);
  return kernel_.writeNeighbor(wanted, WriteMode::Change);
}

Result SimBackend::deleteIpNetEntry2(const NeighborRow& row) {
  if (auto fault = faults_.take(Operation::DeleteNeighbor)) return *fault;
  return kernel_.deleteNeighbor({row.address, indexOf(row.interfaceIndex, row.luid)});
}

Result SimBackend::flushIpNetTable2(Family family, InterfaceIndex interfaceIndex) {
  if (auto fault = faults_.take(Operation::FlushNeighbors)) return *fault;
  return kernel_.flushNeighbors(family, interfaceIndex);
}

RouteKey SimBackend::normalizedKey(const RouteRow& row) const {
  const Family family = row.destinationPrefix.family();
  const InterfaceIndex index = indexOf(row.interfaceIndex, row.luid);
  IpAddress nextHop = row.nextHop.isUnspecified() ? IpAddress::zero(family) : row.nextHop;
  nextHop = SimKernel::scopedFor(nextHop, index).value_or(nextHop);
  return {row.table == 0 ? kMainRouteTable : row.table,
          {row.destinationPrefix.address.withScope(0), row.destinationPrefix.length},
          SimKernel::effectiveMetric(family, row.metric),
          nextHop,
          index};
}

Result SimBackend::routeRequest(const RouteRow& row, RouteRequest& request) const {
  if (!exported(row.table))
    return Result::failure(Status::InvalidParameter,
                           "route table " + std::to_string(row.table) + " is not one this backend serves");
  auto protocol = nativeProtocolOf(row.protocol);
  // As the Linux backend (kernelRouteProtocol): a row read back keeps its verbatim rtm_protocol
  // while `protocol` still says what that number means, so a read-modify-write, or the undo of a
  // SET, does not turn a "boot" route into a "static" one (found by tests/fuzz/set_request_fuzz).
  if (row.protocol != RouteProtocol::Unspecified && row.nativeProtocol != kProtoUnspec &&
      routeProtocolOf(row.nativeProtocol) == row.protocol)
    protocol = row.nativeProtocol;
  if (!protocol)
    return Result::failure(Status::InvalidParameter,
                           "protocol " + std::string(toString(row.protocol)) + " has no Linux equivalent");
  request.table = row.table;
  request.destination = row.destinationPrefix;
  request.metric = row.metric;
  request.type = row.type;
  request.protocol = *protocol;
  request.preferredSource = row.preferredSource;
  NextHopSpec hop;
  hop.gateway = row.nextHop;
  hop.interfaceIndex = indexOf(row.interfaceIndex, row.luid);
  hop.weight = row.weight;
  request.nextHops = {hop};
  return Result::success();
}

Result SimBackend::createIpForwardEntry2(const RouteRow& row) {
  if (auto fault = faults_.take(Operation::CreateRoute)) return *fault;
  RouteRequest request;
  if (auto r = routeRequest(row, request); !r.ok()) return r;
  return kernel_.addRouteRow(request);
}

Result SimBackend::setIpForwardEntry2(const RouteRow& key, const RouteRow& row) {
  if (auto fault = faults_.take(Operation::SetRoute)) return *fault;
  RouteRequest request;
  if (auto r = routeRequest(row, request); !r.ok()) return r;
  return kernel_.replaceRoute(normalizedKey(key), request);
}

Result SimBackend::deleteIpForwardEntry2(const RouteRow& row) {
  if (auto fault = faults_.take(Operation::DeleteRoute)) return *fault;
  const RouteKey key = normalizedKey(row);
  if (!exported(key.table)) return Result::failure(Status::NotFound, "no such route");
  return kernel_.deleteRouteRow(key);
}

// ---- multicast memberships and anycast addresses ----------------------------------------------

Result SimBackend::getMulticastIpAddressTable(Family family, std::vector<MulticastAddressRow>& table) {
  table = kernel_.multicastView(family);
  return Result::success();
}

Result SimBackend::getAnycastIpAddressTable(Family family, std::vector<AnycastAddressRow>& table) {
  table.clear();
  if (family != Family::V4) table = kernel_.anycastView();
  return Result::success();
}

namespace {

// The interface an anycast row names, validated as LinuxBackend::anycastTarget does.
Result anycastTarget(const SimKernel& kernel, const AnycastAddressRow& row, InterfaceIndex& index) {
  if (row.address.isV4()) return Result::failure(Status::NotSupported, "Linux has no IPv4 anycast addresses");
  if (!row.address.isV6() || row.address.isZero() || row.address.isMulticast())
    return Result::failure(Status::InvalidParameter, "not a unicast IPv6 address: " + row.address.toString());
  if (row.luid.value != 0) {
    const Link* l = kernel.linkByLuid(row.luid);
    if (!l) return Result::failure(Status::NotFound, "no interface with that LUID");
    index = l->row.index;
  } else if (row.interfaceIndex == 0) {
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  } else if (!kernel.link(row.interfaceIndex)) {
    return Result::failure(Status::NotFound, "no interface " + std::to_string(row.interfaceIndex));
  } else {
    index = row.interfaceIndex;
  }
  if (row.address.scopeId() != 0 && row.address.scopeId() != index)
    return Result::failure(Status::InvalidParameter, "the address's scope names another interface");
  return Result::success();
}

} // namespace

Result SimBackend::createAnycastIpAddressEntry(const AnycastAddressRow& row) {
  InterfaceIndex index = 0;
  if (auto r = anycastTarget(kernel_, row, index); !r.ok()) return r;
  const IpAddress bare = row.address.withScope(0);
  for (const auto& existing : kernel_.anycastView())
    if (existing.interfaceIndex == index && existing.address.withScope(0) == bare)
      return Result::failure(Status::AlreadyExists, bare.toString() + " is already an anycast address there");
  apiAnycast_.erase({bare, index}); // a record left from an interface that went away
  if (auto r = kernel_.joinAnycast(bare, index); !r.ok()) return r;
  apiAnycast_.insert({bare, index});
  return Result::success();
}

Result SimBackend::deleteAnycastIpAddressEntry(const AnycastAddressRow& row) {
  InterfaceIndex index = 0;
  if (auto r = anycastTarget(kernel_, row, index); !r.ok()) return r;
  const std::pair key{row.address.withScope(0), index};
  if (!apiAnycast_.erase(key))
    return Result::failure(Status::NotFound, row.address.toString() + " was not joined through this backend");
  return kernel_.leaveAnycast(key.first, index);
}

} // namespace ipmibd::platform::sim
