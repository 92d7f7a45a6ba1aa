// The scenario grammar (see scenario_parser.h): a tokenizer with shell-like quoting and a recursive
// descent parser per `ip` object; pure functions of the text.
#include "platform/sim/scenario_parser.h"

#include "platform/sim/route_protocol.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace ipmibd::platform::sim {

namespace {

Result bad(std::string message) { return Result::failure(Status::InvalidParameter, std::move(message)); }

// Splits on white space; '...' and "..." quote (for aliases); `#` at the start of a word ends the line.
Result tokenize(std::string_view line, std::vector<std::string>& out) {
  std::string word;
  bool inWord = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        word += c;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      inWord = true;
      continue;
    }
    if (c == '#' && !inWord) break;
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (inWord) out.push_back(std::exchange(word, {}));
      inWord = false;
      continue;
    }
    word += c;
    inWord = true;
  }
  if (quote != 0) return bad("unterminated quote");
  if (inWord) out.push_back(word);
  return Result::success();
}

template <class T> std::optional<T> parseNumber(std::string_view text) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  const auto count = parseNumber<std::uint32_t>(text.substr(0, digits));
  if (!count) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  const std::chrono::milliseconds value(*count);
  if (unit == "ms") return value;
  if (unit.empty() || unit == "s") return value * 1000;
  if (unit == "m") return value * 60'000;
  if (unit == "h") return value * 3'600'000;
  return std::nullopt;
}

std::optional<RouteType> routeTypeNamed(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, RouteType>, 10> kTypes{{
      {"unicast", RouteType::Unicast},
      {"local", RouteType::Local},
      {"blackhole", RouteType::Blackhole},
      {"unreachable", RouteType::Unreachable},
      {"prohibit", RouteType::Prohibit},
      {"throw", RouteType::Throw},
      {"broadcast", RouteType::Broadcast},
      {"anycast", RouteType::Anycast},
      {"multicast", RouteType::Multicast},
      {"nat", RouteType::Nat},
  }};
  for (const auto& [name, type] : kTypes)
    if (name == word) return type;
  return std::nullopt;
}

std::optional<NeighborState> neighborStateNamed(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, NeighborState>, 8> kStates{{
      {"permanent", NeighborState::Permanent},
      {"noarp", NeighborState::NoArp},
      {"reachable", NeighborState::Reachable},
      {"stale", NeighborState::Stale},
      {"delay", NeighborState::Delay},
      {"probe", NeighborState::Probe},
      {"failed", NeighborState::Unreachable},
      {"incomplete", NeighborState::Incomplete},
  }};
  for (const auto& [name, state] : kStates)
    if (name == word) return state;
  return std::nullopt;
}

std::optional<Verb> verbNamed(std::string_view word) {
  if (word == "add" || word == "a") return Verb::Add;
  if (word == "replace") return Verb::Replace;
  if (word == "change" || word == "chg") return Verb::Change;
  if (word == "del" || word == "delete" || word == "d") return Verb::Delete;
  return std::nullopt;
}

