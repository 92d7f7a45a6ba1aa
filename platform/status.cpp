// Names of Status codes, for logs and the CLI.
#include "platform/status.h"

namespace ipmibd::platform {

std::string_view toString(Status status) {
  switch (status) {
  case Status::Success: return "Success";
  case Status::NotFound: return "NotFound";
  case Status::AlreadyExists: return "AlreadyExists";
  case Status::InvalidParameter: return "InvalidParameter";
  case Status::AccessDenied: return "AccessDenied";
  case Status::NotSupported: return "NotSupported";
  case Status::NetworkUnreachable: return "NetworkUnreachable";
  case Status::NoMemory: return "NoMemory";
  case Status::Busy: return "Busy";
  case Status::GeneralFailure: return "GeneralFailure";
  }
  return "Unknown";
}

std::string Result::toString() const {
  std::string s(platform::toString(status));
  if (!message.empty()) s += ": " + message;
  return s;
}

} // namespace ipmibd::platform
