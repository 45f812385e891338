// READ_VARIABLE: output = the variable's current value. lib/resource_variables.cc
// replaces the handle (input 0) with the variable's persistent tensor; the
// kernel copies it, so a later ASSIGN_VARIABLE does not change the output.
#include "ops/op.h"

#include "jit/emitters.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

class ReadVariableOp : public OpDef {
 public:
  std::string_view name() const override { return "READ_VARIABLE"; }
  std::vector<int> builtin_codes() const override { return {143}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (ctx.num_outputs() != 1) return InvalidArgument("needs one output");
    const TensorState& var = ctx.input(0);
    if (!var.is_variable) {
      return Unimplemented("input 0 must be a VAR_HANDLE of the main subgraph (jitlite's resource "
                           "variables live there)");
    }
    ctx.SetOutput(0, var.dtype, var.shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const TensorState& var = ctx.input(0);
    int64_t bytes = var.num_elements() * static_cast<int64_t>(DTypeSize(var.dtype));
    if (e.stores_directly()) {
      e.b().CreateMemCpy(e.OutputPtr(0), llvm::MaybeAlign(1), e.InputPtr(0), llvm::MaybeAlign(1), bytes);
      return Status::Ok();
    }
    // A fused epilogue consumes the value element by element.
    EmitIndexLoops(e, var.shape, [&](const std::vector<llvm::Value*>& index) {
      llvm::Value* flat = e.I64(0);
      for (size_t d = 0; d < index.size(); ++d) {
        flat = e.b().CreateAdd(e.b().CreateMul(flat, e.I64(var.shape[d])), index[d]);
      }
      e.StoreOutput(jit::LoadElement(e.b(), var.dtype, e.InputPtr(0), flat), index);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& read_variable_op() {
  static const ReadVariableOp op;
  return op;
}

}  // namespace jitlite::ops
