// The order-preserving byte code of instance sub-identifiers (see index_key.h for the layout).
#include "tables/engine/index_key.h"

namespace ipmibd::tables {

namespace {
constexpr std::uint8_t kTwoByte = 0xF8;
constexpr std::uint8_t kFourByte = 0xF9;
constexpr SubId kOneByteLimit = kTwoByte;              // values below take one byte
constexpr SubId kTwoByteLimit = kOneByteLimit + 65536; // values below take tag + 2 bytes
} // namespace

void appendIndexKey(IndexKey& key, SubId v) {
  if (v < kOneByteLimit) {
    key.push_back(std::uint8_t(v));
  } else if (v < kTwoByteLimit) {
    SubId d = v - kOneByteLimit;
    key.push_back(kTwoByte);
    key.push_back(std::uint8_t(d >> 8));
    key.push_back(std::uint8_t(d));
  } else {
    key.push_back(kFourByte);
    key.push_back(std::uint8_t(v >> 24));
    key.push_back(std::uint8_t(v >> 16));
    key.push_back(std::uint8_t(v >> 8));
    key.push_back(std::uint8_t(v));
  }
}

namespace {
constexpr std::size_t kMaxBytesPerSubId = 5;

// Writes the code of `subIds` at `out` (room for kMaxBytesPerSubId each); returns the length.
std::size_t encodeInto(std::span<const SubId> subIds, std::uint8_t* out) {
  std::uint8_t* p = out;
  for (SubId v : subIds) {
    if (v < kOneByteLimit) {
      *p++ = std::uint8_t(v);
    } else if (v < kTwoByteLimit) {
      const SubId d = v - kOneByteLimit;
      *p++ = kTwoByte;
      *p++ = std::uint8_t(d >> 8);
      *p++ = std::uint8_t(d);
    } else {
      *p++ = kFourByte;
      *p++ = std::uint8_t(v >> 24);
      *p++ = std::uint8_t(v >> 16);
      *p++ = std::uint8_t(v >> 8);
      *p++ = std::uint8_t(v);
    }
  }
  return std::size_t(p - out);
}
} // namespace

IndexKey encodeIndexKey(std::span<const SubId> subIds) {
  IndexKeyScratch scratch;
  const auto key = encodeIndexKey(subIds, scratch);
  return IndexKey(key.begin(), key.end());
}

std::span<const std::uint8_t> encodeIndexKey(std::span<const SubId> subIds, IndexKeyScratch& scratch) {
  scratch.resize(subIds.size() * kMaxBytesPerSubId, boost::container::default_init);
  scratch.resize(encodeInto(subIds, scratch.data()));
  return {scratch.data(), scratch.size()};
}

namespace {
// Decodes sub-identifiers from `key` into `emit` until the key ends or `emit` returns false;
// false on an invalid encoding.
template <class Emit> bool decodeKey(std::span<const std::uint8_t> key, Emit emit) {
  std::size_t i = 0;
  while (i < key.size()) {
    std::uint8_t tag = key[i++];
    SubId value = 0;
    if (tag < kTwoByte) {
      value = tag;
    } else if (tag == kTwoByte) {
      if (key.size() - i < 2) return false;
      value = kOneByteLimit + (SubId(key[i]) << 8 | key[i + 1]);
      i += 2;
    } else if (tag == kFourByte) {
      if (key.size() - i < 4) return false;
      value = SubId(key[i]) << 24 | SubId(key[i + 1]) << 16 | SubId(key[i + 2]) << 8 | key[i + 3];
      i += 4;
    } else {
      return false;
    }
    if (!emit(value)) return true;
  }
  return true;
}
} // namespace

bool appendDecodedIndexKey(std::span<const std::uint8_t> key, Oid& out) {
  return decodeKey(key, [&out](SubId v) {
    out.append(v);
    return true;
  });
}

std::optional<std::size_t> decodeIndexKeyPrefix(std::span<const std::uint8_t> key, std::span<SubId> out) {
  std::size_t n = 0;
  if (out.empty()) return 0;
  const bool ok = decodeKey(key, [&](SubId v) {
    out[n++] = v;
    return n < out.size();
  });
  if (!ok) return std::nullopt;
  return n;
}

std::optional<Oid> decodeIndexKey(std::span<const std::uint8_t> key) {
  Oid oid;
  if (!appendDecodedIndexKey(key, oid)) return std::nullopt;
  return oid;
}

} // namespace ipmibd::tables
