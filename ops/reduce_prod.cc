// REDUCE_PROD: product of input 0 over the axes in input 1 (constant int32,
// negative and duplicate axes allowed), ReducerOptions.keep_dims keeping the
// reduced dims as size 1. FLOAT32 (sequential product, as TFLite), INT32 and
// INT64 (wrapping); an empty reduction gives 1. INT8/INT16: TFLite's reference
// rescaled product (ops/util/mean_sum_reduce.cc).
#include "ops/util/mean_sum_reduce.h"

namespace jitlite::ops {

const OpDef& reduce_prod_op() {
  static const ReduceOp op("REDUCE_PROD", 81, ReduceKind::kProd);
  return op;
}

}  // namespace jitlite::ops
