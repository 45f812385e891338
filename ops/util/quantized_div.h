// TFLite's quantized DIV (reference DivElementwise, INT8 / UINT8 / INT16):
// the centred divisor's reciprocal in fixed point (gemmlowp's
// one_over_one_plus_x_for_x_in_0_1 after normalising it to [1, 2)), times the
// centred dividend shifted to its headroom, then one rescale by
// s1 / (s2 * s_out) and the fused activation's clamp. All integer IR.
#pragma once

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// a / b of two stored quantized values; returns the output's storage type. A
// divisor at its zero point (TFLite fails the invoke) is taken as one step.
llvm::Value* EmitQuantizedDiv(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* a,
                              llvm::Value* b, int activation);

}  // namespace jitlite::ops
