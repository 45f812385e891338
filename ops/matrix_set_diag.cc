// MATRIX_SET_DIAG: input 0 (batch + [rows, cols], rank >= 2) with each main
// diagonal replaced by input 1 (batch + [min(rows, cols)], same type). TFLite
// does not check the diagonal's shape (it reads batch * min(rows, cols)
// values); jitlite requires exactly that shape. FLOAT32, INT32, INT64 and
// INT8/UINT8/INT16 raw copies (both inputs and the output quantized alike).
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/matrix_diagonal.h"

namespace jitlite::ops {
namespace {

Status CheckInputs(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckDiagonalTypes(ctx, 0, "MATRIX_SET_DIAG"));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 2, 8));
  const TensorState& in = ctx.input(0);
  const TensorState& diag = ctx.input(1);
  if (diag.dtype != in.dtype || !SameQuantization(diag.quant, in.quant)) {
    return InvalidArgument(std::string("diagonal (input 1) has type ") + DTypeName(diag.dtype) +
                           "; it must have input 0's type (" + DTypeName(in.dtype) +
                           ") and quantization");
  }
  Shape expected(in.shape.begin(), in.shape.end() - 2);
  expected.push_back(std::min(in.dim(in.rank() - 2), in.dim(in.rank() - 1)));
  if (diag.shape != expected) {
    return InvalidArgument("diagonal (input 1) has shape " + ShapeToString(diag.shape) +
                           "; input 0 " + ShapeToString(in.shape) + " needs " +
                           ShapeToString(expected));
  }
  return Status::Ok();
}

class MatrixSetDiagOp : public OpDef {
 public:
  std::string_view name() const override { return "MATRIX_SET_DIAG"; }
  std::vector<int> builtin_codes() const override { return {115}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckInputs(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckInputs(ctx));
    const Shape& shape = ctx.input(0).shape;
    EmitDiagonalMatrices(e, shape, 1, [&](const std::vector<llvm::Value*>& idx) {
      return e.LoadInput(0, e.LinearOffset(shape, idx));
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& matrix_set_diag_op() {
  static const MatrixSetDiagOp op;
  return op;
}

}  // namespace jitlite::ops
