// TRANSPOSE_CONV (the gradient of CONV_2D with respect to its input): every
// input pixel (iy, ix) scatters in[n, iy, ix, :] times the filter taps onto
// the output window at (iy*sh - pad_top, ix*sw - pad_left):
//   out[n, oy, ox, oc] = act(bias[oc] + sum over iy, ix, ic with
//     ky = oy + pad_top - iy*sh in [0, KH), kx = ox + pad_left - ix*sw in [0, KW)
//     of in[n, iy, ix, ic] * weights[oc, ky, kx, ic])
// Inputs: 0 output_shape (constant INT32[4]; a runtime one is Unimplemented),
// 1 weights [O, KH, KW, I] (constant), 2 the NHWC input, 3 optional bias [O].
// The padding is CONV_2D's rule applied with in = the requested output size,
// and the input size must be what that convolution would produce (TFLite's
// check). Fused NONE/RELU/RELU_N1_TO_1/RELU6 clamps. Float32, and the
// quantized types of ops/util/quantized_conv (INT8 per-channel, UINT8, 16x8):
// integer accumulation in i32 (i64 for 16x8) is exact in any order, so the
// gather form equals TFLite's scatter into a scratch, bit for bit.
//
// Gather form, so no output-sized scratch is needed: for each output pixel
// the input rows iy whose tap ky is integral and inside the filter form one
// contiguous range (likewise ix), computed at run time. The weights are
// repacked once to [KH, KW, I, O] so the innermost loop runs over contiguous
// output channels (ChannelAccumulators). Large layers split the output rows
// across threads.
#include <cstring>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/channel_accumulators.h"
#include "ops/util/conv_2d_window.h"
#include "ops/util/quantized_conv.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Add;
using conv_window::Axis;
using conv_window::Mul;
using llvm::Value;

constexpr int kOutputShape = 0, kWeights = 1, kInput = 2, kBias = 3;
// Below this many multiply-adds one thread does it all.
constexpr int64_t kMinParallelMacs = 1 << 21;

struct TransposeConvParams {
  // The CONV_2D that this op inverts: `in` is our output size, `out` our
  // input size.
  Axis h{"height", 'h'};
  Axis w{"width", 'w'};
  int activation = 0;
  int64_t batch = 0, cin = 0, cout = 0;
};

Status CheckTypes(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 4));
  JITLITE_RETURN_IF_ERROR(conv_window::ExpectOneOutput(ctx));
  DType in = ctx.input(kInput).dtype;
  if (qconv::IsQuantized(ctx, qconv::Form::kTransposeConv)) return Status::Ok();  // later
  if (in != DType::kFloat32) {
    return InvalidArgument(std::string("TRANSPOSE_CONV with input type ") + DTypeName(in) +
                           ", which TFLite does not accept; supported: FLOAT32 (quantized "
                           "INT8, UINT8, INT16 later)");
  }
  if (ctx.input(kWeights).dtype != DType::kFloat32) {
    return Unimplemented(std::string("TRANSPOSE_CONV with a FLOAT32 input and ") +
                         DTypeName(ctx.input(kWeights).dtype) +
                         " weights is not supported; the weights must be FLOAT32");
  }
  if (ctx.has_input(kBias) && ctx.input(kBias).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("bias (input 3) has type ") +
                           DTypeName(ctx.input(kBias).dtype) +
                           "; a FLOAT32 TRANSPOSE_CONV needs a FLOAT32 bias");
  }
  return Status::Ok();
}

// Reads the requested output shape [N, H, W, C].
StatusOr<std::vector<int64_t>> OutputShape(const NodeContext& ctx) {
  const TensorState& t = ctx.input(kOutputShape);
  if (t.dtype != DType::kInt32) {
    return InvalidArgument(std::string("output_shape (input 0) has type ") + DTypeName(t.dtype) +
                           "; TRANSPOSE_CONV needs INT32");
  }
  if (t.rank() != 1 || t.num_elements() != 4) {
    return InvalidArgument("output_shape (input 0) has shape " + ShapeToString(t.shape) +
                           "; TRANSPOSE_CONV needs 4 values [batch, height, width, channels]");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ReadConstInts(t, "output_shape"));
  for (int64_t d : shape) {
    if (d < 1) {
      return InvalidArgument("output_shape (input 0) holds " + std::to_string(d) +
                             "; every output dimension must be >= 1");
    }
  }
  return shape;
}

