// REDUCE_MAX: maximum of input 0 over the axes in input 1 (constant int32,
// negative and duplicate axes allowed), ReducerOptions.keep_dims keeping the
// reduced dims as size 1. FLOAT32, INT32, INT64. Floats follow TFLite's
// optimized kernel: `acc = in < acc ? acc : in` from the first element, so a
// NaN is taken and then dropped by the next element; an empty reduction gives
// the lowest finite value (-FLT_MAX), the integers' minimum for INT32/INT64.
// INT8/UINT8/INT16 compare the stored values (output parameters equal to the
// input's, as TFLite requires; ops/util/mean_sum_reduce.cc).
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {

const OpDef& reduce_max_op() {
  static const ReduceOp op("REDUCE_MAX", 82, ReduceKind::kMax);
  return op;
}

}  // namespace jitlite::ops
