#include "ops/util/hybrid.h"

#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/conv_2d_window.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::hybrid {
namespace {

using conv_window::Add;
using conv_window::Mul;
using llvm::Value;

Value* F64(llvm::IRBuilder<>& b, double v) { return llvm::ConstantFP::get(b.getDoubleTy(), v); }

Value* Round(llvm::IRBuilder<>& b, Value* x) {
  return b.CreateUnaryIntrinsic(llvm::Intrinsic::round, x);
}

}  // namespace

bool IsHybrid(const NodeContext& ctx, SubByteFilters also) {
  if (ctx.num_inputs() < 2 || !ctx.has_input(0) || !ctx.has_input(1) ||
      ctx.input(0).dtype != DType::kFloat32) {
    return false;
  }
  switch (ctx.input(1).dtype) {
    case DType::kInt8: return true;
    case DType::kInt4: return also != SubByteFilters::kNone;
    case DType::kInt2: return also == SubByteFilters::kInt4AndInt2;
    default: return false;
  }
}

Status CheckTypes(const NodeContext& ctx, const char* op, int64_t cout, int channel_axis) {
  const TensorState& filter = ctx.input(1);
  if (ctx.output(0).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                           "; a hybrid " + op + " (FLOAT32 input, " + DTypeName(filter.dtype) +
                           " filter) outputs FLOAT32");
  }
  if (!HasQuantization(filter)) {
    return InvalidArgument(std::string("filter (input 1) has type ") + DTypeName(filter.dtype) +
                           " but no quantization parameters; a hybrid " + op +
                           " needs its scales");
  }
  const size_t scales = filter.quant->scales.size();
  if (scales != 1 && (filter.quant->quantized_dimension != channel_axis ||
                      static_cast<int64_t>(scales) != cout)) {
    return InvalidArgument("filter (input 1) has " + std::to_string(scales) +
                           " scales along dimension " +
                           std::to_string(filter.quant->quantized_dimension) + "; a hybrid " +
                           op + " takes one scale or " + std::to_string(cout) +
                           " along dimension " + std::to_string(channel_axis));
  }
  if (ctx.has_input(2) && ctx.input(2).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("bias (input 2) has type ") +
                           DTypeName(ctx.input(2).dtype) + "; a hybrid " + op +
                           " needs a FLOAT32 bias");
  }
  return Status::Ok();
}

bool HasDistinctScales(const TensorState& filter) {
  if (!HasQuantization(filter)) return false;
  const std::vector<float>& s = filter.quant->scales;
  for (float v : s) {
    if (v != s[0]) return true;
  }
  return false;
}

void PackFilterScales(const NodeContext& ctx, int64_t cout, std::vector<AlignedBuffer>& out) {
  const std::vector<float>& s = ctx.input(1).quant->scales;
  AlignedBuffer scales(cout * sizeof(float));
  for (int64_t c = 0; c < cout; ++c) scales.as<float>()[c] = s.size() == 1 ? s[0] : s[c];
  out.push_back(std::move(scales));
}

Value* FilterScale(jit::KernelEmitter& e, int packed_buffer, Value* channel) {
  llvm::IRBuilder<>& b = e.b();
  return b.CreateLoad(b.getFloatTy(),
                      b.CreateInBoundsGEP(b.getFloatTy(), e.PackedPtr(packed_buffer), channel));
}

Value* EmitOutput(jit::KernelEmitter& e, Value* acc, Value* row_scale, Value* filter_scale,
                  ScaleOrder order, Value* bias) {
  llvm::IRBuilder<>& b = e.b();
  Value* v = b.CreateSIToFP(acc, b.getFloatTy());
  if (order == ScaleOrder::kAccTimesCombined) {
    v = b.CreateFMul(v, b.CreateFMul(row_scale, filter_scale));
  } else {
    v = b.CreateFMul(b.CreateFMul(v, filter_scale), row_scale);
  }
  return bias != nullptr ? b.CreateFAdd(v, bias) : v;
}

