// Scenario parser: turns iproute2-style scenario text into commands, without touching any state.
//
// One statement per line; `#` starts a comment; blank lines are fine. The commands are a subset of
// `ip` syntax, so the same strings also work as `ip -n NS <command>` against Linux:
//   [ip] [-4|-6] [-n NS]  link add [name] NAME [mtu N] [address MAC] type {ether|dummy|loopback|veth peer
//   [name] PEER|vrf table N|bridge}
//                         link add link PARENT name NAME type {vlan id N|macvlan [mode MODE]}
//                         link set [dev] NAME [up|down] [mtu N] [address MAC] [alias TEXT]
//                              [master BRIDGE|VRF|nomaster]
//                         link {del|delete} [dev] NAME
//                         addr {add|replace|change|del} PREFIX dev NAME [nodad] [valid_lft N|forever]
//                         [preferred_lft N|forever]
//                              [broadcast|brd ADDR]
//                         route {add|replace|change|del} [TYPE] PREFIX|default [via ADDR] [dev NAME] [metric
//                         N]
//                              [proto NAME|N] [table N|main|local] [src ADDR] [onlink]
//                              [expires SECONDS] [pref low|medium|high]   (IPv6: e.g. an RA's default
//                              route: `route add default via fe80::1 dev v0 proto ra expires 1800 pref high`)
//                              [nexthop via ADDR dev NAME [weight N] [onlink] ...]
//                         neigh {add|replace|change|del} ADDR [lladdr MAC] dev NAME [nud STATE] [router]
//                         addrlabel {add|del} prefix PREFIX [dev NAME] [label N]
//   sysctl [-w] [-q] KEY=VALUE
//   {mcast|anycast} {join|leave} ADDRESS dev NAME   (simulator-only: a socket's group or anycast
//                         membership, IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP / IPV6_JOIN_ANYCAST)
//   path add DEST [dev NAME [via ADDR] [mtu N] [expires SECONDS]] [src ADDR] [rtt US [rttvar US]]
//   path del DEST [dev NAME]
//   [-4|-6] path flush       (simulator-only, issue 19: what an ICMP fragmentation-needed /
//                         packet-too-big (`mtu`) or a redirect (`via`) leaves, a route exception on
//                         `dev`, and what a closed TCP connection leaves, a TCP metric with
//                         `rtt`/`rttvar` in microseconds, per destination and `src`)
//   every DURATION {route flap ROUTE-ARGS | neigh cycle ADDR dev NAME [lladdr MAC] | COMMAND}
//   at DURATION COMMAND
//   fault OPERATION STATUS [skip N] [count N|forever] [message TEXT]
// `ether` and `loopback` link types are simulator-only (iproute2 has no such kinds); iproute2 wants
// link options before `type`, the parser also takes them after it. Durations: 500ms, 2s, 1m, 1h, or
// plain seconds. Names are not resolved here: unknown devices are reported when a command is applied.
// `fault` is simulator-only: it arms the backend's fault injection (FaultPlan) so a running ipmibd can
// be driven into failing platform calls. OPERATION is a FaultPlan name (create-route, delete-route,
// set-route, create-neighbor, set-neighbor, delete-neighbor, create-address, set-global, ..., or any);
// STATUS a failure Status in kebab-case (general-failure, network-unreachable, access-denied, busy,
// ...). `skip N` lets N calls of OPERATION pass first; `count` (default 1) is how many then fail;
// `message` is the failure's text (default "injected fault"). Faults are armed in line order, at load
// or, through SimBackend::apply(), when the line is applied.
#pragma once

#include "platform/rows.h"
#include "platform/sim/fault_plan.h"
#include "platform/sim/link_kind.h"
#include "platform/status.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ipmibd::platform::sim {

struct LinkAddCommand {
  std::string name;
  LinkKind kind = LinkKind::Ether;
  std::string peer;                    // veth
  std::string parent;                  // vlan: `link PARENT`
  std::optional<std::uint16_t> vlanId; // vlan: `id N` (checked, not modelled further)
  std::optional<std::uint32_t> mtu;
  std::optional<PhysicalAddress> address;
  std::uint32_t table = 0; // vrf
};

struct LinkSetCommand {
  std::string name;
  std::optional<bool> up;
  std::optional<std::uint32_t> mtu;
  std::optional<PhysicalAddress> address;
  std::optional<std::string> alias;
  std::optional<std::string> master; // `master NAME` (a bridge or a VRF); "" for `nomaster`
};

