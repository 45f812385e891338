// gemmlowp fixed-point functions in IR (see ops/util/fixed_point.h). The
// constants are gemmlowp's (each the Q31 value of the function at a point).
#include "ops/util/fixed_point.h"

#include <cstdint>
#include <limits>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

Value* Mul(llvm::IRBuilder<>& b, Value* x, Value* y) {  // fixed-point product
  return EmitSaturatingRoundingDoublingHighMul(b, x, y);
}
Value* Mul(llvm::IRBuilder<>& b, Value* x, int32_t y) { return Mul(b, x, b.getInt32(y)); }
Value* DivideByPOT(llvm::IRBuilder<>& b, Value* x, int exponent) {
  return EmitRoundingDivideByPOT(b, x, b.getInt32(exponent));
}

// exp(a) for a in [-1/4, 0), 0 integer bits: Taylor series around -1/8.
Value* ExpOnInterval(llvm::IRBuilder<>& b, Value* a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;
  constexpr int32_t kOneThird = 715827883;
  Value* x = b.CreateAdd(a, b.getInt32(1 << 28));  // a + 1/8
  Value* x2 = Mul(b, x, x);
  Value* x3 = Mul(b, x2, x);
  Value* x4 = Mul(b, x2, x2);
  Value* x4_over_4 = DivideByPOT(b, x4, 2);
  Value* poly = DivideByPOT(b, b.CreateAdd(Mul(b, b.CreateAdd(x4_over_4, x3), kOneThird), x2), 1);
  Value* c = b.getInt32(kExpMinusOneEighth);
  return b.CreateAdd(c, Mul(b, c, b.CreateAdd(x, poly)));
}

// SaturatingRoundingMultiplyByPOTParam with a runtime exponent >= 0: x << e,
// saturated beyond +-(2^(31 - e) - 1) (in i64, so e = 0 needs no case).
Value* SaturatingShiftLeftBy(llvm::IRBuilder<>& b, Value* x, Value* exponent) {
  llvm::Type* i64 = b.getInt64Ty();
  Value* threshold =
      b.CreateSub(b.CreateShl(b.getInt64(1), b.CreateZExt(b.CreateSub(b.getInt32(31), exponent),
                                                          i64)),
                  b.getInt64(1));
  Value* wide = b.CreateSExt(x, i64);
  Value* shifted = b.CreateShl(x, exponent);
  shifted = b.CreateSelect(b.CreateICmpSGT(wide, threshold), b.getInt32(kInt32Max), shifted);
  return b.CreateSelect(b.CreateICmpSLT(wide, b.CreateNeg(threshold)), b.getInt32(kInt32Min),
                        shifted);
}

// Saturating i32 a + b and a - b (in i64, clamped).
Value* SaturatingAddSub(llvm::IRBuilder<>& b, Value* x, Value* y, bool subtract) {
  llvm::Type* i64 = b.getInt64Ty();
  Value* wx = b.CreateSExt(x, i64);
  Value* wy = b.CreateSExt(y, i64);
  Value* r = subtract ? b.CreateSub(wx, wy) : b.CreateAdd(wx, wy);
  r = b.CreateSelect(b.CreateICmpSGT(r, b.getInt64(kInt32Max)), b.getInt64(kInt32Max), r);
  r = b.CreateSelect(b.CreateICmpSLT(r, b.getInt64(kInt32Min)), b.getInt64(kInt32Min), r);
  return b.CreateTrunc(r, b.getInt32Ty());
}

// gemmlowp's RoundingHalfSum: (x + y + sign) / 2 in 64 bits.
Value* RoundingHalfSum(llvm::IRBuilder<>& b, Value* x, Value* y) {
  llvm::Type* i64 = b.getInt64Ty();
  Value* sum = b.CreateAdd(b.CreateSExt(x, i64), b.CreateSExt(y, i64));
  Value* sign = b.CreateSelect(b.CreateICmpSGE(sum, b.getInt64(0)), b.getInt64(1), b.getInt64(-1));
  return b.CreateTrunc(b.CreateSDiv(b.CreateAdd(sum, sign), b.getInt64(2)), b.getInt32Ty());
}

// Rescale of a value with `from` integer bits to `to` integer bits.
Value* Rescale(llvm::IRBuilder<>& b, Value* x, int from, int to) {
  if (from > to) return EmitSaturatingShiftLeft(b, x, from - to);
  if (from < to) return DivideByPOT(b, x, to - from);
  return x;
}

}  // namespace

Value* EmitSaturatingShiftLeft(llvm::IRBuilder<>& b, Value* x, int exponent) {
  const int32_t threshold = (int32_t{1} << (31 - exponent)) - 1;
  Value* shifted = b.CreateShl(x, exponent);
  shifted = b.CreateSelect(b.CreateICmpSGT(x, b.getInt32(threshold)), b.getInt32(kInt32Max),
                           shifted);
  return b.CreateSelect(b.CreateICmpSLT(x, b.getInt32(-threshold)), b.getInt32(kInt32Min),
                        shifted);
}

