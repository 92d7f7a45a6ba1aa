// Conformance: GetIfStackTable / GetInvertedIfStackTable, GetMulticastIpAddressTable / Entry, and
// the anycast calls (Get…Table / Entry, Create / DeleteAnycastIpAddressEntry).
#include "tests/platform/conformance/support.h"

#include <algorithm>
#include <set>

namespace ipmibd::conformance {
namespace {

using Pairs = std::set<std::pair<std::string, std::string>>; // (higher, lower) by name

Pairs stackByName(Backend& backend) {
  std::vector<IfStackRow> rows;
  REQUIRE_OK(backend.getIfStackTable(rows));
  CHECK(std::is_sorted(rows.begin(), rows.end()));
  std::map<InterfaceIndex, std::string> names;
  for (const auto& i : interfaces(backend))
    names[i.index] = i.name;
  Pairs out;
  for (const auto& r : rows)
    out.insert({names[r.higherLayerInterfaceIndex], names[r.lowerLayerInterfaceIndex]});
  // The inverted table is the same relation keyed by the lower layer.
  std::vector<InvertedIfStackRow> inverted;
  REQUIRE_OK(backend.getInvertedIfStackTable(inverted));
  CHECK(std::is_sorted(inverted.begin(), inverted.end()));
  Pairs fromInverted;
  for (const auto& r : inverted)
    fromInverted.insert({names[r.higherLayerInterfaceIndex], names[r.lowerLayerInterfaceIndex]});
  CHECK(fromInverted == out);
  return out;
}

TEST_CASE("the interface stack: bridge ports below the bridge, a VLAN above its parent, veth peers beside",
          "[stack]") {
  CONFORMANCE_STACK(stack);
  Backend& backend = stack.backend();
  // The topology has only veth pairs and lo: no layering at all.
  CHECK(stackByName(backend).empty());

  for (const char* command : {"link add p0 type veth peer name p1", "link add p2 type veth peer name p3",
                              "link add br0 type bridge", "link set p0 master br0", "link set p2 master br0"})
    REQUIRE_OK(stack.outOfBand(command));
  // A kernel built without 802.1Q (no 8021q module, as in some VMs) refuses VLANs; a macvlan is
  // layered over its parent the same way (IFLA_LINK), so it stands in, said aloud.
  if (auto vlan = stack.outOfBand("link add link p1 name p1.10 type vlan id 10"); !vlan.ok()) {
    REQUIRE(stack.isKernel());
    REQUIRE(vlan.message.find("Unknown device type") != std::string::npos);
    WARN("this kernel has no VLAN support (" << vlan.message << "): a macvlan stands in for the VLAN");
    REQUIRE_OK(stack.outOfBand("link add link p1 name p1.10 type macvlan mode bridge"));
  }
  std::vector<Change<InterfaceRow>> seen;
  auto subscription = backend.notifyInterfaceChange([&](std::span<const Change<InterfaceRow>> changes) {
    seen.insert(seen.end(), changes.begin(), changes.end());
  });
  stack.settle();
  CHECK(stackByName(backend) == Pairs{{"br0", "p0"}, {"br0", "p2"}, {"p1.10", "p1"}});
  const auto p2 = indexOf(backend, "p2");
  InterfaceRow row;
  row.index = p2;
  REQUIRE_OK(backend.getIfEntry2(row));
  CHECK(row.masterIndex == indexOf(backend, "br0"));
  CHECK(row.linkIndex == 0); // its IFLA_LINK is its peer p3, which is not a layer

  // Leaving the bridge is an interface change of the port, and the pair goes.
  seen.clear();
  REQUIRE_OK(stack.outOfBand("link set p2 nomaster"));
  REQUIRE(stack.settleUntil([&] {
    return std::any_of(seen.begin(), seen.end(),
                       [&](const auto& c) { return c.row.index == p2 && c.row.masterIndex == 0; });
  }));
  CHECK(stackByName(backend) == Pairs{{"br0", "p0"}, {"p1.10", "p1"}});

  // Deleting the bridge frees its port; deleting a VLAN's parent takes the VLAN along.
  REQUIRE_OK(stack.outOfBand("link del br0"));
  stack.settle();
  CHECK(stackByName(backend) == Pairs{{"p1.10", "p1"}});
  REQUIRE_OK(stack.outOfBand("link del p1"));
  stack.settle();
  CHECK(stackByName(backend).empty());
  for (const auto& i : interfaces(backend))
    CHECK(i.name != "p1.10");
}

std::vector<MulticastAddressRow> groups(Backend& backend, Family family) {
  std::vector<MulticastAddressRow> rows;
  REQUIRE_OK(backend.getMulticastIpAddressTable(family, rows));
  return rows;
}

bool hasGroup(const std::vector<MulticastAddressRow>& rows, std::string_view group, InterfaceIndex index) {
  const IpAddress a = addr(group);
  return std::any_of(rows.begin(), rows.end(),
                     [&](const auto& r) { return r.address == a && r.interfaceIndex == index; });
}

TEST_CASE("multicast memberships: the kernel's own groups and a socket's join and leave", "[multicast]") {
  CONFORMANCE_STACK(stack);
  Backend& backend = stack.backend();
  const auto v0 = indexOf(backend, "v0");
  const auto v2 = indexOf(backend, "v2");

  // What Linux joins by itself on an up link: all-systems / all-nodes, and the solicited-node
  // group of each IPv6 address (2001:db8:1::1 -> ff02::1:ff00:1).
  const auto all = groups(backend, Family::Unspecified);
  CHECK(hasGroup(all, "224.0.0.1", v0));
  CHECK(hasGroup(all, "ff02::1", v0));
  CHECK(hasGroup(all, "ff02::1:ff00:1", v0));
  CHECK(hasGroup(all, "ff02::1:ff00:1", v2)); // 2001:db8:2::1 has the same solicited-node group
  CHECK_FALSE(hasGroup(all, "233.252.0.1", v2));
  for (const auto& r : groups(backend, Family::V4)) {
    CHECK(r.address.isV4());
    CHECK(r.address.isMulticast());
  }
  for (const auto& r : all) {
    INFO(r.address.toString() << " on " << r.interfaceIndex);
    CHECK(r.address.isMulticast());
    CHECK(r.address.scopeId() == 0);
    CHECK(r.luid == luidOf(backend, [&] {
            for (const auto& i : interfaces(backend))
              if (i.index == r.interfaceIndex) return i.name;
            return std::string("?");
          }()));
  }

  // A socket joins 233.252.0.1 (RFC 5771 MCAST-TEST-NET) and ff12::db8:1 (link-local scope) on v0.
  CHECK_FALSE(hasGroup(all, "233.252.0.1", v0));
  REQUIRE_OK(stack.joinGroup("233.252.0.1", "v0"));
  REQUIRE_OK(stack.joinGroup("ff12::db8:1", "v0"));
  stack.settle();
  const auto joined = groups(backend, Family::Unspecified);
  CHECK(hasGroup(joined, "233.252.0.1", v0));
  CHECK(hasGroup(joined, "ff12::db8:1", v0));
  CHECK_FALSE(hasGroup(joined, "233.252.0.1", v2));
  CHECK_FALSE(hasGroup(groups(backend, Family::V6), "233.252.0.1", v0));

  MulticastAddressRow entry;
  entry.address = addr("ff12::db8:1");
  entry.interfaceIndex = v0;
  REQUIRE_OK(backend.getMulticastIpAddressEntry(entry));
  CHECK(entry.luid == luidOf(backend, "v0"));
  CHECK(entry.scopeId == v0); // link-local scope
  MulticastAddressRow byLuid;
  byLuid.address = addr("233.252.0.1");
  byLuid.luid = luidOf(backend, "v0");
  REQUIRE_OK(backend.getMulticastIpAddressEntry(byLuid));
  CHECK(byLuid.interfaceIndex == v0);
  CHECK(byLuid.scopeId == 0);
  MulticastAddressRow elsewhere = byLuid;
  elsewhere.luid = {};
  elsewhere.interfaceIndex = v2;
  CHECK_STATUS(backend.getMulticastIpAddressEntry(elsewhere), Status::NotFound);
  MulticastAddressRow noInterface;
  noInterface.address = addr("233.252.0.1");
  CHECK_STATUS(backend.getMulticastIpAddressEntry(noInterface), Status::InvalidParameter);

  // Leaving takes the membership away.
  REQUIRE_OK(stack.leaveGroup("233.252.0.1", "v0"));
  REQUIRE_OK(stack.leaveGroup("ff12::db8:1", "v0"));
  stack.settle();
  const auto left = groups(backend, Family::Unspecified);
  CHECK_FALSE(hasGroup(left, "233.252.0.1", v0));
  CHECK_FALSE(hasGroup(left, "ff12::db8:1", v0));
  CHECK_STATUS(backend.getMulticastIpAddressEntry(entry), Status::NotFound);
}

std::vector<AnycastAddressRow> anycasts(Backend& backend) {
  std::vector<AnycastAddressRow> rows;
  REQUIRE_OK(backend.getAnycastIpAddressTable(Family::Unspecified, rows));
  return rows;
}

bool hasAnycast(const std::vector<AnycastAddressRow>& rows, const IpAddress& a, InterfaceIndex index) {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const auto& r) { return r.address == a && r.interfaceIndex == index; });
}

