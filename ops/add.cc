// ADD: out = act(a + b), numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64; integer results wrap around like
// TFLite's kernels. The fused activation from AddOptions follows TFLite's
// CalculateActivationRange (ops/util/elementwise_helpers.h): TANH and
// SIGN_BIT are not applied by TFLite's ADD either. INT8/UINT8/INT16
// (symmetric; the power-of-two shift path under pot_scale_int16): TFLite's
// integer rescaling (ops/util/quantized_elementwise.h). FLOAT16 computes in
// float32 (exact: one rounding of a sum of halves), clamped to +-65504.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class AddOp : public OpDef {
 public:
  std::string_view name() const override { return "ADD"; }
  std::vector<int> builtin_codes() const override { return {0}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }
  bool vectorizable() const override { return true; }
  bool vectorizable_quantized() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      JITLITE_RETURN_IF_ERROR(PrepareQuantizedArithmetic(ctx, "ADD", Activation(ctx), 6));
      return UsesPotInt16Path(ctx, PotScaleInt16(ctx)).status();
    }
    return PrepareArithmetic(ctx, "ADD",
                             {DType::kFloat32, DType::kFloat16, DType::kInt32, DType::kInt64},
                             Activation(ctx));
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return EmitQuantizedAddSub(e, ctx, v[0], v[1], Activation(ctx), PotScaleInt16(ctx),
                                 /*subtract=*/false);
    }
    llvm::Value* sum = IsFloat(v[0]) ? e.b().CreateFAdd(v[0], v[1]) : e.b().CreateAdd(v[0], v[1]);
    llvm::Value* out = ApplyFusedActivation(e, sum, Activation(ctx));
    if (ctx.output(0).dtype != DType::kFloat16) return out;
    // TFLite clamps half results to the finite half range even without an
    // activation (CalculateActivationRange of its half type): no infinities.
    return ClampAbove(e, ClampBelow(e, out, ConstLike(out, -65504.0)), ConstLike(out, 65504.0));
  }

 private:
  // Without options TFLite's parameters are zero: the general INT16 path.
  static bool PotScaleInt16(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_AddOptions();
    return opts && opts->pot_scale_int16();
  }
  static int Activation(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_AddOptions();
    return opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  }
};

}  // namespace

const OpDef& add_op() {
  static const AddOp op;
  return op;
}

}  // namespace jitlite::ops
