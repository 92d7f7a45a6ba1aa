// The state file's text form (strict parser, formatter, CRC-32) and its crash-safe replacement on disk.
#include "agent/common/state_file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ipmibd::agent {
namespace {

constexpr std::string_view kHeader = "# ipmibd state v1";
constexpr std::string_view kHeaderPrefix = "# ipmibd state v";
// Anything larger is not a file ipmibd wrote (100k addresses take about 6 MB).
constexpr std::size_t kMaxFileSize = 64u << 20;

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr auto kCrcTable = makeCrcTable();

std::string hex8(std::uint32_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4)
    out[std::size_t(i)] = digits[value & 0xf];
  return out;
}

std::vector<std::string_view> splitWords(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t space = line.find(' ', start);
    out.push_back(
        line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) return out;
    start = space + 1;
  }
}

// Decimal without sign or leading zeros, as formatState writes numbers.
template <class T> std::optional<T> parseDecimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::string lineError(std::size_t line, std::string_view reason) {
  return "line " + std::to_string(line) + ": " + std::string(reason);
}

// `address ADDR/LEN dev NAME ifindex N`
std::optional<StateAddress> parseAddress(const std::vector<std::string_view>& w, std::string& reason) {
  if (w.size() != 6 || w[2] != "dev" || w[4] != "ifindex") {
    reason = "expected `address ADDRESS/LENGTH dev NAME ifindex N`";
    return std::nullopt;
  }
  const std::string_view prefix = w[1];
  const std::size_t slash = prefix.find('/');
  if (slash == std::string_view::npos) {
    reason = "address '" + std::string(prefix) + "' has no /LENGTH";
    return std::nullopt;
  }
  const std::string_view addressText = prefix.substr(0, slash);
  const auto address = addressText.find('%') == std::string_view::npos
                           ? platform::IpAddress::parse(addressText)
                           : std::nullopt;
  if (!address || address->isZero() || address->isMulticast()) {
    reason = "'" + std::string(addressText) + "' is not a unicast IPv4/IPv6 address (without %scope)";
    return std::nullopt;
  }
  const auto length = parseDecimal<unsigned>(prefix.substr(slash + 1));
  const unsigned maxLength = address->isV4() ? 32 : 128;
  if (!length || *length > maxLength) {
    reason =
        "prefix length '" + std::string(prefix.substr(slash + 1)) + "' is not 0-" + std::to_string(maxLength);
    return std::nullopt;
  }
  if (!validInterfaceName(w[3])) {
    reason = "'" + std::string(w[3]) + "' is not an interface name";
    return std::nullopt;
  }
  const auto ifIndex = parseDecimal<std::uint32_t>(w[5]);
  if (!ifIndex || *ifIndex == 0 || *ifIndex > 2147483647u) {
    reason = "ifindex '" + std::string(w[5]) + "' is not 1-2147483647";
    return std::nullopt;
  }
  return StateAddress{*address, std::uint8_t(*length), std::string(w[3]), *ifIndex};
}

std::string errnoText(std::string_view what, const std::filesystem::path& path) {
  return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(std::size_t(n));
  }
  return true;
}

// mkdir -p with mode 0700 for every directory it creates (existing ones keep their mode).
bool makeDirectories(const std::filesystem::path& directory, std::string& error) {
  std::filesystem::path partial;
  for (const auto& part : directory) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) == 0) continue;
    struct stat st {};
    if (errno == EEXIST && ::stat(partial.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    if (errno == EEXIST) errno = ENOTDIR;
    error = errnoText("cannot create directory", partial);
    return false;
  }
  return true;
}

