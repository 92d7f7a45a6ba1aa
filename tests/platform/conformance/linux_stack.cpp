// The kernel side of the conformance fixture: a private network namespace with the shared topology,
// served by LinuxBackend and changed out of band with `ip -n NS ...`.
#include "platform/linux/linux_backend.h"
#include "platform/linux/netns.h"
#include "tests/platform/conformance/stack_under_test.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

extern char** environ;

namespace ipmibd::conformance {
namespace {

using platform::Result;
using platform::Status;

// Runs `ip <args>` and returns its outcome; stderr becomes the failure message so a failing
// topology step says what iproute2 complained about.
Result runIp(const std::vector<std::string>& args) {
  std::vector<std::string> argvStrings{"ip"};
  argvStrings.insert(argvStrings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argvStrings)
    argv.push_back(s.data());
  argv.push_back(nullptr);

  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0) return Result::failure(Status::GeneralFailure, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, "ip", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipeFds[1]);
  std::string errors;
  if (spawned == 0) {
    char buffer[512];
    ssize_t n;
    while ((n = read(pipeFds[0], buffer, sizeof buffer)) > 0)
      errors.append(buffer, std::size_t(n));
  }
  close(pipeFds[0]);
  if (spawned != 0) return Result::failure(Status::GeneralFailure, "cannot run ip");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Result::success();
  while (!errors.empty() && errors.back() == '\n')
    errors.pop_back();
  std::string command;
  for (const auto& a : argvStrings)
    command += (command.empty() ? "" : " ") + a;
  return Result::failure(Status::GeneralFailure, command + ": " + errors);
}

std::vector<std::string> splitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;)
    words.push_back(w);
  return words;
}

// Namespaces of earlier runs that died before their destructor ran (a crash, SIGKILL on timeout)
// would pile up; remove the ones whose creating process no longer exists.
void removeStaleNamespaces(const std::string& prefix) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const auto pid = std::atol(name.c_str() + prefix.size());
    if (pid > 0 && kill(pid_t(pid), 0) != 0 && errno == ESRCH) runIp({"netns", "del", name});
  }
}

// Owns the namespace: created in the constructor, deleted in the destructor (also when a test
// fails by exception), so no test leaves a namespace behind.
class Namespace {
public:
  explicit Namespace(std::string name) : name_(std::move(name)) { created_ = runIp({"netns", "add", name_}); }
  ~Namespace() {
    if (created_.ok()) runIp({"netns", "del", name_});
  }
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;
  const Result& created() const { return created_; }
  const std::string& name() const { return name_; }

private:
  std::string name_;
  Result created_;
};

class LinuxStack final : public StackUnderTest {
public:
  explicit LinuxStack(std::string name) : namespace_(std::move(name)) {}

  // Builds the topology and opens the backend; a failure here is a broken test environment.
  Result start() {
    if (!namespace_.created().ok()) return namespace_.created();
    // Tests create IPv6 addresses through the API, which has no "nodad": with DAD off they are
    // usable (preferred) at once, as in the simulator. `default` covers links created later.
    for (const char* key : {"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"})
      if (auto r = runIp({"netns", "exec", namespace_.name(), "sysctl", "-qw", key}); !r.ok()) return r;
    for (const auto& command : topologyCommands())
      if (auto r = outOfBand(command); !r.ok()) return r;
    // Issue 19 part C: the peer ends answer ARP from v0/v2, whose sender address is local to this
    // namespace and so a martian to source validation, as a peer in another namespace would.
    for (const char* key : {"net.ipv4.conf.v1.accept_local=1", "net.ipv4.conf.v3.accept_local=1"})
      if (auto r = runIp({"netns", "exec", namespace_.name(), "sysctl", "-qw", key}); !r.ok()) return r;
    platform::linux_backend::LinuxOptions options;
    options.netns = namespace_.name();
    Result error;
    backend_ = platform::linux_backend::LinuxBackend::open(options, error);
    if (!backend_) return error.ok() ? Result::failure(Status::GeneralFailure, "open returned null") : error;
    settle();
    return Result::success();
  }

