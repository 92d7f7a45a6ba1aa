// Status and Result: the IP Helper-like error codes every platform call returns.
#pragma once

#include <string>
#include <string_view>

namespace ipmibd::platform {

// Mirrors the Win32 codes IP Helper returns (names in comments); backends map their native errors
// (errno, netlink error acks) onto these. Keep it small: callers switch on it.
enum class Status {
  Success,            // NO_ERROR
  NotFound,           // ERROR_NOT_FOUND: no such row / interface
  AlreadyExists,      // ERROR_OBJECT_ALREADY_EXISTS
  InvalidParameter,   // ERROR_INVALID_PARAMETER: malformed row, family mismatch, bad prefix
  AccessDenied,       // ERROR_ACCESS_DENIED: missing privilege (EPERM/EACCES)
  NotSupported,       // ERROR_NOT_SUPPORTED: operation or field this backend cannot do
  NetworkUnreachable, // ERROR_NETWORK_UNREACHABLE: e.g. a gateway on no connected network
  NoMemory,           // ERROR_NOT_ENOUGH_MEMORY / ENOBUFS / ENOMEM
  Busy,               // ERROR_BUSY / EBUSY / EAGAIN
  GeneralFailure,     // ERROR_GEN_FAILURE: anything else
};

std::string_view toString(Status status);

// A call's outcome: the status plus, where the backend has one, its own words (the kernel's netlink
// extended-ack message, or the simulator's reason). `ok()` is the only success test callers need.
struct Result {
  Status status = Status::Success;
  std::string message;

  bool ok() const { return status == Status::Success; }
  static Result success() { return {}; }
  static Result failure(Status status, std::string message = {}) { return {status, std::move(message)}; }
  std::string toString() const; // "NotFound: <message>"
};

} // namespace ipmibd::platform
