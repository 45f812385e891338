// Row-wise kernels along the last axis (LOG_SOFTMAX, L2_NORMALIZATION): the
// loops over the outer dims, and the reassociating sum their row passes use.
#pragma once

#include <functional>
#include <vector>

#include "jit/emitters.h"

namespace jitlite::ops {

// Calls row(idx, base) once per row of `shape` (rank >= 1, no zero dim): idx
// is the row's multi-index with the last entry 0, base its linear offset.
void EmitLastAxisRows(jit::KernelEmitter& e, const Shape& shape,
                      const std::function<void(std::vector<llvm::Value*>& idx,
                                               llvm::Value* base)>& row);

// acc + x with reassociation allowed, so a row sum vectorizes (the result
// differs from a sequential sum by rounding only).
llvm::Value* ReassociatingAdd(llvm::IRBuilder<>& b, llvm::Value* acc, llvm::Value* x);

}  // namespace jitlite::ops
