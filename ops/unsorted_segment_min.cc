// UNSORTED_SEGMENT_MIN: out[segment_ids[i]] = min of data rows with that id;
// see ops/util/unsorted_segment.h for shapes, types and id checks.
#include "ops/util/unsorted_segment.h"

namespace jitlite::ops {

const OpDef& unsorted_segment_min_op() {
  static const UnsortedSegmentOp op("UNSORTED_SEGMENT_MIN", 157, ScatterCombiner::kMin);
  return op;
}

}  // namespace jitlite::ops
