// MibScalar GET/GETNEXT: the single instance ".0".
#include "tables/engine/scalar.h"

namespace ipmibd::tables {

GetResult MibScalar::get(std::span<const SubId> suffix, const RequestContext& context) const {
  if (!isReadable(access_)) return NoSuchObject{};
  if (suffix.size() != 1 || suffix[0] != 0) return NoSuchInstance{};
  std::optional<Value> value = get_(context);
  if (!value) return NoSuchInstance{};
  return std::move(*value);
}

std::optional<VarBind> MibScalar::getNext(std::span<const SubId> suffix,
                                          const RequestContext& context) const {
  // Only the empty suffix sorts before ".0".
  if (!suffix.empty() || !isReadable(access_)) return std::nullopt;
  std::optional<Value> value = get_(context);
  if (!value) return std::nullopt;
  Oid oid = object_;
  oid.append(0);
  return VarBind{std::move(oid), std::move(*value)};
}

} // namespace ipmibd::tables
