// EQUAL: out = a == b as BOOL, numpy broadcasting up to rank 8. FLOAT32, INT32,
// INT64, INT16, BOOL and INT8/UINT8 (rescaled) inputs; the shared rules (NaN,
// -0, rescaling, what comes later) are in ops/util/comparison.h.
#include "ops/util/comparison.h"

namespace jitlite::ops {

const OpDef& equal_op() {
  static const ComparisonOp op("EQUAL", 71, llvm::CmpInst::FCMP_OEQ,
                               llvm::CmpInst::ICMP_EQ, /*allows_bool=*/true);
  return op;
}

}  // namespace jitlite::ops
