// CALL_ONCE (init_subgraph_index): runs the init subgraph on the first
// invoke only. lib/resource_variables.cc turns the init subgraph into the
// variables' initial values (constants it assigns, or an InitProgram the
// interpreter runs once for values it computes) and drops the node, so this
// Prepare runs only for forms it does not cover.
#include "ops/op.h"

namespace jitlite::ops {
namespace {

class CallOnceOp : public OpDef {
 public:
  std::string_view name() const override { return "CALL_ONCE"; }
  std::vector<int> builtin_codes() const override { return {129}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    return Unimplemented("CALL_ONCE is supported in the main subgraph only");
  }
};

}  // namespace

const OpDef& call_once_op() {
  static const CallOnceOp op;
  return op;
}

}  // namespace jitlite::ops
