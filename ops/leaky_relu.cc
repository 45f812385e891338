// LEAKY_RELU: out = x > 0 ? x : alpha * x (LeakyReluOptions.alpha, default
// 0), FLOAT32. The select form of TFLite's kernel: right for any alpha,
// including alpha > 1 or < 0, where max(x, alpha * x) would not be. INT8/UINT8/
// INT16: the identity or alpha multiplier by the sign of x - zp_in
// (ops/util/quantized_elementwise.h). TFLite has no plain integer variant.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class LeakyReluOp : public OpDef {
 public:
  std::string_view name() const override { return "LEAKY_RELU"; }
  std::vector<int> builtin_codes() const override { return {98}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return PrepareQuantizedUnary(ctx, "LEAKY_RELU", false);
    }
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "LEAKY_RELU", {DType::kFloat32}, {DType::kInt8, DType::kUInt8, DType::kInt16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return EmitQuantizedLeakyRelu(e, ctx, v[0], Alpha(ctx));
    }
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* scaled = b.CreateFMul(v[0], e.F32(Alpha(ctx)));
    return b.CreateSelect(b.CreateFCmpOGT(v[0], e.F32(0.0f)), v[0], scaled);
  }

 private:
  static float Alpha(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_LeakyReluOptions();
    return opts ? opts->alpha() : 0.0f;
  }
};

}  // namespace

const OpDef& leaky_relu_op() {
  static const LeakyReluOp op;
  return op;
}

}  // namespace jitlite::ops