bool fsyncDirectory(const std::filesystem::path& directory, std::string& error) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    error = errnoText("cannot fsync directory", directory);
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

} // namespace

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xffffffffu;
  for (const char ch : bytes)
    c = kCrcTable[(c ^ std::uint8_t(ch)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

bool validInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (const char c : name)
    if (c == '/' || c == ':' || std::uint8_t(c) <= ' ' || c == '\x7f') return false;
  return true;
}

std::string formatState(const State& state) {
  std::string text(kHeader);
  text += "\n# Addresses created through SNMP with ipAddressStorageType nonVolatile(3); ipmibd re-creates\n"
          "# them at start-up when missing. Written by ipmibd: an edited file fails its checksum.\n";
  for (const StateAddress& a : state.addresses) {
    text += "address ";
    text += a.address.withScope(0).toString();
    text += '/';
    text += std::to_string(a.prefixLength);
    text += " dev ";
    text += a.interfaceName;
    text += " ifindex ";
    text += std::to_string(a.ifIndex);
    text += '\n';
  }
  const std::uint32_t checksum = crc32(text);
  text += "end ";
  text += std::to_string(state.addresses.size());
  text += " crc32 ";
  text += hex8(checksum);
  text += '\n';
  return text;
}

std::optional<State> parseState(std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "the file is empty";
    return std::nullopt;
  }
  State state;
  std::map<std::pair<platform::IpAddress, std::string>, std::size_t> seen; // record -> line
  std::optional<std::size_t> endLine;
  std::size_t lineNumber = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    ++lineNumber;
    const std::size_t lineStart = position;
    const std::size_t newline = text.find('\n', position);
    if (newline == std::string_view::npos) {
      error = lineError(lineNumber, "the file ends in the middle of this line (truncated)");
      return std::nullopt;
    }
    const std::string_view line = text.substr(position, newline - position);
    position = newline + 1;
    for (const char c : line)
      if (std::uint8_t(c) < ' ' || c == '\x7f') {
        error = lineError(lineNumber, "control character in the line (damaged file)");
        return std::nullopt;
      }
    if (endLine) {
      error = lineError(lineNumber, "text after the end line (line " + std::to_string(*endLine) + ")");
      return std::nullopt;
    }
    if (lineNumber == 1) {
      if (line == kHeader) continue;
      if (line.starts_with(kHeaderPrefix))
        error = lineError(1, "state file version '" + std::string(line.substr(kHeaderPrefix.size())) +
                                 "' is not supported (this ipmibd reads v1)");
      else
        error = lineError(1, "not an ipmibd state file (expected `" + std::string(kHeader) + "`)");
      return std::nullopt;
    }
    if (line.starts_with('#')) continue;
    const auto w = splitWords(line);
    if (std::ranges::any_of(w, [](std::string_view word) { return word.empty(); })) {
      error = lineError(lineNumber, line.empty() ? "empty line" : "words must be separated by one space");
      return std::nullopt;
    }
    if (w[0] == "address") {
      std::string reason;
      auto record = parseAddress(w, reason);
      if (!record) {
        error = lineError(lineNumber, reason);
        return std::nullopt;
      }
      const auto [it, inserted] = seen.emplace(std::pair{record->address, record->interfaceName}, lineNumber);
      if (!inserted) {
        error = lineError(lineNumber, "the same address and interface as line " + std::to_string(it->second));
        return std::nullopt;
      }
      state.addresses.push_back(std::move(*record));
      continue;
    }
    if (w[0] != "end") {
      error = lineError(lineNumber, "unknown record '" + std::string(w[0]) + "'");
      return std::nullopt;
    }
    const auto count = w.size() == 4 && w[2] == "crc32" ? parseDecimal<std::size_t>(w[1]) : std::nullopt;
    if (!count || w[3].size() != 8 || w[3].find_first_not_of("0123456789abcdef") != std::string_view::npos) {
      error = lineError(lineNumber, "expected `end COUNT crc32 XXXXXXXX`");
      return std::nullopt;
    }
    if (*count != state.addresses.size()) {
      error = lineError(lineNumber, "the end line counts " + std::to_string(*count) +
                                        " records, the file has " + std::to_string(state.addresses.size()));
      return std::nullopt;
    }
    const std::string actual = hex8(crc32(text.substr(0, lineStart)));
    if (w[3] != actual) {
      error = lineError(lineNumber, "checksum mismatch (end line " + std::string(w[3]) + ", content " +
                                        actual + "): the file was changed or damaged");
      return std::nullopt;
    }
    endLine = lineNumber;
  }
  if (!endLine) {
    error = "the file ends after line " + std::to_string(lineNumber) + " without its end line (truncated)";
    return std::nullopt;
  }
  return state;
}

