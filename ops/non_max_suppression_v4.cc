// NON_MAX_SUPPRESSION_V4: greedy NMS over boxes [N, 4] (y1, x1, y2, x2, corners in
// any order) and scores [N] (FLOAT32): the highest-scoring box above
// score_threshold is selected, boxes with IoU >= iou_threshold against a
// selection are dropped. Outputs selected_indices INT32 [max_output_size]
// (zeros past the selections, as TFLite resets them) and the valid count
// (INT32 scalar). max_output_size sizes the output, so a graph input is
// compiled per value; the thresholds are read at run time.
//
// Kernel: ops/util/nms.cc (TFLite's greedy loop and candidate queue order).
#include "ops/op.h"
#include "ops/util/nms.h"

namespace jitlite::ops {
namespace {

class NonMaxSuppressionV4Op : public OpDef {
 public:
  std::string_view name() const override { return "NON_MAX_SUPPRESSION_V4"; }
  std::vector<int> builtin_codes() const override { return {120}; }
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override { return nms::PrepareNms(ctx, /*soft=*/false); }
  int64_t ScratchBytes(const NodeContext& ctx) const override { return nms::NmsScratchBytes(ctx); }
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return nms::EmitNms(e, ctx, /*soft=*/false);
  }
};

}  // namespace

const OpDef& non_max_suppression_v4_op() {
  static const NonMaxSuppressionV4Op op;
  return op;
}

}  // namespace jitlite::ops
