// STABLEHLO_SHIFT_LEFT: out = a << b on two tensors of one shape, INT8, INT16
// or INT32 (LiteRT's set); counts outside [0, 31] (undefined in LiteRT) are
// taken mod 32 (shared definition: ops/util/stablehlo_binary.h).
#include "ops/util/stablehlo_binary.h"

namespace jitlite::ops {

const OpDef& stablehlo_shift_left_op() {
  static const StablehloBinaryOp op("STABLEHLO_SHIFT_LEFT", 207, StablehloBinary::kShiftLeft,
                                    {DType::kInt8, DType::kInt16, DType::kInt32});
  return op;
}

}  // namespace jitlite::ops
