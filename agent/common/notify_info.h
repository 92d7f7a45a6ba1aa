// NotifyInfo: the IPMIBD-MIB ipmibdNotify scalars (read-only mirrors of the notification
// directives and the notifier's counters).
#pragma once

#include "agent/common/notify_settings.h"
#include "tables/engine/scalar.h"
#include "tables/notify/change_notifier.h"

#include <memory>
#include <vector>

namespace ipmibd::agent {

class NotifyInfo {
public:
  // `notifier` may be null (notifications off: the counters stay 0). Both must outlive this.
  NotifyInfo(const NotifySettings& settings, const tables::ChangeNotifier* notifier);
  std::vector<const tables::MibObject*> objects() const; // in OID order

private:
  std::vector<std::unique_ptr<tables::MibScalar>> scalars_;
};

} // namespace ipmibd::agent
