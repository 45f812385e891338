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

llvm::Value* EmitComplexMul(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y) {
  const ComplexParts p = SplitComplex(b, x);
  const ComplexParts q = SplitComplex(b, y);
  llvm::Value* real = b.CreateFSub(b.CreateFMul(p.real, q.real), b.CreateFMul(p.imag, q.imag));
  llvm::Value* imag = b.CreateFAdd(b.CreateFMul(p.real, q.imag), b.CreateFMul(p.imag, q.real));
  return JoinComplex(b, real, imag);
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
