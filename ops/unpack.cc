// UNPACK: the inverse of PACK. Input 0 of rank R >= 1 is cut along
// UnpackOptions.axis (in [-R, R), negative counts from the end) into
// UnpackOptions.num outputs (num must equal that dim and the node's output
// count); output i is input[..., i, ...] with the axis dim removed. FLOAT32,
// INT32, BOOL and INT8/UINT8/INT16 raw copies; like TFLite, no INT64 and no
// empty input.
//
// Kernel: one loop nest per output over its shape, reading the input with
// its strides minus the axis (innermost contiguous unless axis is the last).
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

StatusOr<int> CheckedAxis(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "UNPACK",
      {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kBool,
       DType::kInt8, DType::kUInt8, DType::kInt16},
      {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "UNPACK", /*half_floats=*/true));
  if (ctx.input(0).num_elements() == 0) {
    return InvalidArgument("input 0 " + ShapeToString(ctx.input(0).shape) +
                           " is empty; TFLite's UNPACK requires at least one element");
  }
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, 8));
  const auto* opts = ctx.op()->builtin_options_as_UnpackOptions();
  JITLITE_ASSIGN_OR_RETURN(int axis, NormalizeAxis(opts ? opts->axis() : 0, ctx.input(0).rank(),
                                                   "UnpackOptions.axis"));
  const int num = opts ? opts->num() : 0;
  const int dim = ctx.input(0).dim(axis);
  if (num != dim || num != ctx.num_outputs()) {
    return InvalidArgument("UnpackOptions.num is " + std::to_string(num) + ", input 0 " +
                           ShapeToString(ctx.input(0).shape) + " has " + std::to_string(dim) +
                           " entries along axis " + std::to_string(axis) + " and the node has " +
                           std::to_string(ctx.num_outputs()) + " outputs; all three must match");
  }
  return axis;
}

class UnpackOp : public OpDef {
 public:
  std::string_view name() const override { return "UNPACK"; }
  std::vector<int> builtin_codes() const override { return {88}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int axis, CheckedAxis(ctx));
    Shape out = ctx.input(0).shape;
    out.erase(out.begin() + axis);
    for (int i = 0; i < ctx.num_outputs(); ++i) ctx.SetOutput(i, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int axis, CheckedAxis(ctx));
    std::vector<int64_t> strides = RowMajorStrides(ctx.input(0).shape);
    const int64_t axis_stride = strides[axis];
    strides.erase(strides.begin() + axis);
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      EmitAffineCopy(e, OutputOrderCopy(ctx.output(i).shape, strides, i * axis_stride, 0, i));
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& unpack_op() {
  static const UnpackOp op;
  return op;
}

}  // namespace jitlite::ops