struct LinkDeleteCommand {
  std::string name;
};

enum class Verb : std::uint8_t { Add, Replace, Change, Delete };

struct AddressCommand {
  Verb verb = Verb::Add;
  IpPrefix prefix; // the address with its prefix length
  std::string device;
  bool nodad = false; // no DAD for this address (the simulator's DAD: see sim_kernel.h)
  std::optional<std::uint32_t> validLifetime, preferredLifetime;
  std::optional<IpAddress> broadcast;
};

struct NextHopArgs {
  std::optional<IpAddress> via;
  std::string device;
  std::uint8_t weight = 1;
  bool onlink = false;
};

struct RouteCommand {
  Verb verb = Verb::Add;
  std::optional<RouteType> type;
  IpPrefix destination;
  std::vector<NextHopArgs> nextHops; // one (maybe empty) for single-path routes
  bool multipath = false;
  std::optional<std::uint32_t> metric;
  std::optional<std::uint8_t> protocol;
  std::optional<std::uint32_t> table;
  std::optional<IpAddress> source;
  std::optional<std::uint32_t> expires;             // `expires SECONDS` (IPv6, as ip route)
  std::optional<RouterPreference> routerPreference; // `pref low|medium|high` (IPv6, RFC 4191)
};

struct NeighborCommand {
  Verb verb = Verb::Add;
  IpAddress address;
  std::optional<PhysicalAddress> lladdr;
  std::string device;
  std::optional<NeighborState> state;
  bool router = false;
};

struct SysctlCommand {
  std::string key; // dotted: net.ipv4.ip_forward
  long long value = 0;
};

// `ip addrlabel {add|del} prefix PREFIX [dev NAME] [label N]` (issue 19, h-sort); add needs the label.
struct AddressLabelCommand {
  bool add = true;
  IpPrefix prefix;
  std::string device; // empty: every interface
  std::optional<std::uint32_t> label;
};

// Simulator-only: what a socket does with IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP (`mcast join`) or
// IPV6_JOIN_ANYCAST (`anycast join`), and the matching leaves.
struct GroupCommand {
  bool anycast = false;
  bool join = true;
  IpAddress address;
  std::string device;
};

// Simulator-only (issue 19): an IP path's route exception and/or TCP metric, or their removal.
struct PathCommand {
  enum class Action : std::uint8_t { Add, Delete, Flush } action = Action::Add;
  Family family = Family::Unspecified; // flush: `-4` / `-6`
  IpAddress destination;
  std::string device;                       // the exception's link (add: needed with mtu/via)
  std::optional<IpAddress> gateway;         // `via`: a redirect's next hop
  std::optional<std::uint32_t> mtu;         // the exception's path MTU
  std::optional<std::uint32_t> expires;     // seconds
  std::optional<IpAddress> source;          // the TCP metric's source
  std::optional<std::uint32_t> rtt, rttvar; // microseconds; rtt makes a TCP metric
};

using Command = std::variant<LinkAddCommand, LinkSetCommand, LinkDeleteCommand, AddressCommand, RouteCommand,
                             NeighborCommand, SysctlCommand, AddressLabelCommand, GroupCommand, PathCommand>;

// Alternately deletes and adds the route (whichever undoes the current state).
struct RouteFlap {
  RouteCommand route;
};
// Moves a neighbor through reachable -> stale -> delay -> reachable; creates it (reachable) when
// missing and an lladdr is known.
struct NeighborCycle {
  IpAddress address;
  std::string device;
  std::optional<PhysicalAddress> lladdr;
};
using FeedAction = std::variant<Command, RouteFlap, NeighborCycle>;

struct TimerStatement {
  std::chrono::milliseconds time{0}; // period (every) or offset from load (at)
  bool repeat = false;
  FeedAction action;
};

struct FaultStatement {
  Operation operation = Operation::Any;
  Status status = Status::GeneralFailure;
  int skip = 0;
  int count = 1; // -1: forever
  std::string message;
};

using Statement = std::variant<Command, TimerStatement, FaultStatement>;

struct ScenarioLine {
  int number = 0;
  Statement statement;
};

// One line: Success with nullopt for a blank or comment line, InvalidParameter with the reason for a
// line that is not a valid statement.
Result parseLine(std::string_view line, std::optional<Statement>& statement);

// Every line of a scenario; the first bad one is reported as "ORIGIN:LINE: reason".
Result parseScenario(std::string_view text, std::string_view origin, std::vector<ScenarioLine>& lines);

} // namespace ipmibd::platform::sim
