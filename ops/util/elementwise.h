// Building blocks shared by elementwise op files: the broadcast shape rule
// for binary ops and reading a fused activation from options.
#pragma once

#include <initializer_list>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// Prepare for a two-input elementwise op: both inputs of one allowed dtype,
// numpy broadcasting up to max_rank; the output gets the broadcast shape and
// `out_dtype` (or the input dtype when out_dtype is null).
Status PrepareBinary(NodeContext& ctx, std::initializer_list<DType> allowed, int max_rank,
                     const DType* out_dtype = nullptr);

// Prepare for a one-input elementwise op: output = input's dtype and shape.
Status PrepareUnary(NodeContext& ctx, std::initializer_list<DType> allowed);

// True for float scalars and float vectors (vectorized epilogues).
inline bool IsFloat(llvm::Value* v) { return v->getType()->isFPOrFPVectorTy(); }

}  // namespace jitlite::ops
