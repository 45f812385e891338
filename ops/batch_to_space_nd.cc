// BATCH_TO_SPACE_ND: the inverse of SPACE_TO_BATCH_ND. Spreads the batch of
// input 0 ([N, H, C] or [N, H, W, C], M = rank - 2 spatial dims) over
// block_shape (input 1, constant INT32 [M]) blocks, then crops (input 2,
// constant INT32 [M, 2] of (before, after) pairs) each spatial dim:
//   out [N / prod(block), in_d * b_d - crop_before_d - crop_after_d ..., C],
//   out[n, i_0*b_0 + s_0 - crop_before_0, .., c] = in[k*N' + n, i_0, .., c]
// where (s_0, ..) is batch group k's block offset (ops/util/space_batch.h)
// and N' the output batch. N must be a multiple of prod(block). FLOAT32,
// INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies.
//
// Plan: one affine copy per batch group of the input elements the crops
// keep; the groups' outputs interleave (stride b_d) and together write every
// output element once. A constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/space_batch.h"

namespace jitlite::ops {
namespace {

constexpr char kOp[] = "BATCH_TO_SPACE_ND";

StatusOr<Shape> CheckedOutputShape(const NodeContext& ctx, const SpaceBatchParams& p) {
  const Shape& in = ctx.input(0).shape;
  Shape out = in;
  int64_t groups = 1;
  for (int64_t b : p.block) groups *= b;
  if (in[0] % groups != 0) {
    return InvalidArgument("batch " + std::to_string(in[0]) + " of input 0 is not a multiple "
                           "of the block size product " + std::to_string(groups));
  }
  out[0] = static_cast<int32_t>(in[0] / groups);
  for (size_t d = 0; d < p.block.size(); ++d) {
    const int64_t size = in[d + 1] * p.block[d] - p.before[d] - p.after[d];
    if (size < 0 || in[d + 1] * p.block[d] > INT32_MAX) {
      return InvalidArgument("crops (" + std::to_string(p.before[d]) + ", " +
                             std::to_string(p.after[d]) + ") of spatial dim " +
                             std::to_string(d) + " do not fit in size " +
                             std::to_string(in[d + 1]) + " * block_shape " +
                             std::to_string(p.block[d]));
    }
    out[d + 1] = static_cast<int32_t>(size);
  }
  return out;
}

std::vector<AffineCopy> PlanCopies(const Shape& in, const Shape& out, const SpaceBatchParams& p) {
  const std::vector<int64_t> s = RowMajorStrides(in);
  const int m = static_cast<int>(p.block.size());
  std::vector<AffineCopy> copies;
  ForEachBlockOffset(p.block, [&](int64_t k, const std::vector<int64_t>& offset) {
    AffineCopy copy;
    copy.in_base = k * out[0] * s[0];
    copy.out_base.assign(in.size(), 0);
    copy.loops.push_back({out[0], s[0], 0, 1});
    for (int d = 0; d < m; ++d) {
      // Input index i lands on output position i * block + offset - before.
      const int64_t shift = offset[d] - p.before[d];
      auto [first, end] = IndicesInside(p.block[d], shift, out[d + 1], in[d + 1]);
      if (first == end) return;  // the crops drop this whole group
      copy.in_base += first * s[d + 1];
      copy.out_base[d + 1] = first * p.block[d] + shift;
      copy.loops.push_back({end - first, s[d + 1], d + 1, p.block[d]});
    }
    copy.loops.push_back({in[m + 1], 1, m + 1, 1});
    copies.push_back(std::move(copy));
  });
  return copies;
}

class BatchToSpaceNdOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return kOp; }
  std::vector<int> builtin_codes() const override { return {37}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SpaceBatchParams p, ReadSpaceBatchParams(ctx, kOp, "crops"));
    JITLITE_ASSIGN_OR_RETURN(Shape out, CheckedOutputShape(ctx, p));
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SpaceBatchParams p, ReadSpaceBatchParams(ctx, kOp, "crops"));
    JITLITE_ASSIGN_OR_RETURN(Shape out, CheckedOutputShape(ctx, p));
    return PlanCopies(ctx.input(0).shape, out, p);
  }
};

}  // namespace

const OpDef& batch_to_space_nd_op() {
  static const BatchToSpaceNdOp op;
  return op;
}

}  // namespace jitlite::ops
