// Integer floor division / modulo (see ops/util/floor_div_mod.h).
#include "ops/util/floor_div_mod.h"

#include <string>

namespace jitlite::ops {
namespace {

template <typename T>
int64_t FirstZero(const TensorState& t) {
  const T* d = t.const_as<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (d[i] == T(0)) return i;
  }
  return -1;
}

// The divisor with LLVM's undefined cases (0, and -1 when a is MIN) replaced
// by 1, and whether it was 0.
struct SafeDivisor {
  llvm::Value* divisor;
  llvm::Value* is_zero;
};

SafeDivisor MakeSafe(llvm::IRBuilder<>& b, llvm::Value* a, llvm::Value* d) {
  auto* type = llvm::cast<llvm::IntegerType>(a->getType());
  llvm::Value* min =
      llvm::ConstantInt::get(type, llvm::APInt::getSignedMinValue(type->getBitWidth()));
  llvm::Value* zero = b.CreateICmpEQ(d, llvm::ConstantInt::get(type, 0));
  llvm::Value* overflow = b.CreateAnd(b.CreateICmpEQ(a, min),
                                      b.CreateICmpEQ(d, llvm::ConstantInt::getSigned(type, -1)));
  llvm::Value* safe =
      b.CreateSelect(b.CreateOr(zero, overflow), llvm::ConstantInt::get(type, 1), d);
  return {safe, zero};
}

// True where a truncated remainder r needs the floor correction: r != 0 and
// its sign differs from the divisor's.
llvm::Value* NeedsFloorFix(llvm::IRBuilder<>& b, llvm::Value* r, llvm::Value* d) {
  llvm::Value* zero = llvm::ConstantInt::get(r->getType(), 0);
  return b.CreateAnd(b.CreateICmpNE(r, zero),
                     b.CreateXor(b.CreateICmpSLT(r, zero), b.CreateICmpSLT(d, zero)));
}

}  // namespace

Status CheckConstantDivisorNonZero(const TensorState& divisor, std::string_view op) {
  if (!divisor.is_constant()) return Status::Ok();
  size_t need = static_cast<size_t>(divisor.num_elements()) * DTypeSize(divisor.dtype);
  if (divisor.const_bytes < need) {
    return InvalidArgument("constant divisor (input 1) holds " +
                           std::to_string(divisor.const_bytes) + " bytes, expected " +
                           std::to_string(need));
  }
  int64_t zero = -1;
  switch (divisor.dtype) {
    case DType::kFloat32: zero = FirstZero<float>(divisor); break;
    case DType::kInt64: zero = FirstZero<int64_t>(divisor); break;
    case DType::kInt32: zero = FirstZero<int32_t>(divisor); break;
    case DType::kInt16: zero = FirstZero<int16_t>(divisor); break;
    case DType::kInt8: zero = FirstZero<int8_t>(divisor); break;
    default: break;
  }
  if (zero >= 0) {
    return InvalidArgument(std::string(op) + " by zero: the constant divisor (input 1) is 0 " +
                           "at flat index " + std::to_string(zero));
  }
  return Status::Ok();
}

llvm::Value* EmitIntFloorDiv(jit::ElementEmitter& e, llvm::Value* a, llvm::Value* d) {
  llvm::IRBuilder<>& b = e.b();
  SafeDivisor s = MakeSafe(b, a, d);
  llvm::Value* q = b.CreateSDiv(a, s.divisor);  // MIN / 1 = MIN for the overflow case
  llvm::Value* r = b.CreateSRem(a, s.divisor);
  llvm::Value* one = llvm::ConstantInt::get(q->getType(), 1);
  q = b.CreateSelect(NeedsFloorFix(b, r, d), b.CreateSub(q, one), q);
  return b.CreateSelect(s.is_zero, llvm::ConstantInt::get(q->getType(), 0), q);
}

llvm::Value* EmitIntFloorMod(jit::ElementEmitter& e, llvm::Value* a, llvm::Value* d) {
  llvm::IRBuilder<>& b = e.b();
  SafeDivisor s = MakeSafe(b, a, d);
  llvm::Value* r = b.CreateSRem(a, s.divisor);  // x rem 1 = 0 for both special cases
  return b.CreateSelect(NeedsFloorFix(b, r, d), b.CreateAdd(r, d), r);
}

}  // namespace jitlite::ops
