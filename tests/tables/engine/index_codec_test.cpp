// Index codecs: RFC 4001 InetAddress encodings, OID and string indexes, and malformed-input decoding.
#include "tables/engine/index_codec.h"

#include <catch2/catch.hpp>

#include <random>

using namespace ipmibd::tables;
using ipmibd::platform::IpAddress;

namespace {
Oid encoded(const IpAddress& a, ZoneStyle style = ZoneStyle::DropZone) {
  Oid out;
  encodeInetAddressIndex(out, a, style);
  return out;
}
IpAddress ip(const char* text) { return *IpAddress::parse(text); }
} // namespace

TEST_CASE("InetAddress index encodings per RFC 4001", "[index_codec]") {
  CHECK(encoded(ip("192.0.2.1")) == Oid{1, 4, 192, 0, 2, 1});
  CHECK(encoded(ip("2001:db8::1")) == Oid{2, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(encoded(IpAddress()) == Oid{0, 0});
  // Link-local with scope: Debian-compatible ipv6(2) without zone by default...
  CHECK(encoded(ip("fe80::1%3")) == Oid{2, 16, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  // ...or ipv6z(4): 16 address bytes then the 4-byte zone index in network order.
  CHECK(encoded(ip("fe80::1%3"), ZoneStyle::KeepZone) ==
        Oid{4, 20, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3});
  // Unscoped addresses stay ipv6 under KeepZone.
  CHECK(encoded(ip("2001:db8::1"), ZoneStyle::KeepZone)[0] == 2);
  InetAddress v4z{InetAddressType::Ipv4z, 4, {10, 0, 0, 1}, 0x01020304};
  Oid out;
  encodeInetAddressIndex(out, v4z);
  CHECK(out == Oid{3, 8, 10, 0, 0, 1, 1, 2, 3, 4});
}

TEST_CASE("InetAddress index decoding round-trips", "[index_codec]") {
  for (const char* text : {"192.0.2.1", "0.0.0.0", "2001:db8::1", "::", "fe80::1%7"}) {
    for (ZoneStyle style : {ZoneStyle::DropZone, ZoneStyle::KeepZone}) {
      IpAddress a = ip(text);
      Oid oid = encoded(a, style);
      IndexReader reader(oid.view());
      auto decoded = reader.inetAddress();
      REQUIRE(decoded);
      CHECK(reader.finish());
      IpAddress expected = style == ZoneStyle::KeepZone ? a : a.withScope(0);
      CHECK(decoded->toIp() == expected);
    }
  }
  Oid unknown{0, 0};
  IndexReader reader(unknown.view());
  auto decoded = reader.inetAddress();
  REQUIRE(decoded);
  CHECK(decoded->type == InetAddressType::Unknown);
  CHECK(decoded->toIp()->isUnspecified());
}

TEST_CASE("InetAddress index decoding reports malformed input", "[index_codec]") {
  auto error = [](Oid oid) {
    IndexReader reader(oid.view());
    auto decoded = reader.inetAddress();
    CHECK_FALSE(decoded);
    return reader.error();
  };
  CHECK(error(Oid{}) == IndexError::Truncated);
  CHECK(error(Oid{1}) == IndexError::Truncated);
  CHECK(error(Oid{1, 4, 10, 0, 0}) == IndexError::Truncated);
  CHECK(error(Oid{1, 16, 10, 0, 0, 1}) == IndexError::BadLength); // ipv4 needs 4
  CHECK(error(Oid{2, 4, 10, 0, 0, 1}) == IndexError::BadLength);  // ipv6 needs 16
  CHECK(error(Oid{4, 16, 10, 0, 0, 1}) == IndexError::BadLength); // ipv6z needs 20
  CHECK(error(Oid{0, 4, 10, 0, 0, 1}) == IndexError::BadLength);  // unknown must be empty
  CHECK(error(Oid{1, 4, 10, 256, 0, 1}) == IndexError::ByteOutOfRange);
  CHECK(error(Oid{1, 0xffffffff, 1}) == IndexError::BadLength);
  CHECK(error(Oid{5, 0}) == IndexError::BadType);
  CHECK(error(Oid{16, 3, 'a', 'b', 'c'}) == IndexError::BadType);
  CHECK(error(Oid{0xffffffff}) == IndexError::BadType);

  Oid trailing{1, 4, 10, 0, 0, 1, 99};
  IndexReader reader(trailing.view());
  CHECK(reader.inetAddress());
  CHECK_FALSE(reader.finish());
  CHECK(reader.error() == IndexError::TrailingData);
}

TEST_CASE("Integer, OID and string indexes", "[index_codec]") {
  Oid out;
  encodeIntegerIndex(out, 7);
  encodeOidIndex(out, Oid{0, 0, 4});
  std::basic_string<std::uint8_t> name{'e', 't', 'h'};
  encodeOctetStringIndex(out, name, StringIndexForm::LengthPrefixed);
  encodeOctetStringIndex(out, name, StringIndexForm::Fixed);
  encodeOctetStringIndex(out, name, StringIndexForm::Implied);
  CHECK(out == Oid{7, 3, 0, 0, 4, 3, 'e', 't', 'h', 'e', 't', 'h', 'e', 't', 'h'});

  IndexReader reader(out.view());
  CHECK(reader.integer(1, 10) == 7u);
  CHECK(reader.oid() == Oid{0, 0, 4});
  CHECK(reader.octetString(StringIndexForm::LengthPrefixed) == name);
  CHECK(reader.octetString(StringIndexForm::Fixed, 3) == name);
  CHECK(reader.octetString(StringIndexForm::Implied) == name);
  CHECK(reader.finish());

  Oid bad{20};
  IndexReader range(bad.view());
  CHECK_FALSE(range.integer(1, 10));
  CHECK(range.error() == IndexError::OutOfRange);
  Oid shortOid{5, 1, 2};
  IndexReader truncated(shortOid.view());
  CHECK_FALSE(truncated.oid());
  CHECK(truncated.error() == IndexError::Truncated);
  Oid longOid{200};
  IndexReader tooLong(longOid.view());
  CHECK_FALSE(tooLong.oid());
  CHECK(tooLong.error() == IndexError::BadLength);
  Oid bigLength{0xffffffff, 1};
  IndexReader overflow(bigLength.view());
  CHECK_FALSE(overflow.octetString(StringIndexForm::LengthPrefixed));
  CHECK(overflow.error() == IndexError::Truncated);
  // After a failure every read fails and the first error is kept.
  CHECK_FALSE(overflow.integer());
  CHECK(overflow.error() == IndexError::Truncated);
}

TEST_CASE("Decoders survive random input", "[index_codec]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    Oid oid;
    std::size_t length = rng() % 30;
    for (std::size_t j = 0; j < length; ++j)
      oid.append(rng() % 5 ? SubId(rng() % 300) : SubId(rng()));
    IndexReader reader(oid.view());
    (void)reader.inetAddress();
    (void)reader.integer();
    (void)reader.oid();
    (void)reader.inetAddress();
    (void)reader.octetString(StringIndexForm::LengthPrefixed, 32);
    (void)reader.finish();
    CHECK(reader.position() <= oid.size());
  }
}
