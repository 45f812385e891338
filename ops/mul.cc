// MUL: out = act(a * b), numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64; integer results wrap around like
// TFLite's kernels. The fused activation from MulOptions follows TFLite's
// CalculateActivationRange (ops/util/elementwise_helpers.h). INT8/UINT8/INT16
// (symmetric): TFLite's integer rescaling (ops/util/quantized_elementwise.h),
// bit-exact with its reference kernels. COMPLEX64 (no activation, as TFLite;
// broadcasting as for float): ops/util/complex.h. Float16 comes later.
#include "ops/util/complex.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class MulOp : public OpDef {
 public:
  std::string_view name() const override { return "MUL"; }
  std::vector<int> builtin_codes() const override { return {18}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }
  bool vectorizable_quantized() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return PrepareQuantizedArithmetic(ctx, "MUL", Activation(ctx), 6);
    }
    if (ctx.input(0).dtype == DType::kComplex64) return PrepareComplex(ctx);
    return PrepareArithmetic(ctx, "MUL",
                             {DType::kFloat32, DType::kFloat16, DType::kInt32, DType::kInt64},
                             Activation(ctx));
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return EmitQuantizedMul(e, ctx, v[0], v[1], Activation(ctx));
    }
    if (ctx.input(0).dtype == DType::kComplex64) return EmitComplexMul(e.b(), v[0], v[1]);
    llvm::Value* product = IsFloat(v[0]) ? e.b().CreateFMul(v[0], v[1]) : e.b().CreateMul(v[0], v[1]);
    llvm::Value* out = ApplyFusedActivation(e, product, Activation(ctx));
    if (ctx.output(0).dtype != DType::kFloat16) return out;
    // TFLite clamps half results to the finite half range even without an
    // activation (CalculateActivationRange of its half type): no infinities.
    return ClampAbove(e, ClampBelow(e, out, ConstLike(out, -65504.0)), ConstLike(out, 65504.0));
  }

 private:
  static Status PrepareComplex(NodeContext& ctx) {
    if (Activation(ctx) != 0) {
      return InvalidArgument("fused_activation_function " + std::to_string(Activation(ctx)) +
                             ": TFLite allows no activation for COMPLEX64 input");
    }
    return PrepareBinary(ctx, {DType::kComplex64}, 8);
  }

  static int Activation(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_MulOptions();
    return opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  }
};

}  // namespace

const OpDef& mul_op() {
  static const MulOp op;
  return op;
}

}  // namespace jitlite::ops
