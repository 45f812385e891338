// SPACE_TO_DEPTH: moves each block_size x block_size spatial block of an NHWC
// input into the channels: out [N, H/b, W/b, b*b*C] with
//   out[n, y, x, (dy*b + dx)*C + c] = in[n, y*b + dy, x*b + dx, c].
// SpaceToDepthOptions.block_size b >= 1 must divide H and W. FLOAT32, INT32,
// INT64 and INT8/UINT8 raw copies (TFLite's types).
//
// Kernel: loops in output order (n, y, x, dy, dx, c), so stores are
// contiguous and each (dy, dx) reads a contiguous run of C input channels.
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
      ctx, 0, "SPACE_TO_DEPTH",
      {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8}, {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "SPACE_TO_DEPTH"));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 4, 4));
  const auto* opts = ctx.op()->builtin_options_as_SpaceToDepthOptions();
  const int b = opts ? opts->block_size() : 0;
  const Shape& in = ctx.input(0).shape;
  if (b < 1 || in[1] % b != 0 || in[2] % b != 0) {
    return InvalidArgument("SpaceToDepthOptions.block_size " + std::to_string(b) +
                           " must be >= 1 and divide height and width of input 0 " +
                           ShapeToString(in));
  }
  return b;
}

AffineCopy SpaceToDepthCopy(const Shape& in, int64_t b) {
  const std::vector<int64_t> s = RowMajorStrides(in);  // NHWC strides
  const int64_t c = in[3];
  AffineCopy copy;
  copy.out_base.assign(4, 0);
  copy.loops = {{in[0], s[0], 0, 1},     {in[1] / b, b * s[1], 1, 1}, {in[2] / b, b * s[2], 2, 1},
                {b, s[1], 3, b * c},     {b, s[2], 3, c},             {c, 1, 3, 1}};
  return copy;
}

class SpaceToDepthOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "SPACE_TO_DEPTH"; }
  std::vector<int> builtin_codes() const override { return {26}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int b, CheckedBlock(ctx));
    const Shape& in = ctx.input(0).shape;
    int64_t depth = static_cast<int64_t>(b) * b * in[3];
    if (depth > INT32_MAX) return InvalidArgument("output depth is larger than INT32_MAX");
    ctx.SetOutput(0, ctx.input(0).dtype,
                  {in[0], in[1] / b, in[2] / b, static_cast<int32_t>(depth)});
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int b, CheckedBlock(ctx));
    return std::vector<AffineCopy>{SpaceToDepthCopy(ctx.input(0).shape, b)};
  }
};

}  // namespace

const OpDef& space_to_depth_op() {
  static const SpaceToDepthOp op;
  return op;
}

}  // namespace jitlite::ops
