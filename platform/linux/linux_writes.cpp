// The write half of LinuxBackend: validates rows, looks at the kernel's current state, then changes it
// with rtnetlink requests (rtnl_encode) and /proc/sys writes, undoing partial work on failure.
//
// Every call validates its row completely before the first request, so a refused call leaves the
// kernel untouched. Where the kernel's own matching is looser than the row key (an IPv4 delete with
// metric 0 matches any metric; an IPv4 address may exist with two masks; deleting one next hop by
// gateway deletes a whole IPv4 multipath route) the call first reads the affected objects from the
// kernel and then addresses exactly the one it means. Reads go to the kernel, not to the event-fed
// cache, so a write never acts on state the backend has not dispatched yet.
#include "platform/linux/linux_backend.h"

#include "platform/linux/rtnl_decode.h"
#include "platform/linux/rtnl_encode.h"
#include "platform/linux/sysctl.h"

#include <linux/netlink.h>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ipmibd::platform::linux_backend {

namespace {

// One request's worth of properly aligned message space.
struct RequestBuffer {
  alignas(NLMSG_ALIGNTO) std::array<std::uint8_t, kRequestBufferSize> bytes{};
  std::span<std::uint8_t> span() { return bytes; }
};

Result invalid(std::string message) { return Result::failure(Status::InvalidParameter, std::move(message)); }

// Sends one encoded request; a null message means the encoder could not fit or express it (the
// callers validate first, so in practice: too many next hops).
Result send(NetlinkSocket& socket, nlmsghdr* message, const std::string& what) {
  if (!message) return invalid(what + ": request does not fit in one netlink message");
  Result result = socket.request(message);
  if (!result.ok()) result.message = what + ": " + result.message;
  return result;
}

// Keeps the first failure's status and words, and says what the undo step did not manage.
Result withRollbackNote(Result failure, const Result& rollback) {
  if (!rollback.ok()) failure.message += "; rollback failed, state may be partial: " + rollback.toString();
  return failure;
}

bool validFamily(Family family) { return family == Family::V4 || family == Family::V6; }

// The interface a row names: its index, or the one its LUID stands for when only that is given.
InterfaceIndex interfaceOf(Backend& backend, InterfaceIndex index, InterfaceLuid luid) {
  if (index != 0 || luid.value == 0) return index;
  InterfaceIndex resolved = 0;
  return backend.convertInterfaceLuidToIndex(luid, resolved).ok() ? resolved : 0;
}

// NotFound (with a message naming it) unless the interface exists; fills `row` when it does.
Result lookupInterface(Backend& backend, InterfaceIndex index, InterfaceRow& row) {
  row = InterfaceRow{};
  row.index = index;
  Result result = backend.getIfEntry2(row);
  if (result.status == Status::NotFound || result.status == Status::InvalidParameter)
    return Result::failure(Status::NotFound, "no interface with index " + std::to_string(index));
  return result;
}

// A scoped (IPv6 link-local) address must agree with the interface the row names.
bool scopeAgrees(const IpAddress& address, InterfaceIndex index) {
  return address.scopeId() == 0 || address.scopeId() == index;
}

// ---- kernel reads --------------------------------------------------------------------------------

// Every route of one family and table as the kernel has it, one inner vector per kernel route (a
// multipath route is one vector of several next-hop rows).
Result dumpRoutes(NetlinkSocket& socket, Family family, std::uint32_t table,
                  std::vector<std::vector<RouteRow>>& routes) {
  routes.clear();
  RequestBuffer buffer;
  nlmsghdr* request = encodeRouteDump(buffer.span(), 0, family, table, 0);
  Result result = socket.dump(
      request,
      [&](const nlmsghdr& message) {
        std::vector<RouteRow> hops;
        if (!decodeRoute(message, hops) || hops.empty()) return;
        if (hops.front().table != table || familyOf(hops.front()) != family) return;
        routes.push_back(std::move(hops));
      },
      [&] { routes.clear(); });
  // An IPv4 table that has never held a route does not exist yet: the kernel says ENOENT.
  if (result.status == Status::NotFound) return Result::success();
  return result;
}

// The kernel routes sharing the row's (table, destination, metric): the ones a write to this row
// can collide with or must keep.
Result routesAtKey(NetlinkSocket& socket, const RouteRow& row, std::vector<std::vector<RouteRow>>& out) {
  std::vector<std::vector<RouteRow>> all;
  Result result = dumpRoutes(socket, familyOf(row), row.table, all);
  out.clear();
  for (auto& route : all) {
    const RouteRow& first = route.front();
    if (first.destinationPrefix == row.destinationPrefix && effectiveMetric(first) == effectiveMetric(row))
      out.push_back(std::move(route));
  }
  return result;
}

IpAddress gatewayOf(const RouteRow& row) {
  if (row.nextHop.isUnspecified()) return IpAddress::zero(familyOf(row));
  return row.nextHop.withScope(0);
}

// Whether a kernel next-hop row is the one `wanted` names. Routes without next hops (blackhole and
// friends) are identified by their type alone: the kernel reports IPv6 ones on "lo". An interface
// index of 0 next to a gateway matches the device the kernel resolved for it, as the kernel's own
// delete does.
bool sameHop(const RouteRow& kernel, const RouteRow& wanted) {
  const bool kernelBare = routeTypeTakesNoNextHop(kernel.type),
             wantedBare = routeTypeTakesNoNextHop(wanted.type);
  if (kernelBare || wantedBare) return kernel.type == wanted.type;
  if (gatewayOf(kernel) != gatewayOf(wanted)) return false;
  if (wanted.interfaceIndex == 0 && !gatewayOf(wanted).isZero()) return true;
  return kernel.interfaceIndex == wanted.interfaceIndex;
}

struct HopPosition {
  std::size_t route = 0, hop = 0;
};

std::optional<HopPosition> findHop(const std::vector<std::vector<RouteRow>>& routes, const RouteRow& wanted) {
  for (std::size_t r = 0; r < routes.size(); ++r)
    for (std::size_t h = 0; h < routes[r].size(); ++h)
      if (sameHop(routes[r][h], wanted)) return HopPosition{r, h};
  return std::nullopt;
}

// The kernel's current row for the address (compared without scope id: the interface is the scope),
// with the extras a replace must send back.
Result currentAddress(NetlinkSocket& socket, const UnicastAddressRow& row, UnicastAddressRow& current,
                      AddressExtras* extras = nullptr) {
  bool found = false;
  RequestBuffer buffer;
  const Timestamp now = Clock::now();
  const Family family = row.address.family();
  Result result = socket.dump(
      encodeAddressDump(buffer.span(), 0, family, row.interfaceIndex),
      [&](const nlmsghdr& message) {
        auto candidate = decodeAddress(message, now);
        if (!candidate || candidate->interfaceIndex != row.interfaceIndex ||
            candidate->address.family() != family ||
            candidate->address.withScope(0) != row.address.withScope(0))
          return;
        found = true;
        current = *candidate;
        if (extras) *extras = addressExtrasOf(message);
      },
      [&] { found = false; });
  if (!result.ok()) return result;
  if (found) return Result::success();
  return Result::failure(Status::NotFound, "no address " + row.address.toString() + " on interface " +
                                               std::to_string(row.interfaceIndex));
}

// ---- address validation --------------------------------------------------------------------------

// Checks what an address row must satisfy to be created or set, and computes its prefix length
// (0xff = host prefix).
Result validateAddress(Backend& backend, const UnicastAddressRow& row, std::uint8_t& prefixLength) {
  if (!validFamily(row.address.family())) return invalid("the address has no family");
  if (row.interfaceIndex == 0) return invalid("no interface given");
  if (row.address.isZero() || row.address.isMulticast())
    return invalid(row.address.toString() + " cannot be a unicast address");
  if (!scopeAgrees(row.address, row.interfaceIndex))
    return invalid("the scope of " + row.address.toString() + " is not interface " +
                   std::to_string(row.interfaceIndex));
  const unsigned maxLength = row.address.isV4() ? 32 : 128;
  if (row.onLinkPrefixLength != 0xff && row.onLinkPrefixLength > maxLength)
    return invalid("prefix length " + std::to_string(row.onLinkPrefixLength) + " is out of range");
  prefixLength = row.onLinkPrefixLength == 0xff ? std::uint8_t(maxLength) : row.onLinkPrefixLength;
  if (row.validLifetime == 0) return invalid("a valid lifetime of 0 would remove the address at once");
  if (row.preferredLifetime > row.validLifetime)
    return invalid("the preferred lifetime exceeds the valid lifetime");
  if (!row.broadcast.isUnspecified() && !row.broadcast.isV4())
    return invalid("the broadcast address is not IPv4");
  // Linux has no per-address "do not use as source" flag (IPv6 deprecation is lifetime-driven).
  if (row.skipAsSource)
    return Result::failure(Status::NotSupported, "Linux cannot mark an address skip-as-source");
  InterfaceRow link;
  return lookupInterface(backend, row.interfaceIndex, link);
}

// ---- route validation ----------------------------------------------------------------------------

// Checks a route row for create/set and fills `out` with it in the form the encoder wants (an IPv6
// link-local gateway's scope as the device, a zero gateway instead of "none").
Result validateRoute(Backend& backend, const LinuxOptions& options, const RouteRow& row, RouteRow& out) {
  out = row;
  const Family family = familyOf(row);
  if (!validFamily(family)) return invalid("the destination prefix has no family");
  if (!row.destinationPrefix.isValid())
    return invalid("prefix length " + std::to_string(row.destinationPrefix.length) + " is out of range");
  if (!row.destinationPrefix.isCanonical())
    return invalid(row.destinationPrefix.toString() + " has host bits set");
  if (std::find(options.routeTables.begin(), options.routeTables.end(), row.table) ==
      options.routeTables.end())
    return invalid("route table " + std::to_string(row.table) + " is not one this backend serves");
  if (!kernelRouteType(row.type) || row.type == RouteType::Nat)
    return invalid(std::string("route type ") + std::string(toString(row.type)) + " cannot be written");
  if (!row.preferredSource.isUnspecified() && row.preferredSource.family() != family)
    return invalid("the preferred source is not of the destination's family");
  out.interfaceIndex = interfaceOf(backend, row.interfaceIndex, row.luid);

  if (routeTypeTakesNoNextHop(row.type)) {
    if (!row.nextHop.isUnspecified() && !row.nextHop.isZero())
      return invalid(std::string("a ") + std::string(toString(row.type)) + " route takes no next hop");
    if (out.interfaceIndex != 0)
      return invalid(std::string("a ") + std::string(toString(row.type)) + " route takes no interface");
    out.nextHop = IpAddress::zero(family);
    return Result::success();
  }

  if (!row.nextHop.isUnspecified() && row.nextHop.family() != family)
    return invalid("next hop " + row.nextHop.toString() + " is not of the destination's family");
  out.nextHop = row.nextHop.isUnspecified() ? IpAddress::zero(family) : row.nextHop;
  if (out.nextHop.isMulticast()) return invalid("next hop " + out.nextHop.toString() + " is multicast");
  if (out.nextHop.isV6LinkLocal()) {
    if (out.interfaceIndex == 0) out.interfaceIndex = out.nextHop.scopeId();
    if (!scopeAgrees(out.nextHop, out.interfaceIndex))
      return invalid("the scope of " + out.nextHop.toString() + " is not interface " +
                     std::to_string(out.interfaceIndex));
    if (out.interfaceIndex == 0) return invalid("a link-local next hop needs an interface");
  }
  out.nextHop = out.nextHop.withScope(0);
  if (out.nextHop.isZero() && out.interfaceIndex == 0)
    return invalid("a route needs a next hop, an interface, or both");
  if (out.interfaceIndex != 0) {
    InterfaceRow link;
    if (Result r = lookupInterface(backend, out.interfaceIndex, link); !r.ok()) return r;
  }
  return Result::success();
}

// A key row (for set/delete): enough shape to look it up; everything else is "no such row".
Result validateRouteKey(const RouteRow& row) {
  if (!validFamily(familyOf(row))) return invalid("the destination prefix has no family");
  if (!row.destinationPrefix.isValid())
    return invalid("prefix length " + std::to_string(row.destinationPrefix.length) + " is out of range");
  return Result::success();
}

Result routeNotFound(const RouteRow& row) {
  std::string text = "no route " + row.destinationPrefix.toString();
  if (!gatewayOf(row).isZero()) text += " via " + gatewayOf(row).toString();
  if (row.interfaceIndex != 0) text += " dev " + std::to_string(row.interfaceIndex);
  text += " metric " + std::to_string(effectiveMetric(row)) + " in table " + std::to_string(row.table);
  return Result::failure(Status::NotFound, std::move(text));
}

// The hops of `route` with the route-level attributes (type, protocol, scope, preferred source,
// metric) taken from `attributes`, ready to be written as one kernel route.
std::vector<RouteRow> asRoute(std::vector<RouteRow> route, const RouteRow& attributes) {
  for (RouteRow& hop : route) {
    hop.type = attributes.type;
    hop.protocol = attributes.protocol;
    hop.nativeProtocol = attributes.nativeProtocol;
    hop.scope = attributes.scope;
    hop.preferredSource = attributes.preferredSource;
    hop.metric = effectiveMetric(attributes);
  }
  return route;
}

// The route-level attributes of `row` with the scope left to kernelRouteScope(): a scope read from
// the kernel describes the old set of next hops (link for a lone on-link hop) and would make the
// kernel refuse a gateway added to it.
RouteRow withDerivedScope(RouteRow row) {
  row.scope = 0;
  return row;
}

// Writes one whole kernel route in place of the one at its key.
Result replaceRoute(NetlinkSocket& socket, const std::vector<RouteRow>& route) {
  RequestBuffer buffer;
  return send(socket, encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 0, route),
              "replace route " + route.front().destinationPrefix.toString());
}

