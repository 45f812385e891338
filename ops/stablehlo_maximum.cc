// STABLEHLO_MAXIMUM: out = std::max(a, b) on two tensors of one shape, any
// float or integer type or BOOL (shared definition: ops/util/stablehlo_binary.h).
#include "ops/util/stablehlo_binary.h"

namespace jitlite::ops {

const OpDef& stablehlo_maximum_op() {
  static const StablehloBinaryOp op("STABLEHLO_MAXIMUM", 166, StablehloBinary::kMaximum,
                                    kStablehloArithmeticTypes);
  return op;
}

}  // namespace jitlite::ops
