// LOGICAL_OR: out = a || b on BOOL tensors, numpy broadcasting up to rank 8
// (shared with LOGICAL_AND: ops/util/logical_binary.h).
#include "ops/util/logical_binary.h"

namespace jitlite::ops {

const OpDef& logical_or_op() {
  static const LogicalBinaryOp op("LOGICAL_OR", 84, llvm::Instruction::Or);
  return op;
}

}  // namespace jitlite::ops
