// ROUND: out = x rounded to the nearest integer, halves to even (banker's
// rounding, like tf.round), FLOAT32. Signed zeros follow TFLite's kernel,
// which rounds from floor(x): x in [-0.5, 0) gives +0 while -0 stays -0
// (llvm.roundeven alone would give -0 for both). Infinities and NaN pass
// through. Float16 comes later; TFLite has no integer or quantized ROUND.
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class RoundOp : public OpDef {
 public:
  std::string_view name() const override { return "ROUND"; }
  std::vector<int> builtin_codes() const override { return {116}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "ROUND", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* rounded = b.CreateUnaryIntrinsic(llvm::Intrinsic::roundeven, v[0]);
    // Adding +0 turns -0 into +0 and leaves every other value unchanged.
    llvm::Value* positive_zero = b.CreateFAdd(rounded, e.F32(0.0f));
    return b.CreateSelect(b.CreateFCmpOEQ(v[0], e.F32(0.0f)), v[0], positive_zero);
  }
};

}  // namespace

const OpDef& round_op() {
  static const RoundOp op;
  return op;
}

}  // namespace jitlite::ops
