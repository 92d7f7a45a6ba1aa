// AgentInfo: the IPMIBD-MIB objects (mibs/IPMIBD-MIB.txt) describing the running agent itself.
#pragma once

#include "agent/common/table_set.h"
#include "platform/backend.h"
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"

#include <memory>
#include <vector>

namespace ipmibd::agent {

// One stored row of ipmibdTableTable: which unit of which TableSet it describes.
struct TableStatusRow {
  const TableSet* tables = nullptr;
  std::uint32_t unit = 0; // position in TableSet::status()
};

// Served through the same tables engine as the IP tables, under
// enterprises.8072.9999.9999.42 (Net-SNMP's experimental playpen).
class AgentInfo {
public:
  static const tables::Oid& rootOid(); // 1.3.6.1.4.1.8072.9999.9999.42

  // `opened` is when the backend was opened (ipmibdBackendOpened). All references must outlive this.
  AgentInfo(const platform::Backend& backend, const TableSet& tables, platform::Timestamp opened);
  AgentInfo(const AgentInfo&) = delete;
  AgentInfo& operator=(const AgentInfo&) = delete;

  // In OID order.
  std::vector<const tables::MibObject*> objects() const;

private:
  std::vector<std::unique_ptr<tables::MibScalar>> scalars_;
  tables::MibTable<TableStatusRow> tableTable_;
};

} // namespace ipmibd::agent
