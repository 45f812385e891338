// Pool2DOptions checks and the pooling loop nest (see pool_2d.h).
//
// Loop nest: n, oh, ow, then the in-bounds taps (kh, kw) and innermost the
// channels, which are contiguous in input and output: a stack array of
// per-channel accumulators is updated by a vectorizable loop, then reduced
// (average, L2) and handed to StoreOutput channel by channel.
//
// Quantized (INT8/UINT8/INT16) inputs follow TFLite's reference integer
// kernels: the accumulators are i32 holding raw stored values (input and
// output share scale and zero point, so no zero point is subtracted); the
// average divides the sum by the tap count rounding half away from zero, and
// both results are clamped to the fused activation's range on the output grid.
#include "ops/util/pool_2d.h"

#include <limits>
#include <string>

#include "ops/util/conv_2d_window.h"
#include "ops/util/quantization.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Add;
using conv_window::Axis;
using conv_window::Mul;
using llvm::Value;

struct PoolParams {
  Axis h{"height", 'h'};
  Axis w{"width", 'w'};
  int activation = 0;
  int64_t batch = 0, channels = 0;
  int64_t block = 0;  // channels per accumulator block (divides channels)
  DType dtype = DType::kFloat32;
  IntRange clamp;  // quantized: the fused activation's range on the output grid
};

Status CheckInputType(DType t, const char* op) {
  if (t == DType::kFloat32 || IsQuantizedDType(t)) return Status::Ok();
  return InvalidArgument(std::string("input 0 has type ") + DTypeName(t) + "; " + op +
                         " supports FLOAT32, INT8, UINT8 and INT16");
}

Status CheckFilterSize(int64_t size, const char* option) {
  if (size >= 1) return Status::Ok();
  return InvalidArgument(std::string(option) + " is " + std::to_string(size) +
                         "; filter sizes must be >= 1");
}

StatusOr<PoolParams> ResolveParams(const NodeContext& ctx, const char* op) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(conv_window::ExpectOneOutput(ctx));
  const TensorState& in = ctx.input(0);
  JITLITE_RETURN_IF_ERROR(CheckInputType(in.dtype, op));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 4, 4));

  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_Pool2DOptions() : nullptr;
  if (opts == nullptr) {
    return InvalidArgument(std::string(op) + " needs Pool2DOptions (strides and filter size)");
  }
  PoolParams p;
  p.batch = in.dim(0);
  p.channels = in.dim(3);
  p.h.in = in.dim(1);
  p.w.in = in.dim(2);
  p.h.stride = opts->stride_h();
  p.w.stride = opts->stride_w();
  p.h.kernel = opts->filter_height();
  p.w.kernel = opts->filter_width();
  p.activation = static_cast<int>(opts->fused_activation_function());
  JITLITE_RETURN_IF_ERROR(CheckFilterSize(p.h.kernel, "filter_height"));
  JITLITE_RETURN_IF_ERROR(CheckFilterSize(p.w.kernel, "filter_width"));
  JITLITE_RETURN_IF_ERROR(conv_window::CheckActivation(p.activation));
  JITLITE_ASSIGN_OR_RETURN(bool same,
                           conv_window::IsSamePadding(static_cast<int>(opts->padding())));
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, p.h));
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, p.w));
  p.block = conv_window::LargestDivisorAtMost(p.channels, conv_window::kMaxAccumulators);
  p.dtype = in.dtype;
  if (IsQuantizedDType(p.dtype)) {
    // Stored values are pooled: the output has the input's type, and per-tensor
    // parameters (its activation range needs them).
    JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
    p.clamp = QuantizedActivationRange(p.activation, ctx.output(0));
  }
  return p;
}

class PoolEmitter {
 public:
  PoolEmitter(jit::KernelEmitter& e, const PoolParams& p, PoolKind kind)
      : e_(e), p_(p), kind_(kind), in_row_(p.w.in * p.channels),
        quantized_(IsQuantizedDType(p.dtype)),
        acc_type_(quantized_ ? e.b().getInt32Ty() : e.b().getFloatTy()) {}

  void Emit() {
    acc_ = e_.Alloca(llvm::ArrayType::get(acc_type_, p_.block), "acc");
    conv_window::ForEachOutputPixel(e_, p_.batch, p_.h, p_.w, p_.channels,
                                    [&](const conv_window::OutputPixel& px) {
      Value* index[4] = {px.n, px.oh, px.ow, nullptr};
      Value* count = kind_ != PoolKind::kMax ? TapCount(px.h, px.w) : nullptr;
      if (p_.block == p_.channels) {
        EmitBlock(e_.I64(0), px, count, index);
      } else {
        e_.For(0, p_.channels, p_.block, [&](Value* c0) {
          EmitBlock(c0, px, count, index);
        }, "cb");
      }
    });
  }

 private:
  Value* AccPtr(Value* c) { return e_.b().CreateInBoundsGEP(acc_type_, acc_, c); }

