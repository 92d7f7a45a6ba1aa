// Conformance: IP interfaces (get/set and their notifications), IP statistics shape, global settings.
#include "tests/platform/conformance/support.h"

#include <set>

namespace ipmibd::conformance {
namespace {

TEST_CASE("getIpInterfaceTable has one row per interface and family", "[ipinterfaces]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto links = interfaces(b);
  const auto v4 = ipInterfaces(b, Family::V4);
  const auto v6 = ipInterfaces(b, Family::V6);
  const auto both = ipInterfaces(b, Family::Unspecified);
  CHECK(both.size() == v4.size() + v6.size());
  for (const auto& [family, rows] : {std::pair{Family::V4, v4}, std::pair{Family::V6, v6}}) {
    std::set<InterfaceIndex> seen;
    for (const auto& row : rows) {
      CHECK(row.family == family);
      CHECK(seen.insert(row.interfaceIndex).second);
    }
    for (const auto& link : links) {
      INFO(toString(family) << " on " << link.name);
      CHECK(seen.contains(link.index));
    }
  }
  const auto v0 = indexOf(b, "v0");
  for (Family family : {Family::V4, Family::V6}) {
    INFO(toString(family));
    const auto row = ipInterface(b, family, v0);
    CHECK(row.enabled);
    CHECK(row.nlMtu == 1500);
    CHECK(row.luid == luidOf(b, "v0"));
    CHECK(stack.settleUntil([&] { return ipInterface(b, family, v0).connected; }));
  }
  // IPv6 has per-interface neighbor discovery parameters; the kernel defaults are 30 s / 1 s.
  const auto row6 = ipInterface(b, Family::V6, v0);
  CHECK(row6.baseReachableTime == 30000);
  CHECK(row6.retransmitTime == 1000);
  // 0 means "the system default", which the API allows instead of the explicit 64.
  CHECK((row6.curHopLimit == 64 || row6.curHopLimit == 0));
}

TEST_CASE("getIpInterfaceEntry errors", "[ipinterfaces]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  IpInterfaceRow row;
  initializeIpInterfaceEntry(row);
  row.interfaceIndex = indexOf(b, "v0");
  row.family = Family::Unspecified;
  CHECK_STATUS(b.getIpInterfaceEntry(row), Status::InvalidParameter);
  row.family = Family::V4;
  row.interfaceIndex = unusedIndex(b);
  CHECK_STATUS(b.getIpInterfaceEntry(row), Status::NotFound);
}

TEST_CASE("setIpInterfaceEntry writes the writable fields and reports the change", "[ipinterfaces][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  EventLog<IpInterfaceRow> log(b);
  Mirror<IpInterfaceRow> mirror(b, Family::Unspecified);

  SECTION("IPv4 forwarding") {
    auto row = ipInterface(b, Family::V4, v0);
    REQUIRE_FALSE(row.forwardingEnabled);
    row.forwardingEnabled = true;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    CHECK(ipInterface(b, Family::V4, v0).forwardingEnabled);
    CHECK(stack.settleUntil([&] {
      return log.has(ChangeKind::ParameterChange, [&](const IpInterfaceRow& r) {
        return r.family == Family::V4 && r.interfaceIndex == v0 && r.forwardingEnabled;
      });
    }));
    CHECK_MIRROR(stack, mirror);
    row.forwardingEnabled = false;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    CHECK_FALSE(ipInterface(b, Family::V4, v0).forwardingEnabled);
  }
  SECTION("IPv6 neighbor discovery parameters, hop limit, MTU, DAD transmits") {
    auto row = ipInterface(b, Family::V6, v0);
    row.curHopLimit = 42;
    row.retransmitTime = 2000;
    row.baseReachableTime = 20000;
    row.nlMtu = 1400;
    row.dadTransmits = 3;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    const auto after = ipInterface(b, Family::V6, v0);
    CHECK(after.curHopLimit == 42);
    CHECK(after.retransmitTime == 2000);
    CHECK(after.baseReachableTime == 20000);
    CHECK(after.nlMtu == 1400);
    CHECK(after.dadTransmits == 3);
    // The table read agrees with the entry read.
    for (const auto& listed : ipInterfaces(b, Family::V6))
      if (listed.interfaceIndex == v0) CHECK(normalized(listed) == normalized(after));
    // The other family of the same interface is a different row and keeps its values.
    CHECK(ipInterface(b, Family::V4, v0).nlMtu == 1500);
    const bool reported = stack.settleUntil([&] {
      return log.has(ChangeKind::ParameterChange, [&](const IpInterfaceRow& r) {
        return r.family == Family::V6 && r.interfaceIndex == v0 && r.curHopLimit == 42 && r.nlMtu == 1400;
      });
    });
    INFO("events:\n" << log.dump());
    CHECK(reported);
    CHECK_MIRROR(stack, mirror);
  }
}

TEST_CASE("setIpInterfaceEntry refusals change nothing", "[ipinterfaces][errors]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  const auto before = snapshot(b);

  SECTION("NotFound for an unknown interface") {
    auto row = ipInterface(b, Family::V4, v0);
    row.interfaceIndex = unusedIndex(b);
    row.forwardingEnabled = true;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotFound);
  }
  SECTION(
      "InvalidParameter for an out-of-range hop limit, and the valid field in the same call is not applied") {
    auto row = ipInterface(b, Family::V6, v0);
    row.forwardingEnabled = true;
    row.curHopLimit = 256;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
  }
  SECTION("InvalidParameter for an IPv6 MTU below 1280") {
    auto row = ipInterface(b, Family::V6, v0);
    row.nlMtu = 1000;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
  }
  SECTION("InvalidParameter for family Unspecified") {
    auto row = ipInterface(b, Family::V4, v0);
    row.family = Family::Unspecified;
    row.forwardingEnabled = true;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
  }
  SECTION("NotSupported for DAD transmits on IPv4, which has no DAD") {
    auto row = ipInterface(b, Family::V4, v0);
    row.dadTransmits = row.dadTransmits + 2;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotSupported);
  }
  CHECK_UNCHANGED(stack, before);
}

