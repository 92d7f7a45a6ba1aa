// RowObserver: how a table unit lets someone watch each change it applies (change notifications),
// with one call before and one after, so the watcher can compare what was served.
#pragma once

#include "platform/backend.h"

namespace ipmibd::tables {

// A unit calls before() and, when that returned true, after() around every change it applies,
// except the rows of its initial dump. before() must stay cheap when it returns false: under a
// storm of changes it is all the per-change work a watcher adds.
template <class Row> class RowObserver {
public:
  virtual ~RowObserver() = default;
  virtual bool before(platform::ChangeKind kind, const Row& row) = 0;
  virtual void after(platform::ChangeKind kind, const Row& row) = 0;
};

} // namespace ipmibd::tables