  // The number of in-bounds taps (float, or i32 when quantized): TFLite's
  // average and L2 pools divide by it (padding does not count).
  Value* TapCount(const conv_window::Taps& th, const conv_window::Taps& tw) {
    llvm::IRBuilder<>& b = e_.b();
    Value* rows = b.CreateSub(th.end, th.begin);
    Value* cols = b.CreateSub(tw.end, tw.begin);
    Value* count = b.CreateMul(rows, cols);
    return quantized_ ? b.CreateTrunc(count, acc_type_) : b.CreateSIToFP(count, acc_type_);
  }

  Value* InitialValue() {
    if (quantized_) return e_.I32(kind_ == PoolKind::kAverage ? 0 : DTypeRange(p_.dtype).lo);
    return e_.F32(kind_ == PoolKind::kMax ? std::numeric_limits<float>::lowest() : 0.0f);
  }

  // The stored value of a quantized output from its accumulator: the average
  // rounds half away from zero, as TFLite's (acc +- count / 2) / count.
  Value* QuantizedResult(Value* acc, Value* count) {
    llvm::IRBuilder<>& b = e_.b();
    if (count != nullptr) {
      Value* half = b.CreateSDiv(count, e_.I32(2));
      Value* nudged = b.CreateSelect(b.CreateICmpSGT(acc, e_.I32(0)), b.CreateAdd(acc, half),
                                     b.CreateSub(acc, half));
      acc = b.CreateSDiv(nudged, count);
    }
    return EmitNarrowQuantized(b, EmitClampInt(b, acc, p_.clamp), p_.dtype);
  }

  // Channels [c0, c0 + block) of one output pixel.
  void EmitBlock(Value* c0, const conv_window::OutputPixel& px, Value* count,
                 Value* (&index)[4]) {
    llvm::IRBuilder<>& b = e_.b();
    Value* init = InitialValue();
    e_.For(0, p_.block, 1, [&](Value* c) { b.CreateStore(init, AccPtr(c)); }, "init");
    e_.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
      Value* in_kh = Add(e_, Add(e_, px.input_offset, c0), Mul(e_, kh, in_row_));
      e_.For(px.w.begin, px.w.end, 1, [&](Value* kw) {
        Value* in_tap = Add(e_, in_kh, Mul(e_, kw, p_.channels));
        e_.For(0, p_.block, 1, [&](Value* c) {
          Accumulate(AccPtr(c), e_.LoadInput(0, Add(e_, in_tap, c)));
        }, "c");
      }, "kw");
    }, "kh");
    e_.For(0, p_.block, 1, [&](Value* c) {
      Value* v = b.CreateLoad(acc_type_, AccPtr(c));
      index[3] = Add(e_, c0, c);
      if (quantized_) {
        e_.StoreOutput(QuantizedResult(v, count), index);
        return;
      }
      if (count != nullptr) v = b.CreateFDiv(v, count);
      if (kind_ == PoolKind::kL2) v = e_.Sqrt(v);
      e_.StoreOutput(conv_window::ApplyActivation(e_, v, p_.activation), index);
    }, "store");
  }

  // acc += x (average), acc += x*x (L2) or acc = max(acc, x) as
  // std::max(acc, x) does: a NaN tap leaves the running max unchanged.
  // Quantized taps (average and max only) are widened to i32.
  void Accumulate(Value* ptr, Value* x) {
    llvm::IRBuilder<>& b = e_.b();
    Value* acc = b.CreateLoad(acc_type_, ptr);
    Value* next;
    if (quantized_) {
      x = EmitWidenQuantized(b, x, p_.dtype);
      next = kind_ == PoolKind::kAverage ? b.CreateAdd(acc, x)
                                         : b.CreateSelect(b.CreateICmpSLT(acc, x), x, acc);
    } else if (kind_ == PoolKind::kL2) {
      next = b.CreateFAdd(acc, b.CreateFMul(x, x));
    } else {
      next = kind_ == PoolKind::kAverage ? b.CreateFAdd(acc, x)
                                         : b.CreateSelect(b.CreateFCmpOLT(acc, x), x, acc);
    }
    b.CreateStore(next, ptr);
  }

  jit::KernelEmitter& e_;
  const PoolParams& p_;
  PoolKind kind_;
  int64_t in_row_;  // input elements per row (NHWC)
  bool quantized_;
  llvm::Type* acc_type_;
  llvm::AllocaInst* acc_ = nullptr;
};

}  // namespace

Status PreparePool2D(NodeContext& ctx, const char* op) {
  JITLITE_ASSIGN_OR_RETURN(PoolParams p, ResolveParams(ctx, op));
  ctx.SetOutput(0, p.dtype,
                {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.h.out),
                 static_cast<int32_t>(p.w.out), static_cast<int32_t>(p.channels)});
  return Status::Ok();
}

Status EmitPool2D(jit::KernelEmitter& e, const NodeContext& ctx, PoolKind kind, const char* op) {
  JITLITE_ASSIGN_OR_RETURN(PoolParams p, ResolveParams(ctx, op));
  if (p.batch == 0 || p.channels == 0) return Status::Ok();  // empty output
  PoolEmitter(e, p, kind).Emit();
  return Status::Ok();
}

}  // namespace jitlite::ops
