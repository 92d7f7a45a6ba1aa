// Links of the simulated kernel: boot (lo), creation of ether/dummy/veth/loopback links, admin state,
// MTU, alias, MAC, deletion, and the IP side effects Linux ties to them (see sim_kernel.h).
#include "platform/sim/sim_kernel.h"
#include "platform/sim/sim_statistics.h"

#include <algorithm>
#include <cctype>

namespace ipmibd::platform::sim {

namespace {

constexpr std::uint16_t kEthernetCsmacd = 6;
constexpr std::uint16_t kSoftwareLoopback = 24;

// Locally administered and unique per index, so every run of a scenario shows the same MACs.
PhysicalAddress defaultMac(InterfaceIndex index) {
  return {0x02,
          0x00,
          std::uint8_t(index >> 24),
          std::uint8_t(index >> 16),
          std::uint8_t(index >> 8),
          std::uint8_t(index)};
}

// dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or white space.
bool validName(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c));
  });
}

// is_valid_ether_addr(): six bytes, not multicast, not all zero.
bool validUnicastMac(const PhysicalAddress& mac) {
  return mac.size() == 6 && (mac[0] & 1) == 0 &&
         std::any_of(mac.begin(), mac.end(), [](auto b) { return b != 0; });
}

PhysicalAddress eui64(const PhysicalAddress& mac) {
  if (mac.size() != 6) return {};
  return {std::uint8_t(mac[0] ^ 0x02), mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]};
}

std::uint32_t maxMtu(LinkKind kind) {
  return kind == LinkKind::Loopback ? 65536 : kind == LinkKind::Vrf ? 65575 : 65535;
}

Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }
Result noDevice(InterfaceIndex index) {
  return failure(Status::NotFound, "no such device (index " + std::to_string(index) + ")");
}

} // namespace

SimKernel::SimKernel(const SimClock& clock, ChangeQueue& changes) : clock_(clock), changes_(changes) {
  LinkSpec lo;
  lo.name = "lo";
  lo.kind = LinkKind::Loopback;
  addLink(lo);
  setLinkUp(1, true);
  AddressRequest v4;
  v4.address = IpAddress::v4(0x7f000001u);
  v4.interfaceIndex = 1;
  v4.prefixLength = 8;
  v4.source = AddressSource::Loopback;
  addAddress(v4);
  std::array<std::uint8_t, 16> one{};
  one[15] = 1;
  AddressRequest v6 = v4;
  v6.address = IpAddress::v6(one);
  v6.prefixLength = 128;
  addAddress(v6);
}

const Link* SimKernel::link(InterfaceIndex index) const {
  auto it = links_.find(index);
  return it == links_.end() ? nullptr : &it->second;
}

Link* SimKernel::mutableLink(InterfaceIndex index) {
  auto it = links_.find(index);
  return it == links_.end() ? nullptr : &it->second;
}

const Link* SimKernel::linkByName(std::string_view name) const {
  for (const auto& [index, l] : links_)
    if (l.row.name == name) return &l;
  return nullptr;
}

const Link* SimKernel::linkByLuid(InterfaceLuid luid) const {
  for (const auto& [index, l] : links_)
    if (l.row.luid == luid) return &l;
  return nullptr;
}

InterfaceRow SimKernel::interfaceView(const Link& l) const {
  InterfaceRow row = l.row;
  fillInterfaceCounters(row, std::chrono::duration_cast<std::chrono::milliseconds>(now() - l.created));
  return row;
}

Result SimKernel::addLink(const LinkSpec& spec) {
  if (!validName(spec.name))
    return failure(Status::InvalidParameter, "invalid device name '" + spec.name + "'");
  if (linkByName(spec.name))
    return failure(Status::AlreadyExists, "device '" + spec.name + "' already exists");
  if (spec.kind == LinkKind::Veth) {
    if (!validName(spec.peerName) || spec.peerName == spec.name)
      return failure(Status::InvalidParameter, "invalid veth peer name '" + spec.peerName + "'");
    if (linkByName(spec.peerName))
      return failure(Status::AlreadyExists, "device '" + spec.peerName + "' already exists");
  }
  if (spec.kind == LinkKind::Vrf && spec.vrfTable == 0)
    return failure(Status::InvalidParameter, "VRF table id is missing or 0");
  if (spec.kind != LinkKind::Vrf && spec.vrfTable != 0)
    return failure(Status::InvalidParameter, "only a vrf link has a table");
  if (spec.mtu && (*spec.mtu < 68 || *spec.mtu > maxMtu(spec.kind)))
    return failure(Status::InvalidParameter, "MTU " + std::to_string(*spec.mtu) + " out of range");
  if (spec.address && spec.kind != LinkKind::Loopback && !validUnicastMac(*spec.address))
    return failure(Status::InvalidParameter, "invalid link address " + formatPhysicalAddress(*spec.address));

  InterfaceIndex parent = 0;
  if (spec.kind == LinkKind::Vlan || spec.kind == LinkKind::Macvlan) {
    const Link* p = linkByName(spec.parentName);
    if (!p) return failure(Status::NotFound, "unknown device '" + spec.parentName + "'");
    parent = p->row.index;
  }
  // veth_newlink() registers the peer first, so the peer gets the lower index.
  InterfaceIndex peer = 0;
  if (spec.kind == LinkKind::Veth)
    peer = createLink(spec.peerName, LinkKind::Veth, std::nullopt, std::nullopt);
  const InterfaceIndex index =
      createLink(spec.name, spec.kind, spec.mtu, spec.address, spec.vrfTable, parent);
  if (peer != 0) {
    links_[index].peer = peer;
    links_[peer].peer = index;
  }
  return Result::success();
}

