// SQRT: out = sqrt(x), FLOAT32, correctly rounded (llvm.sqrt); negative
// inputs give NaN and -0 gives -0, as in TFLite. Quantized and float16
// variants come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class SqrtOp : public OpDef {
 public:
  std::string_view name() const override { return "SQRT"; }
  std::vector<int> builtin_codes() const override { return {75}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "SQRT", {DType::kFloat32}, {DType::kInt8, DType::kInt16, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.Sqrt(v[0]);
  }
};

}  // namespace

const OpDef& sqrt_op() {
  static const SqrtOp op;
  return op;
}

}  // namespace jitlite::ops
