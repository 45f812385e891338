// AVERAGE_POOL_2D: per channel, the mean of the in-bounds input values of a
// filter_height x filter_width window,
//   out[n, oh, ow, c] = act(sum of in[n, ih, iw, c] over the window's taps
//                           inside the input / number of those taps)
// with ih = oh*stride_h - pad_top + kh (padding is neither read nor counted,
// as in TFLite). NHWC input; SAME/VALID padding; fused NONE/RELU/RELU_N1_TO_1/
// RELU6 clamps. FLOAT32 and INT8/UINT8/INT16 (stored values, TFLite's
// reference integer kernels: the sum divided rounding half away from zero).
// The window logic and loop nest are shared with MAX_POOL_2D (ops/util/pool_2d).
#include "ops/op.h"
#include "ops/util/pool_2d.h"

namespace jitlite::ops {
namespace {

constexpr const char* kName = "AVERAGE_POOL_2D";

class AveragePool2DOp : public OpDef {
 public:
  std::string_view name() const override { return kName; }
  std::vector<int> builtin_codes() const override { return {1}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override { return PreparePool2D(ctx, kName); }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return EmitPool2D(e, ctx, PoolKind::kAverage, kName);
  }
};

}  // namespace

const OpDef& average_pool_2d_op() {
  static const AveragePool2DOp op;
  return op;
}

}  // namespace jitlite::ops