// The CONV_2D geometry of one axis: `a.in` and `a.kernel` set; checks that
// the input size `actual` is what that convolution gives.
Status ResolveAxis(bool same, Axis& a, int64_t actual) {
  if (a.stride < 1) {
    return InvalidArgument("stride_" + std::string(1, a.option) + " is " +
                           std::to_string(a.stride) + "; strides must be >= 1");
  }
  if (!same && a.in < a.kernel) {
    return InvalidArgument(std::string("output_shape ") + a.name + " " + std::to_string(a.in) +
                           " is smaller than the filter " + a.name + " " +
                           std::to_string(a.kernel) + " with VALID padding");
  }
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, a));
  if (a.out != actual) {
    return InvalidArgument(std::string("input 2 has ") + a.name + " " + std::to_string(actual) +
                           ", but an output " + a.name + " of " + std::to_string(a.in) +
                           " with stride " + std::to_string(a.stride) + ", filter " + a.name +
                           " " + std::to_string(a.kernel) + " and " + (same ? "SAME" : "VALID") +
                           " padding needs an input " + a.name + " of " + std::to_string(a.out));
  }
  return Status::Ok();
}

StatusOr<TransposeConvParams> ResolveParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(kWeights, 4, 4));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(kInput, 4, 4));
  JITLITE_RETURN_IF_ERROR(conv_window::CheckFilterDims(ctx, kWeights, "weights (input 1)"));
  const TensorState& weights = ctx.input(kWeights);
  const TensorState& in = ctx.input(kInput);
  if (!weights.is_constant()) {
    return Unimplemented(
        "TRANSPOSE_CONV with runtime weights (input 1) is not supported yet; they must be a "
        "constant tensor");
  }
  if (qconv::IsQuantized(ctx, qconv::Form::kTransposeConv)) {
    JITLITE_RETURN_IF_ERROR(qconv::CheckTypes(ctx, qconv::Form::kTransposeConv, "TRANSPOSE_CONV",
                                              weights.dim(0)));
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> out_shape, OutputShape(ctx));
  TransposeConvParams p;
  p.batch = in.dim(0);
  p.cin = in.dim(3);
  p.cout = weights.dim(0);
  if (p.cin != weights.dim(3)) {
    return InvalidArgument("input 2 has " + std::to_string(p.cin) +
                           " channels but the weights (input 1, shape " +
                           ShapeToString(weights.shape) + ") expect " +
                           std::to_string(weights.dim(3)) + " (their last dimension)");
  }
  if (out_shape[0] != p.batch) {
    return InvalidArgument("output_shape batch " + std::to_string(out_shape[0]) +
                           " differs from the input batch " + std::to_string(p.batch));
  }
  if (out_shape[3] != p.cout) {
    return InvalidArgument("output_shape channels " + std::to_string(out_shape[3]) +
                           " differ from the weights' output channels " +
                           std::to_string(p.cout) + " (their first dimension)");
  }
  if (ctx.has_input(kBias) && ctx.input(kBias).num_elements() != p.cout) {
    return InvalidArgument("bias (input 3) has shape " + ShapeToString(ctx.input(kBias).shape) +
                           "; expected " + std::to_string(p.cout) +
                           " elements, one per output channel");
  }

  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_TransposeConvOptions() : nullptr;
  if (opts == nullptr) return InvalidArgument("TRANSPOSE_CONV needs TransposeConvOptions");
  p.activation = static_cast<int>(opts->fused_activation_function());
  JITLITE_RETURN_IF_ERROR(conv_window::CheckActivation(p.activation));
  JITLITE_ASSIGN_OR_RETURN(bool same,
                           conv_window::IsSamePadding(static_cast<int>(opts->padding())));
  p.h.stride = opts->stride_h();
  p.w.stride = opts->stride_w();
  p.h.in = out_shape[1];
  p.w.in = out_shape[2];
  p.h.kernel = weights.dim(1);
  p.w.kernel = weights.dim(2);
  JITLITE_RETURN_IF_ERROR(ResolveAxis(same, p.h, in.dim(1)));
  JITLITE_RETURN_IF_ERROR(ResolveAxis(same, p.w, in.dim(2)));
  return p;
}

