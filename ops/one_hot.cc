// ONE_HOT: out has indices' shape (input 0, INT32/INT64) with a new dim of
// size depth (input 1, a constant scalar: it is an output dim) inserted at
// OneHotOptions.axis (-1 = last; TFLite takes no other negative axis):
//   out[p..., j, s...] = indices[p..., s...] == j ? on_value : off_value
// on/off values (inputs 2, 3: scalars of the output type FLOAT32, INT32,
// INT64, BOOL, INT8, UINT8) are read at run time. Out-of-range indices give
// all-off rows; INT64 indices are compared after truncation to int32, as in
// TFLite's kernel.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct OneHotParams {
  int axis = 0;
  int32_t depth = 0;
};

StatusOr<OneHotParams> Checked(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(4, 4));
  const TensorState& indices = ctx.input(0);
  if (indices.dtype != DType::kInt32 && indices.dtype != DType::kInt64) {
    return InvalidArgument(std::string("indices (input 0) have type ") +
                           DTypeName(indices.dtype) + "; ONE_HOT takes INT32 or INT64");
  }
  const DType t = ctx.input(2).dtype;
  if (t == DType::kInt16) {
    return InvalidArgument("ONE_HOT with INT16 values fails in TFLite's kernel");
  }
  if (ctx.input(3).dtype != t) {
    return InvalidArgument(std::string("on_value and off_value have types ") + DTypeName(t) +
                           ", " + DTypeName(ctx.input(3).dtype) + "; they must match");
  }
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 2, "ONE_HOT"));
  for (int i = 1; i < 4; ++i) {
    if (ctx.input(i).num_elements() != 1) {
      return InvalidArgument("input " + std::to_string(i) + " has shape " +
                             ShapeToString(ctx.input(i).shape) + "; ONE_HOT needs one value");
    }
  }
  const auto* opts = ctx.op()->builtin_options_as_OneHotOptions();
  const int axis = opts ? opts->axis() : 0;
  OneHotParams p;
  p.axis = axis == -1 ? indices.rank() : axis;
  if (p.axis < 0 || p.axis > indices.rank()) {
    return InvalidArgument("OneHotOptions.axis " + std::to_string(axis) + " is out of range: "
                           "need -1 or 0.." + std::to_string(indices.rank()));
  }
  if (indices.rank() + 1 > 8) return InvalidArgument("the output would have more than 8 dims");
  if (!ctx.input(1).is_constant()) {
    return Unimplemented("depth (input 1) is computed: the output shape would depend on runtime "
                         "data, which jitlite does not support");
  }
  JITLITE_ASSIGN_OR_RETURN(int64_t depth, ReadConstScalarInt(ctx.input(1), "depth (input 1)"));
  if (depth < 0 || depth > INT32_MAX) {
    return InvalidArgument("depth is " + std::to_string(depth) + "; it must be >= 0");
  }
  p.depth = static_cast<int32_t>(depth);
  return p;
}

class OneHotOp : public OpDef {
 public:
  std::string_view name() const override { return "ONE_HOT"; }
  std::vector<int> builtin_codes() const override { return {85}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(OneHotParams p, Checked(ctx));
    Shape out = ctx.input(0).shape;
    out.insert(out.begin() + p.axis, p.depth);
    ctx.SetOutput(0, ctx.input(2).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(OneHotParams p, Checked(ctx));
    llvm::IRBuilder<>& b = e.b();
    const Shape& in = ctx.input(0).shape;
    Value* on = e.LoadInput(2, e.I64(0));
    Value* off = e.LoadInput(3, e.I64(0));
    EmitIndexLoops(e, ctx.output(0).shape, [&](const std::vector<Value*>& index) {
      std::vector<Value*> where(index.begin(), index.end());
      Value* j = where[p.axis];
      where.erase(where.begin() + p.axis);
      Value* v = e.LoadInput(0, e.LinearOffset(in, where));
      if (v->getType() != b.getInt32Ty()) v = b.CreateTrunc(v, b.getInt32Ty());
      Value* hit = b.CreateICmpEQ(v, b.CreateTrunc(j, b.getInt32Ty()));
      e.StoreOutput(b.CreateSelect(hit, on, off), index);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& one_hot_op() {
  static const OneHotOp op;
  return op;
}

}  // namespace jitlite::ops
