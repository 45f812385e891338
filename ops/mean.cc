// MEAN: average of input 0 over the axes in input 1 (constant int32 as in
// TFLite, negative and duplicate axes allowed), ReducerOptions.keep_dims
// keeping the reduced dims as size 1. FLOAT32 (sum, then divide by the count),
// INT32 and INT64 (64-bit sum, then truncating division, as TFLite's reference
// kernel). Quantized MEAN comes with the quantized path.
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {
namespace {

class MeanOp : public OpDef {
 public:
  std::string_view name() const override { return "MEAN"; }
  std::vector<int> builtin_codes() const override { return {40}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override { return PrepareMeanSum(ctx, "MEAN"); }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return EmitMeanSum(e, ctx, ReduceKind::kMean);
  }
};

}  // namespace

const OpDef& mean_op() {
  static const MeanOp op;
  return op;
}

}  // namespace jitlite::ops
