// Shared by PAD, PADV2 and MIRROR_PAD: the paddings input (an INT32/INT64
// [rank, 2] tensor of (before, after) pairs, which jitlite needs constant)
// and the PAD/PADV2 kernel that surrounds the input with one value.
#pragma once

#include <cstdint>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

struct PadParams {
  std::vector<int64_t> before, after;  // one per input dim
};

// Reads and checks input 1 (paddings) against input 0's rank: type, shape,
// constness, non-negative values, output dims within INT32.
StatusOr<PadParams> ReadPaddings(const NodeContext& ctx);

// Input 0's shape padded by p.
Shape PaddedShape(const Shape& in, const PadParams& p);

// Emits the padded copy of input 0 into output 0 (of shape out): per output
// dim the leading border, the span mapped to the input and the trailing
// border, so no element needs a bounds check. Border elements store
// `border_value` (a value emitted before the call, so it dominates the loops).
void EmitPadded(jit::KernelEmitter& e, const PadParams& p, const Shape& in, const Shape& out,
                llvm::Value* border_value);

// The value PAD/PADV2 pad with when no constant_values is given: zero, or
// for quantized (INT8/UINT8/INT16) outputs the output's zero point (a real
// 0), as TFLite does. As a register value, and as the stored bytes (folding).
llvm::Value* EmitDefaultPadValue(jit::KernelEmitter& e, const TensorState& out);
std::vector<uint8_t> DefaultPadBytes(const TensorState& out);

// TFLite's rule for a quantized pad value: constant_values (input 2) must be
// quantized exactly like the output.
Status CheckPadValueQuantization(const NodeContext& ctx);

}  // namespace jitlite::ops
