// CUMSUM: running sums of input 0 (FLOAT32, INT32, INT64, rank >= 1) along
// axis (input 1, a constant INT32 scalar or [1], negative counts from the
// end; a computed axis is Unimplemented). CumsumOptions: exclusive (each
// output leaves out its own element, the first is 0) and reverse (sums run
// from the end). Each line along the axis is summed in order, like TFLite;
// integer sums wrap.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

StatusOr<int> CheckedAxis(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  const TensorState& in = ctx.input(0);
  const TensorState& axis = ctx.input(1);
  if (in.dtype != DType::kFloat32 && in.dtype != DType::kInt32 && in.dtype != DType::kInt64) {
    return InvalidArgument(std::string("input 0 has type ") + DTypeName(in.dtype) +
                           "; TFLite's CUMSUM takes FLOAT32, INT32, INT64");
  }
  if (axis.dtype != DType::kInt32 || axis.num_elements() != 1) {
    return InvalidArgument(std::string("axis (input 1) is ") + DTypeName(axis.dtype) +
                           ShapeToString(axis.shape) + "; CUMSUM takes one INT32 value");
  }
  if (in.rank() < 1) return InvalidArgument("CUMSUM needs an input of rank >= 1");
  if (!axis.is_constant()) {
    return Unimplemented("axis (input 1) is computed; jitlite needs a constant CUMSUM axis");
  }
  JITLITE_ASSIGN_OR_RETURN(int64_t a, ReadConstScalarInt(axis, "axis (input 1)"));
  return NormalizeAxis(a, in.rank(), "axis");
}

class CumsumOp : public OpDef {
 public:
  std::string_view name() const override { return "CUMSUM"; }
  std::vector<int> builtin_codes() const override { return {128}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckedAxis(ctx).status());
    ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
    return Status::Ok();
  }

  // One accumulator per line along the axis; the other dims are the outer loops.
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int axis, CheckedAxis(ctx));
    const auto* opts = ctx.op()->builtin_options_as_CumsumOptions();
    const bool exclusive = opts && opts->exclusive();
    const bool reverse = opts && opts->reverse();
    const Shape& shape = ctx.input(0).shape;
    if (NumElements(shape) == 0) return Status::Ok();
    const int64_t depth = shape[axis];
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* t = jit::ElementType(e.context(), ctx.input(0).dtype);
    llvm::AllocaInst* acc = e.Alloca(t, "acc");
    Shape lines = shape;
    lines[axis] = 1;
    EmitIndexLoops(e, lines, [&](const std::vector<Value*>& line) {
      b.CreateStore(llvm::Constant::getNullValue(t), acc);
      e.For(0, depth, 1, [&](Value* k) {
        std::vector<Value*> index = line;
        index[axis] = reverse ? b.CreateSub(e.I64(depth - 1), k) : k;
        Value* x = e.LoadInput(0, e.LinearOffset(shape, index));
        Value* before = b.CreateLoad(t, acc);
        Value* after = t->isFloatingPointTy() ? b.CreateFAdd(before, x) : b.CreateAdd(before, x);
        b.CreateStore(after, acc);
        e.StoreOutput(exclusive ? before : after, index);
      }, "k");
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& cumsum_op() {
  static const CumsumOp op;
  return op;
}

}  // namespace jitlite::ops
