// STABLEHLO_ADD: out = a + b on two tensors of one shape, any float or
// integer type or BOOL (shared definition: ops/util/stablehlo_binary.h).
#include "ops/util/stablehlo_binary.h"

namespace jitlite::ops {

const OpDef& stablehlo_add_op() {
  static const StablehloBinaryOp op("STABLEHLO_ADD", 163, StablehloBinary::kAdd,
                                    kStablehloArithmeticTypes);
  return op;
}

}  // namespace jitlite::ops
