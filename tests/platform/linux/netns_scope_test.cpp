// NetnsScope against the real kernel: entering a named namespace and coming back, and the statuses
// the contexts code acts on (NotFound is retried while `ip netns add` mounts the namespace,
// AccessDenied never is).
#include "platform/linux/netns.h"
#include "tests/platform/linux/backend_test_support.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>

namespace ipmibd::testing {
namespace {

using platform::linux_backend::NetnsScope;

// The inode of this thread's network namespace: equal inodes, same namespace.
ino_t currentNetns() {
  struct stat st {};
  REQUIRE(::stat("/proc/thread-self/ns/net", &st) == 0);
  return st.st_ino;
}
ino_t netnsOf(const std::string& name) {
  struct stat st {};
  REQUIRE(::stat(("/run/netns/" + name).c_str(), &st) == 0);
  return st.st_ino;
}

TEST_CASE("NetnsScope enters a named namespace and leaves it on destruction", "[netns]") {
  REQUIRE_ROOT();
  TestNamespace ns("scope");
  const ino_t home = currentNetns();
  REQUIRE(netnsOf(ns.name()) != home);
  {
    NetnsScope scope(ns.name());
    REQUIRE(scope.result().ok());
    CHECK(currentNetns() == netnsOf(ns.name()));
  }
  CHECK(currentNetns() == home);
  NetnsScope stay("");
  CHECK(stay.result().ok());
  CHECK(currentNetns() == home);
}

TEST_CASE("NetnsScope: an absent namespace and one not mounted yet are NotFound, and nothing moves",
          "[netns]") {
  REQUIRE_ROOT();
  const ino_t home = currentNetns();
  const std::string absent = "ipmibd-scope-absent-" + std::to_string(::getpid());
  {
    NetnsScope scope(absent);
    CHECK(scope.result().status == platform::Status::NotFound);
    CHECK(currentNetns() == home);
  }
  // What `ip netns add` leaves for a moment: the file under /run/netns before the namespace is
  // bind-mounted on it. setns says EINVAL; the contexts code retries NotFound.
  const std::string early = "ipmibd-scope-early-" + std::to_string(::getpid());
  const std::string path = "/run/netns/" + early;
  ::mkdir("/run/netns", 0755);
  { std::ofstream(path).put('\0'); }
  {
    NetnsScope scope(early);
    CHECK(scope.result().status == platform::Status::NotFound);
    CHECK(scope.result().message.find("setns") != std::string::npos);
    CHECK(currentNetns() == home);
  }
  ::unlink(path.c_str());
  CHECK(currentNetns() == home);
}

TEST_CASE("NetnsScope without the privilege is AccessDenied", "[netns]") {
  REQUIRE_ROOT();
  TestNamespace ns("scope");
  // A child that dropped root (every capability with it) tries the namespace; the parent reads
  // the status from its exit code.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    NetnsScope scope(ns.name());
    ::_exit(scope.result().status == platform::Status::AccessDenied ? 0 : 1 + int(scope.result().ok()));
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

} // namespace
} // namespace ipmibd::testing
