// STABLEHLO_MULTIPLY: out = a * b on two tensors of one shape, any float or
// integer type or BOOL (shared definition: ops/util/stablehlo_binary.h).
#include "ops/util/stablehlo_binary.h"

namespace jitlite::ops {

const OpDef& stablehlo_multiply_op() {
  static const StablehloBinaryOp op("STABLEHLO_MULTIPLY", 165, StablehloBinary::kMultiply,
                                    kStablehloArithmeticTypes);
  return op;
}

}  // namespace jitlite::ops
