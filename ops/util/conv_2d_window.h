// Window geometry and shared checks of CONV_2D, DEPTHWISE_CONV_2D and the 2-D
// pools: the output size and padding from TFLite's rules, the fused-activation
// rule of TFLite's float convolutions, the emitted range of filter taps that
// fall inside the input for one output position (so kernels never touch
// padding), and the loop nest over the output pixels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops::conv_window {

// One spatial axis (height or width) of a convolution window.
struct Axis {
  const char* name = "";    // "height" / "width", for messages
  char option = 'h';        // option suffix: stride_h, dilation_h_factor
  int64_t in = 0;           // input size
  int64_t kernel = 0;       // filter size
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t out = 0;          // output size (set by Resolve)
  int64_t pad_before = 0;   // padding above / left of the input (set by Resolve)

  int64_t effective_kernel() const { return (kernel - 1) * dilation + 1; }
  // True when every tap of every output position lies inside the input, so
  // the tap range is [0, kernel) without any runtime clamping.
  bool no_clamping() const {
    return pad_before == 0 && (out - 1) * stride + effective_kernel() <= in;
  }
};

// Validates stride and dilation and fills out/pad_before with TFLite's rule:
// SAME out = ceil(in / stride), VALID out = floor((in - eff_k) / stride) + 1;
// total padding max(0, (out-1)*stride + eff_k - in), floor(total/2) before
// (the odd pixel goes after).
inline Status Resolve(bool same, Axis& a) {
  std::string opt(1, a.option);
  if (a.stride < 1) {
    return InvalidArgument("stride_" + opt + " is " + std::to_string(a.stride) +
                           "; strides must be >= 1");
  }
  if (a.dilation < 1) {
    return InvalidArgument("dilation_" + opt + "_factor is " + std::to_string(a.dilation) +
                           "; dilations must be >= 1");
  }
  int64_t eff = a.effective_kernel();
  if (same) {
    a.out = (a.in + a.stride - 1) / a.stride;
  } else {
    a.out = a.in >= eff ? (a.in - eff) / a.stride + 1 : 0;
  }
  if (a.out <= 0) {
    return InvalidArgument(
        std::string("output ") + a.name + " would be " + std::to_string(a.out) + ": input " +
        a.name + " " + std::to_string(a.in) + " is smaller than the " +
        (a.dilation > 1 ? "dilated " : "") + "filter " + a.name + " " + std::to_string(eff) +
        (same ? "" : " with VALID padding"));
  }
  int64_t total = std::max<int64_t>(0, (a.out - 1) * a.stride + eff - a.in);
  a.pad_before = total / 2;
  return Status::Ok();
}

// Checks a fused_activation_function value. TFLite's float convolutions
// clamp for RELU, RELU_N1_TO_1 and RELU6 and apply nothing for NONE, TANH and
// SIGN_BIT (their activation range is unbounded); we do the same.
inline Status CheckActivation(int activation) {
  if (activation < 0 || activation > 5) {
    return InvalidArgument("fused_activation_function " + std::to_string(activation) +
                           " is not a valid ActivationFunctionType (0..5)");
  }
  return Status::Ok();
}

inline llvm::Value* ApplyActivation(jit::ElementEmitter& e, llvm::Value* v, int activation) {
  return activation >= 1 && activation <= 3 ? e.Activation(v, activation) : v;
}

// For output position `o` (i64) on axis `a`: the first input position
// o*stride - pad_before, and the range [begin, end) of filter taps k whose
// input position first + k*dilation lies in [0, a.in). Constants when the
// axis needs no clamping.
struct Taps {
  llvm::Value* first = nullptr;
  llvm::Value* begin = nullptr;
  llvm::Value* end = nullptr;
};

inline Taps EmitTaps(jit::KernelEmitter& e, const Axis& a, llvm::Value* o) {
  llvm::IRBuilder<>& b = e.b();
  Taps t;
  t.first = b.CreateSub(b.CreateMul(o, e.I64(a.stride), "", false, true), e.I64(a.pad_before),
                        "", false, true);
  if (a.no_clamping()) {
    t.begin = e.I64(0);
    t.end = e.I64(a.kernel);
    return t;
  }
  // Taps before the input: k*d < -first  =>  begin = ceil(max(0, -first) / d).
  llvm::Value* before = e.Max(b.CreateNeg(t.first), e.I64(0));
  llvm::Value* d = e.I64(a.dilation);
  auto ceil_div = [&](llvm::Value* x) {  // x >= 0
    if (a.dilation == 1) return x;
    return b.CreateUDiv(b.CreateAdd(x, e.I64(a.dilation - 1)), d);
  };
  t.begin = ceil_div(before);
  // Taps inside: k*d < in - first  =>  end = min(K, ceil((in - first) / d)).
  // in - first >= 1 for every output position of SAME and VALID windows.
  llvm::Value* room = e.Max(b.CreateSub(e.I64(a.in), t.first), e.I64(0));
  t.end = e.Min(ceil_div(room), e.I64(a.kernel));
  return t;
}

