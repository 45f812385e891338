// DEPTHWISE_CONV_2D: every input channel ic is convolved with its own M
// filters (M = depth multiplier): output channel oc = ic*M + m,
//   out[n, oh, ow, oc] = act(bias[oc] + sum over kh, kw of
//     in[n, oh*sh - pad_top + kh*dh, ow*sw - pad_left + kw*dw, oc / M] * filter[0, kh, kw, oc])
// NHWC input, filter [1, KH, KW, cin*M] (constant or runtime, read through
// its pointer), optional bias (absent = zero). Float32 only for now.
//
// M comes from the shapes (filter depth / input depth), as TFLite's float
// kernel does; options.depth_multiplier is not checked against it (LiteRT
// runs float models whose option disagrees).
//
// Loop nest: n, oh, ow, then the taps (kh, kw) in their valid ranges, and
// innermost the channels, which are contiguous in input, filter and output:
// a stack array of per-channel accumulators is updated by a vectorizable
// loop, then handed to StoreOutput channel by channel.
#include <algorithm>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/conv_2d_window.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Add;
using conv_window::Axis;
using conv_window::Mul;
using llvm::Value;

struct DepthwiseParams {
  Axis h{"height", 'h'};
  Axis w{"width", 'w'};
  int activation = 0;
  int64_t batch = 0, cin = 0, cout = 0;
  int64_t multiplier = 1;
  int64_t block = 0;  // input channels per accumulator block (divides cin)
};

StatusOr<DepthwiseParams> ResolveParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(conv_window::CheckFloatOperands(ctx, "DEPTHWISE_CONV_2D"));
  const TensorState& in = ctx.input(0);
  const TensorState& filter = ctx.input(1);
  DepthwiseParams p;
  p.batch = in.dim(0);
  p.cin = in.dim(3);
  p.cout = filter.dim(3);
  if (filter.dim(0) != 1) {
    return InvalidArgument("filter (input 1) has shape " + ShapeToString(filter.shape) +
                           "; a depthwise filter must be [1, height, width, channels]");
  }
  if (p.cout % p.cin != 0) {
    return InvalidArgument("filter (input 1, shape " + ShapeToString(filter.shape) + ") has " +
                           std::to_string(p.cout) + " output channels, not a multiple of the " +
                           std::to_string(p.cin) + " input channels");
  }
  p.multiplier = p.cout / p.cin;
  JITLITE_RETURN_IF_ERROR(conv_window::CheckBias(ctx, p.cout));

  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_DepthwiseConv2DOptions() : nullptr;
  int padding = opts ? static_cast<int>(opts->padding()) : 0;
  p.h.stride = opts ? opts->stride_h() : 0;
  p.w.stride = opts ? opts->stride_w() : 0;
  p.h.dilation = opts ? opts->dilation_h_factor() : 1;
  p.w.dilation = opts ? opts->dilation_w_factor() : 1;
  p.activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  JITLITE_RETURN_IF_ERROR(conv_window::CheckActivation(p.activation));
  JITLITE_ASSIGN_OR_RETURN(bool same, conv_window::IsSamePadding(padding));
  p.h.in = in.dim(1);
  p.w.in = in.dim(2);
  p.h.kernel = filter.dim(1);
  p.w.kernel = filter.dim(2);
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, p.h));
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, p.w));

  // Blocks of input channels whose accumulators fit the stack budget.
  p.block = conv_window::LargestDivisorAtMost(
      p.cin, std::max<int64_t>(1, conv_window::kMaxAccumulators / p.multiplier));
  return p;
}

class DepthwiseEmitter {
 public:
  DepthwiseEmitter(jit::KernelEmitter& e, const NodeContext& ctx, const DepthwiseParams& p)
      : e_(e), ctx_(ctx), p_(p) {
    in_row_ = p.w.in * p.cin;
    f_row_ = p.w.kernel * p.cout;
    width_ = p.block * p.multiplier;
  }

  void Emit() {
    llvm::Type* f32 = e_.b().getFloatTy();
    acc_ = e_.Alloca(llvm::ArrayType::get(f32, width_), "acc");
    conv_window::ForEachOutputPixel(e_, p_.batch, p_.h, p_.w, p_.cin,
                                    [&](const conv_window::OutputPixel& px) {
      Value* index[4] = {px.n, px.oh, px.ow, nullptr};
      if (p_.block == p_.cin) {
        EmitBlock(e_.I64(0), px, index);
      } else {
        e_.For(0, p_.cin, p_.block, [&](Value* ic0) { EmitBlock(ic0, px, index); }, "icb");
      }
    });
  }