class LineParser {
public:
  explicit LineParser(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  Result statement(Statement& out) {
    if (accept("every") || accept("at")) return timer(tokens_[pos_ - 1] == "every", out);
    if (accept("fault")) return fault(out);
    Command command;
    if (auto r = parseCommand(command); !r.ok()) return r;
    out = std::move(command);
    return Result::success();
  }

private:
  bool done() const { return pos_ >= tokens_.size(); }
  bool accept(std::string_view word) {
    if (done() || tokens_[pos_] != word) return false;
    ++pos_;
    return true;
  }
  Result next(std::string_view what, std::string& value) {
    if (done()) return bad("missing " + std::string(what));
    value = tokens_[pos_++];
    return Result::success();
  }
  Result unexpected(std::string_view where) {
    return bad(std::string(where) + ": unexpected '" + tokens_[pos_ - 1] + "'");
  }

  Result timer(bool repeat, Statement& out) {
    std::string text;
    if (auto r = next("duration", text); !r.ok()) return r;
    const auto duration = parseDuration(text);
    if (!duration) return bad("invalid duration '" + text + "'");
    if (repeat && duration->count() == 0) return bad("period must be positive");
    TimerStatement timer{*duration, repeat, Command{}};
    if (repeat) {
      const std::size_t start = pos_;
      ipOptions();
      if (accept("route") && accept("flap")) {
        RouteFlap flap;
        if (auto r = routeArgs(flap.route); !r.ok()) return r;
        timer.action = std::move(flap);
        out = std::move(timer);
        return Result::success();
      }
      pos_ = start;
      ipOptions();
      if ((accept("neigh") || accept("neighbor") || accept("neighbour")) && accept("cycle")) {
        NeighborCycle cycle;
        if (auto r = cycleArgs(cycle); !r.ok()) return r;
        timer.action = std::move(cycle);
        out = std::move(timer);
        return Result::success();
      }
      pos_ = start;
      family_ = Family::Unspecified;
    }
    if (!done() && (tokens_[pos_] == "every" || tokens_[pos_] == "at")) return bad("timers cannot be nested");
    Command command;
    if (auto r = parseCommand(command); !r.ok()) return r;
    timer.action = std::move(command);
    out = std::move(timer);
    return Result::success();
  }

  void ipOptions() {
    accept("ip");
    while (!done()) {
      if (accept("-4")) {
        family_ = Family::V4;
      } else if (accept("-6")) {
        family_ = Family::V6;
      } else if ((accept("-n") || accept("-netns")) && !done()) {
        ++pos_; // the namespace: the simulator is one
      } else {
        break;
      }
    }
  }

  Result parseCommand(Command& out) {
    if (accept("sysctl")) return sysctl(out);
    if (accept("mcast")) return group(out, false);
    if (accept("anycast")) return group(out, true);
    ipOptions();
    std::string object;
    if (auto r = next("command", object); !r.ok()) return r;
    if (object == "link" || object == "l") return link(out);
    if (object == "address" || object == "addr" || object == "a") return address(out);
    if (object == "route" || object == "r" || object == "ro") return route(out);
    if (object == "neighbour" || object == "neighbor" || object == "neigh" || object == "n")
      return neighbor(out);
    if (object == "addrlabel" || object == "addrl") return addressLabel(out);
    if (object == "path") return path(out); // issue 19, simulator-only
    return bad("unknown command '" + object + "'");
  }

  // ---- IP paths (simulator-only; issue 19)
  Result path(Command& out) {
    PathCommand c;
    c.family = family_;
    std::string verb;
    if (auto r = next("path verb", verb); !r.ok()) return r;
    if (verb == "flush") {
      c.action = PathCommand::Action::Flush;
      if (!done()) {
        ++pos_;
        return unexpected("path flush");
      }
      out = std::move(c);
      return Result::success();
    }
    if (verb != "add" && verb != "del" && verb != "delete") return bad("unknown path verb '" + verb + "'");
    c.action = verb == "add" ? PathCommand::Action::Add : PathCommand::Action::Delete;
    std::string text;
    if (auto r = next("destination", text); !r.ok()) return r;
    if (auto r = addressArg(text, c.destination); !r.ok()) return r;
    while (!done()) {
      const bool add = c.action == PathCommand::Action::Add;
      if (accept("dev")) {
        if (auto r = next("device name", c.device); !r.ok()) return r;
      } else if (add && accept("via")) {
        IpAddress a;
        if (auto r = next("gateway", text); !r.ok()) return r;
        if (auto r = addressArg(text, a); !r.ok()) return r;
        c.gateway = a;
      } else if (add && accept("src")) {
        IpAddress a;
        if (auto r = next("source", text); !r.ok()) return r;
        if (auto r = addressArg(text, a); !r.ok()) return r;
        c.source = a;
      } else if (add && accept("mtu")) {
        std::uint32_t v = 0;
        if (auto r = numberArg("mtu", 68, 65535, v); !r.ok()) return r;
        c.mtu = v;
      } else if (add && accept("expires")) {
        std::uint32_t v = 0;
        if (auto r = numberArg("expires", 1, 0x7fffffff, v); !r.ok()) return r;
        c.expires = v;
      } else if (add && accept("rtt")) {
        std::uint32_t v = 0;
        if (auto r = numberArg("rtt", 1, 0xffffffffu, v); !r.ok()) return r;
        c.rtt = v;
      } else if (add && accept("rttvar")) {
        std::uint32_t v = 0;
        if (auto r = numberArg("rttvar", 0, 0xffffffffu, v); !r.ok()) return r;
        c.rttvar = v;
      } else {
        ++pos_;
        return unexpected("path");
      }
    }
    if (c.action == PathCommand::Action::Add) {
      const bool exception = c.mtu || c.gateway || c.expires;
      if (c.rttvar && !c.rtt) return bad("'rttvar' needs 'rtt'");
      if (exception && c.device.empty()) return bad("'path add' with mtu, via or expires needs 'dev NAME'");
      if (!exception && !c.rtt) return bad("'path add' needs mtu, via or rtt");
      if (c.source && !c.rtt) return bad("'src' belongs to a TCP metric: give 'rtt'");
    }
    out = std::move(c);
    return Result::success();
  }

  Result addressArg(const std::string& text, IpAddress& out) {
    const auto address = IpAddress::parse(text);
    if (!address) return bad("invalid address '" + text + "'");
    if (family_ != Family::Unspecified && address->family() != family_)
      return bad("'" + text + "' is not an " + std::string(toString(family_)) + " address");
    out = *address;
    return Result::success();
  }

  Result prefixArg(const std::string& text, IpPrefix& out) {
    const auto prefix = IpPrefix::parse(text);
    if (!prefix) return bad("invalid prefix '" + text + "'");
    if (family_ != Family::Unspecified && prefix->family() != family_)
      return bad("'" + text + "' is not an " + std::string(toString(family_)) + " prefix");
    out = *prefix;
    return Result::success();
  }

  Result macArg(std::optional<PhysicalAddress>& out) {
    std::string text;
    if (auto r = next("link-layer address", text); !r.ok()) return r;
    const auto mac = parsePhysicalAddress(text);
    if (!mac || mac->empty()) return bad("invalid link-layer address '" + text + "'");
    out = *mac;
    return Result::success();
  }

  Result numberArg(std::string_view what, std::uint32_t low, std::uint32_t high, std::uint32_t& out) {
    std::string text;
    if (auto r = next(what, text); !r.ok()) return r;
    const auto value = parseNumber<std::uint32_t>(text);
    if (!value || *value < low || *value > high)
      return bad("invalid " + std::string(what) + " '" + text + "'");
    out = *value;
    return Result::success();
  }

  Result lifetimeArg(std::string_view what, std::optional<std::uint32_t>& out) {
    if (accept("forever")) {
      out = kInfiniteLifetime;
      return Result::success();
    }
    std::uint32_t value = 0;
    if (auto r = numberArg(what, 0, kInfiniteLifetime, value); !r.ok()) return r;
    out = value;
    return Result::success();
  }

  // ---- socket memberships (simulator-only)
  Result group(Command& out, bool anycast) {
    GroupCommand c;
    c.anycast = anycast;
    std::string verb, address;
    if (auto r = next("join or leave", verb); !r.ok()) return r;
    if (verb != "join" && verb != "leave") return bad("expected 'join' or 'leave', got '" + verb + "'");
    c.join = verb == "join";
    if (auto r = next("address", address); !r.ok()) return r;
    if (auto r = addressArg(address, c.address); !r.ok()) return r;
    if (!accept("dev")) return bad("expected 'dev NAME'");
    if (auto r = next("device name", c.device); !r.ok()) return r;
    if (!done()) {
      ++pos_;
      return unexpected(anycast ? "anycast" : "mcast");
    }
    out = std::move(c);
    return Result::success();
  }

  // ---- link
  Result link(Command& out) {
    std::string verb;
    if (auto r = next("link verb", verb); !r.ok()) return r;
    if (verb == "add" || verb == "a") return linkAdd(out);
    if (verb == "set" || verb == "s") return linkSet(out);
    if (verb == "del" || verb == "delete" || verb == "d") {
      LinkDeleteCommand c;
      accept("dev");
      if (auto r = next("device name", c.name); !r.ok()) return r;
      if (!done()) {
        ++pos_;
        return unexpected("link del");
      }
      out = std::move(c);
      return Result::success();
    }
    return bad("unknown link verb '" + verb + "'");
  }

  Result linkAdd(Command& out) {
    LinkAddCommand c;
    bool typed = false;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      if (word == "name" || word == "dev") {
        if (auto r = next("device name", c.name); !r.ok()) return r;
      } else if (word == "mtu") {
        std::uint32_t mtu = 0;
        if (auto r = numberArg("mtu", 0, 0xffffffff, mtu); !r.ok()) return r;
        c.mtu = mtu;
      } else if (word == "address") {
        if (auto r = macArg(c.address); !r.ok()) return r;
      } else if (word == "link" && !typed) {
        if (auto r = next("parent device", c.parent); !r.ok()) return r;
      } else if (word == "id" && typed && c.kind == LinkKind::Vlan) {
        std::uint32_t id = 0;
        if (auto r = numberArg("vlan id", 0, 4094, id); !r.ok()) return r;
        c.vlanId = std::uint16_t(id);
      } else if (word == "type" && !typed) {
        std::string kind;
        if (auto r = next("link type", kind); !r.ok()) return r;
        typed = true;
        if (kind == "ether") {
          c.kind = LinkKind::Ether;
        } else if (kind == "dummy") {
          c.kind = LinkKind::Dummy;
        } else if (kind == "loopback") {
          c.kind = LinkKind::Loopback;
        } else if (kind == "bridge") {
          c.kind = LinkKind::Bridge;
        } else if (kind == "vlan") {
          c.kind = LinkKind::Vlan;
        } else if (kind == "macvlan") {
          c.kind = LinkKind::Macvlan;
          if (accept("mode")) {
            std::string mode;
            if (auto r = next("macvlan mode", mode); !r.ok()) return r;
            if (mode != "private" && mode != "vepa" && mode != "bridge" && mode != "passthru" &&
                mode != "source")
              return bad("unknown macvlan mode '" + mode + "'");
          }
        } else if (kind == "veth") {
          c.kind = LinkKind::Veth;
          if (!accept("peer")) return bad("veth needs 'peer name PEER'");
          accept("name");
          if (auto r = next("peer name", c.peer); !r.ok()) return r;
        } else if (kind == "vrf") {
          c.kind = LinkKind::Vrf;
          if (!accept("table")) return bad("vrf needs 'table N'");
          if (auto r = numberArg("vrf table", 1, 0xffffffff, c.table); !r.ok()) return r;
        } else {
          return bad("unknown link type '" + kind + "'");
        }
      } else if (c.name.empty() && !typed) {
        c.name = word;
      } else {
        return unexpected("link add");
      }
    }
    if (c.name.empty()) return bad("link add: missing device name");
    if (!typed) return bad("link add: missing 'type'");
    if (c.kind == LinkKind::Vlan && (c.parent.empty() || !c.vlanId))
      return bad("vlan needs 'link PARENT' and 'id N'");
    if (c.kind == LinkKind::Macvlan && c.parent.empty()) return bad("macvlan needs 'link PARENT'");
    if (c.kind != LinkKind::Vlan && c.kind != LinkKind::Macvlan && !c.parent.empty())
      return bad("'link PARENT' is for vlan and macvlan links");
    out = std::move(c);
    return Result::success();
  }

