// LOGICAL_AND: out = a && b on BOOL tensors, numpy broadcasting up to rank 8
// (shared with LOGICAL_OR: ops/util/logical_binary.h).
#include "ops/util/logical_binary.h"

namespace jitlite::ops {

const OpDef& logical_and_op() {
  static const LogicalBinaryOp op("LOGICAL_AND", 86, llvm::Instruction::And);
  return op;
}

}  // namespace jitlite::ops