TEST_CASE("IP interface notifications from out-of-band changes and link lifecycle",
          "[ipinterfaces][notify]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  EventLog<IpInterfaceRow> all(b);
  EventLog<IpInterfaceRow> onlyV6(b, Family::V6);
  Mirror<IpInterfaceRow> mirror(b, Family::Unspecified);
  const auto v2 = indexOf(b, "v2");

  // The link MTU is the IPv4 MTU (and caps the IPv6 one): both rows change.
  REQUIRE_OK(stack.outOfBand("link set v2 mtu 1400"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::ParameterChange, [&](const IpInterfaceRow& r) {
      return r.family == Family::V4 && r.interfaceIndex == v2 && r.nlMtu == 1400;
    });
  }));
  CHECK_MIRROR(stack, mirror);

  REQUIRE_OK(stack.outOfBand("link add v4 type veth peer name v5"));
  stack.settle();
  const auto v4 = indexOf(b, "v4");
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Add, [&](const IpInterfaceRow& r) {
      return r.interfaceIndex == v4 && r.family == Family::V4;
    }) && all.has(ChangeKind::Add, [&](const IpInterfaceRow& r) {
      return r.interfaceIndex == v4 && r.family == Family::V6;
    });
  }));
  CHECK_MIRROR(stack, mirror);

  REQUIRE_OK(stack.outOfBand("link del v4"));
  CHECK(stack.settleUntil([&] {
    return all.has(ChangeKind::Delete, [&](const IpInterfaceRow& r) {
      return r.interfaceIndex == v4 && r.family == Family::V4;
    }) && all.has(ChangeKind::Delete, [&](const IpInterfaceRow& r) {
      return r.interfaceIndex == v4 && r.family == Family::V6;
    });
  }));
  CHECK_MIRROR(stack, mirror);
  IpInterfaceRow gone;
  initializeIpInterfaceEntry(gone);
  gone.family = Family::V6;
  gone.interfaceIndex = v4;
  CHECK_STATUS(b.getIpInterfaceEntry(gone), Status::NotFound);

  // The family filter: the IPv6 subscriber saw IPv6 rows only, and did see them.
  CHECK_FALSE(onlyV6.changes().empty());
  for (const auto& c : onlyV6.changes())
    CHECK(c.row.family == Family::V6);
}

