// VAR_HANDLE (options container, shared_name): a RESOURCE tensor naming a
// variable. lib/resource_variables.cc turns the main subgraph's variables
// into persistent tensors and drops these nodes before compiling, so this
// Prepare runs only for forms it does not cover.
#include "ops/op.h"

namespace jitlite::ops {
namespace {

class VarHandleOp : public OpDef {
 public:
  std::string_view name() const override { return "VAR_HANDLE"; }
  std::vector<int> builtin_codes() const override { return {142}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    return Unimplemented("resource variables are supported in the main subgraph only "
                         "(VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE there)");
  }
};

}  // namespace

const OpDef& var_handle_op() {
  static const VarHandleOp op;
  return op;
}

}  // namespace jitlite::ops
