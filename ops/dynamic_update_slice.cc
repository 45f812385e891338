// DYNAMIC_UPDATE_SLICE: out = operand (input 0) with update (input 1, same
// rank and type, no dim larger than operand's) written at start (input 2, 1-D
// INT32/INT64, one entry per dim). As in TFLite (XLA semantics) each start is
// clamped into [0, operand dim - update dim], so the update always fits and
// starts are never an error. FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16
// raw copies.
//
// Kernel: copy operand to the output, then store the update over its window
// (starts read and clamped once per invoke). A whole-tensor update is one copy.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

Status Check(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "DYNAMIC_UPDATE_SLICE", /*half_floats=*/true,
                                         /*complex64=*/true));
  const TensorState& operand = ctx.input(0);
  const TensorState& update = ctx.input(1);
  const TensorState& start = ctx.input(2);
  if (update.dtype != operand.dtype) {
    return InvalidArgument(std::string("update (input 1) has type ") + DTypeName(update.dtype) +
                           " but operand (input 0) has " + DTypeName(operand.dtype));
  }
  if (start.dtype != DType::kInt32 && start.dtype != DType::kInt64) {
    return InvalidArgument(std::string("start indices (input 2) have type ") +
                           DTypeName(start.dtype) + "; TFLite takes INT32 or INT64");
  }
  if (start.rank() != 1 || start.dim(0) != operand.rank()) {
    return InvalidArgument("start indices have shape " + ShapeToString(start.shape) +
                           "; need one entry per dim of operand " +
                           ShapeToString(operand.shape));
  }
  bool fits = update.rank() == operand.rank();
  for (int d = 0; fits && d < operand.rank(); ++d) fits = update.dim(d) <= operand.dim(d);
  if (!fits) {
    return InvalidArgument("update " + ShapeToString(update.shape) +
                           " must have operand's rank and fit in operand " +
                           ShapeToString(operand.shape));
  }
  return Status::Ok();
}

class DynamicUpdateSliceOp : public OpDef {
 public:
  std::string_view name() const override { return "DYNAMIC_UPDATE_SLICE"; }
  std::vector<int> builtin_codes() const override { return {151}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(Check(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(Check(ctx));
    const Shape& shape = ctx.input(0).shape;
    const Shape& update = ctx.input(1).shape;
    llvm::IRBuilder<>& b = e.b();
    if (update == shape) {
      EmitIndexLoops(e, shape, [&](const std::vector<Value*>& index) {
        e.StoreOutput(e.LoadInput(1, e.LinearOffset(shape, index)), index);
      });
      return Status::Ok();
    }
    EmitIndexLoops(e, shape, [&](const std::vector<Value*>& index) {
      e.StoreOutput(e.LoadInput(0, e.LinearOffset(shape, index)), index);
    });
    if (NumElements(update) == 0) return Status::Ok();
    std::vector<Value*> start(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) {
      Value* s = b.CreateSExt(e.LoadInput(2, e.I64(d)), b.getInt64Ty());
      start[d] = e.Clamp(s, e.I64(0), e.I64(shape[d] - update[d]));
    }
    EmitIndexLoops(e, update, [&](const std::vector<Value*>& u) {
      std::vector<Value*> index(u.size());
      for (size_t d = 0; d < u.size(); ++d) index[d] = b.CreateAdd(start[d], u[d]);
      e.StoreOutput(e.LoadInput(1, e.LinearOffset(update, u)), index);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& dynamic_update_slice_op() {
  static const DynamicUpdateSliceOp op;
  return op;
}

}  // namespace jitlite::ops
