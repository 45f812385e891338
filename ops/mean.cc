// MEAN: average of input 0 over the axes in input 1 (constant int32 as in
// TFLite, negative and duplicate axes allowed), ReducerOptions.keep_dims
// keeping the reduced dims as size 1. FLOAT32 (sum, then divide by the count),
// INT32 and INT64 (64-bit sum, then truncating division, as TFLite's reference
// kernel), and INT8/UINT8/INT16 bit-exact with TFLite's reference kernel (the
// int32 sum rescaled with 1/N folded into the multiplier; ops/util/mean_sum_reduce).
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {

const OpDef& mean_op() {
  static const ReduceOp op("MEAN", 40, ReduceKind::kMean);
  return op;
}

}  // namespace jitlite::ops
