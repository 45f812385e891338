// WHILE: loop variables = the inputs; while the condition subgraph (the
// variables -> one BOOL) is true, the body subgraph (the variables -> their
// next values) runs; the outputs are the variables when it turns false.
// lib/control_flow.cc shape-infers both subgraphs and refuses a body that
// changes a variable's dtype or shape; jit/compiler.cc emits the loop into
// the entry function around the subgraphs' kernels.
#include "ops/op.h"

namespace jitlite::ops {
namespace {

// Loop variables are copied by bytes: STRING (variable length) and handle
// types have no fixed element size.
Status ExpectFixedSize(const NodeContext& ctx, int i) {
  if (DTypeSize(ctx.input(i).dtype) > 0) return Status::Ok();
  return Unimplemented("loop variable " + std::to_string(i) + " is " +
                       DTypeName(ctx.input(i).dtype) + "; jitlite's loops carry numeric and BOOL tensors");
}

class WhileOp : public OpDef {
 public:
  std::string_view name() const override { return "WHILE"; }
  std::vector<int> builtin_codes() const override { return {119}; }
  OpKind kind() const override { return OpKind::kControlFlow; }

  Status Prepare(NodeContext& ctx) const override {
    if (ctx.num_inputs() != ctx.num_outputs()) {
      return InvalidArgument("has " + std::to_string(ctx.num_inputs()) + " inputs and " +
                             std::to_string(ctx.num_outputs()) +
                             " outputs; each loop variable needs both");
    }
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is omitted");
      JITLITE_RETURN_IF_ERROR(ExpectFixedSize(ctx, i));
      ctx.SetOutput(i, ctx.input(i).dtype, ctx.input(i).shape);
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& while_op() {
  static const WhileOp op;
  return op;
}

}  // namespace jitlite::ops
