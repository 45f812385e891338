// Shared LOGICAL_AND / LOGICAL_OR definition (see ops/util/logical_binary.h).
#include "ops/util/logical_binary.h"

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {

Status LogicalBinaryOp::Prepare(NodeContext& ctx) const {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, name_, {DType::kBool}, {}));
  return PrepareBinary(ctx, {DType::kBool}, 8);
}

llvm::Value* LogicalBinaryOp::EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                                          std::span<llvm::Value* const> v) const {
  return e.b().CreateBinOp(op_, v[0], v[1]);  // i1 values
}

}  // namespace jitlite::ops
