// Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE, CALL_ONCE)
// made static. Each variable (one container/shared_name pair) becomes a
// persistent variable tensor of the main subgraph, with the dtype and shape
// of the values assigned to it (they must agree: TFLite would reallocate).
// READ_VARIABLE copies that tensor, ASSIGN_VARIABLE overwrites it, and the
// VAR_HANDLE nodes go. A handle passed to a WHILE/IF (the converter's form
// of a variable used in a loop or branch) becomes the variable's value: the
// subgraphs read and assign it as a loop variable / branch output, and an
// ASSIGN_VARIABLE after the node stores what they leave. A CALL_ONCE init subgraph gives the variables their
// initial values (what its one run on the first invoke leaves): constants it
// assigns directly, values it computes through an InitProgram the
// interpreter compiles and runs once, at the first allocate_tensors (the
// subgraph has no inputs, so when it runs is not observable);
// reset_all_variables keeps them, as LiteRT does.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite {

constexpr int kCallOnceCode = 129;
constexpr int kVarHandleCode = 142;
constexpr int kReadVariableCode = 143;
constexpr int kAssignVariableCode = 144;

// A copy of `graph.executable_main()` rewritten so, or null when it uses no
// resource variables; an error names a form this rewrite does not cover.
// `init_programs` receives the init subgraphs that compute, `subgraphs` the
// WHILE/IF subgraphs rewritten to take variables by value (by index).
StatusOr<std::unique_ptr<Subgraph>> LowerResourceVariables(const Graph& graph,
                                                           std::vector<InitProgram>* init_programs,
                                                           std::map<int, Subgraph>* subgraphs);

}  // namespace jitlite