// The input positions feeding output position o on one axis: [begin, end)
// of i with k = o + pad - i*stride in [0, kernel) and i in [0, a.out); the
// tap k of i is first - i*stride.
struct Sources {
  Value* first = nullptr;  // o + pad
  Value* begin = nullptr;
  Value* end = nullptr;
};

Sources EmitSources(jit::KernelEmitter& e, const Axis& a, Value* o) {
  llvm::IRBuilder<>& b = e.b();
  Sources s;
  s.first = Add(e, o, e.I64(a.pad_before));
  // k < kernel  <=>  i > (first - kernel) / stride
  //             <=>  i >= floor((first - kernel + stride) / stride).
  Value* low = e.Max(b.CreateSub(s.first, e.I64(a.kernel - a.stride)), e.I64(0));
  s.begin = b.CreateUDiv(low, e.I64(a.stride));
  // k >= 0  <=>  i <= first / stride.
  Value* high = b.CreateAdd(b.CreateUDiv(s.first, e.I64(a.stride)), e.I64(1));
  s.end = e.Min(high, e.I64(a.out));
  return s;
}

class TransposeConvEmitter {
 public:
  TransposeConvEmitter(jit::KernelEmitter& e, const NodeContext& ctx,
                       const TransposeConvParams& p)
      : e_(e), ctx_(ctx), p_(p),
        block_(conv_window::LargestDivisorAtMost(p.cout, conv_window::kMaxAccumulators)),
        acc_(e, block_) {}

  // The quantized block: integer accumulators per output channel, then the
  // requantizing epilogue (packed buffers 1-3 after the repacked weights).
  void EmitQuantizedBlock(Value* n, Value* c0, const Sources& sy, const Sources& sx,
                          Value* (&index)[4]);

  void Emit() {
    llvm::IRBuilder<>& b = e_.b();
    // Output rows (n, oy) are independent: large layers split them across threads.
    int64_t rows = p_.batch * p_.h.in;
    int64_t macs = p_.batch * p_.h.out * p_.w.out * p_.cin * p_.h.kernel * p_.w.kernel * p_.cout;
    Value* begin = e_.I64(0);
    Value* end = e_.I64(rows);
    if (rows >= 2 && macs >= kMinParallelMacs) std::tie(begin, end) = e_.ParallelRange(rows);
    e_.For(begin, end, 1, [&](Value* row) {
      Value* n = b.CreateUDiv(row, e_.I64(p_.h.in));
      Value* oy = b.CreateURem(row, e_.I64(p_.h.in));
      Sources sy = EmitSources(e_, p_.h, oy);
      e_.For(0, p_.w.in, 1, [&](Value* ox) {
        Sources sx = EmitSources(e_, p_.w, ox);
        Value* index[4] = {n, oy, ox, nullptr};
        e_.For(0, p_.cout, block_, [&](Value* c0) {
          if (quantized()) {
            EmitQuantizedBlock(n, c0, sy, sx, index);
          } else {
            EmitBlock(n, c0, sy, sx, index);
          }
        }, "cb");
      }, "ox");
    }, "row");
  }

 private:
  // For each input value feeding output pixel (n, oy, ox): body(x, w_row)
  // with x loaded and w_row the offset of its weights for channels c0.. in
  // the packed [KH, KW, I, O] weights.
  void ForEachSource(Value* n, Value* c0, const Sources& sy, const Sources& sx,
                     const std::function<void(Value* x, Value* w_row)>& body) {
    llvm::IRBuilder<>& b = e_.b();
    Value* image = Mul(e_, n, p_.h.out);
    e_.For(sy.begin, sy.end, 1, [&](Value* iy) {
      Value* ky = b.CreateSub(sy.first, Mul(e_, iy, p_.h.stride));
      Value* in_row = Mul(e_, Add(e_, image, iy), p_.w.out);
      e_.For(sx.begin, sx.end, 1, [&](Value* ix) {
        Value* kx = b.CreateSub(sx.first, Mul(e_, ix, p_.w.stride));
        Value* in_pixel = Mul(e_, Add(e_, in_row, ix), p_.cin);
        Value* tap = Add(e_, Mul(e_, ky, p_.w.kernel), kx);
        Value* w_tap = Add(e_, Mul(e_, tap, p_.cin * p_.cout), c0);
        e_.For(0, p_.cin, 1, [&](Value* ic) {
          body(e_.LoadInput(kInput, Add(e_, in_pixel, ic)), Add(e_, w_tap, Mul(e_, ic, p_.cout)));
        }, "ic");
      }, "ix");
    }, "iy");
  }

