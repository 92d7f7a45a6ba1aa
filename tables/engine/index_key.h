// IndexKey: an order-preserving, compact byte encoding of instance sub-identifiers for the sorted index.
#pragma once

#include "tables/engine/oid.h"

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ipmibd::tables {

// Each sub-identifier is coded on its own, prefix-free and order-preserving:
//   0 .. 247                -> 1 byte  (the value)
//   248 .. 248+65535        -> 0xF8, 2 bytes big-endian (value - 248)
//   anything larger         -> 0xF9, 4 bytes big-endian (value)
// so comparing two keys with memcmp-then-length (std::basic_string order) gives exactly the SNMP
// order of the sub-identifier sequences, including "a prefix sorts first". Typical index parts
// (types, lengths, address bytes < 248, ifIndexes) take one byte each: an IPv4 inetCidrRouteTable
// index of 16 sub-identifiers is about 16 bytes instead of 64.
using IndexKey = std::basic_string<std::uint8_t>;

void appendIndexKey(IndexKey& key, SubId subId);
IndexKey encodeIndexKey(std::span<const SubId> subIds);
// The same into caller-provided scratch space (request paths: no heap allocation for any index
// of up to 51 sub-identifiers). The returned view points into `scratch`.
using IndexKeyScratch = boost::container::small_vector<std::uint8_t, 256>;
std::span<const std::uint8_t> encodeIndexKey(std::span<const SubId> subIds, IndexKeyScratch& scratch);
// Back to sub-identifiers (used to build the response OID of a GETNEXT). nullopt if `key` is not
// a valid encoding, which cannot happen for keys produced by encodeIndexKey.
std::optional<Oid> decodeIndexKey(std::span<const std::uint8_t> key);
// Appends the decoded sub-identifiers to `out`; false (out partially appended) if invalid.
bool appendDecodedIndexKey(std::span<const std::uint8_t> key, Oid& out);
// The leading sub-identifiers of `key`, as many as `out` holds (views that read a few fields of a
// stored row's index on every request: no allocation). Returns how many were decoded, nullopt if
// the part read is not a valid encoding.
std::optional<std::size_t> decodeIndexKeyPrefix(std::span<const std::uint8_t> key, std::span<SubId> out);

} // namespace ipmibd::tables
