// Row-wise kernels along the last axis (LOG_SOFTMAX, L2_NORMALIZATION): the
// loops over the outer dims, and the reassociating sum their row passes use.
#pragma once

#include <functional>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

using RowFn = std::function<void(std::vector<llvm::Value*>& idx, llvm::Value* base)>;

// Calls row(idx, base) once per row of `shape` (rank >= 1, no zero dim): idx
// is the row's multi-index with the last entry 0, base its linear offset.
void EmitLastAxisRows(jit::KernelEmitter& e, const Shape& shape, const RowFn& row);

// The whole kernel of a row-wise op over input 0: nothing for an empty
// input, else `row` for every row.
inline Status EmitRowKernel(jit::KernelEmitter& e, const NodeContext& ctx, const RowFn& row) {
  const Shape& shape = ctx.input(0).shape;
  if (NumElements(shape) == 0) return Status::Ok();
  EmitLastAxisRows(e, shape, row);
  return Status::Ok();
}

// acc + x with reassociation allowed, so a row sum vectorizes (the result
// differs from a sequential sum by rounding only).
llvm::Value* ReassociatingAdd(llvm::IRBuilder<>& b, llvm::Value* acc, llvm::Value* x);

}  // namespace jitlite::ops
