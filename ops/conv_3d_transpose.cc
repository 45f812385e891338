// CONV_3D_TRANSPOSE (float32): the transpose of CONV_3D. Inputs: 0
// output_shape (INT32 [5], NDHWC; constant or a graph input: compiled per
// value), 1 filter [D, H, W, O, I], 2 input [N, D, H, W, I], 3 optional bias
// [O]. Conv3DOptions: SAME/VALID padding, strides and dilations per axis, a
// fused activation (NONE/RELU/RELU_N1_TO_1/RELU6 clamps; TANH and SIGN_BIT
// apply nothing, as in TFLite). As in TFLite, the padding is the forward
// convolution's for an input of the output's size, whose output size must be
// the input's.
//   out[n, od, oh, ow, oc] = act(bias[oc] + sum over kd, kh, kw, ic with
//     od = id*sd - pad_d + kd*dd (and so on) of in[n, id, ih, iw, ic] *
//     filter[kd, kh, kw, oc, ic])
//
// Gather form, no scratch: every output element sums the taps whose input
// position exists (divisible by the stride, inside the input). TFLite's int8/
// int16 variants are Unimplemented.
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/conv_2d_window.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Axis;
using llvm::Value;

constexpr int kShape = 0, kFilter = 1, kInput = 2, kBias = 3;

struct Params {
  Axis axes[3] = {{"depth", 'd'}, {"height", 'h'}, {"width", 'w'}};
  int activation = 0;
  Shape out;
  int64_t cin = 0, cout = 0;
};

Status CheckTypes(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 4));
  JITLITE_RETURN_IF_ERROR(conv_window::ExpectOneOutput(ctx));
  const DType in = ctx.input(kInput).dtype;
  if (in == DType::kInt8 || in == DType::kInt16) {
    return Unimplemented(std::string("CONV_3D_TRANSPOSE with input type ") + DTypeName(in) +
                         " (quantized) is not supported yet; supported: FLOAT32");
  }
  const char* names[4] = {"", "filter (input 1)", "input 2", "bias (input 3)"};
  for (int i = kFilter; i <= kBias; ++i) {
    if (!ctx.has_input(i) || ctx.input(i).dtype == DType::kFloat32) continue;
    return InvalidArgument(std::string(names[i]) + " has type " + DTypeName(ctx.input(i).dtype) +
                           "; a float CONV_3D_TRANSPOSE needs FLOAT32");
  }
  const TensorState& shape = ctx.input(kShape);
  if (shape.dtype != DType::kInt32 || shape.rank() != 1 || shape.dim(0) != 5) {
    return InvalidArgument(std::string("output_shape (input 0) is ") + DTypeName(shape.dtype) +
                           ShapeToString(shape.shape) + "; expected INT32[5]");
  }
  return Status::Ok();
}

StatusOr<Shape> ReadOutputShape(const NodeContext& ctx) {
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                           ReadConstInts(ctx.input(kShape), "output_shape (input 0)"));
  Shape out;
  for (int64_t d : dims) {
    if (d < 1 || d > INT32_MAX) {
      return InvalidArgument("output_shape has a bad size " + std::to_string(d));
    }
    out.push_back(static_cast<int32_t>(d));
  }
  return out;
}

// Options and the padding, checked against the input as TFLite does.
Status ResolveAxes(const NodeContext& ctx, Params& p) {
  const auto* opts = ctx.op()->builtin_options_as_Conv3DOptions();
  if (opts == nullptr) return InvalidArgument("CONV_3D_TRANSPOSE needs Conv3DOptions (strides)");
  p.activation = static_cast<int>(opts->fused_activation_function());
  JITLITE_RETURN_IF_ERROR(conv_window::CheckActivation(p.activation));
  JITLITE_ASSIGN_OR_RETURN(bool same,
                           conv_window::IsSamePadding(static_cast<int>(opts->padding())));
  const int64_t strides[3] = {opts->stride_d(), opts->stride_h(), opts->stride_w()};
  const int64_t dilations[3] = {opts->dilation_d_factor(), opts->dilation_h_factor(),
                                opts->dilation_w_factor()};
  const TensorState& in = ctx.input(kInput);
  for (int i = 0; i < 3; ++i) {
    Axis& a = p.axes[i];
    a.in = p.out[1 + i];  // the forward convolution's input is our output
    a.kernel = ctx.input(kFilter).dim(i);
    a.stride = strides[i];
    a.dilation = dilations[i];
    JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, a));
    if (a.out != in.dim(1 + i)) {
      return InvalidArgument("output " + std::string(a.name) + " " + std::to_string(a.in) +
                             " convolves back to " + std::to_string(a.out) + ", not the input's " +
                             std::to_string(in.dim(1 + i)));
    }
  }
  return Status::Ok();
}

