// TFLite's integer arithmetic for quantized (INT8, UINT8, INT16) tensors,
// reproduced exactly (ops-reference.md §3): compile-time parameter helpers
// (QuantizeMultiplier, activation ranges) and IR for the fixed-point steps
// (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT and the default,
// double-rounding MultiplyByQuantizedMultiplier). The IR helpers work on i32
// scalars and on vectors of i32 alike (constants take x's type).
#pragma once

#include <cstdint>
#include <string>

#include "jitlite/status.h"
#include "llvm/IR/IRBuilder.h"
#include "ops/node_context.h"

namespace jitlite::ops {

// real ~= multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (or 0).
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

// TFLite's QuantizeMultiplier: frexp, round half away from zero to Q31, the
// 2^31 carry, and flush to zero below 2^-31.
QuantizedMultiplier QuantizeMultiplier(double real);

// Inclusive integer ranges.
struct IntRange {
  int32_t lo = 0;
  int32_t hi = 0;
};

bool IsQuantizedDType(DType dtype);  // INT8, UINT8, INT16
IntRange DTypeRange(DType dtype);    // e.g. [-128, 127] for INT8

// A tensor's per-tensor scale and zero point (the first entry).
float Scale(const TensorState& t);
int32_t ZeroPoint(const TensorState& t);
bool HasQuantization(const TensorState& t);
bool IsPerChannel(const TensorState& t);

// Checks that input/output i of a quantized node carries per-tensor
// quantization parameters (what most quantized kernels need).
Status ExpectPerTensorQuantization(const TensorState& t, const std::string& what);

// TFLite's CalculateActivationRangeQuantized: the clamp a fused activation
// (0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6; others: the dtype's range)
// becomes on the output's integer grid.
IntRange QuantizedActivationRange(int activation, const TensorState& output);

// ---- IR (i32 or <n x i32>) ----

// gemmlowp's SaturatingRoundingDoublingHighMul(a, b).
llvm::Value* EmitSaturatingRoundingDoublingHighMul(llvm::IRBuilder<>& b, llvm::Value* x,
                                                   llvm::Value* y);
// gemmlowp's RoundingDivideByPOT(x, exponent): shift right, ties away from 0.
llvm::Value* EmitRoundingDivideByPOT(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* exponent);
// TFLite's MultiplyByQuantizedMultiplier(int32 x, M, shift): compile-time
// parameters, or runtime ones (per-channel values loaded by the kernel).
llvm::Value* EmitMultiplyByQuantizedMultiplier(llvm::IRBuilder<>& b, llvm::Value* x,
                                               QuantizedMultiplier m);
llvm::Value* EmitMultiplyByQuantizedMultiplier(llvm::IRBuilder<>& b, llvm::Value* x,
                                               llvm::Value* multiplier, llvm::Value* shift);
// The same results for multipliers >= 0 (all that QuantizeMultiplier makes)
// in fewer operations, for the vector epilogues of the conv kernels: the
// doubling high multiply is floor((x * M + 2^30) / 2^31), which equals the
// nudge-then-truncate of the reference for every product (and saturates
// only for M = INT32_MIN); the rounding shift is the reference's, on i32.
llvm::Value* EmitMultiplyByNonNegativeQuantizedMultiplier(llvm::IRBuilder<>& b, llvm::Value* x,
                                                          llvm::Value* multiplier,
                                                          llvm::Value* shift);
// EmitMultiplyByNonNegativeQuantizedMultiplier on a vector of an even number
// of i32 lanes, its 32x32->64 products as pairs of even and odd lanes (one
// vpmuldq each); also what the constant-parameter overload emits for such
// vectors.
llvm::Value* EmitMultiplyByQuantizedMultiplierLanes(llvm::IRBuilder<>& b, llvm::Value* x,
                                                    llvm::Value* multiplier, llvm::Value* shift);
// The int64 overload (16x8 conv/FC accumulators): the multiplier reduced to
// 16 bits, one rounding shift; returns i32.
llvm::Value* EmitMultiplyByQuantizedMultiplier64(llvm::IRBuilder<>& b, llvm::Value* x_i64,
                                                 llvm::Value* multiplier, llvm::Value* shift);

// A stored quantized value widened to i32 (UINT8 zero-extends), and an i32
// narrowed back to the storage type (the caller clamps first).
llvm::Value* EmitWidenQuantized(llvm::IRBuilder<>& b, llvm::Value* q, DType dtype);
llvm::Value* EmitNarrowQuantized(llvm::IRBuilder<>& b, llvm::Value* x, DType dtype);
// max(lo, min(x, hi)) on i32 values.
llvm::Value* EmitClampInt(llvm::IRBuilder<>& b, llvm::Value* x, IntRange range);

// ---- added for the pooling, reduction and activation ops ----

// Checks a quantized op that keeps its type: output 0 has input 0's type and
// both carry per-tensor quantization parameters.
Status ExpectSameTypePerTensorQuantized(const NodeContext& ctx);

// TFLite's quantized MEAN: m (for s_in / s_out) with 1/count folded in,
// m.multiplier * 2^k / count and shift - k, k = floor(log2(count)) limited to
// 32 and to 31 + shift (count >= 1).
QuantizedMultiplier QuantizedMeanMultiplier(QuantizedMultiplier m, int64_t count);

}  // namespace jitlite::ops
