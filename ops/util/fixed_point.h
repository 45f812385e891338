// gemmlowp's fixed-point transcendental functions, as TFLite's reference
// quantized SOFTMAX uses them, reproduced exactly in IR on i32 scalars. A
// FixedPoint<int32, k> value is its raw i32 with k integer bits.
#pragma once

#include "llvm/IR/IRBuilder.h"

namespace jitlite::ops {

// gemmlowp's SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0: x
// shifted left, saturated to the int32 range.
llvm::Value* EmitSaturatingShiftLeft(llvm::IRBuilder<>& b, llvm::Value* x, int exponent);

// exp(a) for a FixedPoint<int32, integer_bits> a <= 0; the result has 0
// integer bits (gemmlowp's exp_on_negative_values).
llvm::Value* EmitExpOnNegativeValues(llvm::IRBuilder<>& b, llvm::Value* a, int integer_bits);

// 1 / (1 + a) for a FixedPoint<int32, 0> a in [0, 1); the result has 0
// integer bits (gemmlowp's one_over_one_plus_x_for_x_in_0_1, Newton-Raphson).
llvm::Value* EmitOneOverOnePlusX(llvm::IRBuilder<>& b, llvm::Value* a);

// log(x) for a FixedPoint<int32, input_bits> x >= 1, with output_bits
// integer bits (TFLite's log_x_for_x_greater_than_or_equal_to_1: x split
// into a power of two and a mantissa near 1, a rational approximation of the
// mantissa's log, accumulated with one extra integer bit). Quantized
// LOG_SOFTMAX takes the log of its sum of exps with it.
// TFLite's GetInvSqrtQuantizedMultiplierExp(x, reverse_shift = -1) for an
// i32 x >= 0 (a sum of squares): 1 / sqrt(x) as a multiplier and a shift
// (TFLite's MultiplyByQuantizedMultiplier convention, here <= 0), by five
// Newton-Raphson steps with 3 integer bits; x <= 1 gives (INT32_MAX, 0).
struct RuntimeMultiplier {
  llvm::Value* multiplier;  // i32
  llvm::Value* shift;       // i32
};
RuntimeMultiplier EmitInverseSqrtMultiplier(llvm::IRBuilder<>& b, llvm::Value* x);

llvm::Value* EmitLogXGreaterOrEqualOne(llvm::IRBuilder<>& b, llvm::Value* x, int input_bits,
                                       int output_bits);

}  // namespace jitlite::ops
