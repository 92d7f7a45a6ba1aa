// ByteReader: how every fuzz target turns libFuzzer's bytes into structured input, front to back
// (so seeds can be written by hand, see tests/fuzz/seeds.py), plus the targets' failure check.
#pragma once

#include "tables/engine/oid.h"
#include "tables/engine/value.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

namespace ipmibd::fuzz {

// A broken invariant in a fuzz target: print it and abort, which libFuzzer reports as a crash with
// the input saved. (assert() would vanish under NDEBUG; the fuzz build must never lose a check.)
#define FUZZ_CHECK(condition, ...)                                                                           \
  do {                                                                                                       \
    if (!(condition)) {                                                                                      \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #condition);              \
      ::ipmibd::fuzz::explain(__VA_ARGS__);                                                                  \
      std::abort();                                                                                          \
    }                                                                                                        \
  } while (0)
inline void explain() {}
inline void explain(const std::string& text) { std::fprintf(stderr, "%s\n", text.c_str()); }

class ByteReader {
public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  bool empty() const { return position_ >= data_.size(); }
  std::size_t remaining() const { return data_.size() - position_; }

  // Past the end every read yields zeros: the input simply stops adding structure.
  std::uint8_t u8() { return empty() ? 0 : data_[position_++]; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = v << 8 | u8();
    return v;
  }
  std::uint64_t u64() { return std::uint64_t(u32()) << 32 | u32(); }
  // A compact number: a byte below 0xF0 is itself (index bytes, enum values, lengths), 0xF0..0xFF
  // is followed by a full 32-bit big-endian value (huge sub-identifiers, -1 as 0xFFFFFFFF).
  std::uint32_t number() {
    const std::uint8_t first = u8();
    return first < 0xF0 ? first : u32();
  }
  // `count` compact numbers, as sub-identifiers.
  tables::Oid subIds(std::size_t count) {
    tables::Oid out;
    for (std::size_t i = 0; i < count && !empty(); ++i)
      out.append(number());
    return out;
  }
  // A length byte and that many bytes.
  std::basic_string<std::uint8_t> bytes() {
    const std::size_t n = u8();
    std::basic_string<std::uint8_t> out;
    for (std::size_t i = 0; i < n && !empty(); ++i)
      out.push_back(u8());
    return out;
  }
  std::span<const std::uint8_t> rest() {
    auto out = data_.subspan(position_);
    position_ = data_.size();
    return out;
  }

  // A syntax byte (modulo the nine syntaxes) and a payload of that syntax.
  tables::Value value() {
    using tables::Value;
    switch (u8() % 9) {
    case 0: return Value::integer32(std::int32_t(number()));
    case 1: return Value::unsigned32(number());
    case 2: return Value::gauge32(number());
    case 3: return Value::counter32(number());
    case 4: return Value::counter64(u64());
    case 5: return Value::timeTicks(number());
    case 6: return Value::octetString(bytes());
    case 7: return Value::objectIdentifier(subIds(u8()));
    default: return Value::ipAddress({u8(), u8(), u8(), u8()});
    }
  }

private:
  std::span<const std::uint8_t> data_;
  std::size_t position_ = 0;
};

} // namespace ipmibd::fuzz