// Deletes exactly one kernel route (all of its next hops) or, for an IPv6 multipath route, the one
// sibling `hop` names (IPv6 keeps siblings as separate routes and deletes them individually).
Result deleteKernelHop(NetlinkSocket& socket, const RouteRow& hop) {
  RequestBuffer buffer;
  RouteRow exact = hop;
  exact.metric = effectiveMetric(hop);
  return send(socket, encodeDelRoute(buffer.span(), 0, exact),
              "delete route " + hop.destinationPrefix.toString());
}

// Removes the next hop at `at` from the kernel: the whole route when it is the only one, the IPv6
// sibling alone, or the IPv4 route rewritten without it.
Result removeHop(NetlinkSocket& socket, const std::vector<std::vector<RouteRow>>& routes, HopPosition at) {
  const std::vector<RouteRow>& route = routes[at.route];
  const RouteRow& hop = route[at.hop];
  if (route.size() == 1 || familyOf(hop) == Family::V6) return deleteKernelHop(socket, hop);
  std::vector<RouteRow> rest = route;
  rest.erase(rest.begin() + std::ptrdiff_t(at.hop));
  return replaceRoute(socket, asRoute(std::move(rest), withDerivedScope(route.front())));
}

// Adds `row` (validated) as a new next-hop row. With nothing at its key this is a plain exclusive
// create. Next to an existing IPv4 route the route is rewritten with one more next hop (Linux has
// one IPv4 route per key); next to IPv6 routes the kernel appends a sibling. A route without next
// hops (blackhole, ...) cannot share its key with anything. The backend's event-current cache
// answers "nothing at the key" without a dump of the table (should it be wrong by a race, the
// exclusive create fails with AlreadyExists).
Result addRouteRow(LinuxBackend& backend, NetlinkSocket& socket, const RouteRow& row) {
  std::vector<std::vector<RouteRow>> existing;
  if (!backend.routeKeyVacant(row.table, row.destinationPrefix, effectiveMetric(row)))
    if (Result r = routesAtKey(socket, row, existing); !r.ok()) return r;
  if (findHop(existing, row))
    return Result::failure(Status::AlreadyExists, "route " + row.destinationPrefix.toString() + " exists");
  RequestBuffer buffer;
  const std::string what = "create route " + row.destinationPrefix.toString();
  if (existing.empty())
    return send(
        socket,
        encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 0, std::span(&row, 1)),
        what);
  // Only unicast routes combine into multipath ones.
  bool unicastOnly = row.type == RouteType::Unicast;
  for (const auto& route : existing)
    unicastOnly = unicastOnly && route.front().type == RouteType::Unicast;
  if (!unicastOnly)
    return Result::failure(Status::AlreadyExists,
                           "a " + std::string(toString(existing.front().front().type)) + " route holds " +
                               row.destinationPrefix.toString() + " at metric " +
                               std::to_string(effectiveMetric(row)) + " and cannot share it with a " +
                               std::string(toString(row.type)) + " route");
  if (familyOf(row) == Family::V6)
    return send(
        socket,
        encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND, 0, std::span(&row, 1)),
        what);
  std::vector<RouteRow> joined = existing.front();
  RouteRow hop = row;
  hop.metric = effectiveMetric(row);
  joined.push_back(hop);
  return replaceRoute(socket, asRoute(std::move(joined), withDerivedScope(existing.front().front())));
}

