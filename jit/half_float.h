// FLOAT16 / BFLOAT16 as storage types: kernels compute in float32, and a
// value of a half tensor is rounded to the half type wherever TFLite's kernel
// would store it, including between fused elementwise ops (else a fused
// chain would keep float32 precision that LiteRT's op-by-op run drops).
#pragma once

#include "jitlite/dtype.h"
#include "llvm/IR/IRBuilder.h"

namespace jitlite::jit {

bool IsHalfFloat(DType dtype);

// `value` (float32) rounded to `dtype` and widened back; unchanged for other
// dtypes or non-float values.
llvm::Value* RoundToStorage(llvm::IRBuilder<>& b, DType dtype, llvm::Value* value);

}  // namespace jitlite::jit
