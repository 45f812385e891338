// Control flow (WHILE, IF): the subgraphs a node runs, shape-inferred at the
// shapes of the node's inputs, with the checks that make the node compilable
// as straight-line code around those subgraphs' kernels: a WHILE body keeps
// every loop variable's dtype and shape (else the loop runs on the host,
// see InferHostSubgraph), a condition yields one BOOL, IF branches agree on
// their outputs.
#pragma once

#include <vector>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite {

struct ShapedGraph;

constexpr int kIfCode = 118;
constexpr int kWhileCode = 119;
// Subgraphs running subgraphs deeper than this are refused (a subgraph that
// runs itself would never finish compiling).
constexpr int kMaxControlFlowDepth = 16;

bool IsControlFlow(const Node& node);

// The subgraphs `node` runs: WHILE {cond, body}, IF {then, else}. The model
// importer checked that they exist.
std::vector<int> ControlFlowSubgraphs(const Node& node);

// The node inputs a subgraph receives: all of WHILE's (the loop variables),
// IF's after the condition.
std::vector<int> ControlFlowArguments(const Node& node);

// Shape-infers the subgraphs of control-flow node `node` of `g` (stored in
// g.children) and sets the node's outputs (IF: the branches' outputs; WHILE:
// checks the body kept its loop variables). A main-graph WHILE whose body
// changes a variable's shape, an IF whose branches disagree on shapes, or
// either with a data-dependent op (WHERE, UNIQUE) in a subgraph gets no
// children: it sets g.host_loop_node, and the interpreter runs it between
// segments (InferHostSubgraph per argument shapes).
Status InferControlFlow(const Node& node, ShapedGraph& g);

// Subgraph k of WHILE/IF `node` (WHILE: 0 cond, 1 body; IF: 0 then, 1 else)
// at argument `shapes` (with `dtypes`), as the interpreter runs a host-run
// node. It may end at a data-dependent node (a segment); the segment that
// ends it is checked with CheckHostSubgraph: a condition's one BOOL, a
// body's outputs of the loop variables' `dtypes`, a branch's of the IF's
// output `dtypes`.
StatusOr<std::unique_ptr<ShapedGraph>> InferHostSubgraph(const std::vector<Subgraph>& subgraphs,
                                                         const Node& node, int k,
                                                         const std::vector<DType>& dtypes,
                                                         const std::vector<Shape>& shapes);
Status CheckHostSubgraph(const ShapedGraph& last_segment, const Node& node, int k,
                         const std::vector<DType>& dtypes);

}  // namespace jitlite