// Deletes the next-hop row `key` names. NotFound when the kernel has no such row.
Result removeRouteRow(NetlinkSocket& socket, const RouteRow& key) {
  std::vector<std::vector<RouteRow>> existing;
  if (Result r = routesAtKey(socket, key, existing); !r.ok()) return r;
  const auto at = findHop(existing, key);
  if (!at) return routeNotFound(key);
  return removeHop(socket, existing, *at);
}

// ---- per-interface and global settings ------------------------------------------------------------

// One change of a call that must succeed or be undone as a whole.
struct Step {
  std::function<Result()> apply;
  std::function<Result()> undo;
};

// Runs the steps in order; when one fails, undoes the applied ones in reverse order.
Result runAllOrNothing(const std::vector<Step>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Result result = steps[i].apply();
    if (result.ok()) continue;
    Result rollback;
    for (std::size_t j = i; j-- > 0;) {
      Result undone = steps[j].undo();
      if (!undone.ok() && rollback.ok()) rollback = undone;
    }
    return withRollbackNote(std::move(result), rollback);
  }
  return Result::success();
}

// A /proc/sys write that remembers the previous value for undo. Fails (NotSupported) up front when
// the key cannot be read: the kernel lacks that setting.
Result sysctlStep(const std::string& netns, const std::string& key, long long value,
                  std::vector<Step>& steps) {
  const auto old = readSysctl(netns, key);
  if (!old) return Result::failure(Status::NotSupported, "/proc/sys/" + key + " is not available");
  if (*old == value) return Result::success();
  const long long previous = *old;
  steps.push_back({[netns, key, value] { return writeSysctl(netns, key, value); },
                   [netns, key, previous] { return writeSysctl(netns, key, previous); }});
  return Result::success();
}

