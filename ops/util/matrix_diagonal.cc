// Shared pieces of MATRIX_DIAG and MATRIX_SET_DIAG (see matrix_diagonal.h).
#include "ops/util/matrix_diagonal.h"

#include <algorithm>
#include <string>

#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {

Status CheckDiagonalTypes(const NodeContext& ctx, int data, std::string_view op) {
  const DType t = ctx.input(data).dtype;
  if (t == DType::kBool) {
    return InvalidArgument("input " + std::to_string(data) + " has type BOOL; TFLite's " +
                           std::string(op) + " takes FLOAT32, INT32, INT64, INT8, UINT8, INT16");
  }
  return CheckCopyTypes(ctx, data, op);
}

void EmitDiagonalMatrices(
    jit::KernelEmitter& e, const Shape& out_shape, int diagonal,
    const std::function<llvm::Value*(const std::vector<llvm::Value*>&)>& off_diagonal) {
  const int rank = static_cast<int>(out_shape.size());
  const int64_t rows = out_shape[rank - 2];
  const int64_t cols = out_shape[rank - 1];
  const int64_t length = std::min(rows, cols);
  if (length == 0) {
    EmitIndexLoops(e, out_shape, [&](const std::vector<llvm::Value*>& idx) {
      e.StoreOutput(off_diagonal(idx), idx);
    });
    return;
  }
  Shape diag_shape(out_shape.begin(), out_shape.end() - 2);
  diag_shape.push_back(static_cast<int32_t>(length));
  llvm::IRBuilder<>& b = e.b();
  EmitIndexLoops(e, out_shape, [&](const std::vector<llvm::Value*>& idx) {
    llvm::Value* i = idx[rank - 2];
    llvm::Value* j = idx[rank - 1];
    // Rows past the diagonal's length (rows > cols) read a clamped, unused entry.
    std::vector<llvm::Value*> at(idx.begin(), idx.end() - 1);
    at.back() = e.Min(i, e.I64(length - 1));
    llvm::Value* on = e.LoadInput(diagonal, e.LinearOffset(diag_shape, at));
    e.StoreOutput(b.CreateSelect(b.CreateICmpEQ(i, j), on, off_diagonal(idx)), idx);
  });
}

}  // namespace jitlite::ops
