// FAKE_QUANT: FLOAT32 quantize-dequantize with FakeQuantOptions min, max and
// num_bits, as TFLite's reference kernel (TensorFlow's FakeQuantWithMinMaxArgs):
// the range is nudged at compile time so that 0 is a grid point (the same float
// steps as TFLite's NudgeQuantizationRange), then per element
//   out = round((clamp(x, nudged_min, nudged_max) - nudged_min) / scale) * scale + nudged_min
// with the division as TFLite's multiplication by 1 / scale and round halves
// away from zero; NaN clamps to nudged_min (std::max/std::min order). As in
// TFLite, narrow_range is refused; num_bits outside [2, 16] and min >= max
// (where TFLite's grid is meaningless) are refused too.
#include <cmath>
#include <cstdint>
#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

struct FakeQuantParams {
  float min = 0.0f;
  float max = 0.0f;
  int num_bits = 0;
  bool narrow_range = false;
};

FakeQuantParams ReadParams(const NodeContext& ctx) {
  FakeQuantParams p;
  if (const auto* opts = ctx.op()->builtin_options_as_FakeQuantOptions()) {
    p.min = opts->min();
    p.max = opts->max();
    p.num_bits = opts->num_bits();
    p.narrow_range = opts->narrow_range();
  }
  return p;
}

struct NudgedRange {
  float min;
  float max;
  float scale;
};

// TFLite's NudgeQuantizationRange for the grid [0, 2^num_bits - 1], in float.
NudgedRange Nudge(const FakeQuantParams& p) {
  const float quant_min = 0.0f;
  const float quant_max = static_cast<float>((1 << p.num_bits) - 1);
  const float scale = (p.max - p.min) / (quant_max - quant_min);
  const float zero_point_from_min = quant_min - p.min / scale;
  float zero_point;
  if (zero_point_from_min < quant_min) {
    zero_point = quant_min;
  } else if (zero_point_from_min > quant_max) {
    zero_point = quant_max;
  } else {
    zero_point = static_cast<float>(static_cast<uint16_t>(std::round(zero_point_from_min)));
  }
  return {(quant_min - zero_point) * scale, (quant_max - zero_point) * scale, scale};
}

class FakeQuantOp : public OpDef {
 public:
  std::string_view name() const override { return "FAKE_QUANT"; }
  std::vector<int> builtin_codes() const override { return {80}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "FAKE_QUANT", {DType::kFloat32}, {}));
    const FakeQuantParams p = ReadParams(ctx);
    if (p.narrow_range) {
      return InvalidArgument("narrow_range is not supported (TFLite refuses it at run time too)");
    }
    if (p.num_bits < 2 || p.num_bits > 16) {
      return InvalidArgument("num_bits " + std::to_string(p.num_bits) +
                             " is outside [2, 16]");
    }
    if (!(p.min < p.max)) {
      return InvalidArgument("min " + std::to_string(p.min) + " must be below max " +
                             std::to_string(p.max));
    }
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    const NudgedRange r = Nudge(ReadParams(ctx));
    llvm::Value* lo = e.F32(r.min);
    llvm::Value* hi = e.F32(r.max);
    // std::min(hi, std::max(lo, x)): a NaN x becomes lo.
    llvm::Value* x = b.CreateSelect(b.CreateFCmpOLT(lo, v[0]), v[0], lo);
    x = b.CreateSelect(b.CreateFCmpOLT(x, hi), x, hi);
    llvm::Value* steps = b.CreateFMul(b.CreateFSub(x, lo), e.F32(1.0f / r.scale));
    steps = b.CreateUnaryIntrinsic(llvm::Intrinsic::round, steps);
    return b.CreateFAdd(b.CreateFMul(steps, e.F32(r.scale)), lo);
  }
};

}  // namespace

const OpDef& fake_quant_op() {
  static const FakeQuantOp op;
  return op;
}

}  // namespace jitlite::ops