  void EmitBlock(Value* n, Value* c0, const Sources& sy, const Sources& sx, Value* (&index)[4]) {
    acc_.Zero();
    ForEachSource(n, c0, sy, sx, [&](Value* x, Value* w_row) {
      acc_.MultiplyAdd(x, e_.PackedPtr(0), w_row);
    });
    acc_.Store(ctx_.has_input(kBias) ? kBias : -1, c0, p_.activation, index);
  }

 public:
  bool quantized() const { return qconv::IsQuantized(ctx_, qconv::Form::kTransposeConv); }

 private:

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const TransposeConvParams& p_;
  int64_t block_;
  ChannelAccumulators acc_;
  llvm::AllocaInst* qacc_ = nullptr;  // quantized accumulators, made on first use
};

void TransposeConvEmitter::EmitQuantizedBlock(Value* n, Value* c0, const Sources& sy,
                                              const Sources& sx, Value* (&index)[4]) {
  llvm::IRBuilder<>& b = e_.b();
  qconv::Requantizer rq(e_, ctx_, qconv::Form::kTransposeConv, p_.activation, 1);
  llvm::Type* acc_type = rq.acc_type();
  llvm::Type* w_type = jit::StorageType(b.getContext(), ctx_.input(kWeights).dtype);
  if (qacc_ == nullptr) qacc_ = e_.Alloca(llvm::ArrayType::get(acc_type, block_), "qacc");
  auto slot = [&](Value* c) { return b.CreateInBoundsGEP(acc_type, qacc_, c); };
  e_.For(0, block_, 1, [&](Value* c) {
    b.CreateStore(llvm::ConstantInt::get(acc_type, 0), slot(c));
  }, "c");
  ForEachSource(n, c0, sy, sx, [&](Value* x, Value* w_row) {
    e_.For(0, block_, 1, [&](Value* c) {
      Value* w = b.CreateLoad(w_type, b.CreateInBoundsGEP(w_type, e_.PackedPtr(0),
                                                          Add(e_, w_row, c)));
      rq.Accumulate(slot(c), rq.Product(x, w));
    }, "c");
  });
  e_.For(0, block_, 1, [&](Value* c) {
    Value* oc = Add(e_, c0, c);
    index[3] = oc;
    e_.StoreOutput(rq.Finish(b.CreateLoad(acc_type, slot(c)), oc), index);
  }, "c");
}

class TransposeConvOp : public OpDef {
 public:
  std::string_view name() const override { return "TRANSPOSE_CONV"; }
  std::vector<int> builtin_codes() const override { return {67}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(TransposeConvParams p, ResolveParams(ctx));
    ctx.SetOutput(0, ctx.input(kInput).dtype,
                  {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.h.in),
                   static_cast<int32_t>(p.w.in), static_cast<int32_t>(p.cout)});
    return Status::Ok();
  }

  // Weights [O, KH, KW, I] -> [KH, KW, I, O].
  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(TransposeConvParams p, ResolveParams(ctx));
    int64_t taps = p.h.kernel * p.w.kernel;
    const size_t size = DTypeSize(ctx.input(kWeights).dtype);  // float or 8-bit integers
    const uint8_t* w = ctx.input(kWeights).const_data;
    out.emplace_back(static_cast<size_t>(taps * p.cin * p.cout) * size);
    uint8_t* packed = out.back().data();
    for (int64_t oc = 0; oc < p.cout; ++oc) {
      for (int64_t t = 0; t < taps; ++t) {
        for (int64_t ic = 0; ic < p.cin; ++ic) {
          std::memcpy(packed + ((t * p.cin + ic) * p.cout + oc) * size,
                      w + ((oc * taps + t) * p.cin + ic) * size, size);
        }
      }
    }
    if (qconv::IsQuantized(ctx, qconv::Form::kTransposeConv)) {
      return qconv::Pack(ctx, qconv::Form::kTransposeConv, p.cout, out);
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(TransposeConvParams p, ResolveParams(ctx));
    TransposeConvEmitter(e, ctx, p).Emit();
    return Status::Ok();
  }
};

}  // namespace

const OpDef& transpose_conv_op() {
  static const TransposeConvOp op;
  return op;
}

}  // namespace jitlite::ops
