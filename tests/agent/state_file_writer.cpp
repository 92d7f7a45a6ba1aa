// state_file_writer: the kill -9 test's worker. `write FILE` saves two different large states
// alternately until killed; `check FILE load|parse` exits 0 when FILE holds exactly one of the two,
// complete (load: through StateFile::load, which also removes a stale temporary file; parse: reads
// the file only, so the next writer starts with any stale temporary file still in its way).
#include "agent/common/state_file.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace ipmibd::agent;
using ipmibd::platform::IpAddress;

namespace {

// A: 3000 IPv4 records on eth0; B: 2000 IPv6 records on eth1 (different sizes, so a mix of the
// two cannot be mistaken for either).
State makeState(bool a) {
  State state;
  const int count = a ? 3000 : 2000;
  for (int i = 0; i < count; ++i) {
    if (a) {
      state.addresses.push_back({IpAddress::v4(0x0a000000u + std::uint32_t(i)), 24, "eth0", 3});
    } else {
      std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
      bytes[14] = std::uint8_t(i >> 8);
      bytes[15] = std::uint8_t(i);
      state.addresses.push_back({IpAddress::v6(bytes), 64, "eth1", 4});
    }
  }
  return state;
}

int usage() {
  std::fprintf(stderr, "usage: state_file_writer write FILE | check FILE load|parse\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const StateFile file(argv[2]);
  const State a = makeState(true), b = makeState(false);
  if (std::strcmp(argv[1], "write") == 0) {
    // The test kills at random moments after this line, not during start-up (slow when sanitized).
    std::puts("saving");
    std::fflush(stdout);
    for (bool which = true;; which = !which) {
      std::string error;
      if (!file.save(which ? a : b, error)) {
        std::fprintf(stderr, "save failed: %s\n", error.c_str());
        return 1;
      }
    }
  }
  if (std::strcmp(argv[1], "check") != 0 || argc != 4) return usage();
  State state;
  if (std::strcmp(argv[3], "load") == 0) {
    const LoadResult loaded = file.load();
    if (loaded.outcome != LoadResult::Outcome::Loaded) {
      std::fprintf(stderr, "not loaded: %s\n", loaded.message.c_str());
      return 1;
    }
    state = loaded.state;
  } else {
    std::ifstream in(argv[2], std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string error;
    const auto parsed = parseState(text.str(), error);
    if (!parsed) {
      std::fprintf(stderr, "refused: %s\n", error.c_str());
      return 1;
    }
    state = *parsed;
  }
  if (state == a) return std::puts("A"), 0;
  if (state == b) return std::puts("B"), 0;
  std::fprintf(stderr, "a complete state that is neither A nor B (%zu records)\n", state.addresses.size());
  return 1;
}
