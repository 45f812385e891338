// RELU: out = x < 0 ? 0 : x, FLOAT32. Like TFLite's kernel, NaN passes
// through and -0 stays -0. TFLite has no INT32/INT64 RELU; float16 comes later.
// INT8/UINT8/INT16: requantized to the output grid, clamped at zero
// (ops/util/quantized_elementwise.h), bit-exact with TFLite.
#include <limits>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

class ReluOp : public OpDef {
 public:
  std::string_view name() const override { return "RELU"; }
  std::vector<int> builtin_codes() const override { return {19}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (IsQuantizedDType(ctx.input(0).dtype)) return PrepareQuantizedUnary(ctx, "RELU", false);
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "RELU", {DType::kFloat32},
                              {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return EmitQuantizedReluX(e, ctx, v[0], 0.0f, std::numeric_limits<float>::infinity());
    }
    return ClampBelow(e, v[0], e.F32(0.0f));
  }
};

}  // namespace

const OpDef& relu_op() {
  static const ReluOp op;
  return op;
}

}  // namespace jitlite::ops
