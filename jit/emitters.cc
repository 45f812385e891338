// IR emission helpers behind ElementEmitter and KernelEmitter: loops, typed
// loads/stores, and inline float math. Transcendentals are polynomials
// emitted inline (Cephes-style range reduction), never libm calls, so fused
// loops stay call-free and vectorize.
#include "jit/emitters.h"

#include "llvm/IR/Intrinsics.h"

namespace jitlite::jit {

using llvm::Value;

llvm::Type* StorageType(llvm::LLVMContext& c, DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return llvm::Type::getFloatTy(c);
    case DType::kFloat16: return llvm::Type::getHalfTy(c);
    case DType::kFloat64: return llvm::Type::getDoubleTy(c);
    case DType::kInt64: case DType::kUInt64: return llvm::Type::getInt64Ty(c);
    case DType::kInt32: case DType::kUInt32: return llvm::Type::getInt32Ty(c);
    case DType::kInt16: case DType::kUInt16: return llvm::Type::getInt16Ty(c);
    default: return llvm::Type::getInt8Ty(c);
  }
}

llvm::Type* ElementType(llvm::LLVMContext& c, DType dtype) {
  if (dtype == DType::kBool) return llvm::Type::getInt1Ty(c);
  if (dtype == DType::kFloat16) return llvm::Type::getFloatTy(c);
  return StorageType(c, dtype);
}

Value* LoadElement(llvm::IRBuilder<>& b, DType dtype, Value* base, Value* offset) {
  llvm::Type* st = StorageType(b.getContext(), dtype);
  Value* v = b.CreateLoad(st, b.CreateInBoundsGEP(st, base, offset));
  if (dtype == DType::kBool) return b.CreateICmpNE(v, llvm::ConstantInt::get(st, 0));
  if (dtype == DType::kFloat16) return b.CreateFPExt(v, b.getFloatTy());
  return v;
}

void StoreElement(llvm::IRBuilder<>& b, DType dtype, Value* value, Value* base, Value* offset) {
  llvm::Type* st = StorageType(b.getContext(), dtype);
  if (dtype == DType::kBool) value = b.CreateZExt(value, st);
  if (dtype == DType::kFloat16) value = b.CreateFPTrunc(value, st);
  b.CreateStore(value, b.CreateInBoundsGEP(st, base, offset));
}

Value* LinearOffsetOf(llvm::IRBuilder<>& b, const Shape& shape, std::span<Value* const> index) {
  Value* offset = b.getInt64(0);
  int64_t stride = 1;
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    if (shape[d] != 1) {
      offset = b.CreateAdd(offset, b.CreateMul(index[d], b.getInt64(stride), "", true, true),
                           "", true, true);
    }
    stride *= shape[d];
  }
  return offset;
}

namespace {

// The llvm.loop metadata for `hints`, or null.
llvm::MDNode* LoopMetadata(llvm::LLVMContext& c, unsigned hints) {
  if (hints == kLoopDefault) return nullptr;
  std::vector<llvm::Metadata*> ops = {nullptr};  // the self reference
  if (hints & kNoUnroll) {
    ops.push_back(llvm::MDNode::get(c, {llvm::MDString::get(c, "llvm.loop.unroll.disable")}));
  }
  if (hints & kNoVectorize) {
    ops.push_back(llvm::MDNode::get(
        c, {llvm::MDString::get(c, "llvm.loop.vectorize.enable"),
            llvm::ConstantAsMetadata::get(llvm::ConstantInt::getFalse(c))}));
  }
  llvm::MDNode* id = llvm::MDNode::getDistinct(c, ops);
  id->replaceOperandWith(0, id);
  return id;
}

}  // namespace

void EmitFor(llvm::IRBuilder<>& b, Value* begin, Value* end, int64_t step,
             const std::function<void(Value*)>& body, const char* name, unsigned hints) {
  llvm::Function* f = b.GetInsertBlock()->getParent();
  llvm::LLVMContext& c = b.getContext();
  llvm::BasicBlock* pre = b.GetInsertBlock();
  auto* header = llvm::BasicBlock::Create(c, std::string(name) + ".head", f);
  auto* loop = llvm::BasicBlock::Create(c, std::string(name) + ".body", f);
  auto* exit = llvm::BasicBlock::Create(c, std::string(name) + ".exit", f);
  b.CreateBr(header);
  b.SetInsertPoint(header);
  llvm::PHINode* iv = b.CreatePHI(b.getInt64Ty(), 2, name);
  iv->addIncoming(begin, pre);
  b.CreateCondBr(b.CreateICmpSLT(iv, end), loop, exit);
  b.SetInsertPoint(loop);
  body(iv);
  Value* next = b.CreateAdd(iv, b.getInt64(step), "", true, true);
  iv->addIncoming(next, b.GetInsertBlock());
  llvm::BranchInst* latch = b.CreateBr(header);
  if (llvm::MDNode* md = LoopMetadata(c, hints)) latch->setMetadata(llvm::LLVMContext::MD_loop, md);
  b.SetInsertPoint(exit);
}

