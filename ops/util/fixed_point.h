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

}  // namespace jitlite::ops