  Result linkSet(Command& out) {
    LinkSetCommand c;
    accept("dev");
    if (auto r = next("device name", c.name); !r.ok()) return r;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      if (word == "up" || word == "down") {
        c.up = word == "up";
      } else if (word == "mtu") {
        std::uint32_t mtu = 0;
        if (auto r = numberArg("mtu", 0, 0xffffffff, mtu); !r.ok()) return r;
        c.mtu = mtu;
      } else if (word == "address") {
        if (auto r = macArg(c.address); !r.ok()) return r;
      } else if (word == "alias") {
        std::string alias;
        if (auto r = next("alias", alias); !r.ok()) return r;
        c.alias = alias;
      } else if (word == "master") {
        std::string master;
        if (auto r = next("master device", master); !r.ok()) return r;
        c.master = master;
      } else if (word == "nomaster") {
        c.master = std::string();
      } else {
        return unexpected("link set");
      }
    }
    out = std::move(c);
    return Result::success();
  }

  // ---- addr
  Result address(Command& out) {
    std::string verbText;
    if (auto r = next("address verb", verbText); !r.ok()) return r;
    const auto verb = verbNamed(verbText);
    if (!verb) return bad("unknown address verb '" + verbText + "'");
    AddressCommand c;
    c.verb = *verb;
    bool havePrefix = false;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      if (word == "dev") {
        if (auto r = next("device name", c.device); !r.ok()) return r;
      } else if (word == "nodad") {
        c.nodad = true;
      } else if (word == "valid_lft") {
        if (auto r = lifetimeArg("valid_lft", c.validLifetime); !r.ok()) return r;
      } else if (word == "preferred_lft") {
        if (auto r = lifetimeArg("preferred_lft", c.preferredLifetime); !r.ok()) return r;
      } else if (word == "broadcast" || word == "brd") {
        std::string text;
        if (auto r = next("broadcast address", text); !r.ok()) return r;
        IpAddress broadcast;
        if (text != "+") {
          if (auto r = addressArg(text, broadcast); !r.ok()) return r;
        }
        c.broadcast = broadcast; // "+": derived from the prefix below
      } else if (!havePrefix && (word == "local" || word == "to")) {
        continue;
      } else if (!havePrefix) {
        if (auto r = prefixArg(word, c.prefix); !r.ok()) return r;
        havePrefix = true;
      } else {
        return unexpected("addr");
      }
    }
    if (!havePrefix) return bad("addr: missing address");
    if (c.device.empty()) return bad("addr: missing 'dev'");
    if (c.broadcast && c.broadcast->isUnspecified()) {
      if (!c.prefix.address.isV4()) return bad("addr: broadcast '+' needs an IPv4 prefix");
      IpAddress net = c.prefix.address.masked(c.prefix.length);
      std::array<std::uint8_t, 4> bytes{};
      for (unsigned i = 0; i < 4; ++i) {
        const unsigned first = i * 8;
        const std::uint8_t hostBits = first >= c.prefix.length ? 0xff
                                      : first + 8 <= c.prefix.length
                                          ? 0x00
                                          : std::uint8_t(0xff >> (c.prefix.length - first));
        bytes[i] = std::uint8_t(net.data()[i] | hostBits);
      }
      c.broadcast = IpAddress::v4(bytes);
    }
    out = std::move(c);
    return Result::success();
  }

  // ---- route
  Result route(Command& out) {
    std::string verbText;
    if (auto r = next("route verb", verbText); !r.ok()) return r;
    const auto verb = verbNamed(verbText);
    if (!verb) return bad("unknown route verb '" + verbText + "'");
    RouteCommand c;
    c.verb = *verb;
    if (auto r = routeArgs(c); !r.ok()) return r;
    out = std::move(c);
    return Result::success();
  }

  Result routeArgs(RouteCommand& c) {
    bool haveDestination = false;
    bool isDefault = false;
    NextHopArgs single;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      if (word == "nexthop") {
        c.multipath = true;
        c.nextHops.emplace_back();
        continue;
      }
      NextHopArgs& hop = c.multipath ? c.nextHops.back() : single;
      if (word == "via") {
        std::string text;
        if (auto r = next("gateway", text); !r.ok()) return r;
        if ((text == "inet" || text == "inet6")) {
          if (auto r = next("gateway", text); !r.ok()) return r;
        }
        IpAddress via;
        if (auto r = addressArg(text, via); !r.ok()) return r;
        hop.via = via;
      } else if (word == "dev" || word == "oif") {
        if (auto r = next("device name", hop.device); !r.ok()) return r;
      } else if (word == "onlink") {
        hop.onlink = true;
      } else if (word == "weight") {
        if (!c.multipath) return bad("route: 'weight' belongs to a 'nexthop'");
        std::uint32_t weight = 0;
        if (auto r = numberArg("weight", 1, 255, weight); !r.ok()) return r;
        hop.weight = std::uint8_t(weight);
      } else if (c.multipath) {
        return unexpected("route nexthop");
      } else if (word == "metric" || word == "priority" || word == "preference") {
        std::uint32_t metric = 0;
        if (auto r = numberArg("metric", 0, 0xffffffff, metric); !r.ok()) return r;
        c.metric = metric;
      } else if (word == "expires") {
        std::uint32_t seconds = 0;
        if (auto r = numberArg("expires", 1, kInfiniteLifetime - 1, seconds); !r.ok()) return r;
        c.expires = seconds;
      } else if (word == "pref") {
        // ip route's RFC 4191 router preference ("preference" is its alias of metric).
        std::string text;
        if (auto r = next("router preference", text); !r.ok()) return r;
        if (text == "low")
          c.routerPreference = RouterPreference::Low;
        else if (text == "medium")
          c.routerPreference = RouterPreference::Medium;
        else if (text == "high")
          c.routerPreference = RouterPreference::High;
        else
          return bad("invalid router preference '" + text + "'");
      } else if (word == "proto" || word == "protocol") {
        std::string text;
        if (auto r = next("protocol", text); !r.ok()) return r;
        c.protocol = parseProtocolName(text);
        if (!c.protocol) return bad("unknown protocol '" + text + "'");
      } else if (word == "table") {
        std::string text;
        if (auto r = next("table", text); !r.ok()) return r;
        if (text == "main")
          c.table = kMainRouteTable;
        else if (text == "local")
          c.table = kLocalRouteTable;
        else if (text == "default")
          c.table = 253;
        else if (auto table = parseNumber<std::uint32_t>(text))
          c.table = *table;
        else
          return bad("invalid table '" + text + "'");
      } else if (word == "src") {
        std::string text;
        IpAddress source;
        if (auto r = next("source address", text); !r.ok()) return r;
        if (auto r = addressArg(text, source); !r.ok()) return r;
        c.source = source;
      } else if (!haveDestination && word == "to") {
        continue;
      } else if (!haveDestination && !c.type && routeTypeNamed(word)) {
        c.type = routeTypeNamed(word);
      } else if (!haveDestination) {
        if (word == "default" || word == "all" || word == "any") {
          isDefault = true;
        } else if (auto r = prefixArg(word, c.destination); !r.ok()) {
          return r;
        }
        haveDestination = true;
      } else {
        return unexpected("route");
      }
    }
    if (!haveDestination) return bad("route: missing destination");
    if (!c.multipath) c.nextHops = {single};
    for (const auto& hop : c.nextHops)
      if (c.multipath && !hop.via && hop.device.empty()) return bad("route: empty 'nexthop'");
    if (isDefault) {
      // Like ip: the family comes from -4/-6, else from the gateway or source, else IPv4.
      Family family = family_;
      if (family == Family::Unspecified && !c.nextHops.empty() && c.nextHops.front().via)
        family = c.nextHops.front().via->family();
      if (family == Family::Unspecified && c.source) family = c.source->family();
      if (family == Family::Unspecified) family = Family::V4;
      c.destination = {IpAddress::zero(family), 0};
    }
    return Result::success();
  }

  // ---- neigh
  Result neighbor(Command& out) {
    std::string verbText;
    if (auto r = next("neighbor verb", verbText); !r.ok()) return r;
    const auto verb = verbNamed(verbText);
    if (!verb) return bad("unknown neighbor verb '" + verbText + "'");
    NeighborCommand c;
    c.verb = *verb;
    bool haveAddress = false;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      if (word == "lladdr") {
        if (auto r = macArg(c.lladdr); !r.ok()) return r;
      } else if (word == "dev") {
        if (auto r = next("device name", c.device); !r.ok()) return r;
      } else if (word == "nud") {
        std::string text;
        if (auto r = next("nud state", text); !r.ok()) return r;
        c.state = neighborStateNamed(text);
        if (!c.state) return bad("unknown nud state '" + text + "'");
      } else if (word == "router") {
        c.router = true;
      } else if (word == "proxy") {
        return bad("neigh: proxy entries are not supported");
      } else if (!haveAddress && word == "to") {
        continue;
      } else if (!haveAddress) {
        if (auto r = addressArg(word, c.address); !r.ok()) return r;
        haveAddress = true;
      } else {
        return unexpected("neigh");
      }
    }
    if (!haveAddress) return bad("neigh: missing address");
    if (c.device.empty()) return bad("neigh: missing 'dev'");
    out = std::move(c);
    return Result::success();
  }

  Result cycleArgs(NeighborCycle& c) {
    std::string text;
    if (auto r = next("neighbor address", text); !r.ok()) return r;
    if (auto r = addressArg(text, c.address); !r.ok()) return r;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      if (word == "dev") {
        if (auto r = next("device name", c.device); !r.ok()) return r;
      } else if (word == "lladdr") {
        if (auto r = macArg(c.lladdr); !r.ok()) return r;
      } else {
        return unexpected("neigh cycle");
      }
    }
    if (c.device.empty()) return bad("neigh cycle: missing 'dev'");
    return Result::success();
  }

  // ---- fault (simulator only)
  Result fault(Statement& out) {
    FaultStatement f;
    std::string text;
    if (auto r = next("fault operation", text); !r.ok()) return r;
    const auto operation = operationNamed(text);
    if (!operation) return bad("fault: unknown operation '" + text + "'");
    f.operation = *operation;
    if (auto r = next("fault status", text); !r.ok()) return r;
    const auto status = failureStatusNamed(text);
    if (!status) return bad("fault: unknown status '" + text + "'");
    f.status = *status;
    while (!done()) {
      const std::string word = tokens_[pos_++];
      std::uint32_t value = 0;
      if (word == "skip") {
        if (auto r = numberArg("skip", 0, 1'000'000, value); !r.ok()) return r;
        f.skip = int(value);
      } else if (word == "count" && accept("forever")) {
        f.count = -1;
      } else if (word == "count") {
        if (auto r = numberArg("count", 1, 1'000'000, value); !r.ok()) return r;
        f.count = int(value);
      } else if (word == "message") {
        if (auto r = next("message", f.message); !r.ok()) return r;
      } else {
        return unexpected("fault");
      }
    }
    out = std::move(f);
    return Result::success();
  }

  // ---- addrlabel (issue 19, h-sort)
  Result addressLabel(Command& out) {
    AddressLabelCommand c;
    std::string verb;
    if (auto r = next("addrlabel verb", verb); !r.ok()) return r;
    if (verb == "add")
      c.add = true;
    else if (verb == "del" || verb == "delete")
      c.add = false;
    else
      return bad("addrlabel: unknown verb '" + verb + "'");
    bool prefixSeen = false;
    while (!done()) {
      if (accept("prefix")) {
        std::string text;
        if (auto r = next("prefix", text); !r.ok()) return r;
        if (auto r = prefixArg(text, c.prefix); !r.ok()) return r;
        prefixSeen = true;
      } else if (accept("dev")) {
        if (auto r = next("device", c.device); !r.ok()) return r;
      } else if (accept("label")) {
        std::uint32_t label = 0;
        if (auto r = numberArg("label", 0, 0xfffffffe, label); !r.ok()) return r;
        c.label = label;
      } else {
        ++pos_;
        return unexpected("addrlabel");
      }
    }
    if (!prefixSeen) return bad("addrlabel: missing prefix");
    if (c.add && !c.label) return bad("addrlabel add: missing label");
    out = std::move(c);
    return Result::success();
  }

  // ---- sysctl
  Result sysctl(Command& out) {
    while (accept("-w") || accept("-q")) {}
    std::string assignment;
    if (auto r = next("KEY=VALUE", assignment); !r.ok()) return r;
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      return bad("sysctl: expected KEY=VALUE, got '" + assignment + "'");
    SysctlCommand c;
    c.key = assignment.substr(0, eq);
    for (char& ch : c.key)
      if (ch == '/') ch = '.';
    const auto value = parseNumber<long long>(std::string_view(assignment).substr(eq + 1));
    if (!value) return bad("sysctl: invalid value in '" + assignment + "'");
    c.value = *value;
    if (!done()) {
      ++pos_;
      return unexpected("sysctl");
    }
    out = std::move(c);
    return Result::success();
  }

  std::vector<std::string> tokens_;
  std::size_t pos_ = 0;
  Family family_ = Family::Unspecified;
};

} // namespace

Result parseLine(std::string_view line, std::optional<Statement>& statement) {
  statement.reset();
  std::vector<std::string> tokens;
  if (auto r = tokenize(line, tokens); !r.ok()) return r;
  if (tokens.empty()) return Result::success();
  Statement parsed;
  if (auto r = LineParser(std::move(tokens)).statement(parsed); !r.ok()) return r;
  statement = std::move(parsed);
  return Result::success();
}

Result parseScenario(std::string_view text, std::string_view origin, std::vector<ScenarioLine>& lines) {
  lines.clear();
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    std::optional<Statement> statement;
    if (auto r = parseLine(line, statement); !r.ok())
      return Result::failure(r.status, std::string(origin) + ":" + std::to_string(number) + ": " + r.message);
    if (statement) lines.push_back({number, std::move(*statement)});
    if (end == text.size()) break;
    start = end + 1;
  }
  return Result::success();
}

} // namespace ipmibd::platform::sim
