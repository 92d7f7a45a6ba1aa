// Unit tests of SetTransactions: Net-SNMP's SET modes as an AgentX subagent sees them (one agent
// session per phase PDU, the requests and their error statuses carried over by Net-SNMP's set
// cache), over the simulator with injected faults: which request carries which error after each phase.
#include "agent/common/set_transactions.h"

#include "platform/sim/sim_backend.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <vector>

using namespace ipmibd;
using namespace std::chrono_literals;
using platform::Status;
using platform::sim::Operation;
using platform::sim::SimBackend;

namespace {

const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
addr add 192.0.2.2/24 dev eth0
)";

// One SET PDU of inetCidrRouteStatus = createAndGo varbinds, driven phase by phase like the
// AgentX subagent code drives it: each phase arrives with its own agent session, the requests
// (with whatever status earlier phases left on them) are the same.
class SetPdu {
public:
  SetPdu(const tables::MibObject& object, const std::vector<tables::Oid>& names) : object_(object) {
    vars_.resize(names.size());
    requests_.resize(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::vector<oid> name(names[i].begin(), names[i].end());
      REQUIRE(snmp_set_var_objid(&vars_[i], name.data(), name.size()) == 0);
      const long createAndGo = 4;
      REQUIRE(snmp_set_var_typed_value(&vars_[i], ASN_INTEGER, &createAndGo, sizeof createAndGo) == 0);
      requests_[i].requestvb = &vars_[i];
      requests_[i].index = int(i) + 1;
      requests_[i].next = i + 1 < names.size() ? &requests_[i + 1] : nullptr;
    }
    pdu_.sessid = 7;
    pdu_.transid = 42;
  }
  ~SetPdu() {
    for (auto& var : vars_)
      snmp_reset_var_buffers(&var);
    agent::SetTransactions::instance().clear();
  }
  SetPdu(const SetPdu&) = delete;
  SetPdu& operator=(const SetPdu&) = delete;

  void run(int mode, const tables::RequestContext& context) {
    netsnmp_agent_session& asp = sessions_.at(phase_++);
    asp.pdu = &pdu_;
    asp.requests = requests_.data();
    asp.vbcount = int(requests_.size());
    netsnmp_agent_request_info reqinfo{};
    reqinfo.asp = &asp;
    reqinfo.mode = mode;
    agent::SetTransactions::instance().handle(&reqinfo, requests_.data(), object_, context, nullptr);
  }
  // The error status each request carries, in varbind order.
  std::vector<int> statuses() const {
    std::vector<int> out;
    for (const auto& request : requests_)
      out.push_back(request.status);
    return out;
  }

private:
  const tables::MibObject& object_;
  netsnmp_pdu pdu_{};
  std::array<netsnmp_agent_session, 6> sessions_{};
  std::size_t phase_ = 0;
  std::vector<netsnmp_variable_list> vars_;
  std::vector<netsnmp_request_info> requests_;
};

struct Fixture {
  platform::Result error;
  std::unique_ptr<SimBackend> backend = [this] {
    platform::sim::SimOptions options;
    options.manualClock = true;
    return SimBackend::fromScenario(kScenario, "test", error, options);
  }();
  tables::InetCidrRouteTable routes;
  tables::RequestContext context{backend->now(), backend->now()};

  Fixture() {
    REQUIRE(backend);
    REQUIRE(routes.attach(*backend).ok());
    settle();
  }
  void settle() {
    for (int i = 0; i < 100; ++i) {
      bool more = backend->dispatch(20ms);
      more = routes.applyPending(20ms) || more;
      if (!more) return;
    }
  }
  const tables::MibObject& table() const { return *routes.objects()[1]; }
  // inetCidrRouteStatus of 203.0.113.LAST/26 via 192.0.2.1.
  static tables::Oid statusOf(tables::SubId last) {
    return tables::InetCidrRouteTable::entryOid() +
           tables::Oid{17, 1, 4, 203, 0, 113, last, 26, 2, 0, 0, 1, 4, 192, 0, 2, 1};
  }
  std::size_t routeCount() {
    std::vector<platform::RouteRow> table;
    REQUIRE(backend->getIpForwardTable2(platform::Family::V4, table).ok());
    return table.size();
  }
};

} // namespace