Value* EmitExpOnNegativeValues(llvm::IRBuilder<>& b, Value* a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
  // a = (a mod 1/4) - 1/4 - remainder: exp of the first part by the series,
  // then one factor exp(-2^k) per set bit of the remainder.
  Value* a_mod_quarter_minus_quarter =
      b.CreateSub(b.CreateAnd(a, b.getInt32(one_quarter - 1)), b.getInt32(one_quarter));
  Value* result = ExpOnInterval(b, EmitSaturatingShiftLeft(b, a_mod_quarter_minus_quarter,
                                                          integer_bits));
  Value* remainder = b.CreateSub(a_mod_quarter_minus_quarter, a);
  struct Step {
    int exponent;
    int32_t multiplier;  // exp(-2^exponent) in Q31
  };
  constexpr Step kSteps[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084},
                             {1, 290630308},   {2, 39332535},    {3, 720401},
                             {4, 242}};
  for (const Step& s : kSteps) {
    if (integer_bits <= s.exponent) continue;
    Value* bit = b.CreateAnd(remainder, b.getInt32(int32_t{1} << (fractional_bits + s.exponent)));
    result = b.CreateSelect(b.CreateICmpNE(bit, b.getInt32(0)), Mul(b, result, s.multiplier),
                            result);
  }
  if (integer_bits > 5) {  // below -32 the result is 0
    const int32_t clamp = -(int32_t{1} << (36 - integer_bits));
    result = b.CreateSelect(b.CreateICmpSLT(a, b.getInt32(clamp)), b.getInt32(0), result);
  }
  return b.CreateSelect(b.CreateICmpEQ(a, b.getInt32(0)), b.getInt32(kInt32Max), result);
}

Value* EmitOneOverOnePlusX(llvm::IRBuilder<>& b, Value* a) {
  // half_denominator = RoundingHalfSum(a, 1): (a + 1 + sign) / 2 in 64 bits.
  Value* sum = b.CreateAdd(b.CreateSExt(a, b.getInt64Ty()), b.getInt64(kInt32Max));
  Value* sign = b.CreateSelect(b.CreateICmpSGE(sum, b.getInt64(0)), b.getInt64(1), b.getInt64(-1));
  Value* half = b.CreateTrunc(b.CreateSDiv(b.CreateAdd(sum, sign), b.getInt64(2)), b.getInt32Ty());
  // Newton-Raphson on x ~ 1 / half_denominator with 2 integer bits,
  // starting from 48/17 - 32/17 * half_denominator.
  constexpr int32_t k48Over17 = 1515870810;
  constexpr int32_t kMinus32Over17 = -1010580540;
  constexpr int32_t kOneQ2 = 1 << 29;  // 1.0 with 2 integer bits
  Value* x = b.CreateAdd(b.getInt32(k48Over17), Mul(b, half, kMinus32Over17));
  for (int i = 0; i < 3; ++i) {
    Value* one_minus_hx = b.CreateSub(b.getInt32(kOneQ2), Mul(b, half, x));
    x = b.CreateAdd(x, EmitSaturatingShiftLeft(b, Mul(b, x, one_minus_hx), 2));
  }
  return EmitSaturatingShiftLeft(b, x, 1);  // x / 2, back to 0 integer bits
}

RuntimeMultiplier EmitInverseSqrtMultiplier(llvm::IRBuilder<>& b, Value* x) {
  constexpr int32_t kHalfThreeQ3 = (1 << 28) + (1 << 27);  // 1.5 with 3 integer bits
  constexpr int32_t kOneQ3 = 1 << 28;
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2) / 2
  Value* trivial = b.CreateICmpSLE(x, b.getInt32(1));
  Value* v = b.CreateSelect(trivial, b.getInt32(2), x);  // keeps the general path defined
  // Normalize v into [2^27, 2^29) by pairs of bits, tracking the shift
  // (at most one step down: v < 2^31).
  Value* big = b.CreateICmpSGE(v, b.getInt32(1 << 29));
  v = b.CreateSelect(big, b.CreateAShr(v, 2), v);
  Value* shift = b.CreateSelect(big, b.getInt32(12), b.getInt32(11));
  Value* clz = b.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, v, b.getFalse());
  Value* pairs = b.CreateSub(b.CreateLShr(b.CreateSub(clz, b.getInt32(1)), 1), b.getInt32(1));
  shift = b.CreateSub(shift, pairs);
  v = b.CreateShl(v, b.CreateShl(pairs, 1));
  Value* half_input = DivideByPOT(b, b.CreateAShr(v, 1), 1);
  // Newton-Raphson for 1 / sqrt from 1: x = 1.5 x - (v / 2) x^3.
  Value* r = b.getInt32(kOneQ3);
  for (int i = 0; i < 5; ++i) {
    Value* r3 = Rescale(b, Mul(b, Mul(b, r, r), r), 9, 3);
    Value* step = b.CreateSub(Mul(b, b.getInt32(kHalfThreeQ3), r), Mul(b, half_input, r3));
    r = Rescale(b, step, 6, 3);
  }
  r = Mul(b, r, kHalfSqrt2);
  // A negative shift is folded into the multiplier.
  Value* negative = b.CreateICmpSLT(shift, b.getInt32(0));
  r = b.CreateSelect(negative, b.CreateShl(r, b.CreateNeg(shift)), r);
  shift = b.CreateSelect(negative, b.getInt32(0), shift);
  return {b.CreateSelect(trivial, b.getInt32(kInt32Max), r),
          b.CreateSelect(trivial, b.getInt32(0), b.CreateNeg(shift))};
}

