// ASSIGN_VARIABLE(handle, value): the variable becomes value. lib/resource_variables.cc
// replaces the handle (input 0) with the variable's persistent tensor (of the
// value's dtype and shape, fixed over the model); the kernel copies value in.
#include "ops/op.h"

#include "jit/emitters.h"

namespace jitlite::ops {
namespace {

class AssignVariableOp : public OpDef {
 public:
  std::string_view name() const override { return "ASSIGN_VARIABLE"; }
  std::vector<int> builtin_codes() const override { return {144}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    if (ctx.num_outputs() != 0) return InvalidArgument("has no outputs");
    const TensorState& var = ctx.input(0);
    if (!var.is_variable) {
      return Unimplemented("input 0 must be a VAR_HANDLE of the main subgraph (jitlite's resource "
                           "variables live there)");
    }
    const TensorState& value = ctx.input(1);
    if (value.dtype != var.dtype || value.shape != var.shape) {
      return Unimplemented("value (input 1) is " + std::string(DTypeName(value.dtype)) + " " +
                           ShapeToString(value.shape) + " but the variable is " + DTypeName(var.dtype) +
                           " " + ShapeToString(var.shape) + "; jitlite keeps a variable's dtype and shape");
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const TensorState& var = ctx.input(0);
    int64_t bytes = var.num_elements() * static_cast<int64_t>(DTypeSize(var.dtype));
    e.b().CreateMemCpy(e.InputPtr(0), llvm::MaybeAlign(1), e.InputPtr(1), llvm::MaybeAlign(1), bytes);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& assign_variable_op() {
  static const AssignVariableOp op;
  return op;
}

}  // namespace jitlite::ops