  platform::Backend& backend() override { return *backend_; }
  bool isKernel() const override { return true; }
  Result outOfBand(const std::string& ipCommand) override {
    // `sysctl [-w] [-q] KEY=VALUE`, as scenarios write it (issue 19 part C), runs in the namespace.
    if (ipCommand.starts_with("sysctl ")) {
      std::vector<std::string> args{"netns", "exec", namespace_.name(), "sysctl", "-qw"};
      for (auto& w : splitWords(ipCommand.substr(7)))
        if (!w.starts_with("-")) args.push_back(std::move(w));
      return runIp(args);
    }
    std::vector<std::string> args{"-n", namespace_.name()};
    for (auto& w : splitWords(ipCommand))
      args.push_back(std::move(w));
    return runIp(args);
  }
  ~LinuxStack() override {
    for (auto& [key, fd] : groupSockets_)
      close(fd);
  }
  Result joinGroup(const std::string& group, const std::string& device) override {
    platform::linux_backend::NetnsScope scope(namespace_.name());
    if (!scope.result().ok()) return scope.result();
    const unsigned index = if_nametoindex(device.c_str());
    if (index == 0) return Result::failure(Status::NotFound, "no device " + device);
    const bool v6 = group.find(':') != std::string::npos;
    const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Result::failure(Status::GeneralFailure, std::strerror(errno));
    int rc;
    if (v6) {
      ipv6_mreq m{};
      inet_pton(AF_INET6, group.c_str(), &m.ipv6mr_multiaddr);
      m.ipv6mr_interface = index;
      rc = setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m);
    } else {
      ip_mreqn m{};
      inet_pton(AF_INET, group.c_str(), &m.imr_multiaddr);
      m.imr_ifindex = int(index);
      rc = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
    }
    if (rc != 0) {
      const Result r = Result::failure(Status::GeneralFailure, "join " + group + ": " + std::strerror(errno));
      close(fd);
      return r;
    }
    groupSockets_.emplace(std::pair{group, device}, fd);
    return Result::success();
  }
  // Closing the socket leaves its groups, as a process exiting does.
  Result leaveGroup(const std::string& group, const std::string& device) override {
    auto it = groupSockets_.find({group, device});
    if (it == groupSockets_.end())
      return Result::failure(Status::NotFound, group + " not joined on " + device);
    close(it->second);
    groupSockets_.erase(it);
    return Result::success();
  }

  // ---- Issue 19, IP paths ----
  Result buildPathLab() override {
    router_ = std::make_unique<Namespace>(namespace_.name() + "-r");
    host_ = std::make_unique<Namespace>(namespace_.name() + "-b");
    if (!router_->created().ok()) return router_->created();
    if (!host_->created().ok()) return host_->created();
    const std::string& a = namespace_.name();
    const std::string& r = router_->name();
    const std::string& b = host_->name();
    const std::string mtu = std::to_string(kPathLabMtu);
    const std::vector<std::vector<std::string>> steps = {
        {"-n", a, "link", "set", "v1", "netns", r},
        {"-n", r, "link", "set", "lo", "up"},
        {"-n", r, "link", "set", "v1", "up"},
        {"-n", r, "addr", "add", std::string(kPathLabRouter4) + "/24", "dev", "v1"},
        {"-n", r, "addr", "add", std::string(kPathLabRouter6) + "/64", "dev", "v1", "nodad"},
        {"-n", r, "link", "add", "rb", "mtu", mtu, "type", "veth", "peer", "name", "pb", "mtu", mtu, "netns",
         b},
        {"-n", r, "link", "set", "rb", "up"},
        {"-n", r, "addr", "add", "198.18.0.1/24", "dev", "rb"},
        {"-n", r, "addr", "add", "2001:db8:f::1/64", "dev", "rb", "nodad"},
        {"-n", b, "link", "set", "lo", "up"},
        {"-n", b, "link", "set", "pb", "up"},
        {"-n", b, "addr", "add", std::string(kPathLabHost4) + "/24", "dev", "pb"},
        {"-n", b, "addr", "add", std::string(kPathLabHost6) + "/64", "dev", "pb", "nodad"},
        {"-n", b, "route", "add", "default", "via", "198.18.0.1"},
        {"-n", b, "-6", "route", "add", "default", "via", "2001:db8:f::1"},
        {"netns", "exec", r, "sysctl", "-qw", "net.ipv4.ip_forward=1"},
        {"netns", "exec", r, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"},
    };
    for (const auto& step : steps)
      if (auto result = runIp(step); !result.ok()) return result;
    for (const auto& command : pathLabRoutes())
      if (auto result = outOfBand(command); !result.ok()) return result;
    return Result::success();
  }

  Result sendTooBig(const std::string& destination) override {
    Endpoint to;
    if (!to.set(destination, 9))
      return Result::failure(Status::InvalidParameter, "bad address " + destination);
    Descriptor fd;
    {
      platform::linux_backend::NetnsScope scope(namespace_.name());
      if (!scope.result().ok()) return scope.result();
      fd.fd = socket(to.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    }
    if (fd.fd < 0) return Result::failure(Status::GeneralFailure, std::strerror(errno));
    int on = 1;
    // DF on every datagram (IPv4), no local fragmentation (IPv6): a datagram over the path MTU is
    // refused with EMSGSIZE once the stack knows it.
    if (to.v6()) {
      int probe = IPV6_PMTUDISC_DO;
      setsockopt(fd.fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &probe, sizeof probe);
      setsockopt(fd.fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof on);
    } else {
      int probe = IP_PMTUDISC_DO;
      setsockopt(fd.fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
    }
    const std::vector<char> payload(1400, 'x');
    const auto deadline = std::chrono::steady_clock::now() + kSettleTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (sendto(fd.fd, payload.data(), payload.size(), 0, to.address(), to.length()) < 0) {
        if (errno == EMSGSIZE) return Result::success();
        return Result::failure(Status::GeneralFailure, "sendto " + destination + ": " + std::strerror(errno));
      }
      usleep(20'000);
    }
    return Result::failure(Status::GeneralFailure, "no path MTU below 1400 learned for " + destination);
  }

  Result tcpExchange(const std::string& destination) override {
    Endpoint to;
    if (!to.set(destination, 5001))
      return Result::failure(Status::InvalidParameter, "bad address " + destination);
    Descriptor listener, client, accepted;
    auto fail = [](const std::string& what) {
      return Result::failure(Status::GeneralFailure, what + ": " + std::strerror(errno));
    };
    {
      platform::linux_backend::NetnsScope scope(host_ ? host_->name() : std::string("?"));
      if (!scope.result().ok()) return scope.result();
      listener.fd = socket(to.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    {
      platform::linux_backend::NetnsScope scope(namespace_.name());
      if (!scope.result().ok()) return scope.result();
      client.fd = socket(to.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    if (listener.fd < 0 || client.fd < 0) return fail("socket");
    timeval timeout{5, 0};
    for (int fd : {listener.fd, client.fd}) {
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    }
    Endpoint any;
    any.set(to.v6() ? "::" : "0.0.0.0", 5001);
    if (bind(listener.fd, any.address(), any.length()) != 0 || listen(listener.fd, 1) != 0)
      return fail("listen");
    if (connect(client.fd, to.address(), to.length()) != 0) return fail("connect " + destination);
    accepted.fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (accepted.fd < 0) return fail("accept");
    setsockopt(accepted.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    // A few round trips, so TCP has RTT samples to save.
    char buffer[1000] = {};
    for (int round = 0; round < 3; ++round) {
      if (send(client.fd, buffer, sizeof buffer, 0) != ssize_t(sizeof buffer)) return fail("send");
      for (std::size_t got = 0; got < sizeof buffer;) {
        const ssize_t n = recv(accepted.fd, buffer, sizeof buffer - got, 0);
        if (n <= 0) return fail("server recv");
        got += std::size_t(n);
      }
      if (send(accepted.fd, buffer, 10, 0) != 10) return fail("server send");
      for (std::size_t got = 0; got < 10;) {
        const ssize_t n = recv(client.fd, buffer, 10 - got, 0);
        if (n <= 0) return fail("recv");
        got += std::size_t(n);
      }
    }
    // This side closes first: its socket ends in TIME_WAIT, where the kernel saves its metrics.
    close(std::exchange(client.fd, -1));
    if (recv(accepted.fd, buffer, sizeof buffer, 0) != 0) return fail("waiting for the FIN");
    return Result::success();
  }

private:
  struct Descriptor {
    int fd = -1;
    ~Descriptor() {
      if (fd >= 0) close(fd);
    }
  };
  struct Endpoint {
    sockaddr_storage storage{};
    bool set(const std::string& text, std::uint16_t port) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
      if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return true;
      }
      if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return true;
      }
      return false;
    }
    bool v6() const { return storage.ss_family == AF_INET6; }
    int family() const { return storage.ss_family; }
    const sockaddr* address() const { return reinterpret_cast<const sockaddr*>(&storage); }
    socklen_t length() const { return v6() ? sizeof(sockaddr_in6) : sizeof(sockaddr_in); }
  };

  Namespace namespace_; // declared first: destroyed after the backend that lives in it
  std::unique_ptr<platform::linux_backend::LinuxBackend> backend_;
  std::multimap<std::pair<std::string, std::string>, int> groupSockets_;
  std::unique_ptr<Namespace> router_, host_; // issue 19, IP paths: buildPathLab()'s R and B
};

} // namespace

std::unique_ptr<StackUnderTest> openStack() {
  if (geteuid() != 0) {
    WARN("skipped: the Linux conformance run needs root (network namespaces, veth pairs)");
    return nullptr;
  }
  static std::atomic<unsigned> counter{0};
  const std::string prefix = "ipmibd-conf-";
  static const bool cleaned = (removeStaleNamespaces(prefix), true);
  (void)cleaned;
  auto stack =
      std::make_unique<LinuxStack>(prefix + std::to_string(getpid()) + "-" + std::to_string(++counter));
  const auto started = stack->start();
  INFO("setting up the namespace topology: " << started.toString());
  REQUIRE(started.ok());
  return stack;
}

} // namespace ipmibd::conformance
