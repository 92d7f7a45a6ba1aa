// Interface GUIDs (platform/guid.h): RFC 4122 version 5 UUIDs checked against independently computed
// values (Python's uuid.uuid5), text round trips, and the permanent-address / name choice.
#include "platform/guid.h"

#include <catch2/catch.hpp>

namespace ipmibd::platform {
namespace {

TEST_CASE("version 5 UUIDs match RFC 4122's algorithm", "[guid]") {
  const auto dns = Guid::parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"); // NameSpace_DNS
  REQUIRE(dns);
  // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))"
  CHECK(nameBasedGuid(*dns, "python.org").toString() == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  // uuid.uuid5(uuid.NAMESPACE_URL, 'urn:ipmibd:interface-guid')
  CHECK(interfaceGuidNamespace().toString() == "0fe66822-6da1-56c2-956e-4493edd564c7");
}

TEST_CASE("GUID text forms", "[guid]") {
  const auto g = Guid::parse("{0FE66822-6DA1-56C2-956E-4493EDD564C7}");
  REQUIRE(g);
  CHECK(g->toString() == "0fe66822-6da1-56c2-956e-4493edd564c7");
  CHECK(*Guid::parse(g->toString()) == *g);
  CHECK_FALSE(Guid::parse("0fe66822-6da1-56c2-956e-4493edd564c"));
  CHECK_FALSE(Guid::parse("0fe66822x6da1-56c2-956e-4493edd564c7"));
  CHECK_FALSE(Guid::parse("0fe66822-6da1-56c2-956e-4493edd564g7"));
  CHECK(Guid{}.isNil());
  CHECK_FALSE(g->isNil());
}

TEST_CASE("an interface's GUID comes from its permanent address, else its name", "[guid]") {
  InterfaceRow nic;
  nic.name = "eth0";
  nic.permanentPhysicalAddress = *parsePhysicalAddress("02:00:00:00:00:07");
  InterfaceRow veth;
  veth.name = "v0";
  CHECK(interfaceGuidName(nic) == "mac:02:00:00:00:00:07");
  CHECK(interfaceGuidName(veth) == "name:v0");
  // uuid.uuid5(<namespace above>, 'name:v0') and 'mac:02:00:00:00:00:07'
  CHECK(interfaceGuids({veth})[0].toString() == "b78ed3ef-17b7-5420-bf95-85b9301f3a4f");
  CHECK(interfaceGuids({nic})[0].toString() == "aee41276-48d6-5eb7-adac-3a4d35f068ea");

  // A rename keeps a NIC's GUID and changes a software device's.
  InterfaceRow renamedNic = nic;
  renamedNic.name = "enp1s0";
  InterfaceRow renamedVeth = veth;
  renamedVeth.name = "v9";
  CHECK(interfaceGuids({renamedNic})[0] == interfaceGuids({nic})[0]);
  CHECK(interfaceGuids({renamedVeth})[0] != interfaceGuids({veth})[0]);

  // An all-zero permanent address is none; a shared one falls back to the names, keeping GUIDs apart.
  InterfaceRow zero = veth;
  zero.permanentPhysicalAddress = PhysicalAddress(6, 0);
  CHECK(interfaceGuidName(zero) == "name:v0");
  InterfaceRow twin = nic;
  twin.name = "eth1";
  const auto both = interfaceGuids({nic, twin});
  CHECK(both[0] != both[1]);
  CHECK(both[0] == nameBasedGuid(interfaceGuidNamespace(), "name:eth0"));
}

} // namespace
} // namespace ipmibd::platform
