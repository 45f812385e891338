// IR emission helpers behind ElementEmitter and KernelEmitter: loops, typed
// loads/stores, and inline float math. Transcendentals are polynomials
// emitted inline (Cephes-style range reduction), never libm calls, so fused
// loops stay call-free and vectorize.
#include "jit/emitters.h"

#include <algorithm>
#include <utility>

#include "jit/half_float.h"
#include "llvm/IR/Intrinsics.h"

namespace jitlite::jit {

using llvm::Value;

llvm::Type* StorageType(llvm::LLVMContext& c, DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return llvm::Type::getFloatTy(c);
    case DType::kFloat16: return llvm::Type::getHalfTy(c);
    case DType::kFloat64: return llvm::Type::getDoubleTy(c);
    // COMPLEX64 (real, imag float pair) moves as one 64-bit integer; the
    // complex ops bitcast it to <2 x float> (ops/util/complex.h).
    case DType::kInt64: case DType::kUInt64: case DType::kComplex64:
      return llvm::Type::getInt64Ty(c);
    case DType::kInt32: case DType::kUInt32: return llvm::Type::getInt32Ty(c);
    // BFLOAT16 is kept as its bits: LoadElement/StoreElement convert it with
    // integer ops, which every x86 target has (bfloat casts may be libcalls).
    case DType::kInt16: case DType::kUInt16: case DType::kBFloat16:
      return llvm::Type::getInt16Ty(c);
    default: return llvm::Type::getInt8Ty(c);
  }
}

bool IsHalfFloat(DType dtype) { return dtype == DType::kFloat16 || dtype == DType::kBFloat16; }

llvm::Type* ElementType(llvm::LLVMContext& c, DType dtype) {
  if (dtype == DType::kBool) return llvm::Type::getInt1Ty(c);
  if (IsHalfFloat(dtype)) return llvm::Type::getFloatTy(c);
  return StorageType(c, dtype);
}

namespace {

// bfloat16 is the top half of a float32: widening is exact.
Value* BFloat16BitsToFloat(llvm::IRBuilder<>& b, Value* bits) {
  Value* wide = b.CreateShl(b.CreateZExt(bits, b.getInt32Ty()), 16);
  return b.CreateBitCast(wide, b.getFloatTy());
}

// Rounds to nearest even like Eigen/ml_dtypes' float -> bfloat16 (which
// TFLite's kernels use); NaN stays a quiet NaN of the same sign.
Value* FloatToBFloat16Bits(llvm::IRBuilder<>& b, Value* value) {
  Value* bits = b.CreateBitCast(value, b.getInt32Ty());
  Value* lsb = b.CreateAnd(b.CreateLShr(bits, 16), b.getInt32(1));
  Value* rounded = b.CreateAdd(bits, b.CreateAdd(b.getInt32(0x7FFF), lsb));
  Value* quiet_nan = b.CreateOr(b.CreateLShr(bits, 16), b.getInt32(0x40));
  Value* is_nan = b.CreateFCmpUNO(value, value);
  Value* top = b.CreateSelect(is_nan, quiet_nan, b.CreateLShr(rounded, 16));
  return b.CreateTrunc(top, b.getInt16Ty());
}

}  // namespace

Value* RoundToStorage(llvm::IRBuilder<>& b, DType dtype, Value* value) {
  if (!value->getType()->isFloatTy()) return value;
  if (dtype == DType::kFloat16) {
    return b.CreateFPExt(b.CreateFPTrunc(value, b.getHalfTy()), b.getFloatTy());
  }
  if (dtype == DType::kBFloat16) return BFloat16BitsToFloat(b, FloatToBFloat16Bits(b, value));
  return value;
}

Value* LoadElement(llvm::IRBuilder<>& b, DType dtype, Value* base, Value* offset) {
  llvm::Type* st = StorageType(b.getContext(), dtype);
  Value* v = b.CreateLoad(st, b.CreateInBoundsGEP(st, base, offset));
  if (dtype == DType::kBool) return b.CreateICmpNE(v, llvm::ConstantInt::get(st, 0));
  if (dtype == DType::kFloat16) return b.CreateFPExt(v, b.getFloatTy());
  if (dtype == DType::kBFloat16) return BFloat16BitsToFloat(b, v);
  return v;
}

