// Backend::getTeredoPort / notifyTeredoPortChange: NotSupported, for the reason backend.h gives.
#include "platform/backend.h"

namespace ipmibd::platform {

namespace {
constexpr std::string_view kNoTeredo =
    "no Teredo client in this platform (Linux has none in the kernel; Miredo's port is not visible)";
}

Result Backend::getTeredoPort(std::uint16_t& port) {
  port = 0;
  return Result::failure(Status::NotSupported, std::string(kNoTeredo));
}

Result Backend::notifyTeredoPortChange(std::function<void(std::uint16_t)>, Subscription& subscription) {
  subscription = Subscription();
  return Result::failure(Status::NotSupported, std::string(kNoTeredo));
}

} // namespace ipmibd::platform
