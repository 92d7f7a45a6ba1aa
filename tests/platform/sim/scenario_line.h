// Parsing one scenario line in the simulator's tests: the command it must be, or the error it must give.
#pragma once

#include "platform/sim/scenario_parser.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ipmibd::platform::sim::test {

inline Statement parse(std::string_view line) {
  std::optional<Statement> statement;
  const Result r = parseLine(line, statement);
  INFO(line << " -> " << r.toString());
  REQUIRE(r.ok());
  REQUIRE(statement);
  return *statement;
}

// The line parses to a command of type T.
template <class T> T command(std::string_view line) {
  const Statement s = parse(line);
  REQUIRE(std::holds_alternative<Command>(s));
  const Command& c = std::get<Command>(s);
  REQUIRE(std::holds_alternative<T>(c));
  return std::get<T>(c);
}

// The line is refused as InvalidParameter; its message (with the column the parser names).
inline std::string error(std::string_view line) {
  std::optional<Statement> statement;
  const Result r = parseLine(line, statement);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status == Status::InvalidParameter);
  return r.message;
}

} // namespace ipmibd::platform::sim::test
