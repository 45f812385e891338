// LOGICAL_OR: out = a || b on BOOL tensors, numpy broadcasting up to rank 8
// (what LiteRT accepts). TFLite has no other input types for it.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class LogicalOrOp : public OpDef {
 public:
  std::string_view name() const override { return "LOGICAL_OR"; }
  std::vector<int> builtin_codes() const override { return {84}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "LOGICAL_OR", {DType::kBool}, {}));
    return PrepareBinary(ctx, {DType::kBool}, 8);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateOr(v[0], v[1]);  // i1 values
  }
};

}  // namespace

const OpDef& logical_or_op() {
  static const LogicalOrOp op;
  return op;
}

}  // namespace jitlite::ops
