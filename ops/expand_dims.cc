// EXPAND_DIMS: inserts a size-1 dim into input 0's shape at the axis given by
// input 1 (an alias: no code, the output shares input 0's buffer). The axis is
// a constant INT32/INT64 tensor holding one value; negative counts from
// rank + 1. Any fixed-size element type; as in TFLite, input and output must
// share their quantization (the bytes are not requantized).
#include <string>
#include <vector>

#include "ops/util/reshape_alias.h"

namespace jitlite::ops {
namespace {

// TFLite's per-tensor ("legacy") scale and zero point: set only for exactly
// one scale, else zero.
std::pair<float, int64_t> LegacyQuant(const TensorState& t) {
  if (t.quant == nullptr || t.quant->scales.size() != 1) return {0.0f, 0};
  int64_t zp = t.quant->zero_points.empty() ? 0 : t.quant->zero_points[0];
  return {t.quant->scales[0], zp};
}

StatusOr<int64_t> ReadAxis(const NodeContext& ctx) {
  const TensorState& t = ctx.input(1);
  JITLITE_RETURN_IF_ERROR(RequireConstant(t, "input 1 (axis)"));
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64) {
    return InvalidArgument(std::string("input 1 (axis) has type ") + DTypeName(t.dtype) +
                           "; expected INT32 or INT64");
  }
  if (t.num_elements() != 1) {
    return InvalidArgument("input 1 (axis) must hold exactly one value, it has " +
                           std::to_string(t.num_elements()) + " (shape " +
                           ShapeToString(t.shape) + ")");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(t, "axis"));
  return v[0];
}

class ExpandDimsOp : public OpDef {
 public:
  std::string_view name() const override { return "EXPAND_DIMS"; }
  std::vector<int> builtin_codes() const override { return {70}; }
  OpKind kind() const override { return OpKind::kAlias; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckAliasTypes(ctx));
    if (LegacyQuant(ctx.input(0)) != LegacyQuant(ctx.output(0))) {
      return InvalidArgument("output quantization (scale, zero point) differs from input 0's");
    }
    JITLITE_ASSIGN_OR_RETURN(int64_t axis, ReadAxis(ctx));
    const Shape& in = ctx.input(0).shape;
    const int r = ctx.input(0).rank();
    if (axis < -(r + 1) || axis > r) {
      return InvalidArgument("axis " + std::to_string(axis) + " is out of range for input 0 " +
                             ShapeToString(in) + " (valid: " + std::to_string(-(r + 1)) + ".." +
                             std::to_string(r) + ")");
    }
    if (axis < 0) axis += r + 1;
    Shape out(in);
    out.insert(out.begin() + axis, 1);
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& expand_dims_op() {
  static const ExpandDimsOp op;
  return op;
}

}  // namespace jitlite::ops
