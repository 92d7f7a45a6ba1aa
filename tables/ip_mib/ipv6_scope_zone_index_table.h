// Ipv6ScopeZoneIndexTable: the IP-MIB (RFC 4293) ipv6ScopeZoneIndexTable, one row per IPv6
// interface with its scope zone indexes, kept current from the platform's IP interface changes.
#pragma once

#include "platform/backend.h"
#include "tables/engine/change_queue.h"
#include "tables/engine/table.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <span>

namespace ipmibd::tables {

// What one served row stores; the ifIndex is the row's index.
struct ScopeZoneEntry {
  std::uint32_t linkLocal = 0; // ipv6ScopeZoneIndexLinkLocal
};

// Rows: the IPv6 interfaces of the platform's IP interface table with IPv6 enabled. Linux names
// the zone of every scope but link-local "the default zone" (scope ids exist for link-local
// addresses only, and equal the ifIndex), so LinkLocal = ifIndex and every other column 0
// (InetZoneIndex: "the default zone"), as Debian's snmpd 5.9.3 (ipv6scopezone_linux.c).
// Exception (RFC 4007 §6: every interface belongs to exactly one zone of each scope): Debian lists
// only interfaces that hold a link-local address (/proc/net/if_inet6), so not lo, nor a link
// whose link-local address is gone (administratively down, addrgenmode none); ipmibd lists every
// IPv6-enabled interface, whose link-local zone exists whether or not an address is configured.
class Ipv6ScopeZoneIndexTable {
public:
  // 1.3.6.1.2.1.4.36.1 ipv6ScopeZoneIndexEntry
  static const Oid& entryOid();

  Ipv6ScopeZoneIndexTable();
  Ipv6ScopeZoneIndexTable(const Ipv6ScopeZoneIndexTable&) = delete;
  Ipv6ScopeZoneIndexTable& operator=(const Ipv6ScopeZoneIndexTable&) = delete;

  // Subscribes to IPv6 interface changes, then queues the initial dump (rows appear as
  // applyPending() works through it). Failure leaves the table empty but subscribed.
  platform::Result attach(platform::Backend& backend);
  // Queues a batch as delivered by Backend::notifyIpInterfaceChange (the subscription calls this).
  void enqueue(std::span<const platform::Change<platform::IpInterfaceRow>> changes);
  // Applies queued work for at most about `budget`; true while work remains.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // Applies one change now: a row for an IPv6-enabled interface, none otherwise or on Delete.
  void apply(platform::ChangeKind kind, const platform::IpInterfaceRow& row);

  bool loading() const { return queue_.loadingSnapshot(); }
  std::size_t pending() const { return queue_.pending(); }
  std::size_t rowCount() const { return table_.rows().size(); }

  // The objects to register with the agent, in OID order: the table.
  std::array<const MibObject*, 1> objects() const { return {&table_}; }
  const MibTable<ScopeZoneEntry>& table() const { return table_; }

private:
  MibTable<ScopeZoneEntry> table_;
  ChangeQueue<platform::IpInterfaceRow> queue_;
  platform::Subscription subscription_;
};

} // namespace ipmibd::tables
