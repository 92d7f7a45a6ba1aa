// The state file: text round trip, every corruption class refused with its line, and the file's
// replacement on disk (mode 0600, directory 0700, temporary files, refused files moved aside).
#include "agent/common/state_file.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

using namespace ipmibd::agent;
using ipmibd::platform::IpAddress;

namespace {

StateAddress record(const char* address, int length, const char* dev, std::uint32_t ifIndex) {
  return {*IpAddress::parse(address), std::uint8_t(length), dev, ifIndex};
}

State sample() {
  return {{record("192.0.2.5", 24, "eth0", 3), record("2001:db8:1::5", 64, "eth0", 3),
           record("fe80::5", 64, "veth-a.100", 12), record("198.51.100.7", 32, "dummy0", 2147483647)}};
}

std::string hex8(std::uint32_t v) {
  char buffer[9];
  std::snprintf(buffer, sizeof buffer, "%08x", v);
  return buffer;
}

// A file with `body` after the header and a correct end line (count and checksum), so a test can
// reach the record checks behind the checksum.
std::string sealed(const std::string& body, std::size_t count) {
  std::string text = "# ipmibd state v1\n" + body;
  return text + "end " + std::to_string(count) + " crc32 " + hex8(crc32(text)) + "\n";
}

std::string refusal(std::string_view text) {
  std::string error;
  const auto state = parseState(text, error);
  CHECK_FALSE(state);
  return error;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char pattern[] = "/tmp/ipmibd-state-test.XXXXXX";
    REQUIRE(::mkdtemp(pattern));
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void writeFile(const std::filesystem::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

mode_t modeOf(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

} // namespace

TEST_CASE("crc32 is zlib's CRC-32") {
  CHECK(crc32("") == 0);
  CHECK(crc32("123456789") == 0xcbf43926u); // the standard check value
}

TEST_CASE("state text: exact form an operator reads") {
  const State state{{record("192.0.2.5", 24, "eth0", 3), record("fe80::5%7", 64, "eth1", 7)}};
  const std::string text = formatState(state);
  const std::string body =
      "# ipmibd state v1\n"
      "# Addresses created through SNMP with ipAddressStorageType nonVolatile(3); ipmibd "
      "re-creates\n"
      "# them at start-up when missing. Written by ipmibd: an edited file fails its checksum.\n"
      "address 192.0.2.5/24 dev eth0 ifindex 3\n"
      "address fe80::5/64 dev eth1 ifindex 7\n"; // scope id not written: dev is the scope
  CHECK(text == body + "end 2 crc32 " + hex8(crc32(body)) + "\n");
}

TEST_CASE("state text: round trip") {
  for (const State& state : {State{}, sample()}) {
    std::string error;
    const auto parsed = parseState(formatState(state), error);
    REQUIRE(parsed);
    CHECK(error.empty());
    CHECK(*parsed == state);
  }
  // Comment lines (covered by the checksum) are allowed anywhere after the header.
  std::string error;
  const auto parsed = parseState(sealed("# note\naddress 192.0.2.5/24 dev eth0 ifindex 3\n#\n", 1), error);
  REQUIRE(parsed);
  CHECK(parsed->addresses == std::vector{record("192.0.2.5", 24, "eth0", 3)});
}

TEST_CASE("state text: every truncation is refused") {
  const std::string text = formatState(sample());
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    INFO("cut at byte " << cut);
    refusal(std::string_view(text).substr(0, cut));
  }
}

TEST_CASE("state text: every single-bit error is refused") {
  const std::string text = formatState(sample());
  for (std::size_t i = 0; i < text.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = text;
      damaged[i] = char(damaged[i] ^ (1 << bit));
      INFO("byte " << i << " bit " << bit);
      refusal(damaged);
    }
}

TEST_CASE("state text: each corruption class has its own message") {
  const std::string good = formatState(sample());
  CHECK(refusal("") == "the file is empty");
  CHECK(refusal("hello\n") == "line 1: not an ipmibd state file (expected `# ipmibd state v1`)");
  CHECK(refusal("# ipmibd state v2\nend 0 crc32 00000000\n") ==
        "line 1: state file version '2' is not supported (this ipmibd reads v1)");
  CHECK(refusal("# ipmibd state v1\naddress 192.0.2.5/24 dev eth0 ifindex 3\n") ==
        "the file ends after line 2 without its end line (truncated)");
  CHECK(refusal("# ipmibd state v1\naddress 192.0.2.5/24 dev eth0 if") ==
        "line 2: the file ends in the middle of this line (truncated)");
  CHECK(refusal(good + "address 192.0.2.9/24 dev eth0 ifindex 3\n") ==
        "line 9: text after the end line (line 8)");
  CHECK(refusal(sealed("address 192.0.2.5/24 dev eth0 ifindex 3\n", 2)) ==
        "line 3: the end line counts 2 records, the file has 1");
  // An operator's edit: a record removed, the end line left alone.
  std::string edited = good;
  const auto at = edited.find("address 192.0.2.5");
  edited.erase(at, edited.find('\n', at) + 1 - at);
  CHECK(refusal(edited).starts_with("line 7: the end line counts 4 records, the file has 3"));
  // The same with the count fixed by hand: only the checksum catches it.
  const auto end = edited.find("end 4");
  edited.replace(end, 5, "end 3");
  CHECK(refusal(edited).starts_with("line 7: checksum mismatch (end line "));
  CHECK(refusal(sealed("", 0).substr(0, 18) + "end 0 crc32 0000000g\n") ==
        "line 2: expected `end COUNT crc32 XXXXXXXX`");
  CHECK(refusal(sealed("", 0).substr(0, 18) + "end 0 crc32 ABCDEF01\n") ==
        "line 2: expected `end COUNT crc32 XXXXXXXX`");
}

TEST_CASE("state text: bad records are refused with their line even when the checksum fits") {
  struct Case {
    const char* line;
    const char* reason;
  };
  const Case cases[] = {
      {"route 10.0.0.0/8", "unknown record 'route'"},
      {"", "empty line"},
      {"address  192.0.2.5/24 dev eth0 ifindex 3", "words must be separated by one space"},
      {"address 192.0.2.5/24 dev eth0 ifindex 3 ", "words must be separated by one space"},
      {"address 192.0.2.5/24 dev eth0 ifindex 3\r", "control character in the line (damaged file)"},
      {"address 192.0.2.5/24 dev eth0", "expected `address ADDRESS/LENGTH dev NAME ifindex N`"},
      {"address 192.0.2.5/24 via eth0 ifindex 3", "expected `address ADDRESS/LENGTH dev NAME ifindex N`"},
      {"address 192.0.2.5 dev eth0 ifindex 3", "address '192.0.2.5' has no /LENGTH"},
      {"address 192.0.2.300/24 dev eth0 ifindex 3",
       "'192.0.2.300' is not a unicast IPv4/IPv6 address (without %scope)"},
      {"address fe80::1%3/64 dev eth0 ifindex 3",
       "'fe80::1%3' is not a unicast IPv4/IPv6 address (without %scope)"},
      {"address 0.0.0.0/0 dev eth0 ifindex 3",
       "'0.0.0.0' is not a unicast IPv4/IPv6 address (without %scope)"},
      {"address ff02::1/64 dev eth0 ifindex 3",
       "'ff02::1' is not a unicast IPv4/IPv6 address (without %scope)"},
      {"address 192.0.2.5/33 dev eth0 ifindex 3", "prefix length '33' is not 0-32"},
      {"address 2001:db8::5/129 dev eth0 ifindex 3", "prefix length '129' is not 0-128"},
      {"address 192.0.2.5/024 dev eth0 ifindex 3", "prefix length '024' is not 0-32"},
      {"address 192.0.2.5/-1 dev eth0 ifindex 3", "prefix length '-1' is not 0-32"},
      {"address 192.0.2.5/24 dev a/b ifindex 3", "'a/b' is not an interface name"},
      {"address 192.0.2.5/24 dev eth0:1 ifindex 3", "'eth0:1' is not an interface name"},
      {"address 192.0.2.5/24 dev abcdefghijklmnop ifindex 3", "'abcdefghijklmnop' is not an interface name"},
      {"address 192.0.2.5/24 dev .. ifindex 3", "'..' is not an interface name"},
      {"address 192.0.2.5/24 dev eth0 ifindex 0", "ifindex '0' is not 1-2147483647"},
      {"address 192.0.2.5/24 dev eth0 ifindex 2147483648", "ifindex '2147483648' is not 1-2147483647"},
      {"address 192.0.2.5/24 dev eth0 ifindex 3x", "ifindex '3x' is not 1-2147483647"},
      {"address 192.0.2.6/24 dev eth0 ifindex 4", "the same address and interface as line 2"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    // Line 3, after a good record on line 2.
    const std::string text =
        sealed("address 192.0.2.6/24 dev eth0 ifindex 3\n" + std::string(c.line) + "\n", 2);
    CHECK(refusal(text) == "line 3: " + std::string(c.reason));
  }
}

TEST_CASE("state file: save writes mode 0600 in a new 0700 directory and leaves no temporary file") {
  TempDir dir;
  const StateFile file(dir.path / "lib" / "ipmibd" / "state");
  const mode_t oldMask = ::umask(0); // whatever the umask, the file is 0600
  std::string error;
  const bool saved = file.save(sample(), error);
  ::umask(oldMask);
  REQUIRE(saved);
  CHECK(error.empty());
  CHECK(modeOf(file.path()) == 0600);
  CHECK(modeOf(dir.path / "lib") == 0700);
  CHECK(modeOf(dir.path / "lib" / "ipmibd") == 0700);
  CHECK_FALSE(std::filesystem::exists(file.temporaryPath()));
  CHECK(readFile(file.path()) == formatState(sample()));

  const LoadResult loaded = file.load();
  CHECK(loaded.outcome == LoadResult::Outcome::Loaded);
  CHECK(loaded.state == sample());
  CHECK(loaded.message == file.path().string() + ": 4 address(es)");

  // Saving again replaces the file as a whole (an empty list is a valid state).
  REQUIRE(file.save(State{}, error));
  CHECK(file.load().state == State{});
  CHECK(modeOf(file.path()) == 0600);
}

TEST_CASE("state file: a missing file is no state") {
  TempDir dir;
  const LoadResult loaded = StateFile(dir.path / "state").load();
  CHECK(loaded.outcome == LoadResult::Outcome::Missing);
  CHECK(loaded.state == State{});
}

TEST_CASE("state file: a temporary file left by a crash is never read and is removed") {
  TempDir dir;
  const StateFile file(dir.path / "state");
  std::string error;
  REQUIRE(file.save(sample(), error));
  // A crash while writing the next state: a complete-looking but different state in the temporary file.
  writeFile(file.temporaryPath(), formatState(State{{record("203.0.113.1", 24, "eth9", 9)}}));
  const LoadResult loaded = file.load();
  CHECK(loaded.outcome == LoadResult::Outcome::Loaded);
  CHECK(loaded.state == sample());
  CHECK(loaded.message.ends_with("; removed " + file.temporaryPath().string() +
                                 " left by an interrupted save"));
  CHECK_FALSE(std::filesystem::exists(file.temporaryPath()));

  // And a save finds one in its way (a crash, then a save before any load).
  writeFile(file.temporaryPath(), "half a st");
  REQUIRE(file.save(State{}, error));
  CHECK(file.load().state == State{});
  CHECK_FALSE(std::filesystem::exists(file.temporaryPath()));
}

TEST_CASE("state file: a symbolic link as the temporary file is replaced, its target untouched") {
  TempDir dir;
  const StateFile file(dir.path / "state");
  writeFile(dir.path / "victim", "precious\n");
  std::filesystem::create_symlink(dir.path / "victim", file.temporaryPath());
  std::string error;
  REQUIRE(file.save(sample(), error));
  CHECK(readFile(dir.path / "victim") == "precious\n");
  CHECK(file.load().state == sample());
}

TEST_CASE("state file: a damaged file is refused as a whole and moved aside") {
  TempDir dir;
  const StateFile file(dir.path / "state");
  std::string error;
  REQUIRE(file.save(sample(), error));
  std::string text = readFile(file.path());
  text.resize(text.size() - 30); // truncated inside the last record
  writeFile(file.path(), text);
  writeFile(file.corruptPath(), "an older refused file\n");

  const LoadResult loaded = file.load();
  CHECK(loaded.outcome == LoadResult::Outcome::Refused);
  CHECK(loaded.state == State{}); // nothing of it is applied, not even the intact records
  CHECK(loaded.message ==
        file.path().string() +
            " line 7: the file ends in the middle of this line (truncated); moved aside to " +
            file.corruptPath().string());
  CHECK_FALSE(std::filesystem::exists(file.path()));
  CHECK(readFile(file.corruptPath()) == text);

  // The next start has no file; the next save writes a fresh one and keeps the evidence.
  CHECK(file.load().outcome == LoadResult::Outcome::Missing);
  REQUIRE(file.save(State{}, error));
  CHECK(file.load().outcome == LoadResult::Outcome::Loaded);
  CHECK(readFile(file.corruptPath()) == text);
}

TEST_CASE("state file: what cannot be read is reported and left in place") {
  TempDir dir;
  std::filesystem::create_directory(dir.path / "state");
  LoadResult loaded = StateFile(dir.path / "state").load();
  CHECK(loaded.outcome == LoadResult::Outcome::Unreadable);
  CHECK(loaded.message == (dir.path / "state").string() + " is not a regular file");
  CHECK(std::filesystem::is_directory(dir.path / "state"));

  const StateFile linked(dir.path / "link");
  std::string error;
  REQUIRE(StateFile(dir.path / "real").save(sample(), error));
  std::filesystem::create_symlink(dir.path / "real", linked.path());
  loaded = linked.load();
  CHECK(loaded.outcome == LoadResult::Outcome::Unreadable);
  CHECK(loaded.message.starts_with("cannot open " + linked.path().string() + ": "));
  CHECK(std::filesystem::is_symlink(linked.path()));
}

TEST_CASE("state file: a failed save reports why and keeps the previous state") {
  TempDir dir;
  const StateFile file(dir.path / "state");
  std::string error;
  REQUIRE(file.save(sample(), error));
  // The temporary file's place is taken by a directory: the save cannot even start.
  std::filesystem::create_directories(file.temporaryPath() / "x");
  CHECK_FALSE(file.save(State{}, error));
  CHECK(error.starts_with("cannot remove " + file.temporaryPath().string() + ": "));
  CHECK(file.load().state == sample());
  // A parent that is a file.
  writeFile(dir.path / "plain", "x");
  error.clear();
  CHECK_FALSE(StateFile(dir.path / "plain" / "state").save(sample(), error));
  CHECK(error.starts_with("cannot create directory " + (dir.path / "plain").string() + ": "));
}
