// Quantized DIV (see ops/util/quantized_div.h).
#include "ops/util/quantized_div.h"

#include <limits>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

Value* I32(llvm::IRBuilder<>& b, int32_t v) { return b.getInt32(static_cast<uint32_t>(v)); }

Value* Srdhm(llvm::IRBuilder<>& b, Value* x, Value* y) {
  return EmitSaturatingRoundingDoublingHighMul(b, x, y);
}

// gemmlowp's SaturatingRoundingMultiplyByPOT with a positive exponent.
Value* SaturatingShiftLeft(llvm::IRBuilder<>& b, Value* x, int exponent) {
  const int32_t threshold = (1 << (31 - exponent)) - 1;
  Value* shifted = b.CreateShl(x, exponent);
  shifted = b.CreateSelect(b.CreateICmpSGT(x, I32(b, threshold)),
                           I32(b, std::numeric_limits<int32_t>::max()), shifted);
  return b.CreateSelect(b.CreateICmpSLT(x, I32(b, -threshold)),
                        I32(b, std::numeric_limits<int32_t>::min()), shifted);
}

// gemmlowp's RoundingHalfSum: (a + b) / 2 rounded half away from zero, in 64 bits.
Value* RoundingHalfSum(llvm::IRBuilder<>& b, Value* x, Value* y) {
  llvm::Type* i64 = b.getInt64Ty();
  Value* sum = b.CreateAdd(b.CreateSExt(x, i64), b.CreateSExt(y, i64));
  Value* sign = b.CreateSelect(b.CreateICmpSGE(sum, b.getInt64(0)), b.getInt64(1),
                               b.getInt64(-1));
  return b.CreateTrunc(b.CreateSDiv(b.CreateAdd(sum, sign), b.getInt64(2)), b.getInt32Ty());
}

// gemmlowp's one_over_one_plus_x_for_x_in_0_1 on a Q0.31 raw value: Newton
// steps for 1 / (1 + x) on Q2.29 from 48/17 - 32/17 * d, d = (1 + x) / 2.
Value* OneOverOnePlusX(llvm::IRBuilder<>& b, Value* x) {
  constexpr int32_t kOneQ2 = 1 << 29;
  Value* half_denominator = RoundingHalfSum(b, x, I32(b, std::numeric_limits<int32_t>::max()));
  Value* r = b.CreateAdd(I32(b, 1515870810), Srdhm(b, half_denominator, I32(b, -1010580540)));
  for (int i = 0; i < 3; ++i) {
    Value* one_minus = b.CreateSub(I32(b, kOneQ2), Srdhm(b, half_denominator, r));
    r = b.CreateAdd(r, SaturatingShiftLeft(b, Srdhm(b, r, one_minus), 2));
  }
  return SaturatingShiftLeft(b, r, 1);  // halved, back to Q0.31
}

Value* CountLeadingZeros(llvm::IRBuilder<>& b, Value* x) {
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, x, b.getFalse());
}

// TFLite's CountLeadingSignBits (31 for 0).
Value* CountLeadingSignBits(llvm::IRBuilder<>& b, Value* x) {
  Value* magnitude = b.CreateSelect(b.CreateICmpSGE(x, I32(b, 0)), x, b.CreateNot(x));
  return b.CreateSub(CountLeadingZeros(b, magnitude), I32(b, 1));
}

// RoundingDivideByPOT as TFLite's build runs it for any exponent in [0, 63]:
// the mask computed in 64 bits and truncated, the shift count taken mod 32
// (x86's sar). The division's exponent passes 31 for small dividends.
Value* RoundingDivideByPOTWide(llvm::IRBuilder<>& b, Value* x, Value* exponent) {
  Value* e64 = b.CreateZExt(b.CreateAnd(exponent, I32(b, 63)), b.getInt64Ty());
  Value* mask = b.CreateTrunc(b.CreateSub(b.CreateShl(b.getInt64(1), e64), b.getInt64(1)),
                              b.getInt32Ty());
  Value* remainder = b.CreateAnd(x, mask);
  Value* threshold = b.CreateAdd(b.CreateAShr(mask, I32(b, 1)),
                                 b.CreateZExt(b.CreateICmpSLT(x, I32(b, 0)), b.getInt32Ty()));
  Value* up = b.CreateZExt(b.CreateICmpSGT(remainder, threshold), b.getInt32Ty());
  return b.CreateAdd(b.CreateAShr(x, b.CreateAnd(exponent, I32(b, 31))), up);
}

Value* Centered(llvm::IRBuilder<>& b, Value* q, const TensorState& t) {
  return b.CreateSub(EmitWidenQuantized(b, q, t.dtype), I32(b, ZeroPoint(t)));
}

}  // namespace

Value* EmitQuantizedDiv(jit::ElementEmitter& e, const NodeContext& ctx, Value* a, Value* b_q,
                        int activation) {
  llvm::IRBuilder<>& b = e.b();
  const TensorState& out = ctx.output(0);
  Value* x1 = Centered(b, a, ctx.input(0));
  Value* x2 = Centered(b, b_q, ctx.input(1));
  x2 = b.CreateSelect(b.CreateICmpEQ(x2, I32(b, 0)), I32(b, 1), x2);
  // A negative divisor: both signs flipped, so the reciprocal is positive.
  Value* negative = b.CreateICmpSLT(x2, I32(b, 0));
  x1 = b.CreateSelect(negative, b.CreateNeg(x1), x1);
  x2 = b.CreateSelect(negative, b.CreateNeg(x2), x2);
  // GetReciprocal(x2, 31): x2 normalised to [1, 2) as 1 + f, 1 / (1 + f).
  Value* headroom_plus_one = CountLeadingZeros(b, x2);
  Value* recip_shift = b.CreateSub(I32(b, 31), headroom_plus_one);
  Value* f = b.CreateSub(b.CreateShl(x2, headroom_plus_one),
                         I32(b, std::numeric_limits<int32_t>::min()));
  Value* reciprocal = OneOverOnePlusX(b, f);
  // x1 shifted to its headroom, times the reciprocal.
  Value* headroom = CountLeadingSignBits(b, x1);
  Value* quotient = Srdhm(b, b.CreateShl(x1, headroom), reciprocal);
  // One rescale by s1 / (s2 * s_out) (float, as TFLite's Prepare), shifted
  // right by what normalising took: RDBP(SRDHM(q, M), -(shift - r - h)).
  const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(
      Scale(ctx.input(0)) / (Scale(ctx.input(1)) * Scale(out))));
  Value* right = b.CreateAdd(b.CreateAdd(recip_shift, headroom), I32(b, -m.shift));
  Value* scaled = RoundingDivideByPOTWide(b, Srdhm(b, quotient, I32(b, m.multiplier)), right);
  Value* r = b.CreateAdd(scaled, I32(b, ZeroPoint(out)));
  return EmitNarrowQuantized(b, EmitClampInt(b, r, QuantizedActivationRange(activation, out)),
                             out.dtype);
}

}  // namespace jitlite::ops
