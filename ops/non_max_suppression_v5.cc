// NON_MAX_SUPPRESSION_V5: soft-NMS (Gaussian score decay exp(-iou^2 / (2 sigma))
// with soft_nms_sigma > 0; hard NMS like V4 with sigma 0) over boxes [N, 4]
// and scores [N] (FLOAT32). Outputs selected_indices INT32 and
// selected_scores FLOAT32 [max_output_size] (zeros past the selections) and
// the valid count. A selection's score is its decayed score. max_output_size
// sizes the outputs (a graph input is compiled per value); thresholds and
// sigma are read at run time (a negative runtime sigma fails the invoke).
//
// Kernel: ops/util/nms.cc (TFLite's greedy loop and candidate queue order).
#include "ops/op.h"
#include "ops/util/nms.h"

namespace jitlite::ops {
namespace {

class NonMaxSuppressionV5Op : public OpDef {
 public:
  std::string_view name() const override { return "NON_MAX_SUPPRESSION_V5"; }
  std::vector<int> builtin_codes() const override { return {121}; }
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override { return nms::PrepareNms(ctx, /*soft=*/true); }
  int64_t ScratchBytes(const NodeContext& ctx) const override { return nms::NmsScratchBytes(ctx); }
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return nms::EmitNms(e, ctx, /*soft=*/true);
  }
};

}  // namespace

const OpDef& non_max_suppression_v5_op() {
  static const NonMaxSuppressionV5Op op;
  return op;
}

}  // namespace jitlite::ops