void StoreElement(llvm::IRBuilder<>& b, DType dtype, Value* value, Value* base, Value* offset) {
  llvm::Type* st = StorageType(b.getContext(), dtype);
  if (dtype == DType::kBool) value = b.CreateZExt(value, st);
  if (dtype == DType::kFloat16) value = b.CreateFPTrunc(value, st);
  if (dtype == DType::kBFloat16) value = FloatToBFloat16Bits(b, value);
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
  llvm::AllocaInst* slot = tmp.CreateAlloca(type, nullptr, name);
  // Kernels store whole vectors into scalar arrays (a <16 x float> into a
  // [16 x float]) with the vector's ABI alignment; 64 bytes covers a zmm.
  slot->setAlignment(std::max(slot->getAlign(), llvm::Align(64)));
  return slot;
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

Value* ElementEmitter::Coordinate(const Shape& shape, int axis) {
  if (lanes_ != 0 || axis < 0 || axis >= static_cast<int>(shape.size())) return nullptr;
  if (shape[axis] == 1) return b_.getInt64(0);
  if (linear_ != nullptr) {
    int64_t inner = 1;
    for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
    if (inner == 0) return b_.getInt64(0);  // an empty tensor: the loop never runs
    return b_.CreateURem(b_.CreateUDiv(linear_, b_.getInt64(inner)), b_.getInt64(shape[axis]));
  }
  if (index_.size() < shape.size()) return nullptr;
  return index_[index_.size() - shape.size() + axis];
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
    Value* cv = llvm::ConstantFP::get(x->getType(), c);
    acc = acc ? b.CreateFAdd(b.CreateFMul(acc, x), cv) : cv;
  }
  return acc;
}

// The same with each step one fused multiply-add (one rounding instead of two):
// for the float32 forms whose callers need no bit-exact agreement with a
// mul-then-add reference.
Value* HornerFused(llvm::IRBuilder<>& b, Value* x, std::initializer_list<float> coeffs_high_to_low) {
  Value* acc = nullptr;
  for (float c : coeffs_high_to_low) {
    Value* cv = llvm::ConstantFP::get(x->getType(), c);
    acc = acc ? b.CreateIntrinsic(llvm::Intrinsic::fma, {x->getType()}, {acc, x, cv}) : cv;
  }
  return acc;
}

