// HARD_SWISH: out = x * min(6, max(0, x + 3)) / 6, FLOAT32, in the order of
// TFLite's reference kernel (multiply, then divide by 6). NaN stays NaN.
// Quantized and float16 variants come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class HardSwishOp : public OpDef {
 public:
  std::string_view name() const override { return "HARD_SWISH"; }
  std::vector<int> builtin_codes() const override { return {117}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "HARD_SWISH", {DType::kFloat32}, {DType::kInt8, DType::kUInt8, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    // TFLite's std::max(0, x + 3) yields 0 for NaN; x * 0 is NaN again.
    llvm::Value* shifted = b.CreateFAdd(v[0], e.F32(3.0f));
    llvm::Value* relu6 = b.CreateSelect(b.CreateFCmpOGT(shifted, e.F32(0.0f)), shifted, e.F32(0.0f));
    relu6 = ClampAbove(e, relu6, e.F32(6.0f));
    return b.CreateFDiv(b.CreateFMul(v[0], relu6), e.F32(6.0f));
  }
};

}  // namespace

const OpDef& hard_swish_op() {
  static const HardSwishOp op;
  return op;
}

}  // namespace jitlite::ops
