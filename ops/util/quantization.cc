#include "ops/util/quantization.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace jitlite::ops {

using llvm::Value;

QuantizedMultiplier QuantizeMultiplier(double real) {
  QuantizedMultiplier m;
  if (real == 0.0) return m;
  const double q = std::frexp(real, &m.shift);
  auto fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (fixed == (int64_t{1} << 31)) {  // q rounded up to 1.0
    fixed /= 2;
    ++m.shift;
  }
  if (m.shift < -31) {  // every bit would be shifted out
    m.shift = 0;
    fixed = 0;
  }
  m.multiplier = static_cast<int32_t>(fixed);
  return m;
}

bool IsQuantizedDType(DType dtype) {
  return dtype == DType::kInt8 || dtype == DType::kUInt8 || dtype == DType::kInt16;
}

IntRange DTypeRange(DType dtype) {
  switch (dtype) {
    case DType::kInt8: return {-128, 127};
    case DType::kUInt8: return {0, 255};
    case DType::kInt16: return {-32768, 32767};
    default: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  }
}

bool HasQuantization(const TensorState& t) {
  return t.quant != nullptr && !t.quant->scales.empty() &&
         t.quant->zero_points.size() == t.quant->scales.size();
}
bool IsPerChannel(const TensorState& t) { return HasQuantization(t) && t.quant->scales.size() > 1; }
float Scale(const TensorState& t) { return HasQuantization(t) ? t.quant->scales[0] : 0.0f; }
int32_t ZeroPoint(const TensorState& t) {
  return HasQuantization(t) ? static_cast<int32_t>(t.quant->zero_points[0]) : 0;
}

Status ExpectPerTensorQuantization(const TensorState& t, const std::string& what) {
  if (!HasQuantization(t)) {
    return InvalidArgument(what + " has type " + DTypeName(t.dtype) +
                           " but no quantization parameters");
  }
  if (t.quant->block_size != 0) return Unimplemented(what + " is blockwise-quantized");
  if (t.quant->scales.size() != 1) {
    return InvalidArgument(what + " has " + std::to_string(t.quant->scales.size()) +
                           " scales; this op takes per-tensor quantization");
  }
  if (!(t.quant->scales[0] > 0.0f) || !std::isfinite(t.quant->scales[0])) {
    return InvalidArgument(what + " has scale " + std::to_string(t.quant->scales[0]) +
                           "; scales must be positive");
  }
  const IntRange r = DTypeRange(t.dtype);
  const int64_t zp = t.quant->zero_points[0];
  if (IsQuantizedDType(t.dtype) && (zp < r.lo || zp > r.hi)) {
    return InvalidArgument(what + " has zero point " + std::to_string(zp) + ", outside " +
                           DTypeName(t.dtype) + "'s range");
  }
  return Status::Ok();
}

IntRange QuantizedActivationRange(int activation, const TensorState& output) {
  const IntRange full = DTypeRange(output.dtype);
  const float scale = Scale(output);
  const int32_t zp = ZeroPoint(output);
  // In float, as TFLite does: zp + round(f / scale).
  auto quantize = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  switch (activation) {
    case 1: return {std::max(full.lo, quantize(0.0f)), full.hi};                             // RELU
    case 2: return {std::max(full.lo, quantize(-1.0f)), std::min(full.hi, quantize(1.0f))};  // N1_TO_1
    case 3: return {std::max(full.lo, quantize(0.0f)), std::min(full.hi, quantize(6.0f))};   // RELU6
    default: return full;
  }
}

namespace {

Value* ConstOf(Value* like, int64_t v) {
  return llvm::ConstantInt::get(like->getType(), static_cast<uint64_t>(v), /*isSigned=*/true);
}

// `type` with i64 elements in place of i32 (scalar or vector).
llvm::Type* Widened(llvm::IRBuilder<>& b, llvm::Type* type) {
  if (auto* v = llvm::dyn_cast<llvm::VectorType>(type)) {
    return llvm::VectorType::get(b.getInt64Ty(), v->getElementCount());
  }
  return b.getInt64Ty();
}

}  // namespace

Value* EmitSaturatingRoundingDoublingHighMul(llvm::IRBuilder<>& b, Value* x, Value* y) {
  llvm::Type* wide = Widened(b, x->getType());
  Value* product = b.CreateMul(b.CreateSExt(x, wide), b.CreateSExt(y, wide));
  Value* nudge = b.CreateSelect(b.CreateICmpSGE(product, ConstOf(product, 0)),
                                ConstOf(product, int64_t{1} << 30),
                                ConstOf(product, 1 - (int64_t{1} << 30)));
  // Division truncates toward zero, as in C++.
  Value* high = b.CreateTrunc(b.CreateSDiv(b.CreateAdd(product, nudge),
                                           ConstOf(product, int64_t{1} << 31)),
                              x->getType());
  Value* int_min = ConstOf(x, std::numeric_limits<int32_t>::min());
  Value* overflow = b.CreateAnd(b.CreateICmpEQ(x, int_min), b.CreateICmpEQ(y, int_min));
  return b.CreateSelect(overflow, ConstOf(x, std::numeric_limits<int32_t>::max()), high);
}

