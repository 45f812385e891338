// CONV_3D: out[n, od, oh, ow, oc] = act(bias[oc] + sum over kd, kh, kw, ic of
//   in[n, od*sd - pad_d + kd*dd, oh*sh - pad_h + kh*dh, ow*sw - pad_w + kw*dw, ic]
//   * filter[kd, kh, kw, ic, oc])
// with an NDHWC input, a [D, H, W, I, O] filter (constant or a runtime tensor,
// read through its pointer) and an optional bias (absent = zero). SAME/VALID
// padding per axis as in 2-D, strides and dilations per axis, fused
// NONE/RELU/RELU_N1_TO_1/RELU6 clamps (TANH and SIGN_BIT apply nothing, as in
// TFLite's float convolutions). Float32 only: TFLite has no other CONV_3D.
//
// Loop nest: (n, od) -- split across threads for large convolutions -- then
// oh, ow, a block of output channels, the valid taps kd, kh, kw (runtime
// ranges, padding is never read), ic, and innermost the output channels of
// the block, which are contiguous in the filter (ChannelAccumulators).
#include <string>
#include <tuple>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/channel_accumulators.h"
#include "ops/util/conv_2d_window.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Add;
using conv_window::Axis;
using conv_window::Mul;
using llvm::Value;

// Below this many multiply-adds one thread does it all.
constexpr int64_t kMinParallelMacs = 1 << 21;

struct Conv3DParams {
  Axis d{"depth", 'd'};
  Axis h{"height", 'h'};
  Axis w{"width", 'w'};
  int activation = 0;
  int64_t batch = 0, cin = 0, cout = 0;
};

Status CheckTypes(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
  JITLITE_RETURN_IF_ERROR(conv_window::ExpectOneOutput(ctx));
  const char* names[3] = {"input 0", "filter (input 1)", "bias (input 2)"};
  for (int i = 0; i < 3; ++i) {
    if (!ctx.has_input(i) || ctx.input(i).dtype == DType::kFloat32) continue;
    return InvalidArgument(std::string(names[i]) + " has type " + DTypeName(ctx.input(i).dtype) +
                           "; TFLite's CONV_3D supports FLOAT32 only");
  }
  return Status::Ok();
}

StatusOr<Conv3DParams> ResolveParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 5, 5));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(1, 5, 5));
  JITLITE_RETURN_IF_ERROR(conv_window::CheckFilterDims(ctx, 1, "filter (input 1)"));
  const TensorState& in = ctx.input(0);
  const TensorState& filter = ctx.input(1);
  Conv3DParams p;
  p.batch = in.dim(0);
  p.cin = in.dim(4);
  p.cout = filter.dim(4);
  if (p.cin != filter.dim(3)) {
    return InvalidArgument("input 0 has " + std::to_string(p.cin) +
                           " channels but the filter (input 1, shape " +
                           ShapeToString(filter.shape) + ") expects " +
                           std::to_string(filter.dim(3)) + " (its dimension 3)");
  }
  JITLITE_RETURN_IF_ERROR(conv_window::CheckBias(ctx, p.cout));

  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_Conv3DOptions() : nullptr;
  if (opts == nullptr) return InvalidArgument("CONV_3D needs Conv3DOptions (strides)");
  p.d.stride = opts->stride_d();
  p.h.stride = opts->stride_h();
  p.w.stride = opts->stride_w();
  p.d.dilation = opts->dilation_d_factor();
  p.h.dilation = opts->dilation_h_factor();
  p.w.dilation = opts->dilation_w_factor();
  p.activation = static_cast<int>(opts->fused_activation_function());
  JITLITE_RETURN_IF_ERROR(conv_window::CheckActivation(p.activation));
  JITLITE_ASSIGN_OR_RETURN(bool same,
                           conv_window::IsSamePadding(static_cast<int>(opts->padding())));
  Axis* axes[3] = {&p.d, &p.h, &p.w};
  for (int i = 0; i < 3; ++i) {
    axes[i]->in = in.dim(1 + i);
    axes[i]->kernel = filter.dim(i);
    JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, *axes[i]));
  }
  return p;
}

class Conv3DEmitter {
 public:
  Conv3DEmitter(jit::KernelEmitter& e, const NodeContext& ctx, const Conv3DParams& p)
      : e_(e), ctx_(ctx), p_(p),
        block_(conv_window::LargestDivisorAtMost(p.cout, conv_window::kMaxAccumulators)),
        acc_(e, block_) {
    in_row_ = p.w.in * p.cin;
    in_plane_ = p.h.in * in_row_;
    in_volume_ = p.d.in * in_plane_;
    f_kw_ = p.cin * p.cout;
    f_kh_ = p.w.kernel * f_kw_;
    f_kd_ = p.h.kernel * f_kh_;
  }

