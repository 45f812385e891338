// CEIL: out = ceil(x), FLOAT32 (llvm.ceil: exact, ceil(-0.5) = -0, infinities
// and NaN pass through, ceil(+tiny subnormal) = 1 as in TFLite's kernel).
// Float16 (XNNPACK) comes later; TFLite has no integer or quantized CEIL.
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class CeilOp : public OpDef {
 public:
  std::string_view name() const override { return "CEIL"; }
  std::vector<int> builtin_codes() const override { return {104}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "CEIL", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateUnaryIntrinsic(llvm::Intrinsic::ceil, v[0]);
  }
};

}  // namespace

const OpDef& ceil_op() {
  static const CeilOp op;
  return op;
}

}  // namespace jitlite::ops
