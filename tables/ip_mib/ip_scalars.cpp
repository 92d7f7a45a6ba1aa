// IP-MIB global scalars: IpGlobalSettings ->
// ipForwarding/ipDefaultTTL/ipReasmTimeout/ipv6IpForwarding/ipv6IpDefaultHopLimit.
#include "tables/ip_mib/ip_scalars.h"

#include <algorithm>

namespace ipmibd::tables {

using platform::Family;
using platform::IpGlobalSettings;

namespace {

// forwarding(1) / notForwarding(2), the enumeration of ipForwarding and ipv6IpForwarding.
Value forwardingValue(bool forwarding) { return Value::integer32(forwarding ? 1 : 2); }
// ipDefaultTTL is Integer32 (1..255) and ipv6IpDefaultHopLimit Integer32 (0..255); the platform
// validates 1..255 on write, so anything else it reports is clamped into the TTL range.
Value hopLimitValue(std::uint32_t hopLimit) {
  return Value::integer32(std::int32_t(std::clamp<std::uint32_t>(hopLimit, 1, 255)));
}

bool integerIn(const Value& v, std::int32_t low, std::int32_t high) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= low && v.asInteger32() <= high;
}

} // namespace

const Oid& IpScalars::forwardingOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 1};
  return oid;
}
const Oid& IpScalars::defaultTtlOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 2};
  return oid;
}
const Oid& IpScalars::reasmTimeoutOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 13};
  return oid;
}
const Oid& IpScalars::ipv6ForwardingOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 25};
  return oid;
}
const Oid& IpScalars::ipv6DefaultHopLimitOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 26};
  return oid;
}

// Declared read-write as in the MIB and written through Backend::setIpGlobalSettings
// (ip_scalars_writes.cpp).
IpScalars::IpScalars(IpScalarsOptions options)
    : options_(options), forwarding_(forwardingOid(), "ipForwarding", Syntax::Integer32, Access::ReadWrite,
                                     [this](const RequestContext& c) -> std::optional<Value> {
                                       const auto& s = settings(Family::V4, c);
                                       if (!s) return std::nullopt;
                                       return forwardingValue(s->forwarding);
                                     }),
      defaultTtl_(defaultTtlOid(), "ipDefaultTTL", Syntax::Integer32, Access::ReadWrite,
                  [this](const RequestContext& c) -> std::optional<Value> {
                    const auto& s = settings(Family::V4, c);
                    if (!s) return std::nullopt;
                    return hopLimitValue(s->defaultHopLimit);
                  }),
      // "The maximum number of seconds that received fragments are held while they are awaiting
      // reassembly": the kernel's fragment timeout (net.ipv4.ipfrag_time). Debian's snmpd serves
      // /proc/net/snmp's ReasmTimeout there, which Linux defines as a counter of reassemblies that
      // timed out (IPSTATS_MIB_REASMTIMEOUT), not a time: 0 on a quiet system, growing with lost
      // fragments. No instance while the platform does not know the timeout (0).
      reasmTimeout_(reasmTimeoutOid(), "ipReasmTimeout", Syntax::Integer32, Access::ReadOnly,
                    [this](const RequestContext& c) -> std::optional<Value> {
                      const auto& s = settings(Family::V4, c);
                      if (!s || s->reassemblyTimeout == 0) return std::nullopt;
                      return Value::integer32(
                          std::int32_t(std::min<std::uint32_t>(s->reassemblyTimeout, 0x7fffffff)));
                    }),
      ipv6Forwarding_(ipv6ForwardingOid(), "ipv6IpForwarding", Syntax::Integer32, Access::ReadWrite,
                      [this](const RequestContext& c) -> std::optional<Value> {
                        const auto& s = settings(Family::V6, c);
                        if (!s) return std::nullopt;
                        return forwardingValue(s->forwarding);
                      }),
      ipv6DefaultHopLimit_(ipv6DefaultHopLimitOid(), "ipv6IpDefaultHopLimit", Syntax::Integer32,
                           Access::ReadWrite, [this](const RequestContext& c) -> std::optional<Value> {
                             const auto& s = settings(Family::V6, c);
                             if (!s) return std::nullopt;
                             return hopLimitValue(s->defaultHopLimit);
                           }) {
  for (MibScalar* scalar : {&forwarding_, &defaultTtl_, &ipv6Forwarding_, &ipv6DefaultHopLimit_})
    scalar->setWriter(this);
}

platform::Result IpScalars::attach(platform::Backend& backend, platform::Timestamp now) {
  backend_ = &backend;
  lastRead_.reset();
  return refresh(now);
}

// At most one backend round trip per interval, and never two within one PDU: every varbind of a
// request carries the same `now`, so a GET of all four scalars reads the settings once and sees
// both families from the same moment. A failed read keeps the previous values (and is not
// retried before the interval has passed, so a failing backend is not hammered either).
platform::Result IpScalars::refresh(platform::Timestamp now) {
  if (!backend_) return platform::Result::failure(platform::Status::GeneralFailure, "not attached");
  if (lastRead_ && !(now > *lastRead_ && now - *lastRead_ >= options_.refreshInterval))
    return platform::Result::success();
  lastRead_ = now;
  ++reads_;
  platform::Result result;
  for (Family family : {Family::V4, Family::V6}) {
    IpGlobalSettings fresh;
    fresh.family = family;
    platform::Result r = backend_->getIpGlobalSettings(fresh);
    if (r.ok())
      (family == Family::V4 ? v4_ : v6_) = fresh;
    else if (result.ok())
      result = std::move(r);
  }
  return result;
}

const std::optional<IpGlobalSettings>& IpScalars::settings(Family family, const RequestContext& context) {
  refresh(context.now());
  return family == Family::V4 ? v4_ : v6_;
}

bool IpScalars::validForwarding(const Value& proposed) { return integerIn(proposed, 1, 2); }
bool IpScalars::validDefaultTtl(const Value& proposed) { return integerIn(proposed, 1, 255); }
// The MIB allows 0..255, but 0 is no usable default hop limit and no platform accepts it (Linux
// rejects hop_limit 0, as does SetIpStatisticsEx); refusing it here gives the manager wrongValue
// instead of a commit that fails.
bool IpScalars::validDefaultHopLimit(const Value& proposed) { return integerIn(proposed, 1, 255); }

} // namespace ipmibd::tables
