// Applying parsed scenario commands to the simulated kernel: device names are resolved here, then each
// command becomes the kernel request `ip` or `sysctl` would send.
#pragma once

#include "platform/sim/scenario_parser.h"
#include "platform/sim/sim_kernel.h"

namespace ipmibd::platform::sim {

// NotFound "unknown device 'eth9'" for a name no link has; otherwise the kernel's verdict.
Result applyCommand(SimKernel& kernel, const Command& command);
// A feed step: a command, one flap of a route, or one step of a neighbor's state cycle.
Result applyFeedAction(SimKernel& kernel, const FeedAction& action);

} // namespace ipmibd::platform::sim
