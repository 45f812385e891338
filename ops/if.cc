// IF: input 0 is a single BOOL; the then- or else-branch subgraph runs on the
// other inputs and its outputs become the node's. lib/control_flow.cc
// shape-infers both branches and sets the outputs (they must agree); the
// branch is emitted into the entry function (jit/compiler.cc).
#include "ops/op.h"

namespace jitlite::ops {
namespace {

class IfOp : public OpDef {
 public:
  std::string_view name() const override { return "IF"; }
  std::vector<int> builtin_codes() const override { return {118}; }
  OpKind kind() const override { return OpKind::kControlFlow; }

  Status Prepare(NodeContext& ctx) const override {
    if (!ctx.has_input(0)) return InvalidArgument("needs a condition (input 0)");
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(0, {DType::kBool}));
    if (ctx.input(0).num_elements() != 1) {
      return InvalidArgument("condition (input 0) has shape " + ShapeToString(ctx.input(0).shape) +
                             "; it must be a single BOOL");
    }
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is omitted");
      if (DTypeSize(ctx.input(i).dtype) == 0) {
        return Unimplemented("input " + std::to_string(i) + " is " + DTypeName(ctx.input(i).dtype) +
                             "; jitlite's branches take numeric and BOOL tensors");
      }
    }
    return Status::Ok();  // outputs: set from the branches (lib/control_flow.cc)
  }
};

}  // namespace

const OpDef& if_op() {
  static const IfOp op;
  return op;
}

}  // namespace jitlite::ops