TEST_CASE("getIpStatisticsTable shape: system-wide rows, per-interface rows for IPv6 only", "[stats]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  auto read = [&](Family family) {
    std::vector<IpStatisticsRow> table;
    REQUIRE_OK(b.getIpStatisticsTable(family, table));
    return table;
  };
  const auto v4 = read(Family::V4);
  const auto v6 = read(Family::V6);
  const auto both = read(Family::Unspecified);
  CHECK(both.size() == v4.size() + v6.size());

  auto system = [](const std::vector<IpStatisticsRow>& rows) {
    return std::count_if(rows.begin(), rows.end(),
                         [](const IpStatisticsRow& r) { return r.interfaceIndex == 0; });
  };
  CHECK(system(v4) == 1);
  CHECK(system(v6) == 1);
  for (const auto& row : v4) {
    CHECK(row.family == Family::V4);
    if (row.interfaceIndex == 0) {
      CHECK(row.inReceives.has_value());
      CHECK(row.outRequests.has_value());
    } else {
      // Linux keeps no per-interface IPv4 counters: such a row, if listed at all, has none.
      INFO("IPv4 statistics row of interface " << row.interfaceIndex);
      IpStatisticsRow empty;
      empty.family = Family::V4;
      empty.interfaceIndex = row.interfaceIndex;
      empty.discontinuityTime = row.discontinuityTime;
      CHECK(row == empty);
    }
  }
  bool sawV0 = false;
  for (const auto& row : v6) {
    CHECK(row.family == Family::V6);
    CHECK(row.inReceives.has_value());
    if (row.interfaceIndex == v0) sawV0 = true;
  }
  CHECK(sawV0);
}

TEST_CASE("global settings: get, set, restore, refusals", "[settings]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  for (Family family : {Family::V4, Family::V6}) {
    INFO(toString(family));
    IpGlobalSettings original;
    original.family = family;
    REQUIRE_OK(b.getIpGlobalSettings(original));
    CHECK(original.family == family);
    CHECK(original.defaultHopLimit >= 1);
    CHECK(original.defaultHopLimit <= 255);
    // A fresh namespace's fragment timeouts: Linux's ipfrag_time 30 s and ip6frag_time 60 s.
    CHECK(original.reassemblyTimeout == (family == Family::V4 ? 30u : 60u));

    IpGlobalSettings changed = original;
    changed.forwarding = !original.forwarding;
    changed.defaultHopLimit = original.defaultHopLimit == 100 ? 101 : 100;
    changed.reassemblyTimeout = original.reassemblyTimeout + 5; // read-only: set leaves it alone
    REQUIRE_OK(b.setIpGlobalSettings(changed));
    changed.reassemblyTimeout = original.reassemblyTimeout;
    IpGlobalSettings readBack;
    readBack.family = family;
    REQUIRE_OK(b.getIpGlobalSettings(readBack));
    CHECK(readBack == changed);

    REQUIRE_OK(b.setIpGlobalSettings(original));
    readBack = IpGlobalSettings{};
    readBack.family = family;
    REQUIRE_OK(b.getIpGlobalSettings(readBack));
    CHECK(readBack == original);

    const auto before = snapshot(b);
    for (std::uint32_t bad : {0u, 256u}) {
      IpGlobalSettings refused = original;
      refused.forwarding = !original.forwarding; // must not be applied either
      refused.defaultHopLimit = bad;
      CHECK_STATUS(b.setIpGlobalSettings(refused), Status::InvalidParameter);
    }
    CHECK_UNCHANGED(stack, before);
  }
  IpGlobalSettings unspecified;
  unspecified.family = Family::Unspecified;
  CHECK_STATUS(b.getIpGlobalSettings(unspecified), Status::InvalidParameter);
  const auto before = snapshot(b);
  unspecified.forwarding = true;
  CHECK_STATUS(b.setIpGlobalSettings(unspecified), Status::InvalidParameter);
  CHECK_UNCHANGED(stack, before);
}

} // namespace
} // namespace ipmibd::conformance
