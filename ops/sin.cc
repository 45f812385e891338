// SIN: out = sin(x), FLOAT32, with the engine's inline polynomial sin: the
// argument is reduced by pi/2 in double, so results stay within ~1e-7 of
// libm for |x| < 1e6 (TFLite's libm call is exact for any x; jitlite's error
// grows beyond that). Infinities and NaN give NaN. Float16 comes later;
// TFLite has no integer or quantized SIN.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class SinOp : public OpDef {
 public:
  std::string_view name() const override { return "SIN"; }
  std::vector<int> builtin_codes() const override { return {66}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "SIN", {DType::kFloat32, DType::kFloat16}, {}));
    return PrepareUnary(ctx, {DType::kFloat32, DType::kFloat16});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.Sin(v[0]);
  }
};

}  // namespace

const OpDef& sin_op() {
  static const SinOp op;
  return op;
}

}  // namespace jitlite::ops
