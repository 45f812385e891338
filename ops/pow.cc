// POW: out = a ^ b, numpy broadcasting up to rank 8 (what LiteRT accepts).
//  - FLOAT32: C's pow rules (x^0 = 1 and 1^y = 1 even for NaN; a negative
//    base needs an integer exponent, the sign follows the exponent's parity;
//    zeros and infinities as IEEE pow), computed inline as exp(b * log|a|) in
//    double precision and rounded to float once, so results match powf's
//    almost always to the last bit.
//  - INT32: as TFLite, the double power truncated to int32: exact when it fits,
//    INT32_MIN when it overflows (what the double -> int cast gives). TFLite
//    fails the invoke on a negative exponent: a constant exponent holding one
//    is rejected at allocate time; a computed one gives the truncated real
//    power (0 for |a| > 1, +-1 for |a| = 1, INT32_MIN for 0).
// TFLite has no other POW types.
#include <cstdint>
#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

Value* F64(llvm::IRBuilder<>& b, double v) { return llvm::ConstantFP::get(b.getDoubleTy(), v); }

// Horner's rule in double: coefficients from the highest degree down.
Value* HornerF64(llvm::IRBuilder<>& b, Value* x, std::initializer_list<double> coeffs) {
  Value* acc = nullptr;
  for (double c : coeffs) acc = acc ? b.CreateFAdd(b.CreateFMul(acc, x), F64(b, c)) : F64(b, c);
  return acc;
}

// log(x) of a positive finite normal double to about 1e-15: x = m * 2^k with
// m in [sqrt(1/2), sqrt(2)), log(m) = 2 atanh(s), s = (m - 1) / (m + 1) and
// |s| < 0.172, by its odd series up to s^17.
Value* PowLogF64(llvm::IRBuilder<>& b, Value* x) {
  Value* bits = b.CreateBitCast(x, b.getInt64Ty());
  Value* k = b.CreateSub(b.CreateLShr(bits, 52), b.getInt64(1023));
  Value* m_bits = b.CreateOr(b.CreateAnd(bits, b.getInt64((int64_t{1} << 52) - 1)),
                             b.getInt64(int64_t{1023} << 52));
  Value* m = b.CreateBitCast(m_bits, b.getDoubleTy());
  Value* big = b.CreateFCmpOGT(m, F64(b, 1.4142135623730951));
  m = b.CreateSelect(big, b.CreateFMul(m, F64(b, 0.5)), m);
  k = b.CreateSelect(big, b.CreateAdd(k, b.getInt64(1)), k);
  Value* s = b.CreateFDiv(b.CreateFSub(m, F64(b, 1.0)), b.CreateFAdd(m, F64(b, 1.0)));
  Value* z = b.CreateFMul(s, s);
  Value* series = HornerF64(b, z, {1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7,
                                   1.0 / 5, 1.0 / 3, 1.0});
  Value* log_m = b.CreateFMul(b.CreateFMul(s, series), F64(b, 2.0));
  return b.CreateFAdd(b.CreateFMul(b.CreateSIToFP(k, b.getDoubleTy()), F64(b, 0.6931471805599453)),
                      log_m);
}

