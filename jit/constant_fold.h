// Folding small elementwise nodes whose inputs are all constants (shape
// arithmetic such as the MUL in SHAPE -> STRIDED_SLICE -> MUL -> PACK ->
// RESHAPE, or values derived from pinned inputs): the op's own EmitElement
// runs on LLVM constants, which IRBuilder folds as it builds, so the result
// is exactly what the generated code would compute. Ops whose expression
// does not fold (calls, loops) are simply left to run as code.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op.h"

namespace jitlite::jit {

// Output elements up to which an elementwise node is folded.
constexpr int64_t kMaxFoldedElementwise = 64;

// True (and `out` = output 0's bytes) when the node could be folded.
bool FoldElementwise(const ops::OpDef& def, const ops::NodeContext& ctx,
                     std::vector<uint8_t>& out);

}  // namespace jitlite::jit
