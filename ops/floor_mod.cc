// FLOOR_MOD: out = a - b * floor(a / b), the remainder with the divisor's
// sign, numpy broadcasting up to rank 8 (what LiteRT accepts). FLOAT32, INT32,
// INT64, INT16 and INT8.
//  - float: as TFLite, the exact fmod(a, b) (sign of a), plus b when it is
//    nonzero and its sign differs from b's (so fmod(-1, inf) + inf = inf).
//    fmod is computed exactly inline (no libm call, see FloatFmod); x mod 0,
//    inf mod x and NaNs give NaN.
//  - integers: ops/util/floor_div_mod.h. TFLite fails the invoke on a zero
//    integer divisor: a constant one holding 0 is rejected at allocate time, a
//    computed zero gives 0.
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/floor_div_mod.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// A finite, non-negative float as mantissa * 2^exponent: an integer mantissa
// below 2^24 (as a double) and an i64 exponent in [-149, 104].
struct Decomposed {
  Value* mantissa;
  Value* exponent;
};

Decomposed Decompose(llvm::IRBuilder<>& b, Value* abs_x) {
  Value* bits = b.CreateBitCast(abs_x, b.getInt32Ty());
  Value* biased = b.CreateLShr(bits, 23);
  Value* fraction = b.CreateAnd(bits, b.getInt32(0x7FFFFF));
  Value* normal = b.CreateICmpNE(biased, b.getInt32(0));
  Value* mantissa = b.CreateSelect(normal, b.CreateOr(fraction, b.getInt32(0x800000)), fraction);
  // Subnormals share the smallest normal exponent (biased 1).
  Value* exponent = b.CreateSub(b.CreateSelect(normal, biased, b.getInt32(1)), b.getInt32(150));
  return {b.CreateUIToFP(mantissa, b.getDoubleTy()), b.CreateSExt(exponent, b.getInt64Ty())};
}

// 2^k as a double, for k in the normal double range (an i64 value).
Value* Pow2(llvm::IRBuilder<>& b, Value* k) {
  return b.CreateBitCast(b.CreateShl(b.CreateAdd(k, b.getInt64(1023)), 52), b.getDoubleTy());
}

// fmod(|a|, |b|) for |a| >= |b|, both finite and |b| > 0: with |a| = Ma*2^Ea and
// |b| = Mb*2^Eb (Ea >= Eb), the remainder is ((Ma * 2^(Ea-Eb)) mod Mb) * 2^Eb.
// The integer remainder is reduced 28 bits of the shift at a time, in doubles
// where every step is exact (operands stay below 2^53).
Value* ExactFmodOfMagnitudes(llvm::IRBuilder<>& b, Value* abs_a, Value* abs_b) {
  constexpr int kStepBits = 28;
  constexpr int kSteps = 10;  // ceil(253 / 28): Ea - Eb is at most 104 + 149
  Decomposed a = Decompose(b, abs_a);
  Decomposed d = Decompose(b, abs_b);
  Value* shift = b.CreateSub(a.exponent, d.exponent);
  Value* x = a.mantissa;
  for (int step = 0; step < kSteps; ++step) {
    Value* s = b.CreateSub(shift, b.getInt64(step * kStepBits));
    s = b.CreateSelect(b.CreateICmpSLT(s, b.getInt64(0)), b.getInt64(0), s);
    s = b.CreateSelect(b.CreateICmpSGT(s, b.getInt64(kStepBits)), b.getInt64(kStepBits), s);
    Value* scaled = b.CreateFMul(x, Pow2(b, s));
    // floor of the rounded quotient is the true floor or one more; the
    // remainder is then negative and gets Mb back.
    Value* q = b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, b.CreateFDiv(scaled, d.mantissa));
    Value* r = b.CreateFSub(scaled, b.CreateFMul(q, d.mantissa));
    x = b.CreateSelect(b.CreateFCmpOLT(r, llvm::ConstantFP::get(b.getDoubleTy(), 0.0)),
                       b.CreateFAdd(r, d.mantissa), r);
  }
  return b.CreateFPTrunc(b.CreateFMul(x, Pow2(b, d.exponent)), b.getFloatTy());  // exact
}

// C's fmod(a, b): exact, with the sign of a.
Value* FloatFmod(jit::ElementEmitter& e, Value* a, Value* d) {
  llvm::IRBuilder<>& b = e.b();
  Value* abs_a = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, a);
  Value* abs_d = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, d);
  Value* reduced = b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign,
                                           ExactFmodOfMagnitudes(b, abs_a, abs_d), a);
  // |a| < |b| (also finite a, infinite b): a itself.
  Value* r = b.CreateSelect(b.CreateFCmpOLT(abs_a, abs_d), a, reduced);
  Value* inf = llvm::ConstantFP::getInfinity(b.getFloatTy());
  Value* nan_case = b.CreateOr(b.CreateFCmpOEQ(abs_d, e.F32(0.0f)),
                               b.CreateFCmpUEQ(abs_a, inf));  // also NaN a
  nan_case = b.CreateOr(nan_case, b.CreateFCmpUNO(d, d));
  return b.CreateSelect(nan_case, llvm::ConstantFP::getNaN(b.getFloatTy()), r);
}

class FloorModOp : public OpDef {
 public:
  std::string_view name() const override { return "FLOOR_MOD"; }
  std::vector<int> builtin_codes() const override { return {95}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    const std::initializer_list<DType> kTypes = {DType::kFloat32, DType::kInt32, DType::kInt64,
                                                 DType::kInt16, DType::kInt8};
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "FLOOR_MOD", kTypes, {}));
    JITLITE_RETURN_IF_ERROR(PrepareBinary(ctx, kTypes, 8));
    // Float x mod 0 is NaN in TFLite, not an error.
    if (ctx.input(1).dtype == DType::kFloat32) return Status::Ok();
    return CheckConstantDivisorNonZero(ctx.input(1), "FLOOR_MOD");
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (!IsFloat(v[0])) return EmitIntFloorMod(e, v[0], v[1]);
    llvm::IRBuilder<>& b = e.b();
    Value* m = FloatFmod(e, v[0], v[1]);
    Value* zero = e.F32(0.0f);
    Value* fix = b.CreateAnd(b.CreateFCmpUNE(m, zero),
                             b.CreateXor(b.CreateFCmpOLT(v[1], zero), b.CreateFCmpOLT(m, zero)));
    return b.CreateSelect(fix, b.CreateFAdd(m, v[1]), m);
  }
};

}  // namespace

const OpDef& floor_mod_op() {
  static const FloorModOp op;
  return op;
}

}  // namespace jitlite::ops
