// MibTable: the generic conceptual-table engine; a table is an entry OID, a declared column list
// and a SortedIndex of compact rows, answering GET/GETNEXT in O(log n).
#pragma once

#include "tables/engine/index_key.h"
#include "tables/engine/mib_object.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/sorted_index.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ipmibd::tables {

// One column, declared as data (see inet_cidr_route_table.cpp):
//   {7, "inetCidrRouteIfIndex", Syntax::Integer32, Access::ReadCreate, &ifIndexOf}
// `get` returns nullopt when the column has no value for this row (the instance does not exist:
// GET says noSuchInstance, GETNEXT skips it). Index objects that are not-accessible are declared
// too (with get = nullptr) so the column list mirrors the MIB's SEQUENCE.
template <class Row> struct Column {
  using Getter = std::optional<Value> (*)(const Row& row, const RequestContext& context);
  using Validator = bool (*)(const Value& proposed);

  SubId id;
  std::string_view name;
  Syntax syntax;
  Access access;
  Getter get = nullptr;
  // For SET: DEFVAL used when a row is created without this column, and a check of a proposed
  // value beyond its syntax (enum members, ranges); see checkColumnWrite. Unused by GET/GETNEXT.
  std::optional<Value> defval = std::nullopt;
  Validator validate = nullptr;
};

// The engine. `Row` is the table's compact stored entry; rows are added and removed by the table
// unit through rows(). Columns must be listed in increasing id order and outlive the table.
template <class Row> class MibTable final : public MibObject {
public:
  MibTable(Oid entry, std::string_view name, std::span<const Column<Row>> columns)
      : entry_(std::move(entry)), name_(name), columns_(columns) {}

  const Oid& base() const override { return entry_; }
  std::string_view name() const override { return name_; }
  std::span<const Column<Row>> columns() const { return columns_; }
  std::vector<ColumnDeclaration> declaredColumns() const override { return declarationsOf(columns_); }
  SortedIndex<Row>& rows() { return rows_; }
  const SortedIndex<Row>& rows() const { return rows_; }
  // Makes the table writable through `writer` (its unit); nullptr = read-only.
  void setWriter(RowWriter* writer) { writer_ = writer; }
  RowWriter* writer() const override { return writer_; }
  const Column<Row>* column(SubId id) const { return findColumn(id); }

  GetResult get(std::span<const SubId> suffix, const RequestContext& context) const override {
    if (suffix.empty()) return NoSuchObject{};
    const Column<Row>* column = findColumn(suffix[0]);
    if (!column || !isReadable(column->access) || !column->get) return NoSuchObject{};
    IndexKeyScratch scratch;
    const auto* item = rows_.find(encodeIndexKey(suffix.subspan(1), scratch));
    if (!item) return NoSuchInstance{};
    std::optional<Value> value = column->get(item->entry(), context);
    if (!value) return NoSuchInstance{};
    return std::move(*value);
  }

  std::optional<VarBind> getNext(std::span<const SubId> suffix,
                                 const RequestContext& context) const override {
    // Columns in order; within the requested column start strictly after the requested index,
    // in every later column from its first row. A requested column id that is not a readable
    // column (gap, not-accessible index column, beyond the last) starts at the next readable one.
    for (const Column<Row>& column : columns_) {
      if (!isReadable(column.access) || !column.get) continue;
      const typename SortedIndex<Row>::Item* item = nullptr;
      if (suffix.empty() || column.id > suffix[0]) {
        item = rows_.first();
      } else if (column.id == suffix[0]) {
        IndexKeyScratch scratch;
        item = suffix.size() == 1 ? rows_.first() : after(encodeIndexKey(suffix.subspan(1), scratch));
      } else {
        continue;
      }
      for (; item; item = rows_.next(item)) {
        std::optional<Value> value = column.get(item->entry(), context);
        if (!value) continue;
        Oid oid;
        oid.reserve(entry_.size() + 1 + item->key().size()); // one allocation: a sub-id takes >= 1 key byte
        oid.append(entry_);
        oid.append(column.id);
        appendDecodedIndexKey(item->key(), oid);
        cursor_ = {item, rows_.erasures()};
        return VarBind{std::move(oid), std::move(*value)};
      }
    }
    return std::nullopt;
  }

private:
  using Item = typename SortedIndex<Row>::Item;

  // The row after `key`. A walk asks next for exactly the instance it was answered last, so the
  // cursor (that row, while no row was erased since) answers with one key comparison instead of
  // a tree descent; any other request takes the O(log n) path.
  const Item* after(typename SortedIndex<Row>::KeyView key) const {
    if (cursor_.item && cursor_.erasures == rows_.erasures() && std::ranges::equal(cursor_.item->key(), key))
      return rows_.next(cursor_.item);
    return rows_.upperBound(key);
  }

  const Column<Row>* findColumn(SubId id) const {
    for (const Column<Row>& column : columns_)
      if (column.id == id) return &column;
    return nullptr;
  }

  Oid entry_;
  std::string_view name_;
  std::span<const Column<Row>> columns_;
  SortedIndex<Row> rows_;
  RowWriter* writer_ = nullptr;
  struct Cursor {
    const Item* item = nullptr;
    std::uint64_t erasures = 0;
  };
  mutable Cursor cursor_; // the last row a GETNEXT answered (the agent is single-threaded)
};

// RESERVE1 checks of one value for a declared column, in RFC 3416 order: a column the table does
// not have -> noCreation; not writable -> notWritable; syntax -> wrongType/wrongLength; the
// column's validator -> wrongValue.
template <class Row>
SetError checkColumnWrite(std::span<const Column<Row>> columns, SubId id, const Value& value) {
  const Column<Row>* column = nullptr;
  for (const Column<Row>& c : columns)
    if (c.id == id) column = &c;
  if (!column || !isReadable(column->access)) return SetError::NoCreation;
  if (!isWritable(column->access)) return SetError::NotWritable;
  if (SetError e = checkSyntax(column->syntax, value); e != SetError::NoError) return e;
  if (column->validate && !column->validate(value)) return SetError::WrongValue;
  return SetError::NoError;
}

} // namespace ipmibd::tables