InterfaceIndex SimKernel::createLink(const std::string& name, LinkKind kind, std::optional<std::uint32_t> mtu,
                                     std::optional<PhysicalAddress> address, std::uint32_t vrfTable,
                                     InterfaceIndex parent) {
  const InterfaceIndex index = nextIndex_++;
  const Timestamp t = now();
  Link l;
  l.kind = kind;
  l.created = t;
  InterfaceRow& r = l.row;
  r.index = index;
  r.type = kind == LinkKind::Loopback ? kSoftwareLoopback : kEthernetCsmacd;
  r.luid = InterfaceLuid::make(r.type, index);
  r.name = name;
  r.description = std::string(toString(kind));
  r.linkIndex = parent;
  r.mtu = mtu.value_or(kind == LinkKind::Loopback || kind == LinkKind::Vrf ? 65536 : 1500);
  r.physicalAddress =
      address.value_or(kind == LinkKind::Loopback ? PhysicalAddress(6, 0) : defaultMac(index));
  // Only real hardware reports a permanent address (IFLA_PERM_ADDRESS).
  if (kind == LinkKind::Ether) r.permanentPhysicalAddress = r.physicalAddress;
  r.adminStatus = AdminStatus::Down;
  r.operStatus = OperStatus::Down;
  r.vrfTable = vrfTable;
  r.lastChange = t;

  for (Family family : {Family::V4, Family::V6}) {
    IpInterfaceRow& ip = family == Family::V4 ? l.ipv4 : l.ipv6;
    ip.family = family;
    ip.interfaceIndex = index;
    ip.luid = r.luid;
    ip.enabled = true;
    ip.forwardingEnabled = globalSettings(family).forwarding; // inherited from conf/default
    ip.routerDiscoveryEnabled = family == Family::V6;         // accept_ra=1
    ip.nlMtu = r.mtu;
    ip.reachableTime = ip.baseReachableTime = 30000;
    ip.retransmitTime = 1000;
    ip.dadTransmits = family == Family::V6 ? 1 : 0;
    ip.curHopLimit = family == Family::V6 ? globalSettings(Family::V6).defaultHopLimit : 0;
    ip.reassemblyMaxSize = 65535;
    if (family == Family::V6) ip.interfaceIdentifier = eui64(r.physicalAddress);
    ip.lastChange = t;
  }
  auto& stored = links_[index] = std::move(l);
  changes_.push(ChangeKind::Add, interfaceView(stored));
  changes_.push(ChangeKind::Add, stored.ipv4);
  changes_.push(ChangeKind::Add, stored.ipv6);
  return index;
}

bool SimKernel::carrier(const Link& l) const {
  if (l.kind != LinkKind::Veth) return true;
  const Link* peer = link(l.peer);
  return peer && peer->row.adminStatus == AdminStatus::Up;
}

void SimKernel::refreshOperStatus(Link& l) {
  OperStatus oper = OperStatus::Down;
  if (l.row.adminStatus == AdminStatus::Up) oper = carrier(l) ? OperStatus::Up : OperStatus::LowerLayerDown;
  if (oper == l.row.operStatus) return;
  l.row.operStatus = oper;
  l.row.lastChange = now();
  l.ipv4.connected = l.ipv6.connected = oper == OperStatus::Up;
}

void SimKernel::publishLinkEdits(const Link& before, Link& after) {
  if (before.row != after.row) changes_.push(ChangeKind::ParameterChange, interfaceView(after));
  for (Family family : {Family::V4, Family::V6}) {
    const IpInterfaceRow& old = family == Family::V4 ? before.ipv4 : before.ipv6;
    IpInterfaceRow& row = family == Family::V4 ? after.ipv4 : after.ipv6;
    if (old == row) continue;
    row.lastChange = now();
    changes_.push(ChangeKind::ParameterChange, row);
  }
}