void EmitIf(llvm::IRBuilder<>& b, Value* cond, const std::function<void()>& then_body) {
  llvm::Function* f = b.GetInsertBlock()->getParent();
  auto* then_bb = llvm::BasicBlock::Create(b.getContext(), "then", f);
  auto* done = llvm::BasicBlock::Create(b.getContext(), "endif", f);
  b.CreateCondBr(cond, then_bb, done);
  b.SetInsertPoint(then_bb);
  then_body();
  b.CreateBr(done);
  b.SetInsertPoint(done);
}

llvm::AllocaInst* EmitEntryAlloca(llvm::IRBuilder<>& b, llvm::Type* type, const char* name) {
  llvm::BasicBlock& entry = b.GetInsertBlock()->getParent()->getEntryBlock();
  llvm::IRBuilder<> tmp(&entry, entry.begin());
  return tmp.CreateAlloca(type, nullptr, name);
}

// ---- ElementEmitter ----

Value* ElementEmitter::Splat(llvm::Constant* c) {
  if (lanes_ == 0) return c;
  return llvm::ConstantVector::getSplat(llvm::ElementCount::getFixed(lanes_), c);
}

Value* ElementEmitter::F32(float v) { return Splat(llvm::ConstantFP::get(b_.getFloatTy(), v)); }
Value* ElementEmitter::I32(int32_t v) { return Splat(b_.getInt32(static_cast<uint32_t>(v))); }
Value* ElementEmitter::I64(int64_t v) { return Splat(b_.getInt64(static_cast<uint64_t>(v))); }

Value* ElementEmitter::Const(DType dtype, double v) {
  llvm::Type* t = ElementType(context(), dtype);
  if (t->isFloatingPointTy()) return Splat(llvm::ConstantFP::get(t, v));
  return Splat(llvm::ConstantInt::get(t, static_cast<uint64_t>(static_cast<int64_t>(v)), true));
}

Value* ElementEmitter::Max(Value* a, Value* bv) {
  if (a->getType()->isFPOrFPVectorTy()) {
    return b_.CreateSelect(b_.CreateFCmpOGT(a, bv), a, bv);
  }
  return b_.CreateSelect(b_.CreateICmpSGT(a, bv), a, bv);
}

Value* ElementEmitter::Min(Value* a, Value* bv) {
  if (a->getType()->isFPOrFPVectorTy()) {
    return b_.CreateSelect(b_.CreateFCmpOLT(a, bv), a, bv);
  }
  return b_.CreateSelect(b_.CreateICmpSLT(a, bv), a, bv);
}

Value* ElementEmitter::Clamp(Value* x, Value* lo, Value* hi) { return Min(Max(x, lo), hi); }

Value* ElementEmitter::Sqrt(Value* x) {
  return b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x);
}

Value* ElementEmitter::Rsqrt(Value* x) { return b_.CreateFDiv(F32(1.0f), Sqrt(x)); }

namespace {

// p(x) = c[0] + x*(c[1] + x*(...)) by Horner's rule.
Value* Horner(llvm::IRBuilder<>& b, Value* x, std::initializer_list<float> coeffs_high_to_low) {
  Value* acc = nullptr;
  for (float c : coeffs_high_to_low) {
    Value* cv = llvm::ConstantFP::get(b.getFloatTy(), c);
    acc = acc ? b.CreateFAdd(b.CreateFMul(acc, x), cv) : cv;
  }
  return acc;
}

}  // namespace

