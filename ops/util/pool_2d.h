// Shared by AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D (ops/average_pool_2d.cc,
// ops/max_pool_2d.cc, ops/l2_pool_2d.cc): the Pool2DOptions checks, the output
// shape, and the loop nest. The ops reduce a filter_height x filter_width
// window of an NHWC input per channel; they differ only in the reduction (sum
// then divide by the number of in-bounds taps; max; sum of squares, divided
// by that count, then the square root). The window geometry is the
// convolution one (ops/util/conv_2d_window.h) with dilation 1, so padding is
// never read: only in-bounds taps take part. FLOAT32, and INT8/UINT8/INT16
// bit-exact with TFLite's reference integer kernels.
#pragma once

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

enum class PoolKind { kAverage, kMax, kL2 };

// Prepare: one rank-4 FLOAT32/INT8/UINT8/INT16 input (quantized: per-tensor
// parameters, output of the same type),
// valid strides, filter sizes, padding and activation; sets output 0 to
// [batch, out_height, out_width, channels]. `op` names the op in messages.
Status PreparePool2D(NodeContext& ctx, const char* op);

// Emits the pooling loop nest; every output element goes through
// StoreOutput after the fused activation.
Status EmitPool2D(jit::KernelEmitter& e, const NodeContext& ctx, PoolKind kind, const char* op);

}  // namespace jitlite::ops
