// ZEROS_LIKE: out = zeros of the input's shape and dtype (FLOAT32, INT32,
// INT64, TFLite's set); the input's values are not looked at (NaN gives 0).
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class ZerosLikeOp : public OpDef {
 public:
  std::string_view name() const override { return "ZEROS_LIKE"; }
  std::vector<int> builtin_codes() const override { return {93}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "ZEROS_LIKE", {DType::kFloat32, DType::kInt32, DType::kInt64}, {}));
    return PrepareUnary(ctx, {DType::kFloat32, DType::kInt32, DType::kInt64});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return ConstLike(v[0], 0);
  }
};

}  // namespace

const OpDef& zeros_like_op() {
  static const ZerosLikeOp op;
  return op;
}

}  // namespace jitlite::ops