RowQuantizer::RowQuantizer(jit::KernelEmitter& e, int64_t size, int64_t stride, bool asymmetric,
                           Value* source)
    : e_(e), size_(size), stride_(stride), asymmetric_(asymmetric), source_(source) {
  if (size <= kMaxScratchBytes) {
    scratch_ = e.Alloca(llvm::ArrayType::get(e.b().getInt8Ty(), size), "qrow");
    scratch_->setAlignment(llvm::Align(64));
  }
}

Value* RowQuantizer::LoadRow(Value* index) {
  Value* offset = Add(e_, base_, Mul(e_, index, stride_));
  if (source_ != nullptr) return jit::LoadElement(e_.b(), DType::kFloat32, source_, offset);
  return e_.LoadInput(0, offset);
}

void RowQuantizer::Quantize(Value* base) {
  base_ = base;
  if (asymmetric_) {
    EmitAsymmetricParams(base);
  } else {
    EmitSymmetricParams(base);
  }
  if (scratch_ == nullptr) return;
  llvm::IRBuilder<>& b = e_.b();
  e_.For(0, size_, 1, [&](Value* i) {
    Value* q = b.CreateTrunc(QuantizeValue(LoadRow(i)), b.getInt8Ty());
    b.CreateStore(q, b.CreateInBoundsGEP(b.getInt8Ty(), scratch_, i));
  }, "quantize");
}

// TFLite's SymmetricQuantizeFloats: range = max|x|, scale = range / 127 and
// multiplier 127 / range, both in float; a zero range gives scale 1 and q = 0
// (multiplier 0 here).
void RowQuantizer::EmitSymmetricParams(Value* base) {
  llvm::IRBuilder<>& b = e_.b();
  llvm::Type* f32 = b.getFloatTy();
  llvm::AllocaInst* range = e_.Alloca(f32, "range");
  b.CreateStore(e_.F32(0.0f), range);
  e_.For(0, size_, 1, [&](Value* i) {
    Value* a = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, LoadRow(i));
    b.CreateStore(b.CreateMaxNum(b.CreateLoad(f32, range), a), range);
  }, "absmax");
  Value* r = b.CreateLoad(f32, range);
  Value* zero = b.CreateFCmpOEQ(r, e_.F32(0.0f));
  scale_ = b.CreateSelect(zero, e_.F32(1.0f), b.CreateFDiv(r, e_.F32(127.0f)));
  inverse_ = b.CreateSelect(zero, e_.F32(0.0f), b.CreateFDiv(e_.F32(127.0f), r));
  zero_point_ = e_.I32(0);
}

