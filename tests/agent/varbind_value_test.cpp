// Unit tests of the Syntax -> ASN.1 type mapping and value encoding into Net-SNMP varbinds.
#include "agent/common/varbind_value.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace ipmibd::agent;
using ipmibd::tables::Oid;
using ipmibd::tables::Value;

namespace {
struct Varbind {
  netsnmp_variable_list vb{};
  Varbind() { vb.type = ASN_NULL; }
  ~Varbind() { snmp_reset_var_buffers(&vb); }
};
} // namespace

TEST_CASE("varbind: integer and unsigned syntaxes", "[agent][value]") {
  Varbind v;
  REQUIRE(setVarbindValue(&v.vb, Value::integer32(-1)));
  CHECK(v.vb.type == ASN_INTEGER);
  CHECK(*v.vb.val.integer == -1);
  REQUIRE(setVarbindValue(&v.vb, Value::gauge32(4294967295u)));
  CHECK(v.vb.type == ASN_GAUGE);
  CHECK(static_cast<unsigned long>(*v.vb.val.integer) == 4294967295ul);
  REQUIRE(setVarbindValue(&v.vb, Value::unsigned32(7)));
  CHECK(v.vb.type == ASN_UNSIGNED);
  REQUIRE(setVarbindValue(&v.vb, Value::counter32(9)));
  CHECK(v.vb.type == ASN_COUNTER);
  REQUIRE(setVarbindValue(&v.vb, Value::timeTicks(12345)));
  CHECK(v.vb.type == ASN_TIMETICKS);
  CHECK(*v.vb.val.integer == 12345);
}

TEST_CASE("varbind: counter64", "[agent][value]") {
  Varbind v;
  REQUIRE(setVarbindValue(&v.vb, Value::counter64(0x123456789abcdef0ull)));
  CHECK(v.vb.type == ASN_COUNTER64);
  CHECK(v.vb.val.counter64->high == 0x12345678ul);
  CHECK(v.vb.val.counter64->low == 0x9abcdef0ul);
}

TEST_CASE("varbind: strings, addresses and OIDs", "[agent][value]") {
  Varbind v;
  REQUIRE(setVarbindValue(&v.vb, Value::octetString("eth0")));
  CHECK(v.vb.type == ASN_OCTET_STR);
  CHECK(v.vb.val_len == 4);
  CHECK(std::memcmp(v.vb.val.string, "eth0", 4) == 0);
  REQUIRE(setVarbindValue(&v.vb, Value::octetString("")));
  CHECK(v.vb.val_len == 0);
  REQUIRE(setVarbindValue(&v.vb, Value::ipAddress({192, 0, 2, 1})));
  CHECK(v.vb.type == ASN_IPADDRESS);
  CHECK(v.vb.val_len == 4);
  CHECK(v.vb.val.string[0] == 192);
  REQUIRE(setVarbindValue(&v.vb, Value::objectIdentifier(Oid{0, 0})));
  CHECK(v.vb.type == ASN_OBJECT_ID);
  CHECK(v.vb.val_len == 2 * sizeof(oid));
  CHECK(v.vb.val.objid[1] == 0);
}
