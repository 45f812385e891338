// UNSORTED_SEGMENT_PROD: out[segment_ids[i]] = prod of data rows with that id;
// see ops/util/unsorted_segment.h for shapes, types and id checks.
#include "ops/util/unsorted_segment.h"

namespace jitlite::ops {

const OpDef& unsorted_segment_prod_op() {
  static const UnsortedSegmentOp op("UNSORTED_SEGMENT_PROD", 153, ScatterCombiner::kProd);
  return op;
}

}  // namespace jitlite::ops
