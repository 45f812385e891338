// SUM: sum of input 0 over the axes in input 1 (constant int32 as in TFLite,
// negative and duplicate axes allowed), ReducerOptions.keep_dims keeping the
// reduced dims as size 1. FLOAT32, INT32 (wraps like TFLite's int32 sum) and
// INT64. Quantized SUM comes with the quantized path.
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {
namespace {

class SumOp : public OpDef {
 public:
  std::string_view name() const override { return "SUM"; }
  std::vector<int> builtin_codes() const override { return {74}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override { return PrepareMeanSum(ctx, "SUM"); }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return EmitMeanSum(e, ctx, ReduceKind::kSum);
  }
};

}  // namespace

const OpDef& sum_op() {
  static const SumOp op;
  return op;
}

}  // namespace jitlite::ops
