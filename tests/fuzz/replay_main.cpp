// The main() of a fuzz target built without libFuzzer (gcc builds): replays its committed corpus and
// deterministic mutations of every input, so each decoder's inputs run as a unit test, under
// ASan+UBSan in test.sh's sanitized pass. The coverage-guided search is tests/fuzz/run.sh (clang).
//   NAME_replay [--mutations N] DIR|FILE...
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// xorshift64*: the same mutations on every run and machine (a failure replays from its numbers).
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ull;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : std::size_t(next() % n); }
};

// One mutation of the kinds libFuzzer starts with: bytes overwritten, flipped, dropped, duplicated,
// or the input cut short.
std::vector<std::uint8_t> mutate(std::vector<std::uint8_t> input, Random& random) {
  const std::size_t edits = 1 + random.below(4);
  for (std::size_t e = 0; e < edits; ++e) {
    const std::size_t at = random.below(input.size() + 1);
    switch (random.below(5)) {
    case 0:
      if (at < input.size()) input[at] = std::uint8_t(random.next());
      break;
    case 1:
      if (at < input.size()) input[at] ^= std::uint8_t(1u << random.below(8));
      break;
    case 2:
      if (at < input.size()) input.erase(input.begin() + std::ptrdiff_t(at));
      break;
    case 3: input.insert(input.begin() + std::ptrdiff_t(at), std::uint8_t(random.next())); break;
    default: input.resize(at); break;
    }
  }
  return input;
}

std::vector<std::uint8_t> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char** argv) {
  std::size_t mutations = 200;
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::strtoul(argv[++i], nullptr, 10);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) inputs.push_back(entry.path());
    } else if (std::filesystem::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "no such input: %s\n", arg.c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s [--mutations N] DIR|FILE...  (no inputs given)\n", argv[0]);
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  std::size_t runs = 0;
  for (std::size_t n = 0; n < inputs.size(); ++n) {
    const std::vector<std::uint8_t> seed = readFile(inputs[n]);
    std::fprintf(stderr, "%s\n", inputs[n].c_str()); // the last name printed is the one that failed
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    Random random{0x9e3779b97f4a7c15ull ^ (n + 1)};
    for (std::size_t m = 0; m < mutations; ++m, ++runs) {
      const std::vector<std::uint8_t> input = mutate(seed, random);
      LLVMFuzzerTestOneInput(input.data(), input.size());
    }
    ++runs;
  }
  std::printf("%zu inputs, %zu runs: no finding\n", inputs.size(), runs);
  return 0;
}
