// UNSORTED_SEGMENT_MAX: out[segment_ids[i]] = max of data rows with that id;
// see ops/util/unsorted_segment.h for shapes, types and id checks.
#include "ops/util/unsorted_segment.h"

namespace jitlite::ops {

const OpDef& unsorted_segment_max_op() {
  static const UnsortedSegmentOp op("UNSORTED_SEGMENT_MAX", 154, ScatterCombiner::kMax);
  return op;
}

}  // namespace jitlite::ops
