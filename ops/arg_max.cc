// ARG_MAX: index of the largest element of input 0 along the axis in input 1
// (one constant INT32/INT64 element, negative allowed), as ArgMaxOptions
// .output_type (INT32 or INT64). FLOAT32, INT32, INT8, UINT8 (raw values) and
// BOOL input; ties give the first index, NaNs are skipped as in TFLite.
#include "ops/util/arg_min_max.h"

namespace jitlite::ops {

const OpDef& arg_max_op() {
  static const ArgMinMaxOp op(/*is_max=*/true);
  return op;
}

}  // namespace jitlite::ops