// Reads the padding enum and rejects values other than SAME / VALID.
inline StatusOr<bool> IsSamePadding(int padding) {
  if (padding == 0) return true;
  if (padding == 1) return false;
  return InvalidArgument("padding " + std::to_string(padding) +
                         " is not a valid Padding (0 SAME, 1 VALID)");
}

// The window ops have exactly one output.
inline Status ExpectOneOutput(const NodeContext& ctx) {
  if (ctx.num_outputs() == 1) return Status::Ok();
  return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
}

// Every dimension of a filter (input i, named `what` in messages) is >= 1.
inline Status CheckFilterDims(const NodeContext& ctx, int i, const std::string& what) {
  for (int32_t d : ctx.input(i).shape) {
    if (d < 1) {
      return InvalidArgument(what + " has shape " + ShapeToString(ctx.input(i).shape) +
                             "; every filter dimension must be >= 1");
    }
  }
  return Status::Ok();
}

// Operand checks shared with FULLY_CONNECTED: input, filter, optional bias
// and one output, all float32 (quantized variants, and hybrid ones with a
// filter other than INT8, are named in Unimplemented errors; the callers send
// INT8 hybrid nodes to ops/util/hybrid before this).
inline Status CheckFloatTypes(const NodeContext& ctx, const char* op) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
  JITLITE_RETURN_IF_ERROR(ExpectOneOutput(ctx));
  DType in = ctx.input(0).dtype;
  DType filter = ctx.input(1).dtype;
  if (in != DType::kFloat32) {
    // TFLite's convolutions take FLOAT32 or quantized INT8/UINT8/INT16 inputs.
    bool quantized = in == DType::kInt8 || in == DType::kUInt8 || in == DType::kInt16;
    if (!quantized) {
      return InvalidArgument(std::string(op) + " with input type " + DTypeName(in) +
                             ", which TFLite does not accept; supported: FLOAT32 (quantized "
                             "INT8, UINT8, INT16 later)");
    }
    return Unimplemented(std::string(op) + " with input type " + DTypeName(in) +
                         " (quantized) is not supported yet; supported: FLOAT32");
  }
  if (filter != DType::kFloat32) {
    return Unimplemented(std::string(op) + " with a FLOAT32 input and a " + DTypeName(filter) +
                         " filter (hybrid) is not supported yet; the filter must be FLOAT32 "
                         "or INT8 (ops/util/hybrid)");
  }
  if (ctx.has_input(2) && ctx.input(2).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("bias (input 2) has type ") + DTypeName(ctx.input(2).dtype) +
                           "; a FLOAT32 " + op + " needs a FLOAT32 bias");
  }
  return Status::Ok();
}

// The rank-4 input and filter checks of the convolutions: non-empty filter
// dimensions, at least one input channel (CheckBias checks the bias size).
inline Status CheckWindowShapes(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
  JITLITE_RETURN_IF_ERROR(ExpectOneOutput(ctx));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 4, 4));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(1, 4, 4));
  JITLITE_RETURN_IF_ERROR(CheckFilterDims(ctx, 1, "filter (input 1)"));
  if (ctx.input(0).dim(3) < 1) {
    return InvalidArgument("input 0 has shape " + ShapeToString(ctx.input(0).shape) +
                           "; it needs at least one channel");
  }
  return Status::Ok();
}

// Common input checks of the float convolutions: CheckFloatTypes and
// CheckWindowShapes.
inline Status CheckFloatOperands(const NodeContext& ctx, const char* op) {
  JITLITE_RETURN_IF_ERROR(CheckFloatTypes(ctx, op));
  return CheckWindowShapes(ctx);
}

