// STABLEHLO_MINIMUM: out = std::min(a, b) on two tensors of one shape, any
// float or integer type or BOOL (shared definition: ops/util/stablehlo_binary.h).
#include "ops/util/stablehlo_binary.h"

namespace jitlite::ops {

const OpDef& stablehlo_minimum_op() {
  static const StablehloBinaryOp op("STABLEHLO_MINIMUM", 181, StablehloBinary::kMinimum,
                                    kStablehloArithmeticTypes);
  return op;
}

}  // namespace jitlite::ops
