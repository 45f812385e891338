// SQUARE: out = x * x, FLOAT32 (overflow to +inf, NaN stays NaN). TFLite has
// no integer SQUARE; its float16 variant (XNNPACK) comes later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class SquareOp : public OpDef {
 public:
  std::string_view name() const override { return "SQUARE"; }
  std::vector<int> builtin_codes() const override { return {92}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "SQUARE", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateFMul(v[0], v[0]);
  }
};

}  // namespace

const OpDef& square_op() {
  static const SquareOp op;
  return op;
}

}  // namespace jitlite::ops