  void Emit() {
    llvm::IRBuilder<>& b = e_.b();
    int64_t slices = p_.batch * p_.d.out;
    int64_t macs = slices * p_.h.out * p_.w.out * p_.d.kernel * p_.h.kernel * p_.w.kernel *
                   p_.cin * p_.cout;
    Value* begin = e_.I64(0);
    Value* end = e_.I64(slices);
    if (slices >= 2 && macs >= kMinParallelMacs) std::tie(begin, end) = e_.ParallelRange(slices);
    e_.For(begin, end, 1, [&](Value* slice) {
      Value* n = b.CreateUDiv(slice, e_.I64(p_.d.out));
      Value* od = b.CreateURem(slice, e_.I64(p_.d.out));
      conv_window::Taps td = conv_window::EmitTaps(e_, p_.d, od);
      Value* in_d = Add(e_, Mul(e_, n, in_volume_), Mul(e_, td.first, in_plane_));
      e_.For(0, p_.h.out, 1, [&](Value* oh) {
        conv_window::Taps th = conv_window::EmitTaps(e_, p_.h, oh);
        Value* in_h = Add(e_, in_d, Mul(e_, th.first, in_row_));
        e_.For(0, p_.w.out, 1, [&](Value* ow) {
          conv_window::Taps tw = conv_window::EmitTaps(e_, p_.w, ow);
          Value* in_pixel = Add(e_, in_h, Mul(e_, tw.first, p_.cin));
          Value* index[5] = {n, od, oh, ow, nullptr};
          e_.For(0, p_.cout, block_, [&](Value* c0) {
            EmitBlock(c0, in_pixel, td, th, tw, index);
          }, "cb");
        }, "ow");
      }, "oh");
    }, "nd");
  }

 private:
  // Output channels [c0, c0 + block) of one output pixel.
  void EmitBlock(Value* c0, Value* in_pixel, const conv_window::Taps& td,
                 const conv_window::Taps& th, const conv_window::Taps& tw, Value* (&index)[5]) {
    acc_.Zero();
    e_.For(td.begin, td.end, 1, [&](Value* kd) {
      Value* in_kd = Add(e_, in_pixel, Mul(e_, kd, p_.d.dilation * in_plane_));
      Value* f_kd = Add(e_, c0, Mul(e_, kd, f_kd_));
      e_.For(th.begin, th.end, 1, [&](Value* kh) {
        Value* in_kh = Add(e_, in_kd, Mul(e_, kh, p_.h.dilation * in_row_));
        Value* f_kh = Add(e_, f_kd, Mul(e_, kh, f_kh_));
        e_.For(tw.begin, tw.end, 1, [&](Value* kw) {
          Value* in_kw = Add(e_, in_kh, Mul(e_, kw, p_.w.dilation * p_.cin));
          Value* f_kw = Add(e_, f_kh, Mul(e_, kw, f_kw_));
          e_.For(0, p_.cin, 1, [&](Value* ic) {
            Value* x = e_.LoadInput(0, Add(e_, in_kw, ic));
            acc_.MultiplyAdd(x, e_.InputPtr(1), Add(e_, f_kw, Mul(e_, ic, p_.cout)));
          }, "ic");
        }, "kw");
      }, "kh");
    }, "kd");
    acc_.Store(ctx_.has_input(2) ? 2 : -1, c0, p_.activation, index);
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const Conv3DParams& p_;
  int64_t block_;
  ChannelAccumulators acc_;
  int64_t in_row_ = 0, in_plane_ = 0, in_volume_ = 0;
  int64_t f_kw_ = 0, f_kh_ = 0, f_kd_ = 0;  // filter strides of kw, kh, kd (elements)
};

class Conv3DOp : public OpDef {
 public:
  std::string_view name() const override { return "CONV_3D"; }
  std::vector<int> builtin_codes() const override { return {132}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Conv3DParams p, ResolveParams(ctx));
    ctx.SetOutput(0, DType::kFloat32,
                  {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.d.out),
                   static_cast<int32_t>(p.h.out), static_cast<int32_t>(p.w.out),
                   static_cast<int32_t>(p.cout)});
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Conv3DParams p, ResolveParams(ctx));
    if (p.batch == 0) return Status::Ok();  // empty output
    Conv3DEmitter(e, ctx, p).Emit();
    return Status::Ok();
  }
};

}  // namespace

const OpDef& conv_3d_op() {
  static const Conv3DOp op;
  return op;
}

}  // namespace jitlite::ops