inline Status CheckBias(const NodeContext& ctx, int64_t cout) {
  if (!ctx.has_input(2)) return Status::Ok();
  const TensorState& bias = ctx.input(2);
  if (bias.num_elements() != cout) {
    return InvalidArgument("bias (input 2) has shape " + ShapeToString(bias.shape) + " (" +
                           std::to_string(bias.num_elements()) + " elements); expected " +
                           std::to_string(cout) + ", one per output channel");
  }
  return Status::Ok();
}

// i64 arithmetic without unsigned-wrap claims (offsets may pass through
// negative values before the in-range tap offset is added).
inline llvm::Value* Add(jit::KernelEmitter& e, llvm::Value* a, llvm::Value* b) {
  return e.b().CreateAdd(a, b, "", false, true);
}
inline llvm::Value* Mul(jit::KernelEmitter& e, llvm::Value* a, int64_t c) {
  if (c == 1) return a;
  return e.b().CreateMul(a, e.I64(c), "", false, true);
}

// Largest per-channel accumulator array a kernel keeps on the stack (floats);
// wider layers are processed in blocks of channels.
constexpr int64_t kMaxAccumulators = 4096;

// The largest divisor of n (>= 1) that is at most `limit`: blocks of that
// size tile n with one constant trip count.
inline int64_t LargestDivisorAtMost(int64_t n, int64_t limit) {
  for (int64_t d = std::min(n, limit); d > 1; --d) {
    if (n % d == 0) return d;
  }
  return 1;
}

// One output pixel (n, oh, ow) of an NHWC window op, with its valid taps on
// each axis and the linear offset of input element (n, h.first, w.first, 0);
// the valid tap offsets added later bring that offset inside the tensor.
struct OutputPixel {
  llvm::Value* n = nullptr;
  llvm::Value* oh = nullptr;
  llvm::Value* ow = nullptr;
  Taps h, w;
  llvm::Value* input_offset = nullptr;
};

// Multiply-adds of a window op below which it runs on one thread (~3-5 us of
// depthwise work; less than that, waking another thread costs about as much
// as it saves). Splitting pays earlier than the work alone says: the input
// was written by both threads, and a thread alone reads half of it from the
// other core's cache (MobileNetV2's 14x14x576 stride-2 depthwise, 254 K
// multiply-adds: 32 us alone at 2 threads, 15 us split).
constexpr int64_t kMinParallelWindowMacs = 1 << 17;

// Emits the loop over the output rows (n, oh) of a window op and calls body
// once per row. With `macs` (the op's multiply-adds) worth it, the rows are the
// kernel's parallel range, so threads take contiguous runs of rows
// (parts_per_thread: see jit::ParallelSplit).
inline void ForEachOutputRow(jit::KernelEmitter& e, int64_t batch, int64_t h_out, int64_t macs,
                             const std::function<void(llvm::Value* n, llvm::Value* oh)>& body,
                             int64_t parts_per_thread = 0) {
  const int64_t rows = batch * h_out;
  if (rows < 2 || macs < kMinParallelWindowMacs) {
    e.For(0, batch, 1, [&](llvm::Value* n) {
      e.For(0, h_out, 1, [&](llvm::Value* oh) { body(n, oh); }, "oh");
    }, "n");
    return;
  }
  auto [begin, end] = e.ParallelRange(rows, parts_per_thread);
  e.For(begin, end, 1, [&](llvm::Value* r) {
    llvm::IRBuilder<>& b = e.b();
    body(b.CreateUDiv(r, e.I64(h_out)), b.CreateURem(r, e.I64(h_out)));
  }, "row");
}

// Emits the loops n, oh, ow over the output of a window op on an NHWC input
// with `channels` channels and calls body once per output pixel; `macs` as
// for ForEachOutputRow (0: one thread).
inline void ForEachOutputPixel(jit::KernelEmitter& e, int64_t batch, const Axis& h,
                               const Axis& w, int64_t channels,
                               const std::function<void(const OutputPixel&)>& body,
                               int64_t macs = 0) {
  int64_t row = w.in * channels;
  int64_t image = h.in * row;
  ForEachOutputRow(e, batch, h.out, macs, [&](llvm::Value* n, llvm::Value* oh) {
    Taps th = EmitTaps(e, h, oh);
    e.For(0, w.out, 1, [&](llvm::Value* ow) {
      Taps tw = EmitTaps(e, w, ow);
      llvm::Value* offset =
          Add(e, Add(e, Mul(e, n, image), Mul(e, th.first, row)), Mul(e, tw.first, channels));
      body(OutputPixel{n, oh, ow, th, tw, offset});
    }, "ow");
  });
}

}  // namespace jitlite::ops::conv_window
