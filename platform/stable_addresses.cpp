// NotifyStableUnicastIpAddressTable over any backend: the unicast table once DAD has finished for
// every address, re-checked after each address change the backend publishes.
#include "platform/backend.h"

#include <algorithm>
#include <memory>

namespace ipmibd::platform {

namespace {

bool stable(const std::vector<UnicastAddressRow>& table) {
  return std::none_of(table.begin(), table.end(),
                      [](const UnicastAddressRow& row) { return row.dadState == DadState::Tentative; });
}

} // namespace

Result Backend::notifyStableUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table,
                                                  StableTableCallback callback, Subscription& subscription) {
  subscription = Subscription();
  table.clear();
  std::vector<UnicastAddressRow> now;
  if (Result r = getUnicastIpAddressTable(family, now); !r.ok()) return r;
  if (stable(now)) {
    table = std::move(now);
    return Result::success();
  }
  // The change subscription stays registered until the caller's subscription goes (a callback
  // must not destroy itself); after the one delivery it only returns.
  struct Watch {
    bool done = false;
    Subscription changes;
  };
  auto watch = std::make_shared<Watch>();
  Watch* w = watch.get();
  watch->changes = notifyUnicastIpAddressChange(
      family, [this, family, w, callback = std::move(callback)](std::span<const Change<UnicastAddressRow>>) {
        if (w->done) return;
        std::vector<UnicastAddressRow> current;
        if (!getUnicastIpAddressTable(family, current).ok() || !stable(current)) return;
        w->done = true;
        // From a copy: the callback may cancel the subscription, destroying this closure.
        const StableTableCallback deliver = callback;
        deliver(current);
      });
  subscription = Subscription([watch] { watch->changes.cancel(); });
  return Result::success();
}

} // namespace ipmibd::platform