Value* EmitLogXGreaterOrEqualOne(llvm::IRBuilder<>& b, Value* x, int input_bits,
                                int output_bits) {
  // gemmlowp's Q31 constants.
  constexpr int32_t kLog2 = 1488522236;          // log(2)
  constexpr int32_t kSqrtSqrtHalf = 1805811301;  // 0.5^(1/4)
  constexpr int32_t kSqrtHalf = 1518500250;      // 0.5^(1/2)
  constexpr int32_t kOneQuarter = 536870912;
  constexpr int32_t kAlphaN = 117049297;   // 11/240 * 2^(1/4)
  constexpr int32_t kAlphaD = 127690142;   // 1/20 * 2^(1/4)
  constexpr int32_t kAlphaI = 1057819769;  // 2 / 2^(1/4) - 2^(1/4)
  constexpr int32_t kAlphaF = 638450708;   // 1/4 * 2^(1/4)
  const int accum_bits = output_bits + 1;  // headroom for the sum of the two parts
  auto clz = [&](Value* v) {
    return b.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, v, b.getFalse());
  };
  // x's power of two as an accum_bits value: (input_bits - headroom) << (31 - accum_bits).
  auto power = [&](Value* headroom) {
    return SaturatingShiftLeftBy(b, b.CreateSub(b.getInt32(input_bits), headroom),
                                 b.getInt32(31 - accum_bits));
  };
  Value* quarter = Rescale(b, b.getInt32(kOneQuarter), 0, accum_bits);

  // Two normalizations (of x and of x * sqrt(1/2)); the one whose mantissa r
  // is smaller wins, with its power of two adjusted by +-1/4.
  Value* a_headroom_plus_1 = clz(x);
  Value* r_a_tmp = SaturatingShiftLeftBy(b, x, b.CreateSub(a_headroom_plus_1, b.getInt32(1)));
  Value* r_a = EmitSaturatingShiftLeft(b, Mul(b, r_a_tmp, kSqrtHalf), 1);
  Value* a_pow2 = SaturatingAddSub(b, power(a_headroom_plus_1), quarter, /*subtract=*/false);
  Value* z_b = Mul(b, x, kSqrtHalf);
  Value* b_headroom = b.CreateSub(clz(z_b), b.getInt32(1));
  Value* r_b = SaturatingShiftLeftBy(b, x, b_headroom);
  Value* b_pow2 = SaturatingAddSub(b, power(b_headroom), quarter, /*subtract=*/true);
  Value* r = b.CreateSelect(b.CreateICmpSLT(r_a, r_b), r_a, r_b);
  Value* pow2 = b.CreateSelect(b.CreateICmpSGT(a_pow2, b_pow2), a_pow2, b_pow2);

  // log(r) ~ num / (1 + denom_minus_one) around 0.5^(1/4).
  Value* p = RoundingHalfSum(b, r, b.getInt32(kSqrtSqrtHalf));
  Value* q = b.CreateSub(r, b.getInt32(kSqrtSqrtHalf));
  q = b.CreateAdd(q, q);
  Value* q_sq = Mul(b, q, q);
  Value* num = b.CreateAdd(Mul(b, q, r), Mul(b, Mul(b, q, q_sq), kAlphaN));
  Value* inner =
      b.CreateAdd(b.CreateAdd(b.getInt32(kAlphaI), q), Mul(b, b.getInt32(kAlphaD), q_sq));
  Value* denom_minus_one = b.CreateAdd(Mul(b, p, inner), Mul(b, b.getInt32(kAlphaF), q));
  Value* recip = EmitOneOverOnePlusX(b, denom_minus_one);
  Value* num_scaled = Rescale(b, num, 0, accum_bits);
  Value* sum = b.CreateAdd(Mul(b, pow2, kLog2), Mul(b, num_scaled, recip));
  return Rescale(b, sum, accum_bits, output_bits);
}

}  // namespace jitlite::ops