Result notSupported(const std::string& what) { return Result::failure(Status::NotSupported, what); }

} // namespace

// =====================================================================================================
// Addresses

// Success; AlreadyExists (the address is on the interface, whatever its prefix length); NotFound (no
// such interface); InvalidParameter (no family, zero/multicast address, prefix length, lifetimes:
// valid 0 or preferred > valid, interface 0, scope id not the interface); NotSupported (skipAsSource);
// AccessDenied. A created IPv6 address runs DAD as the kernel defaults say (tentative at first).
Result LinuxBackend::createUnicastIpAddressEntry(const UnicastAddressRow& input) {
  UnicastAddressRow row = input;
  row.interfaceIndex = interfaceOf(*this, row.interfaceIndex, row.luid);
  std::uint8_t prefixLength = 0;
  if (Result r = validateAddress(*this, row, prefixLength); !r.ok()) return r;
  // IPv4 would accept the same address again with another mask: the row key forbids that.
  UnicastAddressRow current;
  Result lookup = currentAddress(*requestSocket_, row, current);
  if (lookup.ok())
    return Result::failure(Status::AlreadyExists, row.address.toString() + " is already on interface " +
                                                      std::to_string(row.interfaceIndex));
  if (lookup.status != Status::NotFound) return lookup;
  RequestBuffer buffer;
  return send(
      *requestSocket_,
      encodeNewAddress(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 0, row, prefixLength),
      "add address " + row.address.toString());
}

// Changes lifetimes and prefix length (0xff = host prefix, as on create). Success; NotFound (no such
// address on the interface, or no such interface); InvalidParameter (as create); NotSupported
// (skipAsSource). Lifetimes are replaced in place (NLM_F_REPLACE). Linux keys addresses by prefix
// length too, so a new prefix length means add+delete: IPv4 adds the new one before deleting the
// old (both can coexist briefly; deleting a primary address deletes or promotes its secondaries as
// net.ipv4.conf.*.promote_secondaries says); IPv6 deletes first (one address cannot have two prefix
// lengths) and re-adds the old one if the new one is refused.
Result LinuxBackend::setUnicastIpAddressEntry(const UnicastAddressRow& input) {
  UnicastAddressRow row = input;
  row.interfaceIndex = interfaceOf(*this, row.interfaceIndex, row.luid);
  std::uint8_t prefixLength = 0;
  if (Result r = validateAddress(*this, row, prefixLength); !r.ok()) return r;
  UnicastAddressRow current;
  AddressExtras extras;
  if (Result r = currentAddress(*requestSocket_, row, current, &extras); !r.ok()) return r;
  const std::uint8_t oldLength = current.onLinkPrefixLength;
  NetlinkSocket& socket = *requestSocket_;
  const std::string what = "change address " + row.address.toString();
  RequestBuffer buffer;
  if (prefixLength == oldLength)
    return send(socket,
                encodeNewAddress(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 0, row, prefixLength, extras),
                what);

  auto add = [&](const UnicastAddressRow& r, std::uint8_t length) {
    RequestBuffer b;
    return send(socket,
                encodeNewAddress(b.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 0, r, length, extras),
                what);
  };
  auto remove = [&](const UnicastAddressRow& r, std::uint8_t length) {
    RequestBuffer b;
    return send(socket, encodeDelAddress(b.span(), 0, r, length), what);
  };
  // What to restore: the address as it is now (remaining lifetimes, its broadcast address).
  UnicastAddressRow old = row;
  old.validLifetime = current.validLifetime == 0 ? 1 : current.validLifetime;
  old.preferredLifetime = std::min(current.preferredLifetime, old.validLifetime);
  old.broadcast = current.broadcast;
  if (row.address.isV4()) {
    if (Result r = add(row, prefixLength); !r.ok()) return r;
    if (Result r = remove(old, oldLength); !r.ok()) return withRollbackNote(r, remove(row, prefixLength));
    return Result::success();
  }
  if (Result r = remove(old, oldLength); !r.ok()) return r;
  if (Result r = add(row, prefixLength); !r.ok()) return withRollbackNote(r, add(old, oldLength));
  return Result::success();
}

