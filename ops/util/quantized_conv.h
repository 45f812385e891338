// The quantized paths of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED,
// bit-exact with TFLite's reference kernels (ops-reference.md §3):
//   acc = sum (x - zp_in) * (w - zp_w)  (+ bias), in i32 (i64 for 16x8)
//   out = clamp(MultiplyByQuantizedMultiplier(acc, M[c], shift[c]) + zp_out)
// with M[c], shift[c] from in_scale * w_scale[c] / out_scale (per channel or
// per tensor) and the clamp being the fused activation on the output grid.
// Dtypes: INT8 input/filter/output with INT32 bias (per-channel or
// per-tensor filter), UINT8 with a per-tensor UINT8 filter (its zero point
// used), INT16 input/output with an INT8 filter and INT64 (or INT32) bias
// ("16x8", 64-bit accumulation, input/output zero point 0; 16x8
// FULLY_CONNECTED rescales in double as LiteRT's reference kernel does).
// The multipliers, shifts and bias are packed at allocate time (buffers 0-2,
// read through their pointers) so identical layers share one kernel.
#pragma once

#include <functional>
#include <vector>

#include "jit/emitters.h"
#include "lib/aligned_buffer.h"
#include "ops/op.h"
#include "ops/util/conv_2d_window.h"

namespace jitlite::ops::qconv {

enum class Form { kConv2D, kDepthwise, kFullyConnected };

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

// True when input 0 has a quantized type (the node takes the paths here).
bool IsQuantized(const NodeContext& ctx);

// Dtype and quantization checks for the node's inputs and output (`op`
// names it in messages); the output dtype is input 0's.
Status CheckTypes(const NodeContext& ctx, Form form, const char* op, int64_t cout);

// Buffers 0 (multipliers, i32[cout]; f64 scales for 16x8 FULLY_CONNECTED),
// 1 (shifts, i32[cout]) and 2 (bias:
// i64[cout] for 16x8, else i32[cout]; zeros without a bias).
Status Pack(const NodeContext& ctx, Form form, int64_t cout, std::vector<AlignedBuffer>& out);

// Receives output element (n, oh, ow, oc) -- for FULLY_CONNECTED (row, 0, 0,
// unit) -- as the output's storage type.
using StoreFn = std::function<void(llvm::Value* n, llvm::Value* oh, llvm::Value* ow,
                                   llvm::Value* oc, llvm::Value* value)>;

// Emits the whole kernel.
void Emit(jit::KernelEmitter& e, const NodeContext& ctx, const Geometry& g, const StoreFn& store);

}  // namespace jitlite::ops::qconv