// exp(t) in double for the float result's sake: t is clamped to [-200, 200]
// (beyond it the float result is 0 or inf anyway; NaN is the caller's),
// n = round(t / ln2), r = t - n*ln2 (ln2 in two parts), exp(r) by its Taylor
// series to r^12 (|r| <= 0.35: below 1e-14).
Value* PowExpF64(llvm::IRBuilder<>& b, Value* t) {
  t = b.CreateSelect(b.CreateFCmpOGT(t, F64(b, 200.0)), F64(b, 200.0), t);
  t = b.CreateSelect(b.CreateFCmpOLT(t, F64(b, -200.0)), F64(b, -200.0), t);
  Value* n = b.CreateUnaryIntrinsic(
      llvm::Intrinsic::floor,
      b.CreateFAdd(b.CreateFMul(t, F64(b, 1.4426950408889634)), F64(b, 0.5)));
  Value* r = b.CreateFSub(t, b.CreateFMul(n, F64(b, 6.93147180369123816490e-01)));
  r = b.CreateFSub(r, b.CreateFMul(n, F64(b, 1.90821492927058770002e-10)));
  std::initializer_list<double> taylor = {1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800,
                                          1.0 / 362880,    1.0 / 40320,    1.0 / 5040,
                                          1.0 / 720,       1.0 / 120,      1.0 / 24,
                                          1.0 / 6,         0.5,            1.0,
                                          1.0};
  Value* e_r = HornerF64(b, r, taylor);
  Value* ni = b.CreateFPToSI(n, b.getInt64Ty());
  Value* scale =
      b.CreateBitCast(b.CreateShl(b.CreateAdd(ni, b.getInt64(1023)), 52), b.getDoubleTy());
  return b.CreateFMul(e_r, scale);
}

Value* FloatPow(jit::ElementEmitter& e, Value* x, Value* y) {
  llvm::IRBuilder<>& b = e.b();
  Value* inf = llvm::ConstantFP::getInfinity(b.getFloatTy());
  Value* ax = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  Value* ay = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, y);
  // log|x|: -inf for 0, +inf for inf, NaN for NaN (a float is a normal double).
  Value* axd = b.CreateFPExt(ax, b.getDoubleTy());
  Value* log_ax = PowLogF64(b, axd);
  log_ax = b.CreateSelect(b.CreateFCmpOEQ(ax, e.F32(0.0f)),
                          llvm::ConstantFP::getInfinity(b.getDoubleTy(), true), log_ax);
  log_ax = b.CreateSelect(b.CreateFCmpUEQ(ax, inf), axd, log_ax);  // inf and NaN
  Value* t = b.CreateFMul(b.CreateFPExt(y, b.getDoubleTy()), log_ax);
  Value* mag = b.CreateFPTrunc(PowExpF64(b, t), b.getFloatTy());
  mag = b.CreateSelect(b.CreateFCmpUNO(t, t), llvm::ConstantFP::getNaN(b.getFloatTy()), mag);
  // Exponent parity: floats of 2^24 and more are even integers.
  Value* y_int = b.CreateFCmpOEQ(b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, y), y);
  Value* small = b.CreateFCmpOLT(ay, e.F32(16777216.0f));
  Value* yi = b.CreateFPToSI(b.CreateSelect(small, y, e.F32(0.0f)), b.getInt32Ty());
  Value* y_odd = b.CreateAnd(b.CreateAnd(y_int, small),
                             b.CreateICmpNE(b.CreateAnd(yi, e.I32(1)), e.I32(0)));
  Value* x_sign = b.CreateICmpSLT(b.CreateBitCast(x, b.getInt32Ty()), e.I32(0));
  Value* out = b.CreateSelect(b.CreateAnd(x_sign, y_odd), b.CreateFNeg(mag), mag);
  // A finite negative base with a finite non-integer exponent: NaN.
  Value* bad = b.CreateAnd(b.CreateAnd(b.CreateFCmpOLT(x, e.F32(0.0f)), b.CreateFCmpONE(ax, inf)),
                           b.CreateAnd(b.CreateNot(y_int), b.CreateFCmpONE(ay, inf)));
  out = b.CreateSelect(bad, llvm::ConstantFP::getNaN(b.getFloatTy()), out);
  // 1^y, x^0 and (-1)^inf are 1 (the last would be inf * 0 above).
  Value* one = b.CreateOr(b.CreateFCmpOEQ(x, e.F32(1.0f)), b.CreateFCmpOEQ(y, e.F32(0.0f)));
  one = b.CreateOr(one, b.CreateAnd(b.CreateFCmpOEQ(ax, e.F32(1.0f)), b.CreateFCmpOEQ(ay, inf)));
  return b.CreateSelect(one, e.F32(1.0f), out);
}

