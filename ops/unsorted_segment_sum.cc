// UNSORTED_SEGMENT_SUM: out[segment_ids[i]] = sum of data rows with that id;
// see ops/util/unsorted_segment.h for shapes, types and id checks.
#include "ops/util/unsorted_segment.h"

namespace jitlite::ops {

const OpDef& unsorted_segment_sum_op() {
  static const UnsortedSegmentOp op("UNSORTED_SEGMENT_SUM", 155, ScatterCombiner::kSum);
  return op;
}

}  // namespace jitlite::ops
