// EXP: out = exp(x), FLOAT32, with the engine's inline polynomial exp (about
// 1 ulp). NaN stays NaN as in TFLite's kernel (LiteRT's XNNPACK path returns
// 0 for NaN), overflow gives +inf and underflow 0. Quantized (LUT) and float16
// variants come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class ExpOp : public OpDef {
 public:
  std::string_view name() const override { return "EXP"; }
  std::vector<int> builtin_codes() const override { return {47}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "EXP", {DType::kFloat32}, {DType::kInt8, DType::kInt16, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.Exp(v[0]);
  }
};

}  // namespace

const OpDef& exp_op() {
  static const ExpOp op;
  return op;
}

}  // namespace jitlite::ops
