// COMPLEX64 element helpers (see ops/util/complex.h).
#include "ops/util/complex.h"

#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {

ComplexParts SplitComplex(llvm::IRBuilder<>& b, llvm::Value* packed) {
  llvm::Value* pair = b.CreateBitCast(packed, llvm::FixedVectorType::get(b.getFloatTy(), 2));
  return {b.CreateExtractElement(pair, uint64_t{0}), b.CreateExtractElement(pair, uint64_t{1})};
}

llvm::Value* JoinComplex(llvm::IRBuilder<>& b, llvm::Value* real, llvm::Value* imag) {
  llvm::Value* pair = llvm::PoisonValue::get(llvm::FixedVectorType::get(b.getFloatTy(), 2));
  pair = b.CreateInsertElement(pair, real, uint64_t{0});
  pair = b.CreateInsertElement(pair, imag, uint64_t{1});
  return b.CreateBitCast(pair, b.getInt64Ty());
}

namespace {

llvm::Value* IsInf(llvm::IRBuilder<>& b, llvm::Value* v) {
  return b.CreateFCmpOEQ(b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, v),
                         llvm::ConstantFP::getInfinity(v->getType()));
}

llvm::Value* IsNan(llvm::IRBuilder<>& b, llvm::Value* v) { return b.CreateFCmpUNO(v, v); }

llvm::Value* CopySign(llvm::IRBuilder<>& b, float magnitude, llvm::Value* sign) {
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign,
                                 llvm::ConstantFP::get(sign->getType(), magnitude), sign);
}

// An infinite part becomes +-1, a finite one +-0 (C11 Annex G "box").
llvm::Value* Box(llvm::IRBuilder<>& b, llvm::Value* v) {
  return b.CreateSelect(IsInf(b, v), CopySign(b, 1.0f, v), CopySign(b, 0.0f, v));
}

// NaN becomes +-0 when `when`, else v.
llvm::Value* NanToZeroIf(llvm::IRBuilder<>& b, llvm::Value* when, llvm::Value* v) {
  return b.CreateSelect(b.CreateAnd(when, IsNan(b, v)), CopySign(b, 0.0f, v), v);
}

ComplexParts NaiveMul(llvm::IRBuilder<>& b, const ComplexParts& p, const ComplexParts& q) {
  return {b.CreateFSub(b.CreateFMul(p.real, q.real), b.CreateFMul(p.imag, q.imag)),
          b.CreateFAdd(b.CreateFMul(p.real, q.imag), b.CreateFMul(p.imag, q.real))};
}

}  // namespace

llvm::Value* EmitComplexMul(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y) {
  ComplexParts p = SplitComplex(b, x);
  ComplexParts q = SplitComplex(b, y);
  const ComplexParts naive = NaiveMul(b, p, q);
  // Annex G (libgcc's __mulsc3): a NaN + NaNi product with an infinite
  // operand or an overflowed partial product is recomputed as infinity.
  llvm::Value* p_inf = b.CreateOr(IsInf(b, p.real), IsInf(b, p.imag));
  llvm::Value* q_inf = b.CreateOr(IsInf(b, q.real), IsInf(b, q.imag));
  llvm::Value* overflow =
      b.CreateOr(b.CreateOr(IsInf(b, b.CreateFMul(p.real, q.real)),
                            IsInf(b, b.CreateFMul(p.imag, q.imag))),
                 b.CreateOr(IsInf(b, b.CreateFMul(p.real, q.imag)),
                            IsInf(b, b.CreateFMul(p.imag, q.real))));
  overflow = b.CreateAnd(overflow, b.CreateNot(b.CreateOr(p_inf, q_inf)));
  llvm::Value* zero_p_nans = b.CreateOr(q_inf, overflow);
  llvm::Value* zero_q_nans = b.CreateOr(p_inf, overflow);
  p = {b.CreateSelect(p_inf, Box(b, p.real), NanToZeroIf(b, zero_p_nans, p.real)),
       b.CreateSelect(p_inf, Box(b, p.imag), NanToZeroIf(b, zero_p_nans, p.imag))};
  q = {b.CreateSelect(q_inf, Box(b, q.real), NanToZeroIf(b, zero_q_nans, q.real)),
       b.CreateSelect(q_inf, Box(b, q.imag), NanToZeroIf(b, zero_q_nans, q.imag))};
  const ComplexParts again = NaiveMul(b, p, q);
  llvm::Value* inf = llvm::ConstantFP::getInfinity(b.getFloatTy());
  llvm::Value* recompute =
      b.CreateAnd(b.CreateAnd(IsNan(b, naive.real), IsNan(b, naive.imag)),
                  b.CreateOr(b.CreateOr(p_inf, q_inf), overflow));
  return JoinComplex(b, b.CreateSelect(recompute, b.CreateFMul(inf, again.real), naive.real),
                     b.CreateSelect(recompute, b.CreateFMul(inf, again.imag), naive.imag));
}

llvm::Value* EmitComplexAbs(llvm::IRBuilder<>& b, llvm::Value* x) {
  const ComplexParts p = SplitComplex(b, x);
  llvm::Value* re = b.CreateFPExt(p.real, b.getDoubleTy());
  llvm::Value* im = b.CreateFPExt(p.imag, b.getDoubleTy());
  // Float squares cannot overflow a double, so no scaling is needed.
  llvm::Value* sum = b.CreateFAdd(b.CreateFMul(re, re), b.CreateFMul(im, im));
  llvm::Value* root = b.CreateFPTrunc(b.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, sum),
                                      b.getFloatTy());
  llvm::Value* inf = llvm::ConstantFP::getInfinity(b.getFloatTy());
  llvm::Value* any_inf = b.CreateOr(
      b.CreateFCmpOEQ(b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, p.real), inf),
      b.CreateFCmpOEQ(b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, p.imag), inf));
  return b.CreateSelect(any_inf, inf, root);
}

Status PrepareComplexToFloat(NodeContext& ctx, std::string_view op) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(
      CheckElementwiseDType(ctx, 0, op, {DType::kComplex64}, {DType::kComplex128}));
  ctx.SetOutput(0, DType::kFloat32, ctx.input(0).shape);
  return Status::Ok();
}

}  // namespace jitlite::ops
