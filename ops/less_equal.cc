// LESS_EQUAL: out = a <= b as BOOL, numpy broadcasting up to rank 8. FLOAT32,
// INT32, INT64, INT16 and INT8/UINT8 (rescaled) inputs; the shared rules (NaN, -0,
// rescaling, what comes later) are in ops/util/comparison.h.
#include "ops/util/comparison.h"

namespace jitlite::ops {

const OpDef& less_equal_op() {
  static const ComparisonOp op("LESS_EQUAL", 63, llvm::CmpInst::FCMP_OLE,
                               llvm::CmpInst::ICMP_SLE, /*allows_bool=*/false);
  return op;
}

}  // namespace jitlite::ops
