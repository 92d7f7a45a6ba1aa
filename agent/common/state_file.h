// StateFile: ipmibd's persistent state (addresses created through SNMP as nonVolatile) as a
// versioned, checksummed text file that is replaced atomically and refused as a whole when damaged.
//
// The format, v1 (an operator reads it with `cat`; ipmibd rewrites it after every SET that changes it):
//
//   # ipmibd state v1
//   # <comment lines written by ipmibd>
//   address 192.0.2.5/24 dev eth0 ifindex 3
//   address fe80::5/64 dev eth0 ifindex 3
//   end 2 crc32 XXXXXXXX
//
// The first line names the format and its version. `address` records: the address without scope id
// (the interface is the scope), its prefix length, the interface name (what identifies the interface
// across reboots) and the ifIndex it had when saved (informational: interfaces renumber). The last
// line counts the records and carries the CRC-32 (zlib's, as Python's zlib.crc32) of every byte
// before it, so a truncated or altered file is detected: check it by hand with
// `head -n -1 FILE | python3 -c 'import sys,zlib; print("%08x" % zlib.crc32(sys.stdin.buffer.read()))'`.
#pragma once

#include "platform/address.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipmibd::agent {

// One `address` record.
struct StateAddress {
  platform::IpAddress address; // no scope id: the interface gives it
  std::uint8_t prefixLength = 0;
  std::string interfaceName;
  std::uint32_t ifIndex = 0; // when saved; a hint only
  friend bool operator==(const StateAddress&, const StateAddress&) = default;
};

struct State {
  std::vector<StateAddress> addresses;
  friend bool operator==(const State&, const State&) = default;
};

// ---- Pure text form (unit-tested without files) ------------------------------------------------
// The file's complete text for `state`. Records are written as given.
std::string formatState(const State& state);
// Parses a complete file strictly; nullopt with `error` = "line N: reason" (or a whole-file reason)
// on anything that is not exactly what formatState writes, apart from comment lines.
std::optional<State> parseState(std::string_view text, std::string& error);
// Whether `name` is a valid Linux interface name (1-15 bytes, no '/', ':' or whitespace, not . or ..).
bool validInterfaceName(std::string_view name);
// CRC-32 as zlib's crc32() (IEEE 802.3 polynomial, reflected), of `bytes`.
std::uint32_t crc32(std::string_view bytes);

// ---- The file ------------------------------------------------------------------------------------
struct LoadResult {
  enum class Outcome {
    Loaded,     // `state` holds the file's records
    Missing,    // no file: nothing saved yet (or stateFile was just configured)
    Refused,    // damaged or not a v1 state file: moved aside to `<file>.corrupt`, state empty
    Unreadable, // an I/O error (permissions, a directory, a symbolic link): left in place, state empty
  };
  Outcome outcome = Outcome::Missing;
  State state;
  std::string message; // why Refused / Unreadable, and what was done with the file
};

// One state file at a fixed path. Only one ipmibd may use a given path at a time.
class StateFile {
public:
  explicit StateFile(std::filesystem::path path) : path_(std::move(path)) {}
  const std::filesystem::path& path() const { return path_; }
  // `<file>.tmp`: where a save writes before renaming. One left by a crash is never read; load()
  // and the next save() remove it.
  std::filesystem::path temporaryPath() const;
  // `<file>.corrupt`: where load() moves a refused file (replacing an older one), so the evidence
  // survives and the next save does not overwrite it.
  std::filesystem::path corruptPath() const;

  // Reads and parses the whole file; a damaged file is refused as a whole, never half-applied.
  LoadResult load() const;
  // Writes `state` to the temporary file (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600), fsyncs it, renames
  // it over the file and fsyncs the directory, so that after a crash at any moment the file holds
  // either the previous or the new state, complete. Creates missing directories with mode 0700.
  // false with `error` (the file then still holds the previous state).
  bool save(const State& state, std::string& error) const;

private:
  std::filesystem::path path_;
};

} // namespace ipmibd::agent