Value* EmitRoundingDivideByPOT(llvm::IRBuilder<>& b, Value* x, Value* exponent) {
  Value* one = ConstOf(x, 1);
  Value* mask = b.CreateSub(b.CreateShl(one, exponent), one);
  Value* remainder = b.CreateAnd(x, mask);
  Value* threshold = b.CreateAdd(b.CreateAShr(mask, one),
                                 b.CreateZExt(b.CreateICmpSLT(x, ConstOf(x, 0)), x->getType()));
  Value* up = b.CreateZExt(b.CreateICmpSGT(remainder, threshold), x->getType());
  return b.CreateAdd(b.CreateAShr(x, exponent), up);
}

// EmitMultiplyByNonNegativeQuantizedMultiplier for a vector of i32 lanes
// (an even number), with the 32x32->64 products of the doubling high
// multiply done in place on the vector viewed as i64 pairs: even lanes
// sign-extended within their i64, odd lanes moved down to the even positions
// and sign-extended the same way (each one vpmuldq), and the two rounded
// high halves blended back. Sign-extending the whole vector to i64 instead
// costs LLVM's lowering a shuffle per half each way; an i64 shift right by
// 32 for the odd lanes hid their sign extension from LLVM on AVX2 (no 64-bit
// arithmetic shift there), which then multiplied in full 64 bits (3
// vpmuludq each).
Value* EmitMultiplyByQuantizedMultiplierLanes(llvm::IRBuilder<>& b, Value* x, Value* multiplier,
                                              Value* shift) {
  auto* lanes = llvm::cast<llvm::FixedVectorType>(x->getType());
  const unsigned n = lanes->getNumElements();
  auto* pairs = llvm::FixedVectorType::get(b.getInt64Ty(), n / 2);
  auto splat64 = [&](int64_t v) { return llvm::ConstantInt::get(pairs, v); };
  Value* zero = llvm::ConstantInt::get(lanes, 0);
  Value* left = b.CreateSelect(b.CreateICmpSGT(shift, zero), shift, zero);
  Value* right = b.CreateSelect(b.CreateICmpSGT(shift, zero), zero, b.CreateNeg(shift));
  // x * 2^left wraps in int32, as TFLite's does.
  Value* shifted = b.CreateShl(x, left);
  std::vector<int> odd_down;
  for (unsigned i = 0; i < n; ++i) odd_down.push_back(static_cast<int>(i | 1));
  auto low = [&](Value* v) {
    Value* v64 = b.CreateBitCast(v, pairs);
    return b.CreateAShr(b.CreateShl(v64, splat64(32)), splat64(32));
  };
  auto high = [&](Value* v) { return low(b.CreateShuffleVector(v, odd_down)); };
  // |product| < 2^62: adding the rounding bit cannot overflow.
  Value* round = splat64(int64_t{1} << 30);
  Value* even = b.CreateAdd(b.CreateMul(low(shifted), low(multiplier)), round);
  Value* odd = b.CreateAdd(b.CreateMul(high(shifted), high(multiplier)), round);
  // Bits 31..62 of each product: the even lanes' to the low half of their
  // i64, the odd lanes' to the high half.
  Value* even_lanes = b.CreateBitCast(b.CreateLShr(even, splat64(31)), lanes);
  Value* odd_lanes = b.CreateBitCast(b.CreateShl(odd, splat64(1)), lanes);
  std::vector<int> blend;
  for (unsigned i = 0; i < n; ++i) blend.push_back(i % 2 == 0 ? i : n + i);
  return EmitRoundingDivideByPOT(b, b.CreateShuffleVector(even_lanes, odd_lanes, blend), right);
}

Value* EmitMultiplyByQuantizedMultiplier(llvm::IRBuilder<>& b, Value* x, QuantizedMultiplier m) {
  // Vectors (the fused quantized ADD / MUL epilogues): the same results
  // from vpmuldq pairs (the multiplier is >= 0) instead of i64 lanes.
  if (auto* v = llvm::dyn_cast<llvm::FixedVectorType>(x->getType());
      v != nullptr && v->getNumElements() % 2 == 0 && m.multiplier >= 0) {
    return EmitMultiplyByQuantizedMultiplierLanes(b, x, ConstOf(x, m.multiplier), ConstOf(x, m.shift));
  }
  const int left = std::max(m.shift, 0);
  const int right = std::max(-m.shift, 0);
  // x * 2^left wraps in int32, as TFLite's does.
  if (left > 0) x = b.CreateMul(x, ConstOf(x, int64_t{1} << left));
  Value* high = EmitSaturatingRoundingDoublingHighMul(b, x, ConstOf(x, m.multiplier));
  return right > 0 ? EmitRoundingDivideByPOT(b, high, ConstOf(x, right)) : high;
}

