// Integer floor division and floor modulo shared by FLOOR_DIV and FLOOR_MOD,
// and their compile-time divisor check.
//
// TFLite fails the invoke when an integer divisor (for FLOOR_DIV, also a
// float one) holds a 0. Generated code cannot fail, so a constant divisor is
// checked once at allocate time and a computed zero divisor gives 0. The one
// overflowing case, MIN / -1, gives MIN (TFLite's floor(double) cast) and
// MIN mod -1 gives 0 (for INT32 TFLite itself traps there).
#pragma once

#include <string_view>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// InvalidArgument if `divisor` is a constant holding a zero (of any integer or
// float type jitlite reads; -0.0 counts as zero).
Status CheckConstantDivisorNonZero(const TensorState& divisor, std::string_view op);

// floor(a / b) and a - b * floor(a / b) for signed integers of one type,
// without LLVM's undefined cases (see the file comment for b == 0 and
// MIN / -1).
llvm::Value* EmitIntFloorDiv(jit::ElementEmitter& e, llvm::Value* a, llvm::Value* b);
llvm::Value* EmitIntFloorMod(jit::ElementEmitter& e, llvm::Value* a, llvm::Value* b);

}  // namespace jitlite::ops
