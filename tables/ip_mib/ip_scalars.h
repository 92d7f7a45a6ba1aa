// IpScalars: the IP-MIB (RFC 4293) global settings ipForwarding, ipDefaultTTL, ipReasmTimeout,
// ipv6IpForwarding and ipv6IpDefaultHopLimit, read from the platform's global settings and cached for a short
// interval.
#pragma once

#include "platform/backend.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/scalar.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace ipmibd::tables {

struct IpScalarsOptions {
  // The platform sends no notifications for these settings, so they are re-read when a request
  // needs them and the cached copy is older than this (0 = on every request PDU).
  std::chrono::milliseconds refreshInterval{1000};
};

// Also the scalars' RowWriter (ip_scalars_writes.cpp): one "row" per family, so a PDU setting
// ipForwarding and ipDefaultTTL together makes one SetIpStatisticsEx-style call.
class IpScalars final : public RowWriter {
public:
  // 1.3.6.1.2.1.4: .1 ipForwarding, .2 ipDefaultTTL, .13 ipReasmTimeout, .25 ipv6IpForwarding,
  // .26 ipv6IpDefaultHopLimit
  static const Oid& forwardingOid();
  static const Oid& defaultTtlOid();
  static const Oid& reasmTimeoutOid();
  static const Oid& ipv6ForwardingOid();
  static const Oid& ipv6DefaultHopLimitOid();

  explicit IpScalars(IpScalarsOptions options = {});
  IpScalars(const IpScalars&) = delete;
  IpScalars& operator=(const IpScalars&) = delete;

  // Remembers the backend and reads the settings at `now`; a failure is retried by the first
  // request after refreshInterval. The backend must outlive this object.
  platform::Result attach(platform::Backend& backend, platform::Timestamp now = platform::Clock::now());
  // Re-reads both families if the cache is older than refreshInterval at `now` (what every getter
  // calls first). Returns the result of the read, or Success when the cache was fresh enough.
  platform::Result refresh(platform::Timestamp now);

  // Checks of a proposed SET value beyond its syntax. Forwarding: forwarding(1) /
  // notForwarding(2). TTL / hop limit: 1..255.
  static bool validForwarding(const Value& proposed);
  static bool validDefaultTtl(const Value& proposed);
  static bool validDefaultHopLimit(const Value& proposed);

  // The objects to register with the agent, in OID order.
  std::array<const MibObject*, 5> objects() const {
    return {&forwarding_, &defaultTtl_, &reasmTimeout_, &ipv6Forwarding_, &ipv6DefaultHopLimit_};
  }
  std::uint64_t backendReads() const { return reads_; } // getIpGlobalSettings round trips (both families = 1)

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;

private:
  // The cached settings of one family; nullopt until a read succeeded.
  const std::optional<platform::IpGlobalSettings>& settings(platform::Family family,
                                                            const RequestContext& context);

  IpScalarsOptions options_;
  platform::Backend* backend_ = nullptr;
  std::optional<platform::IpGlobalSettings> v4_, v6_;
  std::optional<platform::Timestamp> lastRead_;
  std::uint64_t reads_ = 0;
  MibScalar forwarding_, defaultTtl_, reasmTimeout_, ipv6Forwarding_, ipv6DefaultHopLimit_;
};

} // namespace ipmibd::tables
