// ipmibdNotifyEnabled .. ipmibdNotifyDropped, ipmibdNotifyLinkUpDown (mibs/IPMIBD-MIB.txt, ipmibdNotify).
#include "agent/common/notify_info.h"

#include "tables/notify/notification.h"

namespace ipmibd::agent {

using tables::Access;
using tables::Oid;
using tables::RequestContext;
using tables::Syntax;
using tables::Value;

NotifyInfo::NotifyInfo(const NotifySettings& settings, const tables::ChangeNotifier* notifier) {
  auto scalar = [&](tables::SubId id, std::string_view name, Syntax syntax, tables::MibScalar::Getter get) {
    scalars_.push_back(std::make_unique<tables::MibScalar>(tables::NotificationOids::objects() + Oid{id},
                                                           name, syntax, Access::ReadOnly, std::move(get)));
  };
  const bool enabled = settings.effectiveEnabled() && notifier != nullptr;
  const tables::NotifierOptions options = settings.options();
  scalar(1, "ipmibdNotifyEnabled", Syntax::Integer32,
         [enabled](const RequestContext&) { return Value::integer32(enabled ? 1 : 2); });
  // BITS { route(0), neighbor(1), address(2), interface(3) }: one octet, most significant bit first.
  std::uint8_t bits = 0;
  for (std::size_t i = 0; i < options.tables.size(); ++i)
    if (options.tables[i]) bits |= std::uint8_t(0x80u >> i);
  scalar(2, "ipmibdNotifyKinds", Syntax::OctetString,
         [bits](const RequestContext&) { return Value::octetString(Value::Bytes(1, bits)); });
  scalar(3, "ipmibdNotifyRate", Syntax::Unsigned32,
         [rate = options.ratePerSecond](const RequestContext&) { return Value::unsigned32(rate); });
  scalar(4, "ipmibdNotifySnmpChanges", Syntax::Integer32,
         [announce = options.announceSnmpChanges](const RequestContext&) {
           return Value::integer32(announce ? 1 : 2);
         });
  using Field = std::uint64_t tables::NotifierCounters::*;
  auto counter = [&](tables::SubId id, std::string_view name, Field field) {
    scalar(id, name, Syntax::Counter64, [notifier, field](const RequestContext&) {
      return Value::counter64(notifier ? notifier->counters().*field : 0);
    });
  };
  counter(5, "ipmibdNotifySent", &tables::NotifierCounters::sent);
  counter(6, "ipmibdNotifyCoalesced", &tables::NotifierCounters::coalesced);
  counter(7, "ipmibdNotifySuppressed", &tables::NotifierCounters::suppressed);
  counter(8, "ipmibdNotifyDropped", &tables::NotifierCounters::dropped);
  scalar(14, "ipmibdNotifyLinkUpDown", Syntax::Integer32,
         [link = enabled && settings.effectiveLinkUpDown()](const RequestContext&) {
           return Value::integer32(link ? 1 : 2);
         });
}

std::vector<const tables::MibObject*> NotifyInfo::objects() const {
  std::vector<const tables::MibObject*> out;
  for (const auto& s : scalars_)
    out.push_back(s.get());
  return out;
}

} // namespace ipmibd::agent