Value* ElementEmitter::Exp(Value* x) {
  // exp(x) = 2^n * exp(r), n = round(x / ln2), r = x - n*ln2 (ln2 split in two
  // parts for accuracy); exp(r) by a degree-6 polynomial (about 1 ulp).
  llvm::IRBuilder<>& b = b_;
  // The clamp keeps n in [-150, 127]: down to the smallest subnormal result.
  Value* xc = Clamp(x, F32(-103.97208f), F32(88.37626f));
  Value* n = b.CreateUnaryIntrinsic(llvm::Intrinsic::floor,
                                    b.CreateFAdd(b.CreateFMul(xc, F32(1.44269504088896341f)), F32(0.5f)));
  n = Min(n, F32(127.0f));
  Value* r = b.CreateFSub(xc, b.CreateFMul(n, F32(0.693359375f)));
  r = b.CreateFSub(r, b.CreateFMul(n, F32(-2.12194440e-4f)));
  Value* p = Horner(b, r, {1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f,
                           4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f});
  Value* r2 = b.CreateFMul(r, r);
  Value* er = b.CreateFAdd(b.CreateFAdd(b.CreateFMul(p, r2), r), F32(1.0f));
  // 2^n as 2^hi * 2^lo with hi = floor(n / 2): both factors are normal floats
  // even when 2^n is not (n < -126, subnormal results), and er * 2^hi is
  // exact, so the result is rounded once.
  Value* ni = b.CreateFPToSI(n, b.getInt32Ty());
  Value* hi = b.CreateAShr(ni, 1);
  Value* lo = b.CreateSub(ni, hi);
  auto pow2 = [&](Value* k) {
    return b.CreateBitCast(b.CreateShl(b.CreateAdd(k, I32(127)), 23), b.getFloatTy());
  };
  Value* result = b.CreateFMul(b.CreateFMul(er, pow2(hi)), pow2(lo));
  // Outside the clamp range: overflow to +inf, underflow to 0; NaN stays NaN.
  result = b.CreateSelect(b.CreateFCmpOGT(x, F32(88.72283f)),
                          llvm::ConstantFP::getInfinity(b.getFloatTy()), result);
  result = b.CreateSelect(b.CreateFCmpOLT(x, F32(-103.97208f)), F32(0.0f), result);
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
}

Value* ElementEmitter::Tanh(Value* x) {
  llvm::IRBuilder<>& b = b_;
  Value* ax = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  // Large |x|: 1 - 2 / (exp(2|x|) + 1), with the sign of x.
  Value* e = Exp(b.CreateFMul(ax, F32(2.0f)));
  Value* big = b.CreateFSub(F32(1.0f), b.CreateFDiv(F32(2.0f), b.CreateFAdd(e, F32(1.0f))));
  big = b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, big, x);
  // Small |x| < 0.625: odd polynomial, avoids the cancellation above.
  Value* z = b.CreateFMul(x, x);
  Value* p = Horner(b, z, {-5.70498872745E-3f, 2.06390887954E-2f, -5.37397155531E-2f,
                           1.33314422036E-1f, -3.33332819422E-1f});
  Value* small = b.CreateFAdd(b.CreateFMul(b.CreateFMul(p, z), x), x);
  return b.CreateSelect(b.CreateFCmpOLT(ax, F32(0.625f)), small, big);
}

Value* ElementEmitter::Logistic(Value* x) {
  Value* e = Exp(b_.CreateFNeg(x));
  return b_.CreateFDiv(F32(1.0f), b_.CreateFAdd(F32(1.0f), e));
}

Value* ElementEmitter::Activation(Value* x, int activation) {
  bool is_float = x->getType()->isFPOrFPVectorTy();
  auto c = [&](double v) -> Value* {
    if (is_float) return llvm::ConstantFP::get(x->getType(), v);
    return llvm::ConstantInt::get(x->getType(), static_cast<uint64_t>(static_cast<int64_t>(v)), true);
  };
  switch (activation) {
    case 0: return x;
    case 1: return Max(x, c(0));
    case 2: return Clamp(x, c(-1), c(1));
    case 3: return Clamp(x, c(0), c(6));
    case 4: return is_float ? Tanh(x) : x;
    case 5:  // SIGN_BIT: 1 where the sign bit is set, else 0.
      if (is_float) {
        Value* neg = b_.CreateICmpSLT(b_.CreateBitCast(x, b_.getInt32Ty()), I32(0));
        return b_.CreateSelect(neg, c(1), c(0));
      }
      return b_.CreateSelect(b_.CreateICmpSLT(x, c(0)), c(1), c(0));
    default: return x;
  }
}

// ---- KernelEmitter ----

Value* KernelEmitter::LoadInput(int i, Value* offset) {
  return LoadElement(b(), node_.input(i).dtype, InputPtr(i), offset);
}

Value* KernelEmitter::LinearOffset(const Shape& shape, std::span<Value* const> index) {
  return LinearOffsetOf(b(), shape, index);
}

}  // namespace jitlite::jit