Value* Fma(llvm::IRBuilder<>& b, Value* x, Value* y, Value* z) {
  return b.CreateIntrinsic(llvm::Intrinsic::fma, {x->getType()}, {x, y, z});
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
  // i32 of x's shape (x is a float or a vector of them).
  llvm::Type* int_type = llvm::Type::getInt32Ty(context());
  if (auto* v = llvm::dyn_cast<llvm::VectorType>(x->getType())) {
    int_type = llvm::VectorType::get(int_type, v->getElementCount());
  }
  Value* ni = b.CreateFPToSI(n, int_type);
  Value* hi = b.CreateAShr(ni, I32(1));
  Value* lo = b.CreateSub(ni, hi);
  auto pow2 = [&](Value* k) {
    return b.CreateBitCast(b.CreateShl(b.CreateAdd(k, I32(127)), I32(23)), x->getType());
  };
  Value* result = b.CreateFMul(b.CreateFMul(er, pow2(hi)), pow2(lo));
  // Outside the clamp range: overflow to +inf, underflow to 0; NaN stays NaN.
  result = b.CreateSelect(b.CreateFCmpOGT(x, F32(88.72283f)),
                          llvm::ConstantFP::getInfinity(x->getType()), result);
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

// exp(t) with t clamped to [-87, 88], where exp is a normal float, so 2^n is
// one exponent field and n comes from the 1.5 * 2^23 rounding trick: no
// floor, no split 2^n for subnormal results, no range selects (Exp has all
// three). Same polynomial as Exp, in FMAs. For Logistic (1 / (1 + exp(-x))
// is 1 in float below the range; it takes +inf above) and Erf's tail
// (arguments -16 .. -1); NaN is the caller's to keep.
Value* ElementEmitter::ExpNormalRange(Value* t) {
  llvm::IRBuilder<>& b = b_;
  Value* tc = Clamp(t, F32(-87.0f), F32(88.0f));
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  Value* biased = Fma(b, tc, F32(1.44269504088896341f), F32(magic));
  Value* n = b.CreateFSub(biased, F32(magic));
  Value* r = Fma(b, n, F32(-0.693359375f), tc);
  r = Fma(b, n, F32(2.12194440e-4f), r);
  Value* p = HornerFused(b, r, {1.9875691500E-4f, 1.3981999507E-3f, 8.3334519073E-3f,
                                4.1665795894E-2f, 1.6666665459E-1f, 5.0000001201E-1f});
  Value* er = b.CreateFAdd(Fma(b, p, b.CreateFMul(r, r), r), F32(1.0f));
  // biased's low mantissa bits hold n (two's complement): moved to the
  // exponent field and biased by 127, they are 2^n.
  llvm::Type* int_type = llvm::Type::getInt32Ty(context());
  if (auto* v = llvm::dyn_cast<llvm::VectorType>(t->getType())) {
    int_type = llvm::VectorType::get(int_type, v->getElementCount());
  }
  Value* bits = b.CreateShl(b.CreateBitCast(biased, int_type), I32(23));
  Value* scale = b.CreateBitCast(b.CreateAdd(bits, I32(127 << 23)), t->getType());
  return b.CreateFMul(er, scale);
}

Value* ElementEmitter::Logistic(Value* x) {
  Value* t = b_.CreateFNeg(x);
  Value* e = ExpNormalRange(t);
  // Past the clamp exp is +inf, so the result is 0 (not a subnormal from the
  // clamped 2^127); NaN in, NaN out.
  e = b_.CreateSelect(b_.CreateFCmpOGT(t, F32(88.0f)), llvm::ConstantFP::getInfinity(t->getType()), e);
  e = b_.CreateSelect(b_.CreateFCmpUNO(x, x), x, e);
  Value* denominator = b_.CreateFAdd(F32(1.0f), e);
  if (!x->getType()->isVectorTy()) return b_.CreateFDiv(F32(1.0f), denominator);
  // On vectors the division is most of the cost (vdivps zmm: one per 16
  // cycles); a reciprocal estimate with one Newton step (vrcp14ps + 2 FMAs)
  // is within an ulp or two, well inside the float tolerance.
  auto* division = llvm::cast<llvm::Instruction>(b_.CreateFDiv(F32(1.0f), denominator));
  division->setHasAllowReciprocal(true);
  b_.GetInsertBlock()->getParent()->addFnAttr("reciprocal-estimates", "vec-divf");
  return division;
}

// ---- Expm1, Log, Sin, Cos, Erf ----
// Polynomial coefficients are least-squares fits on Chebyshev nodes made for
// jitlite (float32 Horner evaluation error noted at each use).

Value* ElementEmitter::Expm1(Value* x) {
  llvm::IRBuilder<>& b = b_;
  // |x| < ln2/2: x + x^2/2 + x^3 * E(x), relative error < 1e-7; elsewhere
  // exp(x) - 1 cancels little (|result| > 0.29) and saturates at -1 / +inf.
  Value* x2 = b.CreateFMul(x, x);
  Value* e = Horner(b, x, {0.00019890744f, 0.0013926178f, 0.008333311f, 0.041666556f, 0.16666667f});
  Value* small = b.CreateFAdd(
      b.CreateFAdd(b.CreateFMul(b.CreateFMul(e, x2), x), b.CreateFMul(F32(0.5f), x2)), x);
  Value* big = b.CreateFSub(Exp(x), F32(1.0f));
  Value* ax = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  return b.CreateSelect(b.CreateFCmpOLT(ax, F32(0.34657359f)), small, big);
}

Value* ElementEmitter::Log(Value* x) {
  llvm::IRBuilder<>& b = b_;
  // Subnormal inputs: scale by 2^23 first so the exponent field is exact.
  Value* subnormal = b.CreateFCmpOLT(x, F32(1.17549435e-38f));
  Value* xs = b.CreateSelect(subnormal, b.CreateFMul(x, F32(8388608.0f)), x);
  Value* bias = b.CreateSelect(subnormal, I32(127 + 23), I32(127));
  // x = m * 2^k, m in [sqrt(1/2), sqrt(2)).
  Value* bits = b.CreateBitCast(xs, b.getInt32Ty());
  Value* k = b.CreateSub(b.CreateLShr(bits, 23), bias);
  Value* m = b.CreateBitCast(b.CreateOr(b.CreateAnd(bits, I32(0x7fffff)), I32(0x3f800000)),
                             b.getFloatTy());
  Value* high = b.CreateFCmpOGT(m, F32(1.41421356f));
  m = b.CreateSelect(high, b.CreateFMul(m, F32(0.5f)), m);
  k = b.CreateAdd(k, b.CreateZExt(high, b.getInt32Ty()));
  Value* kf = b.CreateSIToFP(k, b.getFloatTy());
  // log(1 + f) = f - f^2/2 + f^3 * P(f), error < 3.1e-8 on the interval;
  // k * ln2 in two parts (the high part times k is exact).
  Value* f = b.CreateFSub(m, F32(1.0f));
  Value* f2 = b.CreateFMul(f, f);
  Value* p = Horner(b, f, {-0.0810227f, 0.12712678f, -0.12972145f, 0.14202115f, -0.1664225f,
                           0.20001471f, -0.25000295f, 0.33333328f});
  Value* y = b.CreateFAdd(b.CreateFMul(b.CreateFMul(p, f2), f), b.CreateFMul(kf, F32(-2.12194440e-4f)));
  y = b.CreateFSub(y, b.CreateFMul(F32(0.5f), f2));
  Value* result = b.CreateFAdd(b.CreateFAdd(f, y), b.CreateFMul(kf, F32(0.693359375f)));
  // Special inputs, as in libm: +inf, zeros, negatives, NaN.
  llvm::Type* t = b.getFloatTy();
  result = b.CreateSelect(b.CreateFCmpOEQ(x, llvm::ConstantFP::getInfinity(t)), x, result);
  result = b.CreateSelect(b.CreateFCmpOEQ(x, F32(0.0f)),
                          llvm::ConstantFP::getInfinity(t, /*Negative=*/true), result);
  result = b.CreateSelect(b.CreateFCmpOLT(x, F32(0.0f)), llvm::ConstantFP::getNaN(t), result);
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
}

namespace {

// sin(r + q * pi/2) for |r| <= pi/4 and the quadrant q (i32, any value; only
// q mod 4 matters): one of +-sin(r), +-cos(r). Both polynomials' error < 6e-8.
Value* SinOfReduced(ElementEmitter& e, Value* r, Value* q) {
  llvm::IRBuilder<>& b = e.b();
  Value* z = b.CreateFMul(r, r);
  Value* s = Horner(b, z, {-0.00019513932f, 0.008332148f, -0.16666654f});
  s = b.CreateFAdd(b.CreateFMul(b.CreateFMul(s, z), r), r);
  Value* c = Horner(b, z, {2.4435853e-05f, -0.0013887342f, 0.041666646f});
  c = b.CreateFAdd(b.CreateFSub(b.CreateFMul(b.CreateFMul(c, z), z), b.CreateFMul(e.F32(0.5f), z)),
                   e.F32(1.0f));
  Value* odd = b.CreateICmpNE(b.CreateAnd(q, e.I32(1)), e.I32(0));
  Value* negate = b.CreateICmpNE(b.CreateAnd(q, e.I32(2)), e.I32(0));
  Value* v = b.CreateSelect(odd, c, s);
  return b.CreateSelect(negate, b.CreateFNeg(v), v);
}

// x = r + q * pi/2 with |r| <= pi/4, computed in double: the product k * pi/2
// keeps ~1e-16 relative error, so r is accurate to ~1e-7 for |x| up to ~1e8.
// Returns {r (float), q (i32)}; inf and NaN give a NaN r.
std::pair<Value*, Value*> ReduceByHalfPi(ElementEmitter& e, Value* x) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* d = b.getDoubleTy();
  Value* xd = b.CreateFPExt(x, d);
  Value* k = b.CreateUnaryIntrinsic(
      llvm::Intrinsic::floor,
      b.CreateFAdd(b.CreateFMul(xd, llvm::ConstantFP::get(d, 0.63661977236758134)),
                   llvm::ConstantFP::get(d, 0.5)));
  Value* r = b.CreateFSub(xd, b.CreateFMul(k, llvm::ConstantFP::get(d, 1.5707963267948966)));
  // Clamped before the integer conversion (out of range or NaN would be poison).
  Value* kc = e.Clamp(k, llvm::ConstantFP::get(d, -9007199254740992.0),
                      llvm::ConstantFP::get(d, 9007199254740992.0));
  Value* q = b.CreateTrunc(b.CreateFPToSI(kc, b.getInt64Ty()), b.getInt32Ty());
  return {b.CreateFPTrunc(r, b.getFloatTy()), q};
}

}  // namespace

