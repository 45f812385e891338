// Shared pieces of MATRIX_DIAG and MATRIX_SET_DIAG: both write batches of
// [rows, cols] matrices whose main diagonal comes from a "diagonal" input of
// shape batch + [min(rows, cols)], and differ only off the diagonal (zeros,
// or the input matrix's own elements).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// The types TFLite's diagonal kernels take: FLOAT32, INT32, INT64 and
// INT8/UINT8/INT16 raw copies (no BOOL); every output has input `data`'s type
// and quantization.
Status CheckDiagonalTypes(const NodeContext& ctx, int data, std::string_view op);

// Emits the loops over output 0 (shape batch + [rows, cols]): the element at
// (batch..., i, j) is diagonal[batch..., i] when i == j, else off_diagonal(index).
// Input `diagonal` holds batch * min(rows, cols) elements.
void EmitDiagonalMatrices(
    jit::KernelEmitter& e, const Shape& out_shape, int diagonal,
    const std::function<llvm::Value*(const std::vector<llvm::Value*>&)>& off_diagonal);

}  // namespace jitlite::ops
