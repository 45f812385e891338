// Per-output-channel accumulators for convolution kernels whose weights are
// laid out with the output channel innermost (CONV_3D's [D, H, W, I, O]
// filter, TRANSPOSE_CONV's weights repacked to [H, W, I, O]): each input
// value is multiplied into a contiguous run of weights and added to one
// accumulator per output channel. The accumulators are a stack array, so the
// innermost loop over channels is contiguous in weights and accumulators and
// LLVM vectorizes it (or unrolls it fully for a few channels); the result
// goes to StoreOutput channel by channel after bias and fused activation.
#pragma once

#include <cstdint>
#include <span>

#include "jit/emitters.h"

namespace jitlite::ops {

class ChannelAccumulators {
 public:
  // `channels` accumulators (a block of the output channels).
  ChannelAccumulators(jit::KernelEmitter& e, int64_t channels);

  int64_t channels() const { return channels_; }
  void Zero();
  // acc[c] += x * weights[offset + c] for every c (weights: float pointer).
  void MultiplyAdd(llvm::Value* x, llvm::Value* weights, llvm::Value* offset);
  // For every c: v = acc[c] (+ bias[c0 + c] when bias_input >= 0, read from
  // that node input), the convolution activation clamp, then StoreOutput at
  // `index` with its last entry set to c0 + c.
  void Store(int bias_input, llvm::Value* c0, int activation, std::span<llvm::Value*> index);

 private:
  llvm::Value* Slot(llvm::Value* c);

  jit::KernelEmitter& e_;
  int64_t channels_;
  llvm::AllocaInst* acc_ = nullptr;
};

}  // namespace jitlite::ops
