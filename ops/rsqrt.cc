// RSQRT: out = 1 / sqrt(x), FLOAT32, computed as TFLite's kernel does (a
// correctly rounded sqrt, then a division): negative inputs give NaN, +0 gives
// +inf and -0 gives -inf (LiteRT's XNNPACK path gives NaN for both zeros).
// INT8: TFLite's fixed-point path (a Newton-Raphson inverse square root of
// x - zp_in, then two rescalings), evaluated at compile time for all 256
// stored values into a private constant table in the module: the result
// depends only on the stored value and the quantization parameters, and a
// 256-byte table is cheaper than the iteration per element. Inputs below the
// zero point (TFLite fails the invoke) read the table's x <= 1 entries.
// INT16 (symmetric): TFLite's 513-entry interpolated int16 table of 1/sqrt(x),
// built in float as its Prepare does (x <= 0 maps to 32767 * s_out, the
// largest output); negative inputs, which TFLite refuses at invoke, read it
// too. Float16 comes later.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

// gemmlowp's scalar fixed-point steps, in C++ (compile time only).
int32_t Srdhm(int32_t a, int32_t b) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<int32_t>::max();
  const int64_t product = static_cast<int64_t>(a) * b;
  const int64_t nudge = product >= 0 ? (int64_t{1} << 30) : 1 - (int64_t{1} << 30);
  return static_cast<int32_t>((product + nudge) / (int64_t{1} << 31));
}

int32_t Rdbp(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// SaturatingRoundingMultiplyByPOT with a positive exponent.
int32_t SaturatingShiftLeft(int32_t x, int exponent) {
  const int32_t threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

int32_t Mbqm(int32_t x, QuantizedMultiplier m) {
  const int left = std::max(m.shift, 0);
  const int right = std::max(-m.shift, 0);
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  return Rdbp(Srdhm(shifted, m.multiplier), right);
}

// TFLite's GetInvSqrtQuantizedMultiplierExp with reverse_shift -1: 1/sqrt(x)
// as a multiplier and a (left) shift.
QuantizedMultiplier InvSqrt(int32_t input) {
  if (input <= 1) return {std::numeric_limits<int32_t>::max(), 0};
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const int max_left_shift_bits = __builtin_clz(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;
  // Q3.28 Newton-Raphson on x = 1/sqrt(input), from x = 1, five steps.
  const int32_t half_input = Rdbp(input >> 1, 1);
  const int32_t half_three = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; ++i) {
    const int32_t x3 = SaturatingShiftLeft(Srdhm(Srdhm(x, x), x), 6);
    x = SaturatingShiftLeft(Srdhm(half_three, x) - Srdhm(half_input, x3), 3);
  }
  x = Srdhm(x, 1518500250);  // * sqrt(2)/2
  if (shift < 0) {
    x = static_cast<int32_t>(static_cast<uint32_t>(x) << -shift);
    shift = 0;
  }
  return {x, -shift};
}

std::array<uint8_t, 256> Int8Table(const TensorState& in, const TensorState& out) {
  constexpr int kShift = 20;  // keeps the intermediate an integer, as TFLite
  const float in_scale = Scale(in);
  const QuantizedMultiplier m =
      QuantizeMultiplier(1.0 / static_cast<double>(std::sqrt(in_scale) * Scale(out)));
  std::array<uint8_t, 256> table{};
  for (int q = -128; q <= 127; ++q) {
    const int32_t value = q - ZeroPoint(in);
    int32_t result = 127;  // 0 stands for the largest output
    if (value != 0) {
      QuantizedMultiplier inv = InvSqrt(value);
      inv.shift += kShift;
      const int32_t data = Mbqm(1, inv);
      result = Mbqm(data, {m.multiplier, m.shift - kShift}) + ZeroPoint(out);
      result = std::min(127, std::max(-128, result));
    }
    table[q + 128] = static_cast<uint8_t>(static_cast<int8_t>(result));
  }
  return table;
}

Int16Table Int16RsqrtTable(const TensorState& in, const TensorState& out) {
  const float out_scale = Scale(out);
  auto rsqrt = [out_scale](float x) {
    return x <= 0.0f ? std::numeric_limits<int16_t>::max() * out_scale : 1.0f / std::sqrt(x);
  };
  return BuildInt16TableFloat(rsqrt, Scale(in), ZeroPoint(in), out_scale, ZeroPoint(out));
}

llvm::Value* EmitInt16Rsqrt(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* table =
      EmitInt16TableGlobal(b, Int16RsqrtTable(ctx.input(0), ctx.output(0)), "rsqrt_i16");
  llvm::Value* r = EmitInt16TableLookup(b, table, b.CreateSExt(q, b.getInt32Ty()));
  return b.CreateTrunc(r, b.getInt16Ty());
}

class RsqrtOp : public OpDef {
 public:
  std::string_view name() const override { return "RSQRT"; }
  std::vector<int> builtin_codes() const override { return {76}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const DType dtype = ctx.input(0).dtype;
    if (dtype == DType::kInt8 || dtype == DType::kInt16) {
      return PrepareQuantizedUnary(ctx, "RSQRT", /*int16_symmetric=*/true);
    }
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "RSQRT", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (ctx.input(0).dtype == DType::kInt16) return EmitInt16Rsqrt(e, ctx, v[0]);
    if (ctx.input(0).dtype != DType::kInt8) return e.Rsqrt(v[0]);
    return EmitTableLookup8(e, v[0], DType::kInt8, Int8Table(ctx.input(0), ctx.output(0)),
                            "rsqrt_i8");
  }
};

}  // namespace

const OpDef& rsqrt_op() {
  static const RsqrtOp op;
  return op;
}

}  // namespace jitlite::ops