std::filesystem::path StateFile::temporaryPath() const {
  std::filesystem::path p = path_;
  p += ".tmp";
  return p;
}

std::filesystem::path StateFile::corruptPath() const {
  std::filesystem::path p = path_;
  p += ".corrupt";
  return p;
}

LoadResult StateFile::load() const {
  LoadResult result;
  // A temporary file is only ever the unfinished half of a save that a crash interrupted: the
  // file itself still holds the state before that save. Never read it.
  std::string staleNote;
  if (::unlink(temporaryPath().c_str()) == 0)
    staleNote = "; removed " + temporaryPath().string() + " left by an interrupted save";

  const int fd = ::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) {
      result.outcome = LoadResult::Outcome::Missing;
      result.message = path_.string() + " does not exist yet" + staleNote;
    } else {
      result.outcome = LoadResult::Outcome::Unreadable;
      result.message = errnoText("cannot open", path_) + staleNote;
    }
    return result;
  }
  std::string text;
  struct stat st {};
  bool readOk = ::fstat(fd, &st) == 0;
  if (readOk && !S_ISREG(st.st_mode)) {
    ::close(fd);
    result.outcome = LoadResult::Outcome::Unreadable;
    result.message = path_.string() + " is not a regular file" + staleNote;
    return result;
  }
  char buffer[65536];
  while (readOk && text.size() <= kMaxFileSize) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) readOk = false;
    if (n <= 0) break;
    text.append(buffer, std::size_t(n));
  }
  if (!readOk) {
    result.outcome = LoadResult::Outcome::Unreadable;
    result.message = errnoText("cannot read", path_) + staleNote;
    ::close(fd);
    return result;
  }
  ::close(fd);

  std::string error;
  std::optional<State> state;
  if (text.size() > kMaxFileSize)
    error = "larger than " + std::to_string(kMaxFileSize >> 20) + " MiB";
  else
    state = parseState(text, error);
  if (state) {
    result.outcome = LoadResult::Outcome::Loaded;
    result.state = std::move(*state);
    result.message =
        path_.string() + ": " + std::to_string(result.state.addresses.size()) + " address(es)" + staleNote;
    return result;
  }
  // Refused as a whole. Moved aside rather than left: the next save would overwrite it, and an
  // operator needs the damaged file to see what was lost.
  result.outcome = LoadResult::Outcome::Refused;
  result.message = path_.string() + " " + error;
  if (::rename(path_.c_str(), corruptPath().c_str()) == 0)
    result.message += "; moved aside to " + corruptPath().string();
  else
    result.message += "; " + errnoText("could not move it aside to", corruptPath());
  result.message += staleNote;
  return result;
}

bool StateFile::save(const State& state, std::string& error) const {
  const std::filesystem::path directory = path_.has_parent_path() ? path_.parent_path() : ".";
  if (!makeDirectories(directory, error)) return false;

  const std::string text = formatState(state);
  const std::filesystem::path temporary = temporaryPath();
  // Left by a crash during an earlier save (only one ipmibd writes a given file).
  if (::unlink(temporary.c_str()) != 0 && errno != ENOENT) {
    error = errnoText("cannot remove", temporary);
    return false;
  }
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = errnoText("cannot create", temporary);
    return false;
  }
  // 0600 whatever the umask: the file names the host's addresses and interfaces.
  bool written = ::fchmod(fd, 0600) == 0 && writeAll(fd, text) && ::fsync(fd) == 0;
  if (!written) error = errnoText("cannot write", temporary);
  if (::close(fd) != 0 && written) {
    written = false;
    error = errnoText("cannot write", temporary);
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return false;
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    error = errnoText("cannot rename " + temporary.string() + " to", path_);
    ::unlink(temporary.c_str());
    return false;
  }
  // Without this the rename itself may not survive a power loss.
  return fsyncDirectory(directory, error);
}

} // namespace ipmibd::agent