 private:
  Value* AccPtr(Value* c) { return e_.b().CreateInBoundsGEP(e_.b().getFloatTy(), acc_, c); }

  // Output channels [ic0*M, (ic0 + block)*M) of one output pixel.
  void EmitBlock(Value* ic0, const conv_window::OutputPixel& px, Value* (&index)[4]) {
    llvm::IRBuilder<>& b = e_.b();
    llvm::Type* f32 = b.getFloatTy();
    Value* oc0 = Mul(e_, ic0, p_.multiplier);
    e_.For(0, width_, 1, [&](Value* c) { b.CreateStore(e_.F32(0.0f), AccPtr(c)); }, "zero");
    e_.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
      Value* in_kh = Add(e_, Add(e_, px.input_offset, ic0), Mul(e_, kh, p_.h.dilation * in_row_));
      Value* f_kh = Add(e_, oc0, Mul(e_, kh, f_row_));
      e_.For(px.w.begin, px.w.end, 1, [&](Value* kw) {
        Value* in_tap = Add(e_, in_kh, Mul(e_, kw, p_.w.dilation * p_.cin));
        Value* f_tap = Add(e_, f_kh, Mul(e_, kw, p_.cout));
        EmitTap(in_tap, f_tap);
      }, "kw");
    }, "kh");
    e_.For(0, width_, 1, [&](Value* c) {
      Value* oc = Add(e_, oc0, c);
      Value* v = b.CreateLoad(f32, AccPtr(c));
      if (ctx_.has_input(2)) v = b.CreateFAdd(v, e_.LoadInput(2, oc));
      index[3] = oc;
      e_.StoreOutput(conv_window::ApplyActivation(e_, v, p_.activation), index);
    }, "store");
  }

  // acc[c] += in[in_tap + c / M] * filter[f_tap + c] over the block.
  void EmitTap(Value* in_tap, Value* f_tap) {
    if (p_.multiplier == 1) {
      e_.For(0, width_, 1, [&](Value* c) {
        MultiplyAdd(c, e_.LoadInput(0, Add(e_, in_tap, c)), Add(e_, f_tap, c));
      }, "c");
      return;
    }
    e_.For(0, p_.block, 1, [&](Value* ic) {
      Value* x = e_.LoadInput(0, Add(e_, in_tap, ic));
      Value* c0 = Mul(e_, ic, p_.multiplier);
      e_.For(0, p_.multiplier, 1, [&](Value* m) {
        Value* c = Add(e_, c0, m);
        MultiplyAdd(c, x, Add(e_, f_tap, c));
      }, "m");
    }, "ic");
  }

  void MultiplyAdd(Value* c, Value* x, Value* f_off) {
    llvm::IRBuilder<>& b = e_.b();
    llvm::Type* f32 = b.getFloatTy();
    Value* w = e_.LoadInput(1, f_off);
    // Contraction only (FMA); the taps are summed in TFLite's order.
    llvm::IRBuilder<>::FastMathFlagGuard guard(b);
    llvm::FastMathFlags fmf;
    fmf.setAllowContract();
    b.setFastMathFlags(fmf);
    Value* ptr = AccPtr(c);
    b.CreateStore(b.CreateFAdd(b.CreateLoad(f32, ptr), b.CreateFMul(x, w)), ptr);
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const DepthwiseParams& p_;
  int64_t in_row_ = 0, f_row_ = 0, width_ = 0;
  llvm::AllocaInst* acc_ = nullptr;
};

class DepthwiseConv2DOp : public OpDef {
 public:
  std::string_view name() const override { return "DEPTHWISE_CONV_2D"; }
  std::vector<int> builtin_codes() const override { return {4}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(DepthwiseParams p, ResolveParams(ctx));
    ctx.SetOutput(0, DType::kFloat32,
                  {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.h.out),
                   static_cast<int32_t>(p.w.out), static_cast<int32_t>(p.cout)});
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(DepthwiseParams p, ResolveParams(ctx));
    DepthwiseEmitter(e, ctx, p).Emit();
    return Status::Ok();
  }
};

}  // namespace

const OpDef& depthwise_conv_2d_op() {
  static const DepthwiseConv2DOp op;
  return op;
}

}  // namespace jitlite::ops