Value* ElementEmitter::Sin(Value* x) {
  auto [r, q] = ReduceByHalfPi(*this, x);
  // sin(-0) = -0: the polynomial's r + r^3 * S sum would give +0.
  return b_.CreateSelect(b_.CreateFCmpOEQ(x, F32(0.0f)), x, SinOfReduced(*this, r, q));
}

Value* ElementEmitter::Cos(Value* x) {
  // cos(x) = sin(x + pi/2): one quadrant further.
  auto [r, q] = ReduceByHalfPi(*this, x);
  return SinOfReduced(*this, r, b_.CreateAdd(q, I32(1)));
}

// erfc(a) * exp(a^2) for 1 <= a <= 4 (a clamped into that range), times
// exp(-a^2): erfc(a) with relative accuracy, the tail both Erf and Erfc use.
// `fused` evaluates it with FMAs and an exp for its bounded argument (Erf);
// Erfc keeps the mul-then-add steps the float16 GELU's bit-exact match needs.
static Value* ErfcTail(ElementEmitter& e, Value* a, bool fused) {
  llvm::IRBuilder<>& b = e.b();
  Value* ac = e.Clamp(a, e.F32(1.0f), e.F32(4.0f));
  std::initializer_list<float> coeffs = {-0.007106619f, 0.016843013f, 0.048705414f,
                                         -0.27146092f,  0.5181747f,   -0.48105913f,
                                         0.04451758f,   0.5586769f,   0.00029262615f};
  Value* inverse = b.CreateFDiv(e.F32(1.0f), ac);
  Value* minus_square = b.CreateFNeg(b.CreateFMul(ac, ac));
  if (!fused) return b.CreateFMul(e.Exp(minus_square), Horner(b, inverse, coeffs));
  if (ac->getType()->isVectorTy()) {
    // As in Logistic: a reciprocal estimate and a Newton step, not vdivps.
    llvm::cast<llvm::Instruction>(inverse)->setHasAllowReciprocal(true);
    b.GetInsertBlock()->getParent()->addFnAttr("reciprocal-estimates", "vec-divf");
  }
  return b.CreateFMul(e.ExpNormalRange(minus_square), HornerFused(b, inverse, coeffs));
}

