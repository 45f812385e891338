// ADD: out = act(a + b), numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64; integer results wrap around like
// TFLite's kernels. The fused activation from AddOptions follows TFLite's
// CalculateActivationRange (ops/util/elementwise_helpers.h): TANH and
// SIGN_BIT are not applied by TFLite's ADD either. Quantized and float16
// inputs come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class AddOp : public OpDef {
 public:
  std::string_view name() const override { return "ADD"; }
  std::vector<int> builtin_codes() const override { return {0}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    return PrepareArithmetic(ctx, "ADD", {DType::kFloat32, DType::kInt32, DType::kInt64},
                             Activation(ctx));
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::Value* sum = IsFloat(v[0]) ? e.b().CreateFAdd(v[0], v[1]) : e.b().CreateAdd(v[0], v[1]);
    return ApplyFusedActivation(e, sum, Activation(ctx));
  }

 private:
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
