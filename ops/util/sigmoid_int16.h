// TFLite's INT16 LOGISTIC and TANH reference kernels: the input is rescaled
// to a grid of 1/12288 per step (x * s_in * 3 * 4096 as a multiplier and a
// rounding shift), and |x| indexes a 256-entry uint16 table of sigmoid(i / 24)
// with linear interpolation on the low bits: 9 for LOGISTIC, 8 for TANH
// (tanh(x) = 2 * sigmoid(2x) - 1); the sign is restored by symmetry. Both need symmetric int16
// quantization with an output scale of 2^-15.
#pragma once

#include <string_view>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// The INT16 checks of TFLite's Prepare (zero points 0, output scale 2^-15)
// and the output's type and shape.
Status PrepareInt16Sigmoid(NodeContext& ctx, std::string_view op, bool tanh);

// One element (a stored int16 value, i16) of LOGISTIC or TANH; returns i16.
llvm::Value* EmitInt16Logistic(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q);
llvm::Value* EmitInt16Tanh(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q);

}  // namespace jitlite::ops
