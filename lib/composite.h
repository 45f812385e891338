// STABLEHLO_COMPOSITE nodes name a decomposition subgraph that computes them
// (e.g. odml.group_norm as SUB/MUL/SUM/RSQRT...). TFLite calls that subgraph;
// jitlite splices its nodes into the main graph instead, so they are shape-
// inferred, fused and compiled with their neighbours like any other node.
#pragma once

#include <memory>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite {

// Subgraph `index` with every composite replaced by its decomposition (nested
// ones too), or null when it has none. The model's tensors keep their
// indices; tensors internal to a decomposition are appended after them.
StatusOr<std::unique_ptr<Subgraph>> InlineComposites(const Graph& graph, int index);

}  // namespace jitlite
