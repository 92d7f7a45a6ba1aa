// The list of table units ipmibd serves; adding a MIB table to the daemon means adding it here.
#include "agent/table_set.h"

#include "tables/inet_cidr_route_table.h"

namespace ipmibd::agent {

class TableSet::Unit {
public:
  virtual ~Unit() = default;
  virtual platform::Result attach(platform::Backend& backend) = 0;
  virtual bool applyPending(std::chrono::steady_clock::duration budget) = 0;
  virtual void appendObjects(std::vector<const tables::MibObject*>& out) const = 0;
  virtual TableSet::UnitStatus status() const = 0;
};

namespace {

// Adapts any table unit with the tables/ unit shape (attach, applyPending, objects, rowCount,
// pending, loading) to TableSet::Unit.
template <class T> class UnitModel final : public TableSet::Unit {
public:
  explicit UnitModel(std::string_view name) : name_(name) {}
  platform::Result attach(platform::Backend& backend) override { return unit_.attach(backend); }
  bool applyPending(std::chrono::steady_clock::duration budget) override {
    return unit_.applyPending(budget);
  }
  void appendObjects(std::vector<const tables::MibObject*>& out) const override {
    for (const tables::MibObject* object : unit_.objects())
      out.push_back(object);
  }
  TableSet::UnitStatus status() const override {
    return {name_, unit_.rowCount(), unit_.pending(), unit_.loading()};
  }

private:
  std::string_view name_;
  T unit_;
};

} // namespace

TableSet::TableSet(platform::Backend& backend, std::vector<std::string>& attachErrors) {
  units_.push_back(std::make_unique<UnitModel<tables::InetCidrRouteTable>>("inetCidrRouteTable"));
  for (auto& unit : units_) {
    const platform::Result result = unit->attach(backend);
    if (!result.ok()) attachErrors.push_back(std::string(unit->status().name) + ": " + result.toString());
  }
}

TableSet::~TableSet() = default;

bool TableSet::applyPending(std::chrono::steady_clock::duration budget) {
  // Split the budget so one big initial dump cannot starve the other units' change batches.
  const auto share = units_.empty() ? budget : budget / static_cast<long>(units_.size());
  bool more = false;
  for (auto& unit : units_)
    more = unit->applyPending(share) || more;
  return more;
}

std::vector<const tables::MibObject*> TableSet::objects() const {
  std::vector<const tables::MibObject*> out;
  for (const auto& unit : units_)
    unit->appendObjects(out);
  return out;
}

std::vector<TableSet::UnitStatus> TableSet::status() const {
  std::vector<UnitStatus> out;
  for (const auto& unit : units_)
    out.push_back(unit->status());
  return out;
}

} // namespace ipmibd::agent
