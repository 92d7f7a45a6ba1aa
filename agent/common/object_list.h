// ObjectList: every object ipmibd serves, by OID and name, from the table units' own declarations
// (ipmibd --objects; demo.sh names its walks with it where no MIB files are installed).
#pragma once

#include "tables/engine/mib_object.h"
#include "tables/engine/oid.h"

#include <string>
#include <vector>

namespace ipmibd::agent {

struct ListedObject {
  enum class Kind : std::uint8_t { Table, Entry, Column, Scalar };
  tables::Oid oid; // a scalar's OBJECT-TYPE OID (its instance is .0)
  std::string name;
  Kind kind;
  tables::Access access; // as the unit declares it (what ipmibd implements); tables, entries: not-accessible
  friend bool operator==(const ListedObject&, const ListedObject&) = default;
};

// The listing of `objects` (as registered): a table as its table, entry (named by the SMI rule,
// xTable -> xEntry) and declared columns, index columns included; a scalar as itself. Sorted by OID.
std::vector<ListedObject> listObjects(const std::vector<const tables::MibObject*>& objects);

// Every object the daemon serves, whatever the configuration (the tables of an empty simulator,
// the IPMIBD-MIB objects), listed as above.
std::vector<ListedObject> servedObjects();

// "OID NAME KIND ACCESS" lines, one per listed object: "1.3.6.1.2.1.4.24.7.1.7
// inetCidrRouteIfIndex column read-create" (OID dotted, without a leading dot; KIND table, entry,
// column or scalar; ACCESS spelt as the MIB's MAX-ACCESS: not-accessible, read-only, ...).
std::string objectListText(const std::vector<ListedObject>& objects);

} // namespace ipmibd::agent
