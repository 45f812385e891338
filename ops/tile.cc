// TILE: repeats input 0 multiples[d] times along each dim d: out dim d =
// in dim d * multiples[d], out[i] = in[i mod in_shape]. multiples (input 1)
// is a constant INT32/INT64 vector with one entry >= 0 per input dim; a
// computed multiples tensor is Unimplemented. Input rank 1..8. FLOAT32,
// INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies.
//
// Kernel: a loop pair per dim, (repeat r, position k), output index
// r * in_dim + k: no modulo anywhere, the innermost loop walks a contiguous
// input row. A constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"

namespace jitlite::ops {
namespace {

StatusOr<std::vector<int64_t>> CheckedMultiples(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "TILE", /*half_floats=*/true,
                                         /*complex64=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, 8));
  const TensorState& t = ctx.input(1);
  const Shape& in = ctx.input(0).shape;
  if (t.rank() != 1 || t.dim(0) != static_cast<int>(in.size())) {
    return InvalidArgument("multiples (input 1) has shape " + ShapeToString(t.shape) +
                           "; expected [" + std::to_string(in.size()) +
                           "], one entry per dim of input 0 " + ShapeToString(in));
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> m, ReadConstInts(t, "multiples (input 1)"));
  for (size_t d = 0; d < m.size(); ++d) {
    if (m[d] < 0 || m[d] * in[d] > INT32_MAX) {
      return InvalidArgument("multiples[" + std::to_string(d) + "] = " + std::to_string(m[d]) +
                             " is negative or makes the output dim larger than INT32_MAX");
    }
  }
  return m;
}

AffineCopy TileCopy(const NodeContext& ctx, const std::vector<int64_t>& multiples) {
  const Shape& in = ctx.input(0).shape;
  const std::vector<int64_t> strides = RowMajorStrides(in);
  AffineCopy copy;
  copy.out_base.assign(in.size(), 0);
  for (size_t d = 0; d < in.size(); ++d) {
    copy.loops.push_back({multiples[d], 0, static_cast<int>(d), in[d]});
    copy.loops.push_back({in[d], strides[d], static_cast<int>(d), 1});
  }
  return copy;
}

class TileOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "TILE"; }
  std::vector<int> builtin_codes() const override { return {69}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> m, CheckedMultiples(ctx));
    Shape out = ctx.input(0).shape;
    for (size_t d = 0; d < out.size(); ++d) out[d] = static_cast<int32_t>(out[d] * m[d]);
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> m, CheckedMultiples(ctx));
    return std::vector<AffineCopy>{TileCopy(ctx, m)};
  }
};

}  // namespace

const OpDef& tile_op() {
  static const TileOp op;
  return op;
}

}  // namespace jitlite::ops