// int32 power by squaring in i64. Magnitudes are capped just above 2^31 (the
// products of two capped values still fit in i64): anything at 2^31 or more
// overflows int32, except -2^31 itself.
Value* IntPow(jit::ElementEmitter& e, Value* a, Value* n) {
  llvm::IRBuilder<>& b = e.b();
  const int64_t kCap = (int64_t{1} << 31) + 1;
  Value* cap = e.I64(kCap);
  auto capped = [&](Value* v) { return b.CreateSelect(b.CreateICmpSGT(v, cap), cap, v); };
  Value* a64 = b.CreateSExt(a, b.getInt64Ty());
  Value* p = b.CreateSelect(b.CreateICmpSLT(a64, e.I64(0)), b.CreateNeg(a64), a64);
  Value* r = e.I64(1);
  for (int bit = 0; bit < 31; ++bit) {
    Value* set = b.CreateICmpNE(b.CreateAnd(n, e.I32(1 << bit)), e.I32(0));
    r = b.CreateSelect(set, capped(b.CreateMul(r, p)), r);
    if (bit < 30) p = capped(b.CreateMul(p, p));
  }
  Value* odd = b.CreateICmpNE(b.CreateAnd(n, e.I32(1)), e.I32(0));
  Value* negative = b.CreateAnd(b.CreateICmpSLT(a, e.I32(0)), odd);
  Value* signed_r = b.CreateTrunc(b.CreateSelect(negative, b.CreateNeg(r), r), b.getInt32Ty());
  Value* min = e.I32(INT32_MIN);
  Value* result = b.CreateSelect(b.CreateICmpSGE(r, e.I64(int64_t{1} << 31)), min, signed_r);
  // Negative exponents: the real power truncated toward zero.
  Value* unit = b.CreateSelect(b.CreateAnd(b.CreateICmpEQ(a, e.I32(-1)), odd), e.I32(-1), e.I32(1));
  Value* fraction = b.CreateSelect(b.CreateICmpEQ(a, e.I32(0)), min, e.I32(0));
  Value* is_unit = b.CreateOr(b.CreateICmpEQ(a, e.I32(1)), b.CreateICmpEQ(a, e.I32(-1)));
  Value* negative_power = b.CreateSelect(is_unit, unit, fraction);
  return b.CreateSelect(b.CreateICmpSLT(n, e.I32(0)), negative_power, result);
}

// TFLite checks integer exponents for negatives before the power; for a
// constant exponent we do that once, at compile time.
Status CheckConstantExponent(const TensorState& exponent) {
  if (exponent.dtype != DType::kInt32 || !exponent.is_constant()) return Status::Ok();
  int64_t n = exponent.num_elements();
  if (exponent.const_bytes < static_cast<size_t>(n) * sizeof(int32_t)) {
    return InvalidArgument("constant exponent (input 1) holds " +
                           std::to_string(exponent.const_bytes) + " bytes, expected " +
                           std::to_string(n * 4));
  }
  for (int64_t i = 0; i < n; ++i) {
    if (exponent.const_as<int32_t>()[i] < 0) {
      return InvalidArgument("POW does not support negative int32 exponents: the constant "
                             "exponent (input 1) is negative at flat index " + std::to_string(i));
    }
  }
  return Status::Ok();
}

class PowOp : public OpDef {
 public:
  std::string_view name() const override { return "POW"; }
  std::vector<int> builtin_codes() const override { return {78}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "POW", {DType::kFloat32, DType::kInt32}, {}));
    JITLITE_RETURN_IF_ERROR(PrepareBinary(ctx, {DType::kFloat32, DType::kInt32}, 8));
    return CheckConstantExponent(ctx.input(1));
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return IsFloat(v[0]) ? FloatPow(e, v[0], v[1]) : IntPow(e, v[0], v[1]);
  }
};

}  // namespace

const OpDef& pow_op() {
  static const PowOp op;
  return op;
}

}  // namespace jitlite::ops