AnycastAddressRow anycastRow(std::string_view address, InterfaceIndex index) {
  AnycastAddressRow row;
  row.address = addr(address);
  row.interfaceIndex = index;
  return row;
}

TEST_CASE("anycast: subnet-router anycasts of a forwarding interface, and joins through the API",
          "[anycast]") {
  CONFORMANCE_STACK(stack);
  Backend& backend = stack.backend();
  const auto v0 = indexOf(backend, "v0");
  const auto v2 = indexOf(backend, "v2");
  const IpAddress subnetRouter = addr("2001:db8:1::");
  const IpAddress linkLocalRouter = addr("fe80::").withScope(v0);

  // Forwarding off everywhere: no subnet-router anycast.
  CHECK_FALSE(hasAnycast(anycasts(backend), subnetRouter, v0));
  std::vector<AnycastAddressRow> v4;
  REQUIRE_OK(backend.getAnycastIpAddressTable(Family::V4, v4));
  CHECK(v4.empty()); // Linux has no IPv4 anycast addresses

  // IPv6 forwarding on v0: the subnet-router anycast of each of its prefixes (RFC 4291 2.6.1).
  IpInterfaceRow ip = ipInterface(backend, Family::V6, v0);
  ip.forwardingEnabled = true;
  REQUIRE_OK(backend.setIpInterfaceEntry(ip));
  stack.settle();
  auto rows = anycasts(backend);
  CHECK(hasAnycast(rows, subnetRouter, v0));
  CHECK(hasAnycast(rows, linkLocalRouter, v0));
  CHECK_FALSE(hasAnycast(rows, addr("2001:db8:2::"), v2)); // v2 still a host
  for (const auto& r : rows) {
    INFO(r.address.toString());
    CHECK(r.address.isV6());
    CHECK(r.scopeId == (r.address.isV6LinkLocal() ? r.interfaceIndex : 0u));
  }
  AnycastAddressRow entry = anycastRow("2001:db8:1::", v0);
  REQUIRE_OK(backend.getAnycastIpAddressEntry(entry));
  CHECK(entry.luid == luidOf(backend, "v0"));
  AnycastAddressRow linkLocal = anycastRow("fe80::", v0); // no scope in the key: the interface gives it
  REQUIRE_OK(backend.getAnycastIpAddressEntry(linkLocal));
  CHECK(linkLocal.address == linkLocalRouter);
  // The kernel's own anycast is there already, and is not ours to remove.
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:1::", v0)), Status::AlreadyExists);
  CHECK_STATUS(backend.deleteAnycastIpAddressEntry(anycastRow("2001:db8:1::", v0)), Status::NotFound);

  // Joined through the API on v2, a host: an address within its on-link prefix.
  const IpAddress joined = addr("2001:db8:2::99");
  REQUIRE_OK(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:2::99", v2)));
  CHECK(hasAnycast(anycasts(backend), joined, v2));
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:2::99", v2)), Status::AlreadyExists);
  AnycastAddressRow byLuid;
  byLuid.address = joined;
  byLuid.luid = luidOf(backend, "v2");
  REQUIRE_OK(backend.getAnycastIpAddressEntry(byLuid));
  CHECK(byLuid.interfaceIndex == v2);

  // What the kernel refuses, and what the API refuses before asking it.
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:77::1", v2)),
               Status::InvalidParameter);
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:2::1", v2)),
               Status::InvalidParameter);
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("ff02::1", v2)), Status::InvalidParameter);
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("198.51.100.99", v2)), Status::NotSupported);
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:2::98", unusedIndex(backend))),
               Status::NotFound);
  CHECK_STATUS(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:2::98", 0)),
               Status::InvalidParameter);
  AnycastAddressRow v4Row = anycastRow("198.51.100.99", v2);
  CHECK_STATUS(backend.getAnycastIpAddressEntry(v4Row), Status::NotSupported);
  // A forwarding interface may join any unicast address.
  REQUIRE_OK(backend.createAnycastIpAddressEntry(anycastRow("2001:db8:77::1", v0)));
  CHECK(hasAnycast(anycasts(backend), addr("2001:db8:77::1"), v0));

  // Deleting what we joined; then it is gone, and a second delete finds nothing.
  REQUIRE_OK(backend.deleteAnycastIpAddressEntry(anycastRow("2001:db8:2::99", v2)));
  REQUIRE_OK(backend.deleteAnycastIpAddressEntry(anycastRow("2001:db8:77::1", v0)));
  CHECK_FALSE(hasAnycast(anycasts(backend), joined, v2));
  CHECK_FALSE(hasAnycast(anycasts(backend), addr("2001:db8:77::1"), v0));
  CHECK_STATUS(backend.deleteAnycastIpAddressEntry(anycastRow("2001:db8:2::99", v2)), Status::NotFound);

  // Forwarding off again: the kernel's subnet-router anycast goes.
  ip.forwardingEnabled = false;
  REQUIRE_OK(backend.setIpInterfaceEntry(ip));
  stack.settle();
  CHECK_FALSE(hasAnycast(anycasts(backend), subnetRouter, v0));
}

} // namespace
} // namespace ipmibd::conformance
