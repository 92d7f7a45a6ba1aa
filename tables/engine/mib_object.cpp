// Full-OID entry points of MibObject, mapping any request OID onto the subtree's suffix calls.
#include "tables/engine/mib_object.h"

namespace ipmibd::tables {

GetResult MibObject::getOid(const Oid& oid, const RequestContext& context) const {
  if (oid.size() <= base().size() || !base().isPrefixOf(oid)) return NoSuchObject{};
  return get(oid.view().subspan(base().size()), context);
}

std::optional<VarBind> MibObject::getNextOid(const Oid& oid, const RequestContext& context) const {
  if (base().isPrefixOf(oid)) return getNext(oid.view().subspan(base().size()), context);
  if (oid < base()) return getNext({}, context);
  return std::nullopt; // past the whole subtree
}

} // namespace ipmibd::tables
