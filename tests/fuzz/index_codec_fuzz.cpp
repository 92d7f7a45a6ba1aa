// Fuzz target: the index decoders (IndexReader: integer, InetAddressType+InetAddress, OID, octet
// strings in all three forms) on arbitrary sub-identifiers. Oracle: no crash or out-of-bounds read,
// a failed read consumes nothing and sticks, and every value read re-encodes to exactly the
// sub-identifiers it consumed.
#include "tables/engine/index_codec.h"
#include "tests/fuzz/fuzz_input.h"

#include <algorithm>

using namespace ipmibd::tables;
using ipmibd::fuzz::ByteReader;

namespace {

// The sub-identifiers [from, to) of `all` equal `encoded`.
bool consumedAs(const Oid& all, std::size_t from, std::size_t to, const Oid& encoded) {
  return to - from == encoded.size() && std::equal(encoded.begin(), encoded.end(), all.begin() + long(from));
}

} // namespace

// Input: a script byte count, the script (one byte per read), then the sub-identifiers to decode.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteReader in({data, size});
  const std::size_t steps = in.u8() % 9;
  std::basic_string<std::uint8_t> script;
  for (std::size_t i = 0; i < steps; ++i)
    script.push_back(in.u8());
  const Oid subIds = in.subIds(in.remaining());

  IndexReader reader(subIds.view());
  for (const std::uint8_t step : script) {
    const std::size_t before = reader.position();
    const bool wasOk = reader.ok();
    Oid encoded;
    bool read = false;
    switch (step % 6) {
    case 0: {
      // Bounds from the step byte: full range, an ifIndex-like range or a small enum range.
      const std::uint32_t max = step & 0x40 ? 0x7fffffff : step & 0x80 ? 255 : 0xffffffff;
      const std::uint32_t min = step & 0x20 ? 1 : 0;
      if (auto v = reader.integer(min, max)) {
        FUZZ_CHECK(*v >= min && *v <= max);
        encodeIntegerIndex(encoded, *v);
        read = true;
      }
      break;
    }
    case 1:
      if (auto address = reader.inetAddress()) {
        encodeInetAddressIndex(encoded, *address);
        // toIp() and back agree on the address bytes (zones are the zone style's business).
        if (auto ip = address->toIp())
          FUZZ_CHECK(InetAddress::fromIp(*ip, ZoneStyle::KeepZone).bytes == address->bytes);
        read = true;
      }
      break;
    case 2:
      if (auto oid = reader.oid(step >> 3)) {
        FUZZ_CHECK(oid->size() <= std::size_t(step >> 3));
        encodeOidIndex(encoded, *oid);
        read = true;
      }
      break;
    case 3:
    case 4:
    case 5: {
      const auto form = StringIndexForm(step % 6 - 3);
      const std::size_t limit = step >> 3;
      if (auto text = reader.octetString(form, limit)) {
        if (form == StringIndexForm::Fixed) FUZZ_CHECK(text->size() == limit);
        if (form == StringIndexForm::LengthPrefixed && limit != 0) FUZZ_CHECK(text->size() <= limit);
        encodeOctetStringIndex(encoded, *text, form);
        read = true;
      }
      break;
    }
    }
    FUZZ_CHECK(reader.position() <= subIds.size());
    if (read) {
      FUZZ_CHECK(wasOk && reader.ok());
      FUZZ_CHECK(consumedAs(subIds, before, reader.position(), encoded),
                 "re-encoded " + encoded.toString() + " from " + subIds.toString());
    } else {
      FUZZ_CHECK(!reader.ok());
      FUZZ_CHECK(reader.position() == before || wasOk); // a failing read may stop mid-way, then sticks
    }
  }
  const bool finished = reader.finish();
  FUZZ_CHECK(finished == (reader.ok() && reader.position() == subIds.size()));
  return 0;
}
