// MibObject: what the agent registers and queries (a table or a scalar), with GET/GETNEXT results.
#pragma once

#include "tables/engine/oid.h"
#include "tables/engine/request_context.h"
#include "tables/engine/value.h"

#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace ipmibd::tables {

class RowWriter;

// MAX-ACCESS. Only ReadOnly and above are visible to GET/GETNEXT (RFC 3416: not-accessible and
// accessible-for-notify objects are never returned by retrieval operations).
enum class Access : std::uint8_t { NotAccessible, AccessibleForNotify, ReadOnly, ReadWrite, ReadCreate };
inline bool isReadable(Access access) { return access >= Access::ReadOnly; }
inline bool isWritable(Access access) { return access >= Access::ReadWrite; }

// RFC 3416 exceptions a GET can answer with (the agent maps them to the PDU's exception values).
struct NoSuchObject {
  friend bool operator==(NoSuchObject, NoSuchObject) = default;
};
struct NoSuchInstance {
  friend bool operator==(NoSuchInstance, NoSuchInstance) = default;
};
using GetResult = std::variant<Value, NoSuchObject, NoSuchInstance>;

// One column a table declares (index columns included), for listings of what is served
// (ipmibd --objects): its sub-identifier below the entry, its MIB name and its MAX-ACCESS.
struct ColumnDeclaration {
  SubId id;
  std::string_view name;
  Access access;
  friend bool operator==(const ColumnDeclaration&, const ColumnDeclaration&) = default;
};

// The declarations of a column list (Column<Row>, ViewColumn<Entry>: anything with id, name, access).
template <class Columns> std::vector<ColumnDeclaration> declarationsOf(const Columns& columns) {
  std::vector<ColumnDeclaration> out;
  for (const auto& column : columns)
    out.push_back({column.id, column.name, column.access});
  return out;
}

// A GETNEXT answer: the next instance's full OID and its value.
struct VarBind {
  Oid oid;
  Value value;
  friend bool operator==(const VarBind&, const VarBind&) = default;
};

// One registered subtree. For a table `base()` is the entry OID (…inetCidrRouteEntry) and instance
// suffixes are "column.index"; for a scalar it is the object OID and the only instance is ".0".
class MibObject {
public:
  virtual ~MibObject() = default;
  virtual const Oid& base() const = 0;
  virtual std::string_view name() const = 0;

  // `suffix` is the request OID below base(). Never throws; any suffix is acceptable.
  virtual GetResult get(std::span<const SubId> suffix, const RequestContext& context) const = 0;
  // The first readable instance whose suffix is strictly greater than `suffix` (an empty suffix
  // means "from the start of the subtree"), or nullopt when the subtree is exhausted and the agent
  // moves on to the next registered subtree (or endOfMibView). O(log n) per call for tables.
  // The returned VarBind carries the FULL OID (base + suffix).
  virtual std::optional<VarBind> getNext(std::span<const SubId> suffix,
                                         const RequestContext& context) const = 0;

  // Convenience for the agent: the same on full request OIDs, wherever they point.
  // get: NoSuchObject unless base() is a proper prefix of `oid`.
  GetResult getOid(const Oid& oid, const RequestContext& context) const;
  // getNext: a request before this subtree starts from its beginning, one after it gives nullopt.
  std::optional<VarBind> getNextOid(const Oid& oid, const RequestContext& context) const;

  // The write side (row_writer.h), or nullptr when nothing here is writable: the agent then
  // registers the object read-only. The SET engine (set_request.h) drives it per PDU.
  virtual RowWriter* writer() const { return nullptr; }

  // What the MIB module declares here, for listings (ipmibd --objects), straight from the units'
  // column lists: a table's columns in id order (empty for a scalar), a scalar's MAX-ACCESS
  // (nullopt for a table).
  virtual std::vector<ColumnDeclaration> declaredColumns() const { return {}; }
  virtual std::optional<Access> scalarAccess() const { return std::nullopt; }
};

} // namespace ipmibd::tables