Value* EmitMultiplyByQuantizedMultiplier(llvm::IRBuilder<>& b, Value* x, Value* multiplier,
                                         Value* shift) {
  Value* zero = ConstOf(x, 0);
  Value* left = b.CreateSelect(b.CreateICmpSGT(shift, zero), shift, zero);
  Value* right = b.CreateSelect(b.CreateICmpSGT(shift, zero), zero, b.CreateNeg(shift));
  Value* scaled = b.CreateMul(x, b.CreateShl(ConstOf(x, 1), left));
  Value* high = EmitSaturatingRoundingDoublingHighMul(b, scaled, multiplier);
  return EmitRoundingDivideByPOT(b, high, right);
}

Value* EmitMultiplyByNonNegativeQuantizedMultiplier(llvm::IRBuilder<>& b, Value* x,
                                                   Value* multiplier, Value* shift) {
  llvm::Type* wide = Widened(b, x->getType());
  Value* zero = ConstOf(x, 0);
  Value* left = b.CreateSelect(b.CreateICmpSGT(shift, zero), shift, zero);
  Value* right = b.CreateSelect(b.CreateICmpSGT(shift, zero), zero, b.CreateNeg(shift));
  // x * 2^left wraps in int32, as TFLite's does.
  Value* scaled = b.CreateShl(x, left);
  Value* product = b.CreateMul(b.CreateSExt(scaled, wide), b.CreateSExt(multiplier, wide));
  // |product| < 2^62, so the high half fits in 32 bits: the rounding shift
  // runs on i32 lanes (half the vector operations of i64).
  Value* high = b.CreateTrunc(
      b.CreateAShr(b.CreateAdd(product, ConstOf(product, int64_t{1} << 30)), ConstOf(product, 31)),
      x->getType());
  return EmitRoundingDivideByPOT(b, high, right);
}

Value* EmitMultiplyByQuantizedMultiplier64(llvm::IRBuilder<>& b, Value* x_i64, Value* multiplier,
                                           Value* shift) {
  llvm::Type* wide = x_i64->getType();
  // Multipliers from 0x7FFF0000 up saturate to 0x7FFF (the rounding add
  // would overflow), as TFLite's.
  Value* reduced = b.CreateSelect(
      b.CreateICmpSLT(multiplier, ConstOf(multiplier, 0x7FFF0000)),
      b.CreateAShr(b.CreateAdd(multiplier, ConstOf(multiplier, 1 << 15)), ConstOf(multiplier, 16)),
      ConstOf(multiplier, 0x7FFF));
  Value* total_shift = b.CreateSExt(b.CreateSub(ConstOf(shift, 15), shift), wide);
  Value* round = b.CreateShl(ConstOf(x_i64, 1), b.CreateSub(total_shift, ConstOf(x_i64, 1)));
  Value* sum = b.CreateAdd(b.CreateMul(x_i64, b.CreateSExt(reduced, wide)), round);
  return b.CreateTrunc(b.CreateAShr(sum, total_shift), multiplier->getType());
}

Value* EmitWidenQuantized(llvm::IRBuilder<>& b, Value* q, DType dtype) {
  llvm::Type* i32 = b.getInt32Ty();
  if (auto* v = llvm::dyn_cast<llvm::VectorType>(q->getType())) {
    i32 = llvm::VectorType::get(i32, v->getElementCount());
  }
  if (q->getType() == i32) return q;
  return dtype == DType::kUInt8 ? b.CreateZExt(q, i32) : b.CreateSExt(q, i32);
}

Value* EmitNarrowQuantized(llvm::IRBuilder<>& b, Value* x, DType dtype) {
  llvm::Type* narrow = dtype == DType::kInt16 ? b.getInt16Ty() : b.getInt8Ty();
  if (dtype == DType::kInt32) return x;
  if (auto* v = llvm::dyn_cast<llvm::VectorType>(x->getType())) {
    narrow = llvm::VectorType::get(narrow, v->getElementCount());
  }
  return b.CreateTrunc(x, narrow);
}

Value* EmitClampInt(llvm::IRBuilder<>& b, Value* x, IntRange range) {
  Value* lo = ConstOf(x, range.lo);
  Value* hi = ConstOf(x, range.hi);
  x = b.CreateSelect(b.CreateICmpSLT(x, lo), lo, x);
  return b.CreateSelect(b.CreateICmpSGT(x, hi), hi, x);
}

Status ExpectSameTypePerTensorQuantized(const NodeContext& ctx) {
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  if (out.dtype != in.dtype) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out.dtype) +
                           " but input 0 has " + DTypeName(in.dtype));
  }
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(in, "input 0"));
  return ExpectPerTensorQuantization(out, "output");
}

QuantizedMultiplier QuantizedMeanMultiplier(QuantizedMultiplier m, int64_t count) {
  int k = 63 - std::countl_zero(static_cast<uint64_t>(count));
  k = std::max(0, std::min({k, 32, 31 + m.shift}));
  m.multiplier = static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << k) / count);
  m.shift -= k;
  return m;
}

}  // namespace jitlite::ops