Result SimKernel::setLinkUp(InterfaceIndex index, bool up) {
  Link* l = mutableLink(index);
  if (!l) return noDevice(index);
  const bool isUp = l->row.adminStatus == AdminStatus::Up;
  if (up == isUp) return Result::success();
  if (up)
    bringUp(*l);
  else
    takeDown(*l);
  return Result::success();
}

void SimKernel::bringUp(Link& l) {
  const Link before = l;
  l.row.adminStatus = AdminStatus::Up;
  refreshOperStatus(l);
  publishLinkEdits(before, l);
  // NETDEV_UP: fib_add_ifaddr() for every IPv4 address, addrconf for the permanent IPv6 ones.
  for (Family family : {Family::V4, Family::V6})
    for (const auto& key : addressKeysOn(l.row.index, family))
      addAddressRoutes(addresses_.at(key), l);
  if (l.row.operStatus == OperStatus::Up) startIpv6(l);
  if (l.peer != 0) refreshPeer(l.peer);
}

void SimKernel::takeDown(Link& l) {
  const Link before = l;
  l.row.adminStatus = AdminStatus::Down;
  refreshOperStatus(l);
  publishLinkEdits(before, l);
  dropNeighborsOf(l.row.index);
  stopIpv6(l);
  flushRoutesVia(l.row.index, Family::Unspecified, Flush::LinkDown);
  if (l.peer != 0) refreshPeer(l.peer);
}

void SimKernel::refreshPeer(InterfaceIndex index) {
  Link* peer = mutableLink(index);
  if (!peer) return;
  const Link before = *peer;
  refreshOperStatus(*peer);
  publishLinkEdits(before, *peer);
  // addrconf configures IPv6 when the link becomes ready (carrier), not at NETDEV_UP.
  if (before.row.operStatus != OperStatus::Up && peer->row.operStatus == OperStatus::Up) startIpv6(*peer);
}

void SimKernel::startIpv6(Link& l) {
  if (!l.ipv6.enabled || l.kind == LinkKind::Loopback || l.kind == LinkKind::Vrf ||
      l.row.physicalAddress.size() != 6)
    return;
  const PhysicalAddress id = eui64(l.row.physicalAddress);
  std::array<std::uint8_t, 16> bytes{0xfe, 0x80};
  std::copy(id.begin(), id.end(), bytes.begin() + 8);
  const IpAddress linkLocal = IpAddress::v6(bytes, l.row.index);
  if (addresses_.contains({linkLocal, l.row.index})) return;
  AddressRequest request;
  request.address = linkLocal;
  request.interfaceIndex = l.row.index;
  request.prefixLength = 64;
  request.source = AddressSource::LinkLocal;
  addAddress(request);
}

void SimKernel::stopIpv6(Link& l) {
  // addrconf_ifdown() with keep_addr_on_down=0: every IPv6 address goes, with its routes.
  for (const auto& key : addressKeysOn(l.row.index, Family::V6))
    removeAddress(key);
  flushRoutesVia(l.row.index, Family::V6, Flush::LinkDown);
}

Result SimKernel::setLinkMtu(InterfaceIndex index, std::uint32_t mtu) {
  Link* l = mutableLink(index);
  if (!l) return noDevice(index);
  if (mtu < 68 || mtu > maxMtu(l->kind))
    return failure(Status::InvalidParameter, "MTU " + std::to_string(mtu) + " out of range");
  const Link before = *l;
  l->row.mtu = mtu;
  l->ipv4.nlMtu = mtu;
  // NETDEV_CHANGEMTU resets the IPv6 MTU to the link's (IPv6 below 1280 is not modelled).
  if (mtu >= 1280) l->ipv6.nlMtu = mtu;
  publishLinkEdits(before, *l);
  return Result::success();
}

Result SimKernel::setLinkAlias(InterfaceIndex index, const std::string& alias) {
  Link* l = mutableLink(index);
  if (!l) return noDevice(index);
  if (alias.size() >= 256) return failure(Status::InvalidParameter, "alias too long");
  const Link before = *l;
  l->row.alias = alias;
  publishLinkEdits(before, *l);
  return Result::success();
}

Result SimKernel::setLinkAddress(InterfaceIndex index, const PhysicalAddress& address) {
  Link* l = mutableLink(index);
  if (!l) return noDevice(index);
  if (l->kind == LinkKind::Loopback) return failure(Status::NotSupported, "loopback has no settable address");
  if (!validUnicastMac(address))
    return failure(Status::InvalidParameter, "invalid link address " + formatPhysicalAddress(address));
  const Link before = *l;
  l->row.physicalAddress = address;
  l->ipv6.interfaceIdentifier = eui64(address); // existing link-local addresses stay, as in Linux
  publishLinkEdits(before, *l);
  return Result::success();
}

