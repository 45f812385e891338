// DEPTH_TO_SPACE: the inverse of SPACE_TO_DEPTH. Spreads the channels of an
// NHWC input over block_size x block_size spatial blocks: out
// [N, H*b, W*b, C/(b*b)] with
//   out[n, y*b + dy, x*b + dx, c] = in[n, y, x, (dy*b + dx)*C' + c].
// DepthToSpaceOptions.block_size b >= 1 must have b*b divide C. FLOAT32,
// INT32, INT64 and INT8/UINT8 raw copies (TFLite's types).
//
// Kernel: loops in output order (n, y, dy, x, dx, c), so stores are
// contiguous and each (dy, dx) reads a contiguous run of C' input channels.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

StatusOr<int> CheckedBlock(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "DEPTH_TO_SPACE",
      {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8}, {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "DEPTH_TO_SPACE"));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 4, 4));
  const auto* opts = ctx.op()->builtin_options_as_DepthToSpaceOptions();
  const int b = opts ? opts->block_size() : 0;
  const Shape& in = ctx.input(0).shape;
  if (b < 1 || in[3] % (static_cast<int64_t>(b) * b) != 0) {
    return InvalidArgument("DepthToSpaceOptions.block_size " + std::to_string(b) +
                           " must be >= 1 with block_size^2 dividing the depth of input 0 " +
                           ShapeToString(in));
  }
  if (static_cast<int64_t>(in[1]) * b > INT32_MAX || static_cast<int64_t>(in[2]) * b > INT32_MAX) {
    return InvalidArgument("output height or width is larger than INT32_MAX");
  }
  return b;
}

AffineCopy DepthToSpaceCopy(const Shape& in, int64_t b) {
  const std::vector<int64_t> s = RowMajorStrides(in);  // NHWC strides
  const int64_t c = in[3] / (b * b);
  AffineCopy copy;
  copy.out_base.assign(4, 0);
  copy.loops = {{in[0], s[0], 0, 1}, {in[1], s[1], 1, b}, {b, b * c, 1, 1},
                {in[2], s[2], 2, b}, {b, c, 2, 1},        {c, 1, 3, 1}};
  return copy;
}

class DepthToSpaceOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "DEPTH_TO_SPACE"; }
  std::vector<int> builtin_codes() const override { return {5}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int b, CheckedBlock(ctx));
    const Shape& in = ctx.input(0).shape;
    ctx.SetOutput(0, ctx.input(0).dtype, {in[0], in[1] * b, in[2] * b, in[3] / (b * b)});
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int b, CheckedBlock(ctx));
    return std::vector<AffineCopy>{DepthToSpaceCopy(ctx.input(0).shape, b)};
  }
};

}  // namespace

const OpDef& depth_to_space_op() {
  static const DepthToSpaceOp op;
  return op;
}

}  // namespace jitlite::ops