TEST_CASE("an ACTION failure marks its varbind commitFailed; the UndoSet after it answers noError",
          "[agent][set]") {
  Fixture f;
  const std::size_t before = f.routeCount();
  f.backend->injectFault(Operation::CreateRoute, Status::GeneralFailure, 1, "refused", 1);
  SetPdu pdu(f.table(), {Fixture::statusOf(0), Fixture::statusOf(64)});
  pdu.run(MODE_SET_RESERVE1, f.context);
  pdu.run(MODE_SET_RESERVE2, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_NOERROR});
  pdu.run(MODE_SET_ACTION, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_COMMITFAILED});
  CHECK(f.routeCount() == before); // the first create was rolled back within ACTION
  // The master answers the manager commitFailed and sends UndoSet; ACTION already undid
  // everything, so the undo succeeds and must not repeat commitFailed (RFC 2741 7.2.4.3).
  pdu.run(MODE_SET_UNDO, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_NOERROR});
  CHECK(agent::SetTransactions::instance().size() == 0);
}

TEST_CASE("an undo failing within ACTION marks the failing varbind undoFailed", "[agent][set]") {
  Fixture f;
  const std::size_t before = f.routeCount();
  f.backend->injectFault(Operation::CreateRoute, Status::GeneralFailure, 1, {}, 1);
  f.backend->injectFault(Operation::DeleteRoute, Status::Busy, 1);
  SetPdu pdu(f.table(), {Fixture::statusOf(0), Fixture::statusOf(64)});
  pdu.run(MODE_SET_RESERVE1, f.context);
  pdu.run(MODE_SET_RESERVE2, f.context);
  pdu.run(MODE_SET_ACTION, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_UNDOFAILED});
  CHECK(f.routeCount() == before + 1); // the first route stays: exactly what the log names
  pdu.run(MODE_SET_UNDO, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_NOERROR});
}

TEST_CASE("an UndoSet after a successful ACTION undoes it, and reports undoFailed when it cannot",
          "[agent][set]") {
  Fixture f;
  const std::size_t before = f.routeCount();
  {
    // Another part of the PDU (another subagent) failed: the master undoes ours.
    SetPdu pdu(f.table(), {Fixture::statusOf(0), Fixture::statusOf(64)});
    pdu.run(MODE_SET_RESERVE1, f.context);
    pdu.run(MODE_SET_RESERVE2, f.context);
    pdu.run(MODE_SET_ACTION, f.context);
    CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_NOERROR});
    CHECK(f.routeCount() == before + 2);
    pdu.run(MODE_SET_UNDO, f.context);
    CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_NOERROR});
    CHECK(f.routeCount() == before);
  }
  f.settle();
  SetPdu pdu(f.table(), {Fixture::statusOf(0), Fixture::statusOf(64)});
  pdu.run(MODE_SET_RESERVE1, f.context);
  pdu.run(MODE_SET_RESERVE2, f.context);
  pdu.run(MODE_SET_ACTION, f.context);
  REQUIRE(f.routeCount() == before + 2);
  f.backend->injectFault(Operation::DeleteRoute, Status::Busy, 1);
  pdu.run(MODE_SET_UNDO, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_UNDOFAILED, SNMP_ERR_NOERROR});
  CHECK(f.routeCount() == before + 1);
}

TEST_CASE("a refusal in RESERVE1 marks its varbind; nothing runs after it", "[agent][set]") {
  Fixture f;
  const std::size_t before = f.routeCount();
  // Host bits set in the destination (203.0.113.129/26): inconsistentName on the second varbind.
  SetPdu pdu(f.table(), {Fixture::statusOf(0), Fixture::statusOf(129)});
  pdu.run(MODE_SET_RESERVE1, f.context);
  CHECK(pdu.statuses() == std::vector<int>{SNMP_ERR_NOERROR, SNMP_ERR_INCONSISTENTNAME});
  pdu.run(MODE_SET_FREE, f.context);
  CHECK(f.routeCount() == before);
  CHECK(agent::SetTransactions::instance().size() == 0);
}
