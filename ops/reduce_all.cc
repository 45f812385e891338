// REDUCE_ALL: logical AND of the BOOL input 0 over the axes in input 1
// (constant int32, negative and duplicate axes allowed), ReducerOptions.keep_dims
// keeping the reduced dims as size 1; an empty reduction gives true.
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {

const OpDef& reduce_all_op() {
  static const ReduceOp op("REDUCE_ALL", 140, ReduceKind::kAll);
  return op;
}

}  // namespace jitlite::ops
