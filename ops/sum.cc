// SUM: sum of input 0 over the axes in input 1 (constant int32 as in TFLite,
// negative and duplicate axes allowed), ReducerOptions.keep_dims keeping the
// reduced dims as size 1. FLOAT32, INT32 (wraps like TFLite's int32 sum) and
// INT64, and INT8/UINT8/INT16 (the int32 sum requantized to the output, as
// TFLite's reference UINT8 kernel; see ops/util/mean_sum_reduce).
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {

const OpDef& sum_op() {
  static const ReduceOp op("SUM", 74, ReduceKind::kSum);
  return op;
}

}  // namespace jitlite::ops
