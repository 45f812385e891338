// SUB: out = act(a - b), numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64; integer results wrap around like
// TFLite's kernels. The fused activation from SubOptions follows TFLite's
// CalculateActivationRange (ops/util/elementwise_helpers.h). INT8/UINT8/INT16
// (symmetric; the power-of-two shift path under pot_scale_int16): TFLite's
// integer rescaling (ops/util/quantized_elementwise.h). Float16 comes later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class SubOp : public OpDef {
 public:
  std::string_view name() const override { return "SUB"; }
  std::vector<int> builtin_codes() const override { return {41}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }
  bool vectorizable() const override { return true; }
  bool vectorizable_quantized() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      JITLITE_RETURN_IF_ERROR(PrepareQuantizedArithmetic(ctx, "SUB", Activation(ctx), 8));
      return UsesPotInt16Path(ctx, PotScaleInt16(ctx)).status();
    }
    return PrepareArithmetic(ctx, "SUB", {DType::kFloat32, DType::kInt32, DType::kInt64},
                             Activation(ctx));
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return EmitQuantizedAddSub(e, ctx, v[0], v[1], Activation(ctx), PotScaleInt16(ctx),
                                 /*subtract=*/true);
    }
    llvm::Value* diff = IsFloat(v[0]) ? e.b().CreateFSub(v[0], v[1]) : e.b().CreateSub(v[0], v[1]);
    return ApplyFusedActivation(e, diff, Activation(ctx));
  }

 private:
  // Without options TFLite's parameters are zero: the general INT16 path.
  static bool PotScaleInt16(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_SubOptions();
    return opts && opts->pot_scale_int16();
  }
  static int Activation(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_SubOptions();
    return opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  }
};

}  // namespace

const OpDef& sub_op() {
  static const SubOp op;
  return op;
}

}  // namespace jitlite::ops
