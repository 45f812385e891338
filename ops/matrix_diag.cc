// MATRIX_DIAG: batches of diagonal matrices from their diagonals: input 0 of
// shape batch + [n] (rank >= 1) gives batch + [n, n], with input 0's values
// on each main diagonal and zeros elsewhere (raw zeros for quantized types,
// as TFLite writes them, not the zero point). FLOAT32, INT32, INT64 and
// INT8/UINT8/INT16 raw copies.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/matrix_diagonal.h"

namespace jitlite::ops {
namespace {

Status CheckInput(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(CheckDiagonalTypes(ctx, 0, "MATRIX_DIAG"));
  return ctx.ExpectRank(0, 1, 7);
}

class MatrixDiagOp : public OpDef {
 public:
  std::string_view name() const override { return "MATRIX_DIAG"; }
  std::vector<int> builtin_codes() const override { return {113}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckInput(ctx));
    Shape out = ctx.input(0).shape;
    out.push_back(out.back());
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckInput(ctx));
    llvm::Type* t = jit::ElementType(e.context(), ctx.input(0).dtype);
    llvm::Value* zero = llvm::Constant::getNullValue(t);
    EmitDiagonalMatrices(e, ctx.output(0).shape, 0,
                         [&](const std::vector<llvm::Value*>&) { return zero; });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& matrix_diag_op() {
  static const MatrixDiagOp op;
  return op;
}

}  // namespace jitlite::ops
