// LOGICAL_AND: out = a && b on BOOL tensors, numpy broadcasting up to rank 8
// (what LiteRT accepts). TFLite has no other input types for it.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class LogicalAndOp : public OpDef {
 public:
  std::string_view name() const override { return "LOGICAL_AND"; }
  std::vector<int> builtin_codes() const override { return {86}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "LOGICAL_AND", {DType::kBool}, {}));
    return PrepareBinary(ctx, {DType::kBool}, 8);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateAnd(v[0], v[1]);  // i1 values
  }
};

}  // namespace

const OpDef& logical_and_op() {
  static const LogicalAndOp op;
  return op;
}

}  // namespace jitlite::ops
