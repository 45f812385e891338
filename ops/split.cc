// SPLIT: cuts input 1 into SplitOptions.num_splits equal pieces along the
// axis given by input 0 (a constant INT32 scalar or 1-element tensor,
// negative counts from the end); the axis dim must divide evenly. Output i
// is piece i. FLOAT32, INT32, INT64 and INT8/UINT8/INT16 raw copies (TFLite's
// types: no BOOL).
// A computed axis is Unimplemented (output shapes are fixed at compile time).
//
// Kernel: one loop nest per output, reading its slab of the input with the
// input's strides (innermost contiguous).
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

struct SplitPlan {
  int axis = 0;
  std::vector<int64_t> sizes;  // one per output
};

StatusOr<SplitPlan> CheckedPlan(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 1, "SPLIT",
      {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8, DType::kInt16},
      {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 1, "SPLIT"));
  const auto* opts = ctx.op()->builtin_options_as_SplitOptions();
  const int num_splits = opts ? opts->num_splits() : 0;
  if (num_splits <= 0 || num_splits != ctx.num_outputs()) {
    return InvalidArgument("SplitOptions.num_splits is " + std::to_string(num_splits) +
                           " but the node has " + std::to_string(ctx.num_outputs()) +
                           " outputs");
  }
  const TensorState& data = ctx.input(1);
  JITLITE_ASSIGN_OR_RETURN(int64_t axis, ReadConstScalarInt(ctx.input(0), "axis (input 0)"));
  SplitPlan plan;
  JITLITE_ASSIGN_OR_RETURN(plan.axis, NormalizeAxis(axis, data.rank(), "axis"));
  const int64_t dim = data.dim(plan.axis);
  if (dim % num_splits != 0) {
    return InvalidArgument("dim " + std::to_string(plan.axis) + " of input 1 " +
                           ShapeToString(data.shape) + " is not divisible by num_splits " +
                           std::to_string(num_splits));
  }
  plan.sizes.assign(num_splits, dim / num_splits);
  return plan;
}

class SplitOp : public OpDef {
 public:
  std::string_view name() const override { return "SPLIT"; }
  std::vector<int> builtin_codes() const override { return {49}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SplitPlan plan, CheckedPlan(ctx));
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      Shape out = ctx.input(1).shape;
      out[plan.axis] = static_cast<int32_t>(plan.sizes[i]);
      ctx.SetOutput(i, ctx.input(1).dtype, out);
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SplitPlan plan, CheckedPlan(ctx));
    EmitSplit(e, ctx.input(1).shape, plan.axis, plan.sizes, 1);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& split_op() {
  static const SplitOp op;
  return op;
}

}  // namespace jitlite::ops
