// SPDX-License-Identifier: MIT
#pragma once

#include "jobs.hpp"
#include "scenario_catalog.hpp"
#include "workspace.hpp"

namespace httplib {
class Server;
}

namespace tiersim::serve {

/// The routes of the JSON API (docs/workbench.md) and of the embedded page, on `server`.
/// Every path a handler touches is built from a checked job id, arm, replication or overlay
/// name (Workspace), never from the request's text as it is.
void add_routes(httplib::Server& server,
                const Workspace& workspace,
                ScenarioCatalog& catalog,
                JobQueue& jobs);

}  // namespace tiersim::serve