// TFLite's AsymmetricQuantizeFloats: rmin = min(0, min x), rmax = max(0, max
// x) widened to double; scale = (rmax - rmin) / 255; the zero point from the
// end with the smaller error, nudged into [-128, 127]; the scale rounded to
// float and its float inverse. rmin == rmax gives scale 1, zero point 0, q = 0.
void RowQuantizer::EmitAsymmetricParams(Value* base) {
  llvm::IRBuilder<>& b = e_.b();
  llvm::Type* f32 = b.getFloatTy();
  llvm::Type* f64 = b.getDoubleTy();
  llvm::AllocaInst* lo = e_.Alloca(f32, "rmin");
  llvm::AllocaInst* hi = e_.Alloca(f32, "rmax");
  b.CreateStore(e_.F32(0.0f), lo);
  b.CreateStore(e_.F32(0.0f), hi);
  e_.For(0, size_, 1, [&](Value* i) {
    Value* x = LoadRow(i);
    b.CreateStore(b.CreateMinNum(b.CreateLoad(f32, lo), x), lo);
    b.CreateStore(b.CreateMaxNum(b.CreateLoad(f32, hi), x), hi);
  }, "minmax");
  Value* rmin = b.CreateFPExt(b.CreateLoad(f32, lo), f64);
  Value* rmax = b.CreateFPExt(b.CreateLoad(f32, hi), f64);
  Value* degenerate = b.CreateFCmpOEQ(rmin, rmax);
  Value* scale = b.CreateFDiv(b.CreateFSub(rmax, rmin), F64(b, 255.0));
  Value* min_steps = b.CreateFDiv(rmin, scale);
  Value* max_steps = b.CreateFDiv(rmax, scale);
  Value* from_min = b.CreateFSub(F64(b, -128.0), min_steps);
  Value* from_max = b.CreateFSub(F64(b, 127.0), max_steps);
  Value* fabs_min = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, min_steps);
  Value* fabs_max = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, max_steps);
  Value* min_error = b.CreateFAdd(F64(b, 128.0), fabs_min);
  Value* max_error = b.CreateFAdd(F64(b, 127.0), fabs_max);
  Value* zp = b.CreateSelect(b.CreateFCmpOLT(min_error, max_error), from_min, from_max);
  // Nudged into [-128, 127]: rounding first gives the same result for every
  // value and keeps NaN (degenerate rows) away from the conversion.
  zp = b.CreateMaxNum(b.CreateMinNum(Round(b, zp), F64(b, 127.0)), F64(b, -128.0));
  zp = b.CreateSelect(degenerate, F64(b, 0.0), zp);
  zero_point_ = b.CreateFPToSI(zp, b.getInt32Ty());
  Value* scale_f = b.CreateFPTrunc(scale, f32);
  scale_ = b.CreateSelect(degenerate, e_.F32(1.0f), scale_f);
  inverse_ = b.CreateSelect(degenerate, e_.F32(0.0f), b.CreateFDiv(e_.F32(1.0f), scale_f));
}

Value* RowQuantizer::QuantizeValue(Value* x) {
  llvm::IRBuilder<>& b = e_.b();
  Value* v = b.CreateFMul(x, inverse_);
  // As TFLite: the int zero point converted to float and added, no fusion.
  if (asymmetric_) v = b.CreateFAdd(b.CreateSIToFP(zero_point_, b.getFloatTy()), v);
  float lo = asymmetric_ ? -128.0f : -127.0f;
  v = b.CreateMaxNum(b.CreateMinNum(Round(b, v), e_.F32(127.0f)), e_.F32(lo));
  return b.CreateFPToSI(v, b.getInt32Ty());
}

Value* RowQuantizer::LoadCentered(Value* index) {
  llvm::IRBuilder<>& b = e_.b();
  Value* q;
  if (scratch_ != nullptr) {
    q = b.CreateSExt(b.CreateLoad(b.getInt8Ty(), b.CreateInBoundsGEP(b.getInt8Ty(), scratch_, index)),
                     b.getInt32Ty());
  } else {
    q = QuantizeValue(LoadRow(index));
  }
  return asymmetric_ ? b.CreateSub(q, zero_point_) : q;
}

std::vector<Value*> EmitRowDots(jit::KernelEmitter& e, std::span<Value* const> weights, Value* row,
                                RowQuantizer& q, int64_t len) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* i32 = b.getInt32Ty();
  std::vector<llvm::AllocaInst*> acc;
  for (size_t w = 0; w < weights.size(); ++w) {
    acc.push_back(e.Alloca(i32, "idot"));
    b.CreateStore(e.I32(0), acc.back());
  }
  Value* w_row = Mul(e, row, len);
  e.For(0, len, 1, [&](Value* k) {
    Value* x = q.LoadCentered(k);
    for (size_t w = 0; w < weights.size(); ++w) {
      Value* wk = jit::LoadElement(b, DType::kInt8, weights[w], Add(e, w_row, k));
      Value* prod = b.CreateMul(b.CreateSExt(wk, i32), x);
      b.CreateStore(b.CreateAdd(b.CreateLoad(i32, acc[w]), prod), acc[w]);
    }
  }, "k");
  std::vector<Value*> sums;
  for (llvm::AllocaInst* a : acc) sums.push_back(b.CreateLoad(i32, a));
  return sums;
}

}  // namespace jitlite::ops::hybrid
