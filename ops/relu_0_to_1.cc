// RELU_0_TO_1: out = min(max(x, 0), 1), FLOAT32. As in TFLite's kernel, NaN
// passes through and -0 stays -0. INT8/UINT8 (TFLite has no
// INT16 variant): requantized to the output grid, clamped to [0, 1] there.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

class Relu0To1Op : public OpDef {
 public:
  std::string_view name() const override { return "RELU_0_TO_1"; }
  std::vector<int> builtin_codes() const override { return {152}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    // TFLite's kernel takes INT8 and UINT8 only.
    if (ctx.input(0).dtype == DType::kInt8 || ctx.input(0).dtype == DType::kUInt8) {
      return PrepareQuantizedUnary(ctx, "RELU_0_TO_1", false);
    }
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "RELU_0_TO_1", {DType::kFloat32},
                                                  {}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) return EmitQuantizedReluX(e, ctx, v[0], 0.0f, 1.0f);
    return ClampAbove(e, ClampBelow(e, v[0], e.F32(0.0f)), e.F32(1.0f));
  }
};

}  // namespace

const OpDef& relu_0_to_1_op() {
  static const Relu0To1Op op;
  return op;
}

}  // namespace jitlite::ops
