// Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE, CALL_ONCE)
// made static. Each variable (one container/shared_name pair) becomes a
// persistent variable tensor of the main subgraph, with the dtype and shape
// of the values assigned to it (they must agree: TFLite would reallocate).
// READ_VARIABLE copies that tensor, ASSIGN_VARIABLE overwrites it, and the
// VAR_HANDLE nodes go. A CALL_ONCE init subgraph that assigns constants
// gives the variables their initial values (what its one run on the first
// invoke leaves); reset_all_variables keeps them, as LiteRT does.
#pragma once

#include <memory>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite {

constexpr int kCallOnceCode = 129;
constexpr int kVarHandleCode = 142;
constexpr int kReadVariableCode = 143;
constexpr int kAssignVariableCode = 144;

// A copy of `graph.executable_main()` rewritten so, or null when it uses no
// resource variables; an error names a form this rewrite does not cover.
StatusOr<std::unique_ptr<Subgraph>> LowerResourceVariables(const Graph& graph);

}  // namespace jitlite
