// ViewTable: a conceptual table served from another table's rows through an index mapping (a
// deprecated MIB table that is a view of a newer one), without a copy of its rows.
#pragma once

#include "tables/engine/index_key.h"
#include "tables/engine/mib_object.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/sorted_index.h"

#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace ipmibd::tables {

// One column of a view. The getter sees the source row's entry and the row's index in the view
// (e.g. ipAdEntAddr is its own index); nullopt = no instance in this column.
template <class Entry> struct ViewColumn {
  using Getter = std::function<std::optional<Value>(const Entry& entry, std::span<const SubId> viewIndex,
                                                    const RequestContext& context)>;
  SubId id;
  std::string_view name;
  Syntax syntax;
  Access access;
  Getter get;
};

// How view indexes and source indexes correspond. Both directions must preserve SNMP order on the
// rows of the view, and toSource must do so for ANY sub-identifier sequence (partial, over-long,
// malformed): GETNEXT is "upper bound of toSource(request)" in the source index, as MibTable's
// GETNEXT is the upper bound of the request itself. Prefixing a constant (ipAddrTable: 1.4 before
// the address) or inserting one after the first sub-identifier (ipNetToMediaTable: 1.4 after the
// ifIndex) both qualify.
struct ViewMapping {
  // Appends the source sub-identifiers for view index `view` (any sequence) to `out`.
  std::function<void(std::span<const SubId> view, Oid& out)> toSource;
  // For a source row (its index and whether its entry belongs to the view): appends its view index
  // to `out` and returns true, or returns false when the row is not part of the view.
  std::function<bool(std::span<const SubId> source, Oid& out)> toView;
  // True when no source row at or after `source` can belong to the view (ends a GETNEXT scan
  // early); empty = scan to the end.
  std::function<bool(std::span<const SubId> source)> pastView;
};

template <class Entry> class ViewTable final : public MibObject {
public:
  // `include`: whether a source entry is part of the view at all (empty = every entry whose index
  // maps). Columns must be in increasing id order; `rows` must outlive the view.
  ViewTable(Oid entry, std::string_view name, const SortedIndex<Entry>& rows, ViewMapping mapping,
            std::vector<ViewColumn<Entry>> columns, std::function<bool(const Entry&)> include = {})
      : entry_(std::move(entry)), name_(name), rows_(rows), mapping_(std::move(mapping)),
        columns_(std::move(columns)), include_(std::move(include)) {}

  const Oid& base() const override { return entry_; }
  std::string_view name() const override { return name_; }
  std::span<const ViewColumn<Entry>> columns() const { return columns_; }
  std::vector<ColumnDeclaration> declaredColumns() const override { return declarationsOf(columns_); }
  void setWriter(RowWriter* writer) { writer_ = writer; }
  RowWriter* writer() const override { return writer_; }

  // The rows in the view: one pass over the source rows (for status reports, not requests).
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto* item = rows_.first(); item; item = rows_.next(item)) {
      Oid view;
      if (inView(*item, view)) ++n;
    }
    return n;
  }

  // The source row a view index names (nullptr when the view has no such row).
  const typename SortedIndex<Entry>::Item* find(std::span<const SubId> viewIndex) const {
    Oid source;
    mapping_.toSource(viewIndex, source);
    IndexKeyScratch scratch;
    const auto* item = rows_.find(encodeIndexKey(source.view(), scratch));
    Oid view;
    if (!item || !inView(*item, view) || !std::ranges::equal(view.view(), viewIndex)) return nullptr;
    return item;
  }

  GetResult get(std::span<const SubId> suffix, const RequestContext& context) const override {
    if (suffix.empty()) return NoSuchObject{};
    const ViewColumn<Entry>* column = findColumn(suffix[0]);
    if (!column || !isReadable(column->access) || !column->get) return NoSuchObject{};
    const auto* item = find(suffix.subspan(1));
    if (!item) return NoSuchInstance{};
    std::optional<Value> value = column->get(item->entry(), suffix.subspan(1), context);
    if (!value) return NoSuchInstance{};
    return std::move(*value);
  }

  std::optional<VarBind> getNext(std::span<const SubId> suffix,
                                 const RequestContext& context) const override {
    for (const ViewColumn<Entry>& column : columns_) {
      if (!isReadable(column.access) || !column.get) continue;
      std::span<const SubId> after; // the view index to start strictly after (empty: the beginning)
      if (!suffix.empty() && column.id < suffix[0]) continue;
      if (!suffix.empty() && column.id == suffix[0]) after = suffix.subspan(1);
      Oid source;
      mapping_.toSource(after, source);
      IndexKeyScratch scratch;
      const auto key = encodeIndexKey(source.view(), scratch);
      // toSource(empty) may be a non-empty prefix (1.4 for ipAddrTable): every view row sorts after it.
      const auto* item = key.empty() && after.empty() ? rows_.first() : rows_.upperBound(key);
      for (; item; item = rows_.next(item)) {
        Oid view;
        if (!inView(*item, view)) {
          if (mapping_.pastView && pastView(*item)) break;
          continue;
        }
        std::optional<Value> value = column.get(item->entry(), view.view(), context);
        if (!value) continue;
        Oid oid;
        oid.reserve(entry_.size() + 1 + view.size());
        oid.append(entry_);
        oid.append(column.id);
        oid.append(view);
        return VarBind{std::move(oid), std::move(*value)};
      }
    }
    return std::nullopt;
  }

private:
  using Item = typename SortedIndex<Entry>::Item;

  bool inView(const Item& item, Oid& view) const {
    if (include_ && !include_(item.entry())) return false;
    Oid source;
    return appendDecodedIndexKey(item.key(), source) && mapping_.toView(source.view(), view);
  }
  bool pastView(const Item& item) const {
    Oid source;
    return appendDecodedIndexKey(item.key(), source) && mapping_.pastView(source.view());
  }
  const ViewColumn<Entry>* findColumn(SubId id) const {
    for (const ViewColumn<Entry>& column : columns_)
      if (column.id == id) return &column;
    return nullptr;
  }

  Oid entry_;
  std::string_view name_;
  const SortedIndex<Entry>& rows_;
  ViewMapping mapping_;
  std::vector<ViewColumn<Entry>> columns_;
  std::function<bool(const Entry&)> include_;
  RowWriter* writer_ = nullptr;
};

} // namespace ipmibd::tables