Result SimKernel::deleteLink(InterfaceIndex index) {
  const Link* l = link(index);
  if (!l) return noDevice(index);
  if (index == 1) return failure(Status::NotSupported, "the loopback device cannot be deleted");
  const InterfaceIndex peer = l->peer;
  // VLANs go with their parent (unregister_vlan_dev); a bridge's or a VRF's ports are released
  // (a VRF's cycled, vrf_dellink) before it goes.
  std::vector<InterfaceIndex> upper, ports;
  for (const auto& [i, other] : links_) {
    if (other.row.linkIndex == index || (peer != 0 && other.row.linkIndex == peer)) upper.push_back(i);
    if (other.row.masterIndex == index || (peer != 0 && other.row.masterIndex == peer)) ports.push_back(i);
  }
  for (InterfaceIndex i : upper)
    removeLink(i);
  for (InterfaceIndex i : ports)
    if (link(i)) setLinkMaster(i, 0);
  removeLink(index);
  if (peer != 0) removeLink(peer);
  return Result::success();
}

std::uint32_t SimKernel::l3mdevTable(InterfaceIndex index, std::uint32_t table) const {
  const Link* l = link(index);
  if (!l) return table;
  if (l->kind == LinkKind::Vrf) return l->row.vrfTable;
  const Link* master = l->row.masterIndex != 0 ? link(l->row.masterIndex) : nullptr;
  return master && master->kind == LinkKind::Vrf ? master->row.vrfTable : table;
}

Result SimKernel::setLinkMaster(InterfaceIndex index, InterfaceIndex master) {
  Link* l = mutableLink(index);
  if (!l) return noDevice(index);
  if (master != 0) {
    const Link* m = link(master);
    if (!m) return noDevice(master);
    if (master == index) return failure(Status::InvalidParameter, "a link cannot be its own master");
    // Linux: EOPNOTSUPP from a device without ndo_add_slave (veth, dummy, ...).
    if (m->kind != LinkKind::Vrf && m->kind != LinkKind::Bridge)
      return failure(Status::NotSupported, "'" + m->row.name + "' cannot be a master (not a bridge or VRF)");
    if (l->kind == LinkKind::Vrf) return failure(Status::InvalidParameter, "a VRF cannot be enslaved");
    if (m->kind == LinkKind::Bridge && (l->kind == LinkKind::Bridge || l->kind == LinkKind::Loopback))
      return failure(Status::InvalidParameter, "'" + l->row.name + "' cannot be a bridge port");
  }
  if (l->row.masterIndex == master) return Result::success();
  const auto isVrf = [&](InterfaceIndex i) {
    const Link* m = i != 0 ? link(i) : nullptr;
    return m && m->kind == LinkKind::Vrf;
  };
  const bool l3mdevChange = isVrf(master) || isVrf(l->row.masterIndex);
  const Link before = *l;
  l->row.masterIndex = master;
  publishLinkEdits(before, *l);
  if (!l3mdevChange) return Result::success(); // a bridge port keeps its addresses and routes here
  // do_vrf_add_slave()/do_vrf_del_slave() cycle a running port (cycle_netdev): its routes,
  // neighbors and IPv6 addresses go, and its address routes come back in the new table.
  if (l->row.adminStatus == AdminStatus::Up) {
    takeDown(*l);
    bringUp(*l);
  } else {
    flushRoutesVia(index, Family::Unspecified, Flush::LinkGone);
    for (const auto& key : addressKeysOn(index, Family::V4))
      addAddressRoutes(addresses_.at(key), *l);
  }
  return Result::success();
}

void SimKernel::removeLink(InterfaceIndex index) {
  Link* l = mutableLink(index);
  if (!l) return;
  // unregister_netdevice(): NETDEV_DOWN first, then the addresses, neighbors and routes left.
  if (l->row.adminStatus == AdminStatus::Up) takeDown(*l);
  for (Family family : {Family::V4, Family::V6})
    for (const auto& key : addressKeysOn(index, family))
      removeAddress(key);
  dropNeighborsOf(index);
  flushRoutesVia(index, Family::Unspecified, Flush::LinkGone);
  const Link gone = std::move(*l);
  links_.erase(index);
  std::erase_if(joinedGroups_, [&](const auto& j) { return j.first.second == index; });
  std::erase_if(joinedAnycast_, [&](const auto& j) { return j.first.second == index; });
  std::erase_if(pathExceptions_, [&](const auto& p) { return p.first.second == index; }); // issue 19
  if (Link* peer = mutableLink(gone.peer)) peer->peer = 0;
  changes_.push(ChangeKind::Delete, gone.ipv4);
  changes_.push(ChangeKind::Delete, gone.ipv6);
  changes_.push(ChangeKind::Delete, interfaceView(gone));
}

} // namespace ipmibd::platform::sim
