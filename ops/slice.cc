// SLICE: out = in[begin[d] : begin[d] + size[d]] per dim d; size[d] = -1 takes
// the rest of the dim. begin and size (inputs 1, 2) are constant INT32 or
// INT64 vectors with one entry per dim of input 0 (rank 0..8, as LiteRT). FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies.
// jitlite needs the bounds at compile time: computed begin/size are
// Unimplemented.
//
// Kernel: one loop per output dim reading the input at the slice's start
// with the input's strides (innermost contiguous). A constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxRank = 8;

struct SliceBounds {
  std::vector<int64_t> begin, size;
};

StatusOr<std::vector<int64_t>> ReadBoundVector(const NodeContext& ctx, int i,
                                               const std::string& what) {
  const TensorState& t = ctx.input(i);
  const int rank = ctx.input(0).rank();
  if (t.rank() != 1 || t.dim(0) != rank) {
    return InvalidArgument(what + " has shape " + ShapeToString(t.shape) + "; expected [" +
                           std::to_string(rank) + "], one entry per dim of input 0 " +
                           ShapeToString(ctx.input(0).shape));
  }
  if (rank == 0) return std::vector<int64_t>();
  return ReadConstInts(t, what);
}

StatusOr<SliceBounds> CheckedBounds(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "SLICE", /*half_floats=*/true,
                                         /*complex64=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, kMaxRank));
  SliceBounds s;
  JITLITE_ASSIGN_OR_RETURN(s.begin, ReadBoundVector(ctx, 1, "begin (input 1)"));
  JITLITE_ASSIGN_OR_RETURN(s.size, ReadBoundVector(ctx, 2, "size (input 2)"));
  const Shape& in = ctx.input(0).shape;
  for (size_t d = 0; d < in.size(); ++d) {
    int64_t begin = s.begin[d], size = s.size[d];
    if (size == -1) size = in[d] - begin;
    if (begin < 0 || size < 0 || begin + size > in[d]) {
      return InvalidArgument("dim " + std::to_string(d) + ": begin " +
                             std::to_string(s.begin[d]) + " and size " +
                             std::to_string(s.size[d]) + " do not fit in a dim of size " +
                             std::to_string(in[d]) + " (need 0 <= begin, 0 <= size or size = "
                             "-1, begin + size <= dim)");
    }
    s.size[d] = size;
  }
  return s;
}

AffineCopy SliceCopy(const NodeContext& ctx, const SliceBounds& s) {
  const std::vector<int64_t> strides = RowMajorStrides(ctx.input(0).shape);
  int64_t base = 0;
  for (size_t d = 0; d < strides.size(); ++d) base += s.begin[d] * strides[d];
  return OutputOrderCopy(ctx.output(0).shape, strides, base);
}

class SliceOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "SLICE"; }
  std::vector<int> builtin_codes() const override { return {65}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SliceBounds s, CheckedBounds(ctx));
    Shape out(s.size.begin(), s.size.end());
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SliceBounds s, CheckedBounds(ctx));
    return std::vector<AffineCopy>{SliceCopy(ctx, s)};
  }
};

}  // namespace

const OpDef& slice_op() {
  static const SliceOp op;
  return op;
}

}  // namespace jitlite::ops