// Success; NotFound (no such address on that interface; the kernel's EADDRNOTAVAIL included);
// InvalidParameter (no family).
Result LinuxBackend::deleteUnicastIpAddressEntry(const UnicastAddressRow& input) {
  UnicastAddressRow row = input;
  row.interfaceIndex = interfaceOf(*this, row.interfaceIndex, row.luid);
  if (!validFamily(row.address.family())) return invalid("the address has no family");
  UnicastAddressRow current;
  if (Result r = currentAddress(*requestSocket_, row, current); !r.ok()) return r;
  RequestBuffer buffer;
  Result result =
      send(*requestSocket_, encodeDelAddress(buffer.span(), 0, current, current.onLinkPrefixLength),
           "delete address " + row.address.toString());
  // Gone meanwhile (EADDRNOTAVAIL already maps to NotFound; this also covers other errors raced by a
  // concurrent delete): the address no longer exists, so report NotFound.
  if (!result.ok() && currentAddress(*requestSocket_, row, current).status == Status::NotFound)
    result.status = Status::NotFound;
  return result;
}

// =====================================================================================================
// Neighbors

namespace {

// Checks a neighbor row for create/set: family, address, interface and link-layer address length.
Result validateNeighbor(Backend& backend, const NeighborRow& row) {
  if (!validFamily(row.address.family())) return invalid("the neighbor address has no family");
  if (row.address.isZero() || row.address.isMulticast() ||
      (row.address.isV4() && row.address == IpAddress::v4(0xffffffffu)))
    return invalid(row.address.toString() + " cannot be a neighbor");
  if (row.interfaceIndex == 0) return invalid("no interface given");
  if (!scopeAgrees(row.address, row.interfaceIndex))
    return invalid("the scope of " + row.address.toString() + " is not interface " +
                   std::to_string(row.interfaceIndex));
  if (!kernelNeighborState(row.state))
    return invalid(std::string("state ") + std::string(toString(row.state)) + " cannot be written");
  InterfaceRow link;
  if (Result r = lookupInterface(backend, row.interfaceIndex, link); !r.ok()) return r;
  // The kernel itself only refuses a too-short address; a longer one would be silently truncated.
  if (row.physicalAddress.size() != link.physicalAddress.size())
    return invalid("a link-layer address on " + link.name + " has " +
                   std::to_string(link.physicalAddress.size()) + " bytes, not " +
                   std::to_string(row.physicalAddress.size()));
  return Result::success();
}

} // namespace

// Creates the entry in the row's state (Permanent unless said otherwise). Success; AlreadyExists
// (an entry exists, dynamic or static: NLM_F_EXCL makes the kernel refuse any existing entry);
// NotFound (no such interface); InvalidParameter (no family, zero/multicast/broadcast address,
// interface 0, link-layer address length not the interface's, state Incomplete/Unreachable);
// AccessDenied.
Result LinuxBackend::createIpNetEntry2(const NeighborRow& input) {
  NeighborRow row = input;
  row.interfaceIndex = interfaceOf(*this, row.interfaceIndex, row.luid);
  if (Result r = validateNeighbor(*this, row); !r.ok()) return r;
  RequestBuffer buffer;
  return send(*requestSocket_,
              encodeNewNeighbor(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 0, row),
              "add neighbor " + row.address.toString());
}

// Replaces link-layer address and state (NLM_F_REPLACE without NLM_F_CREATE: the kernel answers
// ENOENT for a missing entry). Success; NotFound; InvalidParameter (as create).
Result LinuxBackend::setIpNetEntry2(const NeighborRow& input) {
  NeighborRow row = input;
  row.interfaceIndex = interfaceOf(*this, row.interfaceIndex, row.luid);
  if (Result r = validateNeighbor(*this, row); !r.ok()) return r;
  RequestBuffer buffer;
  return send(*requestSocket_, encodeNewNeighbor(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 0, row),
              "change neighbor " + row.address.toString());
}

// Success; NotFound (no such entry or interface); InvalidParameter (no family).
Result LinuxBackend::deleteIpNetEntry2(const NeighborRow& input) {
  NeighborRow row = input;
  row.interfaceIndex = interfaceOf(*this, row.interfaceIndex, row.luid);
  if (!validFamily(row.address.family())) return invalid("the neighbor address has no family");
  if (row.interfaceIndex == 0)
    return Result::failure(Status::NotFound,
                           "no neighbor " + row.address.toString() + " without an interface");
  RequestBuffer buffer;
  return send(*requestSocket_, encodeDelNeighbor(buffer.span(), 0, row),
              "delete neighbor " + row.address.toString());
}