// |x| < 1: x * P(x^2), error < 1.2e-7.
static Value* ErfSmall(ElementEmitter& e, Value* x, bool fused) {
  llvm::IRBuilder<>& b = e.b();
  std::initializer_list<float> coeffs = {-0.0005654106f, 0.0049232775f, -0.026716385f,
                                         0.112803645f,   -0.3761235f,   1.1283791f};
  Value* x2 = b.CreateFMul(x, x);
  return b.CreateFMul(fused ? HornerFused(b, x2, coeffs) : Horner(b, x2, coeffs), x);
}

Value* ElementEmitter::Erf(Value* x) {
  llvm::IRBuilder<>& b = b_;
  Value* a = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  // 1 <= |x| <= 4: 1 - erfc(|x|), error < 7e-8. Beyond 4, erf rounds to +-1
  // in float, which the clamp in the tail gives.
  Value* big = b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign,
                                       b.CreateFSub(F32(1.0f), ErfcTail(*this, a, true)), x);
  Value* result = b.CreateSelect(b.CreateFCmpOLT(a, F32(1.0f)), ErfSmall(*this, x, true), big);
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
}

Value* ElementEmitter::Erfc(Value* x) {
  llvm::IRBuilder<>& b = b_;
  Value* a = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  Value* tail = ErfcTail(*this, a, false);
  tail = b.CreateSelect(b.CreateFCmpOGT(a, F32(4.0f)), F32(0.0f), tail);
  Value* big = b.CreateSelect(b.CreateFCmpOLT(x, F32(0.0f)), b.CreateFSub(F32(2.0f), tail), tail);
  Value* small = b.CreateFSub(F32(1.0f), ErfSmall(*this, x, false));
  Value* result = b.CreateSelect(b.CreateFCmpOLT(a, F32(1.0f)), small, big);
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
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

Value* KernelEmitter::CheckedIndex(Value* index, int64_t size, const std::string& message) {
  llvm::IRBuilder<>& ir = b();
  // One unsigned compare catches both negative and too-large indices.
  Value* bad = ir.CreateICmpUGE(index, I64(size));
  EmitIf(ir, bad, [&] { ReportError(message); });
  return Clamp(index, I64(0), I64(size - 1));
}

void KernelEmitter::ReportError(const std::string& message) {
  if (runtime_ == nullptr) return;  // no runtime to report to
  llvm::IRBuilder<>& ir = b();
  llvm::Module* module = ir.GetInsertBlock()->getModule();
  Value* text = ir.CreateGlobalStringPtr(message, "error_message", 0, module);
  // jl_runtime is {kernel_done, ctx, parallel_for, report_error}: all pointers.
  EmitIf(ir, ir.CreateIsNotNull(runtime_), [&] {
    Value* ctx = ir.CreateLoad(ir.getPtrTy(), ir.CreateConstInBoundsGEP1_64(ir.getPtrTy(), runtime_, 1));
    Value* fn = ir.CreateLoad(ir.getPtrTy(), ir.CreateConstInBoundsGEP1_64(ir.getPtrTy(), runtime_, 3));
    EmitIf(ir, ir.CreateIsNotNull(fn), [&] {
      auto* type = llvm::FunctionType::get(ir.getVoidTy(), {ir.getPtrTy(), ir.getPtrTy()}, false);
      ir.CreateCall(type, fn, {ctx, text});
    });
  });
}

}  // namespace jitlite::jit
