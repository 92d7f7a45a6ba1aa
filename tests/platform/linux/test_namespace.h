// TestNamespace: a uniquely named network namespace for one test, driven with `ip -n NAME ...` and
// deleted on destruction (also when the test fails), plus `ip -j` output parsing.
#pragma once

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ipmibd::testing {

// Runs a shell command, returning its standard output; `status` gets the exit status.
inline std::string runCommand(const std::string& command, int* status = nullptr) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  const int rc = ::pclose(pipe);
  if (status) *status = rc;
  return output;
}

class TestNamespace {
public:
  // `tag` keeps names of different test binaries apart; the pid and a counter make them unique.
  explicit TestNamespace(const std::string& tag) {
    static std::atomic<unsigned> counter{0};
    name_ = "ipmibd-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    int status = 0;
    runCommand("ip netns add " + name_, &status);
    if (status != 0) throw std::runtime_error("ip netns add " + name_ + " failed");
    // DAD would leave fresh IPv6 addresses tentative for a second: tests want them usable at once.
    sysctl("net.ipv6.conf.all.accept_dad=0");
    sysctl("net.ipv6.conf.default.accept_dad=0");
    ip("link set lo up");
  }
  ~TestNamespace() { runCommand("ip netns del " + name_); }
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;

  const std::string& name() const { return name_; }

  // `ip -n NAME <arguments>`; throws when ip fails, so a broken setup is not mistaken for a result.
  void ip(const std::string& arguments) const {
    int status = 0;
    runCommand("ip -n " + name_ + " " + arguments, &status);
    if (status != 0) throw std::runtime_error("ip -n " + name_ + " " + arguments + " failed");
  }
  // Same, reporting failure instead of throwing.
  bool tryIp(const std::string& arguments) const {
    int status = 0;
    runCommand("ip -n " + name_ + " " + arguments, &status);
    return status == 0;
  }
  // `ip -j -n NAME <arguments>` parsed (a JSON array -> children with empty keys).
  boost::property_tree::ptree json(const std::string& arguments) const {
    std::istringstream in(runCommand("ip -j -n " + name_ + " " + arguments));
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(in, tree);
    return tree;
  }
  void sysctl(const std::string& assignment) const {
    int status = 0;
    runCommand("ip netns exec " + name_ + " sysctl -qw " + assignment, &status);
    if (status != 0) throw std::runtime_error("sysctl " + assignment + " failed");
  }
  std::string readProc(const std::string& path) const {
    return runCommand("ip netns exec " + name_ + " cat " + path);
  }
  // Runs `ip -n NAME -batch FILE` over the given commands (one per line).
  void batch(const std::string& commands) const {
    const std::string file = "/tmp/" + name_ + ".batch";
    {
      std::ofstream out(file);
      out << commands;
    }
    int status = 0;
    runCommand("ip -n " + name_ + " -batch " + file, &status);
    std::remove(file.c_str());
    if (status != 0) throw std::runtime_error("ip -batch failed");
  }

private:
  std::string name_;
};

} // namespace ipmibd::testing