// Deletes the dynamic entries (everything but Permanent and NoArp, as `ip neigh flush` does) of one
// interface (0 = all) and family (Unspecified = both). Entries that vanish meanwhile are not an
// error. Success; NotFound (no such interface); InvalidParameter; AccessDenied.
Result LinuxBackend::flushIpNetTable2(Family family, InterfaceIndex interfaceIndex) {
  if (interfaceIndex != 0) {
    InterfaceRow link;
    if (Result r = lookupInterface(*this, interfaceIndex, link); !r.ok()) return r;
  }
  std::vector<NeighborRow> doomed;
  for (Family f : {Family::V4, Family::V6}) {
    if (family != Family::Unspecified && family != f) continue;
    RequestBuffer buffer;
    const Timestamp now = Clock::now();
    std::vector<NeighborRow> rows;
    Result r = requestSocket_->dump(
        encodeNeighborDump(buffer.span(), 0, f, interfaceIndex),
        [&](const nlmsghdr& message) {
          auto row = decodeNeighbor(message, now);
          if (row && row->address.family() == f &&
              (interfaceIndex == 0 || row->interfaceIndex == interfaceIndex))
            rows.push_back(*row);
        },
        [&] { rows.clear(); });
    if (!r.ok()) return r;
    for (const auto& row : rows)
      if (row.state != NeighborState::Permanent && row.state != NeighborState::NoArp) doomed.push_back(row);
  }
  for (const auto& row : doomed) {
    RequestBuffer buffer;
    Result r = send(*requestSocket_, encodeDelNeighbor(buffer.span(), 0, row),
                    "flush neighbor " + row.address.toString());
    if (!r.ok() && r.status != Status::NotFound) return r;
  }
  return Result::success();
}

// =====================================================================================================
// Routes

// Success; AlreadyExists (a row with this key exists, or a blackhole/unreachable/prohibit/throw route
// holds the key's destination and metric, or the new row is one and something does); NotFound (no
// such interface); InvalidParameter (no family, prefix length, host bits set, table not served,
// next hop of the other family or multicast, next hop or interface on a type that takes none,
// neither next hop nor interface, link-local next hop without interface, type Other/Nat);
// NetworkUnreachable (gateway not on a connected network); AccessDenied. kUnspecifiedMetric
// leaves the kernel's default (IPv4 0, IPv6 1024); protocol Unspecified writes RTPROT_STATIC. A row
// whose destination/table/metric matches an existing route becomes one more next hop of it.
Result LinuxBackend::createIpForwardEntry2(const RouteRow& input) {
  RouteRow row;
  if (Result r = validateRoute(*this, options_, input, row); !r.ok()) return r;
  return addRouteRow(*this, *requestSocket_, row);
}

// Makes the next-hop row `key` names into `row`. Success; NotFound (no such row, or `row` names an
// unknown interface); InvalidParameter (as create, or families differ, or a route type without
// next hops for a row that shares its route with other next hops); NetworkUnreachable;
// AlreadyExists (the new key is another existing row). When table, destination and metric stay,
// the kernel route holding the row is rewritten with NLM_F_REPLACE in one request, keeping its
// other next hops. IPv6 routes sharing the key that are not siblings of it (the kernel could
// replace the wrong one) and changes of table/destination/metric (part of the kernel's key) are
// done as create-new then delete-old; if the delete fails, the new row is deleted again.
Result LinuxBackend::setIpForwardEntry2(const RouteRow& key, const RouteRow& input) {
  if (Result r = validateRouteKey(key); !r.ok()) return r;
  if (familyOf(key) != familyOf(input)) return invalid("the new row is of another family than the key");
  RouteRow row;
  if (Result r = validateRoute(*this, options_, input, row); !r.ok()) return r;
  NetlinkSocket& socket = *requestSocket_;

  std::vector<std::vector<RouteRow>> existing;
  if (Result r = routesAtKey(socket, key, existing); !r.ok()) return r;
  const auto at = findHop(existing, key);
  if (!at) return routeNotFound(key);
  const RouteRow old = existing[at->route][at->hop];

  // A scope read from the kernel describes the old next hop (link for on-link); derive it again for
  // the new one unless the caller changed it on purpose.
  if (row.scope == old.scope) row.scope = 0;

  const bool sameRouteKey = row.table == key.table && row.destinationPrefix == key.destinationPrefix &&
                            effectiveMetric(row) == effectiveMetric(old);
  if (!sameRouteKey) {
    if (Result r = addRouteRow(*this, socket, row); !r.ok()) return r;
    if (Result r = removeRouteRow(socket, old); !r.ok())
      return withRollbackNote(r, removeRouteRow(socket, row));
    return Result::success();
  }

  // The new next hop must not be another existing row of the same key.
  for (std::size_t r = 0; r < existing.size(); ++r)
    for (std::size_t h = 0; h < existing[r].size(); ++h)
      if ((r != at->route || h != at->hop) && sameHop(existing[r][h], row))
        return Result::failure(Status::AlreadyExists, "the new next hop is another existing route row");

  std::vector<RouteRow> route = existing[at->route];
  if (route.size() > 1 && row.type != RouteType::Unicast)
    return invalid(std::string("a ") + std::string(toString(row.type)) +
                   " route cannot keep the other next hops of this multipath route");
  RouteRow hop = row;
  hop.metric = effectiveMetric(row);
  route[at->hop] = hop;
  if (familyOf(row) == Family::V4 || existing.size() == 1) return replaceRoute(socket, asRoute(route, hop));

  // IPv6 with unrelated routes at the same key: address the next hops one by one.
  if (!sameHop(old, row)) {
    if (Result r = addRouteRow(*this, socket, row); !r.ok()) return r;
    if (Result r = deleteKernelHop(socket, old); !r.ok())
      return withRollbackNote(r, removeRouteRow(socket, row));
    return Result::success();
  }
  if (Result r = deleteKernelHop(socket, old); !r.ok()) return r;
  RequestBuffer buffer;
  Result added =
      send(socket,
           encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND, 0, std::span(&hop, 1)),
           "change route " + row.destinationPrefix.toString());
  if (added.ok()) return added;
  RequestBuffer restore;
  return withRollbackNote(
      added,
      send(socket,
           encodeNewRoute(restore.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND, 0, std::span(&old, 1)),
           "restore route " + old.destinationPrefix.toString()));
}

