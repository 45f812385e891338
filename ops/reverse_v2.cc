// REVERSE_V2: reverses input 0 along every dim listed in input 1 (a constant
// INT32 vector of distinct axes, negative counts from the end; an empty list
// copies; INT64 axes are rejected as by TFLite). Beyond TFLite, whose kernel
// fails at invoke on non-contiguous axes, any set of axes is reversed. Input rank 0..8. FLOAT32, INT32, INT64, BOOL and
// INT8/UINT8/INT16 raw copies. A computed axis list is Unimplemented.
//
// Kernel: one loop per output dim; a reversed dim reads the input backwards
// (start at its last element, negative stride). A constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"

namespace jitlite::ops {
namespace {

StatusOr<std::vector<bool>> CheckedReversed(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "REVERSE_V2", /*half_floats=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, 8));
  const int rank = ctx.input(0).rank();
  const TensorState& t = ctx.input(1);
  if (t.rank() != 1) {
    return InvalidArgument("axis (input 1) has shape " + ShapeToString(t.shape) +
                           "; expected a 1-D list of axes");
  }
  if (t.dtype != DType::kInt32) {
    return InvalidArgument(std::string("axis (input 1) has type ") + DTypeName(t.dtype) +
                           "; REVERSE_V2 takes INT32 axes");
  }
  std::vector<bool> reversed(rank, false);
  if (t.num_elements() == 0) return reversed;
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadConstInts(t, "axis (input 1)"));
  for (int64_t a : axes) {
    JITLITE_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, rank, "axis"));
    if (reversed[axis]) {
      return InvalidArgument("axis " + std::to_string(axis) + " is listed twice");
    }
    reversed[axis] = true;
  }
  return reversed;
}

AffineCopy ReverseCopy(const NodeContext& ctx, const std::vector<bool>& reversed) {
  const Shape& shape = ctx.input(0).shape;
  std::vector<int64_t> strides = RowMajorStrides(shape);
  int64_t base = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (!reversed[d] || shape[d] == 0) continue;
    base += (shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return OutputOrderCopy(shape, strides, base);
}

class ReverseV2Op : public AffineCopyOp {
 public:
  std::string_view name() const override { return "REVERSE_V2"; }
  std::vector<int> builtin_codes() const override { return {105}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckedReversed(ctx).status());
    ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<bool> reversed, CheckedReversed(ctx));
    return std::vector<AffineCopy>{ReverseCopy(ctx, reversed)};
  }
};

}  // namespace

const OpDef& reverse_v2_op() {
  static const ReverseV2Op op;
  return op;
}

}  // namespace jitlite::ops
