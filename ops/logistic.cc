// LOGISTIC: out = 1 / (1 + exp(-x)), FLOAT32, with the engine's inline
// polynomial exp (a few ulp from LiteRT's result). Quantized (LUT) and float16
// variants come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class LogisticOp : public OpDef {
 public:
  std::string_view name() const override { return "LOGISTIC"; }
  std::vector<int> builtin_codes() const override { return {14}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "LOGISTIC", {DType::kFloat32}, {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.Logistic(v[0]);
  }
};

}  // namespace

const OpDef& logistic_op() {
  static const LogisticOp op;
  return op;
}

}  // namespace jitlite::ops
