// STABLEHLO_AND: out = a & b (bitwise; logical on BOOL) on two tensors of one
// shape, any integer type or BOOL (LiteRT refuses floats; shared definition:
// ops/util/stablehlo_binary.h).
#include "ops/util/stablehlo_binary.h"

namespace jitlite::ops {

const OpDef& stablehlo_and_op() {
  static const StablehloBinaryOp op(
      "STABLEHLO_AND", 176, StablehloBinary::kAnd,
      {DType::kInt8, DType::kInt16, DType::kInt32, DType::kInt64, DType::kUInt8, DType::kUInt16,
       DType::kUInt32, DType::kUInt64, DType::kBool});
  return op;
}

}  // namespace jitlite::ops
