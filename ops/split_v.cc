// SPLIT_V: cuts input 0 along the axis given by input 2 (a constant INT32
// scalar, negative counts from the end) into pieces of the sizes listed in
// input 1 (a constant INT32/INT64 vector of SplitVOptions.num_splits
// entries; at most one entry may be -1, meaning "the rest"; the sizes must
// add up to the axis dim). Output i is piece i. FLOAT32, INT32, INT64 and
// INT8/UINT8/INT16 raw copies (TFLite's types: no BOOL). Computed sizes or axis: Unimplemented.
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

// Resolves the one -1 entry and checks that the sizes cover the dim.
Status ResolveSizes(std::vector<int64_t>& sizes, int64_t dim) {
  int64_t known = 0;
  int unknown = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (unknown >= 0) return InvalidArgument("size_splits has more than one -1 entry");
      unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return InvalidArgument("size_splits[" + std::to_string(i) + "] is " +
                             std::to_string(sizes[i]) + "; sizes must be >= 0 (or one -1)");
    } else {
      known += sizes[i];
    }
  }
  if (unknown >= 0 && known <= dim) {
    sizes[unknown] = dim - known;
    known = dim;
  }
  if (known != dim) {
    return InvalidArgument("size_splits add up to " + std::to_string(known) +
                           " but the split dim has size " + std::to_string(dim));
  }
  return Status::Ok();
}

StatusOr<SplitPlan> CheckedPlan(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "SPLIT_V",
      {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8, DType::kInt16},
      {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "SPLIT_V"));
  const auto* opts = ctx.op()->builtin_options_as_SplitVOptions();
  const int num_splits = opts ? opts->num_splits() : 0;
  if (num_splits <= 0 || num_splits != ctx.num_outputs()) {
    return InvalidArgument("SplitVOptions.num_splits is " + std::to_string(num_splits) +
                           " but the node has " + std::to_string(ctx.num_outputs()) +
                           " outputs");
  }
  const TensorState& data = ctx.input(0);
  const TensorState& size_splits = ctx.input(1);
  if (size_splits.rank() != 1 || size_splits.dim(0) != num_splits) {
    return InvalidArgument("size_splits (input 1) has shape " +
                           ShapeToString(size_splits.shape) + "; expected [" +
                           std::to_string(num_splits) + "] (num_splits)");
  }
  SplitPlan plan;
  JITLITE_ASSIGN_OR_RETURN(int64_t axis, ReadConstScalarInt(ctx.input(2), "axis (input 2)"));
  JITLITE_ASSIGN_OR_RETURN(plan.axis, NormalizeAxis(axis, data.rank(), "axis"));
  JITLITE_ASSIGN_OR_RETURN(plan.sizes, ReadConstInts(size_splits, "size_splits (input 1)"));
  JITLITE_RETURN_IF_ERROR(ResolveSizes(plan.sizes, data.dim(plan.axis)));
  return plan;
}

class SplitVOp : public OpDef {
 public:
  std::string_view name() const override { return "SPLIT_V"; }
  std::vector<int> builtin_codes() const override { return {102}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SplitPlan plan, CheckedPlan(ctx));
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      Shape out = ctx.input(0).shape;
      out[plan.axis] = static_cast<int32_t>(plan.sizes[i]);
      ctx.SetOutput(i, ctx.input(0).dtype, out);
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SplitPlan plan, CheckedPlan(ctx));
    EmitSplit(e, ctx.input(0).shape, plan.axis, plan.sizes, 0);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& split_v_op() {
  static const SplitVOp op;
  return op;
}

}  // namespace jitlite::ops
