// BROADCAST_TO: stretches input 0 to the shape in input 1 (a constant
// INT32/INT64 vector, rank 1..8, at least input 0's rank) by numpy rules:
// input dims align to the right, and each must equal the target dim or be 1
// (repeated). FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies. A
// computed shape is Unimplemented.
//
// Kernel: one loop per output dim; a stretched dim has input stride 0, so the
// input element is re-read, never recomputed. A constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxRank = 8;

StatusOr<Shape> CheckedShape(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "BROADCAST_TO", /*half_floats=*/true,
                                         /*complex64=*/true));
  const TensorState& t = ctx.input(1);
  const Shape& in = ctx.input(0).shape;
  if (t.rank() != 1) {
    return InvalidArgument("shape (input 1) has shape " + ShapeToString(t.shape) +
                           "; expected a 1-D tensor");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> target, ReadConstInts(t, "shape (input 1)"));
  if (target.size() > kMaxRank || target.size() < in.size()) {
    return InvalidArgument("target shape has " + std::to_string(target.size()) +
                           " dims; BROADCAST_TO needs between input 0's rank (" +
                           std::to_string(in.size()) + ") and 8");
  }
  Shape out;
  const size_t lead = target.size() - in.size();
  for (size_t d = 0; d < target.size(); ++d) {
    const int64_t want = target[d];
    const int64_t have = d < lead ? 1 : in[d - lead];
    if (want < 0 || want > INT32_MAX || (have != want && have != 1)) {
      return InvalidArgument("input 0 " + ShapeToString(in) +
                             " cannot be broadcast to the target shape: dim " +
                             std::to_string(d) + " is " + std::to_string(want));
    }
    out.push_back(static_cast<int32_t>(want));
  }
  return out;
}

AffineCopy BroadcastCopy(const NodeContext& ctx) {
  const Shape& in = ctx.input(0).shape;
  const Shape& out = ctx.output(0).shape;
  const std::vector<int64_t> in_strides = RowMajorStrides(in);
  const size_t lead = out.size() - in.size();
  std::vector<int64_t> strides(out.size(), 0);
  for (size_t d = lead; d < out.size(); ++d) {
    if (in[d - lead] != 1) strides[d] = in_strides[d - lead];
  }
  return OutputOrderCopy(out, strides);
}

class BroadcastToOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "BROADCAST_TO"; }
  std::vector<int> builtin_codes() const override { return {130}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Shape out, CheckedShape(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckedShape(ctx).status());
    return std::vector<AffineCopy>{BroadcastCopy(ctx)};
  }
};

}  // namespace

const OpDef& broadcast_to_op() {
  static const BroadcastToOp op;
  return op;
}

}  // namespace jitlite::ops
