// HARD_SWISH: out = x * min(6, max(0, x + 3)) / 6, FLOAT32, in the order of
// TFLite's reference kernel (multiply, then divide by 6). NaN stays NaN.
// INT8/UINT8: TFLite's reference fixed-point path (16-bit "reluish" and
// output multipliers), evaluated at compile time for all 256 stored values
// into a constant table: the result depends only on the stored value and the
// quantization parameters. Float16 comes later.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

// gemmlowp's int16 fixed-point steps (compile time only).
int16_t Srdhm16(int16_t a, int16_t b) {
  constexpr int16_t kMin = std::numeric_limits<int16_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<int16_t>::max();
  const int32_t ab = int32_t{a} * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : 1 - (1 << 14);
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// Without rounding: TFLite uses it to cancel the bias of the rounding ones.
int16_t Sdhm16(int16_t a, int16_t b) {
  constexpr int16_t kMin = std::numeric_limits<int16_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((int32_t{a} * b) / (1 << 15));
}

int16_t SaturatingLeftShift16(int16_t x, int amount) {
  const int32_t shifted = int32_t{x} * (1 << amount);
  return static_cast<int16_t>(std::clamp<int32_t>(shifted, -32768, 32767));
}

// gemmlowp's RoundingDivideByPOT on int16 (exponent 0..31): the mask is an
// int16 too, so from exponent 16 on it is -1 (the tiny scales of converter
// models reach that).
int16_t Rdbp16(int16_t x, int exponent) {
  const auto mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const auto remainder = static_cast<int16_t>(x & mask);
  const auto threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// TFLite's DownScaleInt32ToInt16Multiplier.
int16_t ToInt16Multiplier(int32_t m) {
  constexpr int32_t kRounding = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRounding) return 32767;
  return static_cast<int16_t>((m + kRounding) >> 16);
}

std::array<uint8_t, 256> QuantizedTable(const TensorState& in, const TensorState& out) {
  // The multipliers in float, as TFLite's Prepare.
  const float hires_input_scale = (1.0f / 128.0f) * Scale(in);
  const float reluish_scale = 3.0f / 32768.0f;
  const QuantizedMultiplier out_m = QuantizeMultiplier(hires_input_scale / Scale(out));
  const QuantizedMultiplier reluish_m = QuantizeMultiplier(hires_input_scale / reluish_scale);
  const int16_t out_m16 = ToInt16Multiplier(out_m.multiplier);
  const int16_t reluish_m16 = ToInt16Multiplier(reluish_m.multiplier);
  const IntRange range = DTypeRange(out.dtype);
  const int lo = in.dtype == DType::kUInt8 ? 0 : -128;
  std::array<uint8_t, 256> table{};
  for (int q = lo; q < lo + 256; ++q) {
    const auto value = static_cast<int16_t>(q - ZeroPoint(in));
    const auto hires = static_cast<int16_t>(value * (1 << 7));
    const int16_t preshift_output = Srdhm16(hires, out_m16);
    int16_t reluish = hires;
    if (reluish_m.shift > 0) reluish = SaturatingLeftShift16(reluish, reluish_m.shift - 1);
    reluish = Srdhm16(reluish, reluish_m16);
    if (reluish_m.shift > 0) reluish = SaturatingLeftShift16(reluish, 1);
    if (reluish_m.shift < 0) reluish = Rdbp16(reluish, -reluish_m.shift);
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);  // [-1, 1] -> [0, 1]
    const int16_t preshift = Sdhm16(reluish, preshift_output);
    int32_t result = Rdbp16(preshift, -out_m.shift) + ZeroPoint(out);
    result = std::clamp(result, range.lo, range.hi);
    table[q - lo] = static_cast<uint8_t>(result);
  }
  return table;
}

class HardSwishOp : public OpDef {
 public:
  std::string_view name() const override { return "HARD_SWISH"; }
  std::vector<int> builtin_codes() const override { return {117}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const DType t = ctx.input(0).dtype;
    if (t == DType::kInt8 || t == DType::kUInt8) {
      JITLITE_RETURN_IF_ERROR(PrepareQuantizedUnary(ctx, "HARD_SWISH", false));
      const float real = (1.0f / 128.0f) * Scale(ctx.input(0)) / Scale(ctx.output(0));
      if (QuantizeMultiplier(real).shift > 0) {
        return InvalidArgument("HARD_SWISH output scale below input scale / 128 (TFLite "
                               "requires the output multiplier's exponent <= 0)");
      }
      return Status::Ok();
    }
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "HARD_SWISH", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    const DType t = ctx.input(0).dtype;
    if (t == DType::kInt8 || t == DType::kUInt8) {
      return EmitTableLookup8(e, v[0], t, QuantizedTable(ctx.input(0), ctx.output(0)),
                              "hard_swish_q8");
    }
    llvm::IRBuilder<>& b = e.b();
    // TFLite's std::max(0, x + 3) yields 0 for NaN; x * 0 is NaN again.
    llvm::Value* shifted = b.CreateFAdd(v[0], e.F32(3.0f));
    llvm::Value* relu6 = b.CreateSelect(b.CreateFCmpOGT(shifted, e.F32(0.0f)), shifted, e.F32(0.0f));
    relu6 = ClampAbove(e, relu6, e.F32(6.0f));
    return b.CreateFDiv(b.CreateFMul(v[0], relu6), e.F32(6.0f));
  }
};

}  // namespace

const OpDef& hard_swish_op() {
  static const HardSwishOp op;
  return op;
}

}  // namespace jitlite::ops