// Success; NotFound (no such row: the kernel is asked first, because its own matching treats an IPv4
// metric of 0 as "any metric"); InvalidParameter (no family, prefix length out of range). Deleting
// one next hop of an IPv4 multipath route rewrites the route without it (NLM_F_REPLACE); an IPv6
// sibling is deleted on its own.
Result LinuxBackend::deleteIpForwardEntry2(const RouteRow& input) {
  if (Result r = validateRouteKey(input); !r.ok()) return r;
  RouteRow key = input;
  key.interfaceIndex = interfaceOf(*this, key.interfaceIndex, key.luid);
  if (key.nextHop.isV6LinkLocal() && key.interfaceIndex == 0) key.interfaceIndex = key.nextHop.scopeId();
  if (std::find(options_.routeTables.begin(), options_.routeTables.end(), key.table) ==
      options_.routeTables.end())
    return routeNotFound(key);
  return removeRouteRow(*requestSocket_, key);
}

// =====================================================================================================
// IP interface and global settings

// Writes the writable fields that differ from the kernel's current row, all or nothing:
//   IPv4: forwardingEnabled (conf/IF/forwarding), nlMtu (the link MTU, RTM_SETLINK),
//         baseReachableTime / retransmitTime (neigh/IF/*_ms). enabled=false is NotSupported (Linux
//         cannot disable IPv4 on one interface); dadTransmits, curHopLimit, routerDiscoveryEnabled
//         and advertisingEnabled have no IPv4 meaning on Linux: NotSupported.
//   IPv6: enabled (conf/IF/disable_ipv6), forwardingEnabled, nlMtu (conf/IF/mtu, >= 1280, not the
//         link MTU), curHopLimit (conf/IF/hop_limit; 0 = the conf/default value), dadTransmits,
//         routerDiscoveryEnabled (accept_ra), baseReachableTime / retransmitTime (neigh/IF/*_ms).
//         advertisingEnabled is NotSupported (router advertisements come from radvd, not the kernel).
//   Either: useAutomaticMetric, metric, reassemblyMaxSize, interfaceIdentifier cannot change:
//         NotSupported. Fields that move by themselves (reachableTime, connected, lastChange, luid)
//         are ignored.
// Disabling IPv6 is applied last (it flushes the interface's IPv6 addresses, which no rollback could
// restore); enabling it first. A successful change schedules an IP interface refresh, since the
// kernel raises no event for most of these writes. Success; NotFound;
// InvalidParameter (family Unspecified, a value out of range, or refused by the kernel); NotSupported;
// AccessDenied.
Result LinuxBackend::setIpInterfaceEntry(const IpInterfaceRow& row) {
  if (!validFamily(row.family)) return invalid("the IP interface row has no family");
  IpInterfaceRow current;
  current.family = row.family;
  current.interfaceIndex = row.interfaceIndex;
  if (Result r = getIpInterfaceEntry(current); !r.ok()) return r;
  InterfaceRow link;
  if (Result r = lookupInterface(*this, row.interfaceIndex, link); !r.ok()) return r;

  if (row.useAutomaticMetric != current.useAutomaticMetric || row.metric != current.metric)
    return notSupported("Linux has no interface metric");
  if (row.reassemblyMaxSize != current.reassemblyMaxSize) return notSupported("the reassembly size is fixed");
  if (row.interfaceIdentifier != current.interfaceIdentifier)
    return notSupported("the interface identifier cannot be changed here");
  if (row.advertisingEnabled != current.advertisingEnabled)
    return notSupported("the kernel does not send router advertisements");

  const bool v4 = row.family == Family::V4;
  const std::string& ns = options_.netns;
  const std::string conf = std::string(v4 ? "net/ipv4/conf/" : "net/ipv6/conf/") + link.name + "/";
  const std::string neigh = std::string(v4 ? "net/ipv4/neigh/" : "net/ipv6/neigh/") + link.name + "/";

  // Range checks first, so that nothing is written for a call that will be refused.
  if (row.nlMtu != current.nlMtu) {
    if (row.nlMtu == 0) return invalid("an MTU of 0");
    if (!v4 && row.nlMtu < 1280) return invalid("an IPv6 MTU below 1280");
  }
  if (row.baseReachableTime != current.baseReachableTime && row.baseReachableTime == 0)
    return invalid("a base reachable time of 0");
  if (row.retransmitTime != current.retransmitTime && row.retransmitTime == 0)
    return invalid("a retransmit time of 0");
  if (row.curHopLimit != current.curHopLimit && row.curHopLimit > 255)
    return invalid("hop limit " + std::to_string(row.curHopLimit) + " is out of range");
  if (v4) {
    if (row.enabled != current.enabled) return notSupported("Linux cannot disable IPv4 on one interface");
    if (row.dadTransmits != current.dadTransmits)
      return notSupported("IPv4 has no duplicate address detection");
    if (row.curHopLimit != current.curHopLimit) return notSupported("Linux has no per-interface IPv4 TTL");
    if (row.routerDiscoveryEnabled != current.routerDiscoveryEnabled)
      return notSupported("Linux does not do IPv4 router discovery");
  }

  std::vector<Step> steps;
  auto add = [&](const std::string& key, long long value) { return sysctlStep(ns, key, value, steps); };
  if (!v4 && row.enabled && !current.enabled)
    if (Result r = add(conf + "disable_ipv6", 0); !r.ok()) return r;
  if (row.forwardingEnabled != current.forwardingEnabled)
    if (Result r = add(conf + "forwarding", row.forwardingEnabled ? 1 : 0); !r.ok()) return r;
  if (row.nlMtu != current.nlMtu) {
    if (v4) {
      NetlinkSocket& socket = *requestSocket_;
      const InterfaceIndex index = row.interfaceIndex;
      const std::uint32_t mtu = row.nlMtu, previous = link.mtu;
      auto setMtu = [&socket, index](std::uint32_t value) {
        RequestBuffer buffer;
        return send(socket, encodeSetLinkMtu(buffer.span(), 0, index, value),
                    "set MTU " + std::to_string(value));
      };
      steps.push_back(
          {[setMtu, mtu] { return setMtu(mtu); }, [setMtu, previous] { return setMtu(previous); }});
    } else if (Result r = add(conf + "mtu", row.nlMtu); !r.ok()) {
      return r;
    }
  }
  if (row.baseReachableTime != current.baseReachableTime)
    if (Result r = add(neigh + "base_reachable_time_ms", row.baseReachableTime); !r.ok()) return r;
  if (row.retransmitTime != current.retransmitTime)
    if (Result r = add(neigh + "retrans_time_ms", row.retransmitTime); !r.ok()) return r;
  if (!v4) {
    if (row.curHopLimit != current.curHopLimit) {
      long long hopLimit = row.curHopLimit;
      if (hopLimit == 0) {
        const auto fallback = readSysctl(ns, "net/ipv6/conf/default/hop_limit");
        if (!fallback) return notSupported("net/ipv6/conf/default/hop_limit is not available");
        hopLimit = *fallback;
      }
      if (Result r = add(conf + "hop_limit", hopLimit); !r.ok()) return r;
    }
    if (row.dadTransmits != current.dadTransmits)
      if (Result r = add(conf + "dad_transmits", row.dadTransmits); !r.ok()) return r;
    if (row.routerDiscoveryEnabled != current.routerDiscoveryEnabled)
      if (Result r = add(conf + "accept_ra", row.routerDiscoveryEnabled ? 1 : 0); !r.ok()) return r;
    if (!row.enabled && current.enabled)
      if (Result r = add(conf + "disable_ipv6", 1); !r.ok()) return r;
  }
  if (Result r = runAllOrNothing(steps); !r.ok() || steps.empty()) return r;
  // The kernel announces few of these sysctl writes (and no neighbor-table parameter at all): let
  // the read side re-read the IP interface rows and report the changes on the next dispatch().
  scheduleIpInterfaceRefresh();
  return Result::success();
}

