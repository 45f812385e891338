// Helpers shared by the elementwise op files (SUB, MUL, DIV, MAXIMUM, RELU,
// ...) for the details where TFLite's float kernels differ from a naive
// max/min:
//  - fused activations are TFLite's CalculateActivationRange clamps:
//    RELU/RELU6/RELU_N1_TO_1 clamp, NaN passes through (std::max(x, lo) keeps
//    x when the comparison is false); TANH and SIGN_BIT are not applied by
//    arithmetic kernels at all, the value is only clamped to the finite float
//    range (integers: unchanged);
//  - dtype errors tell a type TFLite rejects (InvalidArgument) from one it
//    accepts but jitlite does not handle yet (Unimplemented).
#pragma once

#include <initializer_list>
#include <string_view>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// Checks input i's dtype: `supported` are handled; `not_yet` are accepted by
// TFLite but not by jitlite yet (quantized types): Unimplemented; anything else
// is rejected by TFLite too: InvalidArgument. `op` names the op in messages.
Status CheckElementwiseDType(const NodeContext& ctx, int i, std::string_view op,
                             std::initializer_list<DType> supported,
                             std::initializer_list<DType> not_yet);

// Validates a fused activation code read from options (0..5).
Status CheckFusedActivation(int activation);

// Prepare of the arithmetic binary ops (ADD, SUB, MUL, DIV): two inputs of one
// `supported` dtype (quantized ones: Unimplemented), a valid fused
// activation, numpy broadcasting up to rank 8 (LiteRT's limit).
Status PrepareArithmetic(NodeContext& ctx, std::string_view op,
                         std::initializer_list<DType> supported, int activation);

// x < lo ? lo : x and x > hi ? hi : x, for float (NaN passes) or signed int.
llvm::Value* ClampBelow(jit::ElementEmitter& e, llvm::Value* x, llvm::Value* lo);
llvm::Value* ClampAbove(jit::ElementEmitter& e, llvm::Value* x, llvm::Value* hi);

// A typed constant of x's type (float or integer).
llvm::Value* ConstLike(llvm::Value* x, double v);

// TFLite's fused activation for arithmetic kernels (see the file comment).
// Infinities stay infinities for NONE and the clamps, as in LiteRT's default
// (XNNPACK) path; TFLite's built-in kernels would clamp them to +-FLT_MAX.
llvm::Value* ApplyFusedActivation(jit::ElementEmitter& e, llvm::Value* x, int activation);

}  // namespace jitlite::ops
