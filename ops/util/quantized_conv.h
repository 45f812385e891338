// The quantized paths of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and
// TRANSPOSE_CONV (whose loops live in its own file; it uses Requantizer),
// bit-exact with TFLite's reference kernels (ops-reference.md §3):
//   acc = sum (x - zp_in) * (w - zp_w)  (+ bias), in i32 (i64 for 16x8)
//   out = clamp(MultiplyByQuantizedMultiplier(acc, M[c], shift[c]) + zp_out)
// with M[c], shift[c] from in_scale * w_scale[c] / out_scale (per channel or
// per tensor) and the clamp being the fused activation on the output grid.
// Dtypes: INT8 input/filter/output with INT32 bias (per-channel or
// per-tensor filter), UINT8 with a per-tensor UINT8 filter (its zero point
// used), INT16 input/output with an INT8 filter and INT64 (or INT32) bias
// ("16x8", 64-bit accumulation, input/output zero point 0). FULLY_CONNECTED
// rescales in double, as LiteRT's reference kernels do.
// The multipliers, shifts and bias are packed at allocate time (buffers 0-2,
// read through their pointers) so identical layers share one kernel.
// INT8 CONV_2D (ungrouped) and FULLY_CONNECTED with constant weights run on
// the VNNI int8 GEMM (jit/qgemm.h) where the target has it: the activations
// enter as u8 = x + 128, so sum (x - zp_in) * w = sum (x + 128) * w -
// (128 + zp_in) * sum w, and the last term is folded into a packed bias
// (buffer 3) next to the packed weights (buffer 4). The requantization is
// the same, on vectors of 16 channels. INT8 DEPTHWISE_CONV_2D with one
// output channel per input channel runs on vectors of 16 channels on every
// target (with constant weights, buffer 3 holds bias - zp_in * window sum
// of w for the pixels whose window lies inside the input); with constant
// weights on a VNNI target, filter rows go in pairs to vpdpwssd and the
// padding is read as zp_in, so buffer 3 serves every pixel.
#pragma once

#include <functional>
#include <vector>

#include "jit/emitters.h"
#include "lib/aligned_buffer.h"
#include "ops/op.h"
#include "ops/util/conv_2d_window.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::qconv {

enum class Form { kConv2D, kDepthwise, kFullyConnected, kTransposeConv };

// The node inputs holding the activations and the bias (the filter is
// input 1): TRANSPOSE_CONV has output_shape first.
int InputOperand(Form form);
int BiasOperand(Form form);

// The window of a conv-like op over an NHWC input; FULLY_CONNECTED is a 1x1
// convolution over [rows, 1, 1, input_size].
struct Geometry {
  Form form = Form::kConv2D;
  int64_t batch = 0, cin = 0, cout = 0;
  conv_window::Axis h{"height", 'h'};
  conv_window::Axis w{"width", 'w'};
  int64_t filter_depth = 0;  // conv: input channels per group
  int64_t groups = 1;
  int64_t group_cout = 0;
  int64_t multiplier = 1;    // depthwise: output channels per input channel
  int activation = 0;
};

// True when the activations have a quantized type (the node takes the paths
// here).
bool IsQuantized(const NodeContext& ctx, Form form);

// Dtype and quantization checks for the node's inputs and output (`op`
// names it in messages); the output dtype is the activations'.
Status CheckTypes(const NodeContext& ctx, Form form, const char* op, int64_t cout);

// Buffers 0 (multipliers, i32[cout]; f64 scales for FULLY_CONNECTED),
// 1 (shifts, i32[cout]) and 2 (bias:
// i64[cout] for 16x8, else i32[cout]; zeros without a bias), each padded
// with zeros to a multiple of 16 channels; for the int8 GEMM also 3 (the
// folded bias, i32) and 4 (the weights in the GEMM's panels), for the int8
// depthwise kernel with constant weights 3 (its folded bias).
Status Pack(const NodeContext& ctx, Form form, int64_t cout, std::vector<AlignedBuffer>& out);

// Receives output element (n, oh, ow, oc) -- for FULLY_CONNECTED (row, 0, 0,
// unit) -- as the output's storage type.
using StoreFn = std::function<void(llvm::Value* n, llvm::Value* oh, llvm::Value* ow,
                                   llvm::Value* oc, llvm::Value* value)>;

// The per-element arithmetic, for kernels with loops of their own: products
// in the accumulator type and the requantizing epilogue. The packed buffers
// of Pack start at `packed_base` among the op's packed buffers.
class Requantizer {
 public:
  Requantizer(jit::KernelEmitter& e, const NodeContext& ctx, Form form, int activation,
              int packed_base = 0);
  llvm::Type* acc_type() const { return acc_type_; }
  // (x - zp_in) * (w - zp_w) from the stored values, as acc_type.
  llvm::Value* Product(llvm::Value* x_raw, llvm::Value* w_raw);
  // *slot += term.
  void Accumulate(llvm::Value* slot, llvm::Value* term);
  // acc + bias[oc], requantized, + zp_out, clamped, as the output's storage type.
  llvm::Value* Finish(llvm::Value* acc, llvm::Value* oc);
  // acc (bias included) requantized, + zp_out, clamped, as the output's
  // storage type; acc is a scalar (channel oc) or a vector (channels oc ..).
  llvm::Value* Requantize(llvm::Value* acc, llvm::Value* oc);
  // As Requantize, for a <16 x i32> acc of output channels oc .. oc + 15 in
  // a loop where those channels stay fixed (a GEMM tile's column, whose
  // per-channel constants are hoisted): on AVX-512 targets, when no channel
  // shifts left, in float with an exact fallback (RequantizeInFloat).
  llvm::Value* RequantizeColumns(llvm::Value* acc, llvm::Value* oc);

 private:
  // Requantize before the narrowing: i32, zp_out added, clamped.
  llvm::Value* RequantizeExact(llvm::Value* acc, llvm::Value* oc);
  llvm::Value* RequantizeInFloat(llvm::Value* acc, llvm::Value* oc);
  // The float path's preconditions that the node and target decide
  // (in_float_, set at construction).
  bool CanRequantizeInFloat() const;

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  Form form_;
  int packed_base_;
  DType in_dtype_ = DType::kInt8;
  bool wide_ = false;
  llvm::Type* acc_type_ = nullptr;
  int32_t zp_in_ = 0, zp_w_ = 0, zp_out_ = 0;
  IntRange range_;
  bool in_float_ = false;
  llvm::AllocaInst* float_result_ = nullptr;
};

// Emits the whole kernel (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED).
void Emit(jit::KernelEmitter& e, const NodeContext& ctx, const Geometry& g, const StoreFn& store);

}  // namespace jitlite::ops::qconv
