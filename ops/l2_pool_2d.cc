// L2_POOL_2D: per channel, the root mean square of the in-bounds input values
// of a filter_height x filter_width window,
//   out[n, oh, ow, c] = act(sqrt(sum of in[n, ih, iw, c]^2 over the window's
//                                taps inside the input / number of those taps))
// with ih = oh*stride_h - pad_top + kh (padding is neither read nor counted,
// as in TFLite). NHWC input; SAME/VALID padding; fused NONE/RELU/RELU_N1_TO_1/
// RELU6 clamps. FLOAT32 only: TFLite has no quantized L2 pool. The window
// logic and loop nest are shared with the other pools (ops/util/pool_2d).
#include "ops/op.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/pool_2d.h"

namespace jitlite::ops {
namespace {

constexpr const char* kName = "L2_POOL_2D";

class L2Pool2DOp : public OpDef {
 public:
  std::string_view name() const override { return kName; }
  std::vector<int> builtin_codes() const override { return {12}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    // TFLite has no quantized L2 pool: every other type is its rejection too.
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, kName, {DType::kFloat32}, {}));
    return PreparePool2D(ctx, kName);
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return EmitPool2D(e, ctx, PoolKind::kL2, kName);
  }
};

}  // namespace

const OpDef& l2_pool_2d_op() {
  static const L2Pool2DOp op;
  return op;
}

}  // namespace jitlite::ops
