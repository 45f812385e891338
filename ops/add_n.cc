// ADD_N: the elementwise sum of two or more inputs of one shape and type
// (FLOAT32 or INT32, TFLite's set; no broadcasting), added in input order.
// Integer sums wrap.
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class AddNOp : public OpDef {
 public:
  std::string_view name() const override { return "ADD_N"; }
  std::vector<int> builtin_codes() const override { return {106}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    if (ctx.num_inputs() < 2) {
      return InvalidArgument("ADD_N needs at least 2 inputs, got " +
                             std::to_string(ctx.num_inputs()));
    }
    const TensorState& first = ctx.input(0);
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is missing");
      const TensorState& in = ctx.input(i);
      if (in.dtype != first.dtype || in.shape != first.shape) {
        return InvalidArgument("input " + std::to_string(i) + " is " + DTypeName(in.dtype) +
                               ShapeToString(in.shape) + " but input 0 is " +
                               DTypeName(first.dtype) + ShapeToString(first.shape) +
                               "; ADD_N needs one shape and type");
      }
    }
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "ADD_N", {DType::kFloat32, DType::kInt32}, {}));
    ctx.SetOutput(0, first.dtype, first.shape);
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::Value* sum = v[0];
    for (size_t i = 1; i < v.size(); ++i) {
      sum = IsFloat(sum) ? e.b().CreateFAdd(sum, v[i]) : e.b().CreateAdd(sum, v[i]);
    }
    return sum;
  }
};

}  // namespace

const OpDef& add_n_op() {
  static const AddNOp op;
  return op;
}

}  // namespace jitlite::ops
