// LOG: out = ln(x), FLOAT32, with the engine's inline polynomial log (within
// a few 1e-8 of libm): -inf for +-0, NaN for x < 0, +inf stays +inf, exact
// on subnormal inputs as TFLite's kernel (XNNPACK flushes them to 0, -inf).
// Quantized int8/int16 (LUT) and float16 variants come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class LogOp : public OpDef {
 public:
  std::string_view name() const override { return "LOG"; }
  std::vector<int> builtin_codes() const override { return {73}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "LOG", {DType::kFloat32},
                                                  {DType::kInt8, DType::kInt16, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.Log(v[0]);
  }
};

}  // namespace

const OpDef& log_op() {
  static const LogOp op;
  return op;
}

}  // namespace jitlite::ops
