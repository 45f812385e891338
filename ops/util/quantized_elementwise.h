// The quantized (INT8 / UINT8 / INT16) paths of the elementwise arithmetic
// and activation ops, bit-exact with TFLite's reference kernels
// (ops-reference.md §3). Parameters (multipliers, shifts, zero points,
// clamps) are computed in C++ at Prepare/emit time exactly as TFLite's
// Prepare computes them (same float/double steps) and become IR constants;
// the per-element work is integer IR on the stored values:
//  - ADD/SUB: each input rescaled to a common 2*max(s1, s2) grid after a
//    left shift (20 for 8-bit, 15 for INT16), summed, rescaled to the output;
//    SUB negates input 2's multiplier and adds, as TFLite does (not the same
//    rounding as subtracting). INT16 with pot_scale_int16 and power-of-two
//    symmetric scales uses TFLite's shift-only path instead.
//  - MUL: (x1 - zp1) * (x2 - zp2) times s1*s2/s_out (a float quotient), + zp_out.
//  - Requantize (RELU family, LEAKY_RELU): (x - zp_in) times s_in/s_out.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {

// Prepare of a quantized ADD/SUB/MUL: both inputs and the output of one
// quantized dtype with per-tensor parameters, a valid fused activation
// (TANH and SIGN_BIT clamp to the dtype's range only, as in LiteRT), numpy
// broadcasting up to `max_rank`; INT16 zero points 0 unless !int16_symmetric
// (DIV).
Status PrepareQuantizedArithmetic(NodeContext& ctx, std::string_view op, int activation,
                                  int max_rank, bool int16_symmetric = true);

// ADD (subtract = false) or SUB of two stored quantized values; returns the
// output's storage type. `pot_scale_int16` is the options' flag.
llvm::Value* EmitQuantizedAddSub(jit::ElementEmitter& e, const NodeContext& ctx,
                                 llvm::Value* a, llvm::Value* b, int activation,
                                 bool pot_scale_int16, bool subtract);
// Whether ADD/SUB takes TFLite's INT16 power-of-two path (and its extra
// Prepare checks); an error when TFLite's Prepare would fail.
StatusOr<bool> UsesPotInt16Path(const NodeContext& ctx, bool pot_scale_int16);

// MUL of two stored quantized values.
llvm::Value* EmitQuantizedMul(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* a,
                              llvm::Value* b, int activation);

// Prepare of a quantized unary op whose output has the input's dtype and
// shape (per-tensor parameters on both; INT16 needs zero points 0 when
// `int16_symmetric`).
Status PrepareQuantizedUnary(NodeContext& ctx, std::string_view op, bool int16_symmetric);

// A stored value re-expressed on the output grid: MBQM(x - zp_in, m) +
// zp_out, clamped to `range`, narrowed to the output's storage type.
llvm::Value* EmitRequantize(jit::ElementEmitter& e, llvm::Value* q, const TensorState& in,
                            const TensorState& out, QuantizedMultiplier m, IntRange range);

// TFLite's QuantizedReluX clamp: zp_out + round(f / s_out) in float for the
// finite bounds, limited to the dtype (an infinite hi: the dtype's max).
IntRange ReluXRange(const TensorState& out, float lo, float hi);

// TFLite's CheckedLog2: whether a scale is a power of two (within 1e-3 in
// log2, computed in float) and its rounded log2.
bool CheckedLog2(float scale, int* log2_rounded);

}  // namespace jitlite::ops

namespace jitlite::ops {

// TFLite's quantized RELU / RELU6 / RELU_N1_TO_1 / RELU_0_TO_1 (QuantizedReluX):
// requantize by s_in/s_out (a float quotient), clamp to [lo, hi] on the
// output grid (hi may be +inf).
llvm::Value* EmitQuantizedReluX(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q,
                                float lo, float hi);

// TFLite's INT8 SQUARED_DIFFERENCE: inputs rescaled as ADD's (left shift 7),
// the difference squared, times (2*max(s1, s2))^2 / (2^14 * s_out), + zp_out.
llvm::Value* EmitQuantizedSquaredDifference(jit::ElementEmitter& e, const NodeContext& ctx,
                                            llvm::Value* a, llvm::Value* b);

// The value of a 256-entry table (indexed by the stored 8-bit value, UINT8
// zero-extended, INT8 offset by 128), emitted as a private constant global
// of the module: for ops whose quantized result depends only on the stored
// input and is computed at compile time in C++ (RSQRT, HARD_SWISH).
llvm::Value* EmitTableLookup8(jit::ElementEmitter& e, llvm::Value* q, DType dtype,
                              const std::array<uint8_t, 256>& table, const char* name);

// TFLite's quantized ABS: |x - zp_in|, times s_in/s_out when the scales
// differ, + zp_out, clamped to the dtype.
llvm::Value* EmitQuantizedAbs(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q);

// a > b (greater) or a < b on stored values of `dtype`: ordered float
// comparison (false with a NaN), unsigned for UINT8 (stored as i8), signed
// otherwise. MAXIMUM/MINIMUM select with it.
llvm::Value* EmitStoredCompare(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y, DType dtype,
                               bool greater);

// TFLite's quantized LEAKY_RELU: identity (s_in/s_out) or alpha
// (s_in*alpha/s_out, in float) multiplier by the sign of x - zp_in; with a
// negative alpha, minus the product by |multiplier| (LiteRT's ties).
llvm::Value* EmitQuantizedLeakyRelu(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q,
                                    float alpha);

}  // namespace jitlite::ops
