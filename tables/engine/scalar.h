// MibScalar: a scalar object (instance ".0") whose value comes from a getter, e.g. inetCidrRouteNumber.
#pragma once

#include "tables/engine/mib_object.h"

#include <functional>
#include <string_view>

namespace ipmibd::tables {

class MibScalar final : public MibObject {
public:
  using Getter = std::function<std::optional<Value>(const RequestContext&)>;

  // `object` is the OBJECT-TYPE's OID without the ".0" instance.
  MibScalar(Oid object, std::string_view name, Syntax syntax, Access access, Getter get)
      : object_(std::move(object)), name_(name), syntax_(syntax), access_(access), get_(std::move(get)) {}

  const Oid& base() const override { return object_; }
  std::string_view name() const override { return name_; }
  Syntax syntax() const { return syntax_; }
  Access access() const { return access_; }
  std::optional<Access> scalarAccess() const override { return access_; }
  // Makes the scalar writable through `writer` (its unit); nullptr = read-only.
  void setWriter(RowWriter* writer) { writer_ = writer; }
  RowWriter* writer() const override { return writer_; }

  GetResult get(std::span<const SubId> suffix, const RequestContext& context) const override;
  std::optional<VarBind> getNext(std::span<const SubId> suffix, const RequestContext& context) const override;

private:
  Oid object_;
  std::string_view name_;
  Syntax syntax_;
  Access access_;
  Getter get_;
  RowWriter* writer_ = nullptr;
};

} // namespace ipmibd::tables