StatusOr<Params> Resolve(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(kInput, 5, 5));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(kFilter, 5, 5));
  JITLITE_RETURN_IF_ERROR(conv_window::CheckFilterDims(ctx, kFilter, "filter (input 1)"));
  const TensorState& in = ctx.input(kInput);
  const TensorState& filter = ctx.input(kFilter);
  Params p;
  p.cin = in.dim(4);
  p.cout = filter.dim(3);
  if (p.cin != filter.dim(4)) {
    return InvalidArgument("input 2 has " + std::to_string(p.cin) + " channels but the filter " +
                           ShapeToString(filter.shape) + " takes " +
                           std::to_string(filter.dim(4)) + " (its dimension 4)");
  }
  JITLITE_ASSIGN_OR_RETURN(p.out, ReadOutputShape(ctx));
  if (p.out[0] != in.dim(0) || p.out[4] != p.cout) {
    return InvalidArgument("output_shape " + ShapeToString(p.out) + " needs the input's batch " +
                           std::to_string(in.dim(0)) + " and the filter's " +
                           std::to_string(p.cout) + " output channels");
  }
  if (ctx.has_input(kBias) && ctx.input(kBias).num_elements() != p.cout) {
    return InvalidArgument("bias (input 3) has shape " + ShapeToString(ctx.input(kBias).shape) +
                           "; expected " + std::to_string(p.cout) + " elements");
  }
  JITLITE_RETURN_IF_ERROR(ResolveAxes(ctx, p));
  return p;
}

class Conv3DTransposeEmitter {
 public:
  Conv3DTransposeEmitter(jit::KernelEmitter& e, const NodeContext& ctx, const Params& p)
      : e_(e), ctx_(ctx), p_(p), in_shape_(ctx.input(kInput).shape),
        filter_shape_(ctx.input(kFilter).shape) {}

  void Emit() {
    llvm::IRBuilder<>& b = e_.b();
    acc_ = e_.Alloca(b.getFloatTy(), "acc");
    EmitIndexLoops(e_, p_.out, [&](const std::vector<Value*>& idx) {
      b.CreateStore(e_.F32(0.0f), acc_);
      std::vector<Value*> in_idx = {idx[0], nullptr, nullptr, nullptr, nullptr};
      std::vector<Value*> f_idx = {nullptr, nullptr, nullptr, idx[4], nullptr};
      EmitTaps(0, idx, in_idx, f_idx);
      Value* v = b.CreateLoad(b.getFloatTy(), acc_);
      if (ctx_.has_input(kBias)) v = b.CreateFAdd(v, e_.LoadInput(kBias, idx[4]));
      e_.StoreOutput(ApplyFusedActivation(e_, v, p_.activation), idx);
    });
  }

 private:
  // The taps of axis `axis` whose input position exists, then the next axis;
  // after the last one, the dot product over the input channels.
  void EmitTaps(int axis, const std::vector<Value*>& idx, std::vector<Value*>& in_idx,
                std::vector<Value*>& f_idx) {
    llvm::IRBuilder<>& b = e_.b();
    if (axis == 3) {
      e_.For(0, p_.cin, 1, [&](Value* ic) {
        in_idx[4] = ic;
        f_idx[4] = ic;
        Value* x = e_.LoadInput(kInput, e_.LinearOffset(in_shape_, in_idx));
        Value* w = e_.LoadInput(kFilter, e_.LinearOffset(filter_shape_, f_idx));
        b.CreateStore(b.CreateFAdd(b.CreateLoad(b.getFloatTy(), acc_), b.CreateFMul(x, w)), acc_);
      }, "ic");
      return;
    }
    const Axis& a = p_.axes[axis];
    e_.For(0, a.kernel, 1, [&](Value* k) {
      // pos = o + pad - k * dilation = i * stride for an existing input position i.
      Value* pos = b.CreateSub(b.CreateAdd(idx[1 + axis], e_.I64(a.pad_before)),
                               b.CreateMul(k, e_.I64(a.dilation)));
      Value* i = b.CreateSDiv(pos, e_.I64(a.stride));
      Value* exists = b.CreateAnd(
          b.CreateICmpSGE(pos, e_.I64(0)),
          b.CreateAnd(b.CreateICmpEQ(b.CreateSRem(pos, e_.I64(a.stride)), e_.I64(0)),
                      b.CreateICmpSLT(i, e_.I64(a.out))));
      e_.If(exists, [&] {
        in_idx[1 + axis] = i;
        f_idx[axis] = k;
        EmitTaps(axis + 1, idx, in_idx, f_idx);
      });
    }, "k");
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const Params& p_;
  const Shape& in_shape_;
  const Shape& filter_shape_;
  llvm::AllocaInst* acc_ = nullptr;
};

class Conv3DTransposeOp : public OpDef {
 public:
  std::string_view name() const override { return "CONV_3D_TRANSPOSE"; }
  std::vector<int> builtin_codes() const override { return {141}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Params p, Resolve(ctx));
    ctx.SetOutput(0, DType::kFloat32, p.out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Params p, Resolve(ctx));
    Conv3DTransposeEmitter(e, ctx, p).Emit();
    return Status::Ok();
  }
};

}  // namespace

const OpDef& conv_3d_transpose_op() {
  static const Conv3DTransposeOp op;
  return op;
}

}  // namespace jitlite::ops
