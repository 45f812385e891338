// MIRROR_PAD: pads input 0 with mirror images of itself. paddings (input 1)
// is an INT32/INT64 [rank, 2] tensor of (before, after) pairs that jitlite
// needs constant; MirrorPadOptions.mode picks
//   REFLECT:   the edge is not repeated (before/after <= dim - 1): 2 1 | 0 1 2
//   SYMMETRIC: the edge is repeated (before/after <= dim):         1 0 | 0 1 2
// Larger paddings are rejected, as by TFLite (so REFLECT rejects an empty
// dim even with zero padding). FLOAT32, INT32, INT64 and INT8/UINT8/INT16 raw
// copies (LiteRT's types).
//
// Kernel: per dim the output splits into up to three segments (leading
// mirror, the input itself, trailing mirror), each an affine run of the
// input (mirrors walk backwards). Every combination of segments is one loop
// nest, so no element needs index arithmetic beyond a stride. A constant
// input is folded from the same description.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/pad_util.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

// Output positions [out_start, out_start + count) of one dim read input
// positions in_start, in_start + step, ...
struct Segment {
  int64_t out_start, count, in_start, step;
};

StatusOr<PadParams> CheckedParams(const NodeContext& ctx, bool* symmetric) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "MIRROR_PAD",
      {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kInt64,
       DType::kInt8, DType::kUInt8, DType::kInt16, DType::kComplex64},
      {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "MIRROR_PAD", /*half_floats=*/true,
                                         /*complex64=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, 8));
  const auto* opts = ctx.op()->builtin_options_as_MirrorPadOptions();
  const int mode = opts ? static_cast<int>(opts->mode()) : 0;
  if (mode != 0 && mode != 1) {
    return InvalidArgument("MirrorPadOptions.mode " + std::to_string(mode) +
                           " is neither REFLECT (0) nor SYMMETRIC (1)");
  }
  *symmetric = mode == 1;
  JITLITE_ASSIGN_OR_RETURN(PadParams p, ReadPaddings(ctx));
  const Shape& in = ctx.input(0).shape;
  const int64_t extra = *symmetric ? 0 : 1;
  for (size_t d = 0; d < in.size(); ++d) {
    if (std::max(p.before[d], p.after[d]) > in[d] - extra) {
      return InvalidArgument("paddings (" + std::to_string(p.before[d]) + ", " +
                             std::to_string(p.after[d]) + ") of dim " + std::to_string(d) +
                             " exceed " + std::to_string(in[d] - extra) + ", the most " +
                             (*symmetric ? "SYMMETRIC" : "REFLECT") +
                             " mode allows for a dim of size " + std::to_string(in[d]));
    }
  }
  return p;
}

std::vector<Segment> DimSegments(int64_t before, int64_t n, int64_t after, bool symmetric) {
  const int64_t shift = symmetric ? 0 : 1;
  std::vector<Segment> s;
  if (before > 0) s.push_back({0, before, before - 1 + shift, -1});
  if (n > 0) s.push_back({before, n, 0, 1});
  if (after > 0) s.push_back({before + n, after, n - 1 - shift, -1});
  return s;
}

// One affine copy per combination of per-dim segments.
std::vector<AffineCopy> MirrorCopies(const Shape& in, const PadParams& p, bool symmetric) {
  const std::vector<int64_t> strides = RowMajorStrides(in);
  std::vector<std::vector<Segment>> dims;
  for (size_t d = 0; d < in.size(); ++d) {
    dims.push_back(DimSegments(p.before[d], in[d], p.after[d], symmetric));
    if (dims.back().empty()) return {};
  }
  std::vector<AffineCopy> copies;
  std::vector<size_t> pick(in.size(), 0);
  while (true) {
    AffineCopy copy;
    for (size_t d = 0; d < in.size(); ++d) {
      const Segment& s = dims[d][pick[d]];
      copy.loops.push_back({s.count, s.step * strides[d], static_cast<int>(d), 1});
      copy.in_base += s.in_start * strides[d];
      copy.out_base.push_back(s.out_start);
    }
    copies.push_back(std::move(copy));
    int d = static_cast<int>(in.size()) - 1;
    for (; d >= 0; --d) {
      if (++pick[d] < dims[d].size()) break;
      pick[d] = 0;
    }
    if (d < 0) break;
  }
  return copies;
}

class MirrorPadOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "MIRROR_PAD"; }
  std::vector<int> builtin_codes() const override { return {100}; }

  Status Prepare(NodeContext& ctx) const override {
    bool symmetric = false;
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx, &symmetric));
    ctx.SetOutput(0, ctx.input(0).dtype, PaddedShape(ctx.input(0).shape, p));
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    bool symmetric = false;
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx, &symmetric));
    return MirrorCopies(ctx.input(0).shape, p, symmetric);
  }
};

}  // namespace

const OpDef& mirror_pad_op() {
  static const MirrorPadOp op;
  return op;
}

}  // namespace jitlite::ops