// IPv4: net/ipv4/ip_forward and net/ipv4/ip_default_ttl. IPv6: net/ipv6/conf/all/forwarding and the
// hop limit in both net/ipv6/conf/default/hop_limit (what new interfaces get) and .../all/hop_limit.
// Only values that differ are written (writing ip_forward resets every interface's forwarding
// setting), all or nothing. Success; InvalidParameter (family not V4/V6, hop limit 0 or > 255);
// AccessDenied; NotSupported (a key this kernel lacks).
Result LinuxBackend::setIpGlobalSettings(const IpGlobalSettings& settings) {
  if (!validFamily(settings.family)) return invalid("global settings need family V4 or V6");
  if (settings.defaultHopLimit == 0 || settings.defaultHopLimit > 255)
    return invalid("hop limit " + std::to_string(settings.defaultHopLimit) + " is out of range");
  const std::string& ns = options_.netns;
  std::vector<Step> steps;
  const long long forwarding = settings.forwarding ? 1 : 0, hopLimit = settings.defaultHopLimit;
  std::vector<std::pair<std::string, long long>> writes;
  if (settings.family == Family::V4)
    writes = {{"net/ipv4/ip_forward", forwarding}, {"net/ipv4/ip_default_ttl", hopLimit}};
  else
    writes = {{"net/ipv6/conf/all/forwarding", forwarding},
              {"net/ipv6/conf/default/hop_limit", hopLimit},
              {"net/ipv6/conf/all/hop_limit", hopLimit}};
  for (const auto& [key, value] : writes)
    if (Result r = sysctlStep(ns, key, value, steps); !r.ok()) return r;
  if (Result r = runAllOrNothing(steps); !r.ok() || steps.empty()) return r;
  // Global forwarding switches rewrite every interface's forwarding setting.
  scheduleIpInterfaceRefresh();
  return Result::success();
}

} // namespace ipmibd::platform::linux_backend
