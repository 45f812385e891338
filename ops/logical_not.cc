// LOGICAL_NOT: out = !x on a BOOL tensor (the only type TFLite accepts).
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class LogicalNotOp : public OpDef {
 public:
  std::string_view name() const override { return "LOGICAL_NOT"; }
  std::vector<int> builtin_codes() const override { return {87}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "LOGICAL_NOT", {DType::kBool}, {}));
    return PrepareUnary(ctx, {DType::kBool});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateNot(v[0]);  // i1 value
  }
};

}  // namespace

const OpDef& logical_not_op() {
  static const LogicalNotOp op;
  return op;
}

}  // namespace jitlite::ops
