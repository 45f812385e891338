// ADD: out = act(a + b), numpy broadcasting up to rank 6.
// Float32, int32 and int64 here; quantized types come with the quantized path.
#include "ops/util/elementwise.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class AddOp : public OpDef {
 public:
  std::string_view name() const override { return "ADD"; }
  std::vector<int> builtin_codes() const override { return {0}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    return PrepareBinary(ctx, {DType::kFloat32, DType::kInt32, DType::kInt64}, 6);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::Value* sum = IsFloat(v[0]) ? e.b().CreateFAdd(v[0], v[1]) : e.b().CreateAdd(v[0], v[1]);
    return e.Activation(sum, Activation(ctx));
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
