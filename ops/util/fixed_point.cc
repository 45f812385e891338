// gemmlowp fixed-point functions in IR (see ops/util/fixed_point.h). The
// constants are gemmlowp's (each the Q31 value of the function at a point).
#include "ops/util/fixed_point.h"

#include <cstdint>
#include <limits>

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

}  // namespace jitlite::ops
