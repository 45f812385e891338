// REDUCE_MIN: minimum of input 0 over the axes in input 1 (constant int32,
// negative and duplicate axes allowed), ReducerOptions.keep_dims keeping the
// reduced dims as size 1. FLOAT32, INT32, INT64. Floats follow TFLite's
// optimized kernel: `acc = acc < in ? acc : in` from the first element, so a
// NaN is taken and then dropped by the next element; an empty reduction gives
// FLT_MAX, the integers' maximum for INT32/INT64. INT8/UINT8/INT16 compare the
// stored values (output parameters equal to the input's, as TFLite requires).
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {

const OpDef& reduce_min_op() {
  static const ReduceOp op("REDUCE_MIN", 89, ReduceKind::kMin);
  return op;
}

}  // namespace jitlite::ops
