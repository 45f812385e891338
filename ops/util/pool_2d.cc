// Pool2DOptions checks and the pooling loop nest (see pool_2d.h).
//
// Loop nest: n, oh, ow, then the in-bounds taps (kh, kw) and innermost the
// channels, which are contiguous in input and output: a stack array of
// per-channel accumulators is updated by a vectorizable loop, then reduced
// (average, L2) and handed to StoreOutput channel by channel.
#include "ops/util/pool_2d.h"

#include <limits>
#include <string>

#include "ops/util/conv_2d_window.h"
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
};

Status CheckInputType(DType t, const char* op) {
  if (t == DType::kFloat32) return Status::Ok();
  if (t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16) {
    return Unimplemented(std::string(op) + " with input type " + DTypeName(t) +
                         " (quantized) is not supported yet; supported: FLOAT32");
  }
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
  return p;
}

class PoolEmitter {
 public:
  PoolEmitter(jit::KernelEmitter& e, const PoolParams& p, PoolKind kind)
      : e_(e), p_(p), kind_(kind), in_row_(p.w.in * p.channels) {}

  void Emit() {
    acc_ = e_.Alloca(llvm::ArrayType::get(e_.b().getFloatTy(), p_.block), "acc");
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
  Value* AccPtr(Value* c) { return e_.b().CreateInBoundsGEP(e_.b().getFloatTy(), acc_, c); }

  // The number of in-bounds taps as a float: TFLite's average and L2 pools
  // divide by it (padding does not count).
  Value* TapCount(const conv_window::Taps& th, const conv_window::Taps& tw) {
    llvm::IRBuilder<>& b = e_.b();
    Value* rows = b.CreateSub(th.end, th.begin);
    Value* cols = b.CreateSub(tw.end, tw.begin);
    return b.CreateSIToFP(b.CreateMul(rows, cols), b.getFloatTy());
  }

  // Channels [c0, c0 + block) of one output pixel.
  void EmitBlock(Value* c0, const conv_window::OutputPixel& px, Value* count,
                 Value* (&index)[4]) {
    llvm::IRBuilder<>& b = e_.b();
    llvm::Type* f32 = b.getFloatTy();
    Value* init = e_.F32(kind_ == PoolKind::kMax ? std::numeric_limits<float>::lowest() : 0.0f);
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
      Value* v = b.CreateLoad(f32, AccPtr(c));
      if (count != nullptr) v = b.CreateFDiv(v, count);
      if (kind_ == PoolKind::kL2) v = e_.Sqrt(v);
      index[3] = Add(e_, c0, c);
      e_.StoreOutput(conv_window::ApplyActivation(e_, v, p_.activation), index);
    }, "store");
  }

  // acc += x (average), acc += x*x (L2) or acc = max(acc, x) as
  // std::max(acc, x) does: a NaN tap leaves the running max unchanged.
  void Accumulate(Value* ptr, Value* x) {
    llvm::IRBuilder<>& b = e_.b();
    Value* acc = b.CreateLoad(b.getFloatTy(), ptr);
    Value* next = nullptr;
    switch (kind_) {
      case PoolKind::kAverage: next = b.CreateFAdd(acc, x); break;
      case PoolKind::kL2: next = b.CreateFAdd(acc, b.CreateFMul(x, x)); break;
      case PoolKind::kMax: next = b.CreateSelect(b.CreateFCmpOLT(acc, x), x, acc); break;
    }
    b.CreateStore(next, ptr);
  }

  jit::KernelEmitter& e_;
  const PoolParams& p_;
  PoolKind kind_;
  int64_t in_row_;  // input elements per row (NHWC)
  llvm::AllocaInst* acc_ = nullptr;
};

}  // namespace

Status PreparePool2D(NodeContext& ctx, const char* op) {
  JITLITE_ASSIGN_OR_RETURN(PoolParams p, ResolveParams(ctx, op));
  ctx.SetOutput(0, DType::kFloat32,
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
