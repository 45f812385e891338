// ARG_MAX/ARG_MIN lowering (see ops/util/arg_min_max.h).
//
// For each output element, a loop along the axis keeps the best value and its
// index in stack slots. An element replaces the best when it compares strictly
// greater (less), so ties keep the first index. Floats follow TFLite: NaNs are
// skipped (a NaN best is replaced by the next number; all-NaN gives index 0),
// i.e. update when `x >u best` (unordered or greater) and x is not NaN.
#include "ops/util/arg_min_max.h"

#include <string>

#include "jit/emitters.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// ArgMaxOptions/ArgMinOptions.output_type; a missing table reads as the
// schema default FLOAT32, which TFLite rejects too.
DType OutputType(const NodeContext& ctx, bool is_max) {
  if (is_max) {
    const auto* opts = ctx.op()->builtin_options_as_ArgMaxOptions();
    return opts ? static_cast<DType>(opts->output_type()) : DType::kFloat32;
  }
  const auto* opts = ctx.op()->builtin_options_as_ArgMinOptions();
  return opts ? static_cast<DType>(opts->output_type()) : DType::kFloat32;
}

// The axis from input 1 (one constant INT32/INT64 element), in [0, rank).
StatusOr<int> ReadAxis(const NodeContext& ctx) {
  const TensorState& axis_t = ctx.input(1);
  if (axis_t.num_elements() != 1) {
    return InvalidArgument("input 1 (axis) has " + std::to_string(axis_t.num_elements()) +
                           " elements; ARG_MAX/ARG_MIN take exactly one axis");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadConstInts(axis_t, "axis"));
  const int r = ctx.input(0).rank();
  int64_t a = axes[0];
  if (a < -r || a >= r) {
    return InvalidArgument("axis " + std::to_string(a) + " is out of range for input 0 " +
                           ShapeToString(ctx.input(0).shape) + " (valid: " + std::to_string(-r) +
                           ".." + std::to_string(r - 1) + ")");
  }
  return static_cast<int>(a < 0 ? a + r : a);
}

// `x` beats `best`: strictly greater (less); for floats, NaN never wins and
// anything not NaN beats a NaN best.
Value* Beats(llvm::IRBuilder<>& b, DType dtype, bool is_max, Value* x, Value* best) {
  if (dtype == DType::kFloat32) {
    Value* better = is_max ? b.CreateFCmpUGT(x, best) : b.CreateFCmpULT(x, best);
    return b.CreateAnd(better, b.CreateFCmpORD(x, x));
  }
  // UINT8 and BOOL compare unsigned, INT8 and INT32 signed.
  if (dtype == DType::kUInt8 || dtype == DType::kBool) {
    return is_max ? b.CreateICmpUGT(x, best) : b.CreateICmpULT(x, best);
  }
  return is_max ? b.CreateICmpSGT(x, best) : b.CreateICmpSLT(x, best);
}

}  // namespace

Status ArgMinMaxOp::Prepare(NodeContext& ctx) const {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  const std::string op(name());
  const TensorState& in = ctx.input(0);
  DType t = in.dtype;
  if (t != DType::kFloat32 && t != DType::kInt32 && t != DType::kInt8 && t != DType::kUInt8 &&
      t != DType::kBool) {
    return InvalidArgument(op + " of " + DTypeName(t) +
                           ", which TFLite does not accept (supported: FLOAT32, INT32, INT8, "
                           "UINT8, BOOL)");
  }
  if (in.rank() < 1) return InvalidArgument("input 0 is a scalar; " + op + " needs rank >= 1");
  DType out = OutputType(ctx, is_max_);
  if (out != DType::kInt32 && out != DType::kInt64) {
    return InvalidArgument(std::string("output_type is ") + DTypeName(out) + "; " + op +
                           " outputs INT32 or INT64");
  }
  JITLITE_ASSIGN_OR_RETURN(int axis, ReadAxis(ctx));
  Shape out_shape;
  for (int d = 0; d < in.rank(); ++d) {
    if (d != axis) out_shape.push_back(in.dim(d));
  }
  if (in.dim(axis) == 0 && NumElements(out_shape) > 0) {
    return InvalidArgument("axis " + std::to_string(axis) + " of input 0 " +
                           ShapeToString(in.shape) + " is empty; " + op +
                           " of an empty axis has no index");
  }
  ctx.SetOutput(0, out, out_shape);
  return Status::Ok();
}

Status ArgMinMaxOp::EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(int axis, ReadAxis(ctx));
  const TensorState& in = ctx.input(0);
  const Shape& out_shape = ctx.output(0).shape;
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* elem = jit::ElementType(e.context(), in.dtype);
  llvm::AllocaInst* best = e.Alloca(elem, "best");
  llvm::AllocaInst* best_index = e.Alloca(b.getInt64Ty(), "best_index");
  const bool narrow = ctx.output(0).dtype == DType::kInt32;
  EmitIndexLoops(e, out_shape, [&](const std::vector<Value*>& out_idx) {
    std::vector<Value*> in_idx(out_idx.begin(), out_idx.end());
    in_idx.insert(in_idx.begin() + axis, e.I64(0));
    Value* base = e.LinearOffset(in.shape, in_idx);
    Value* stride = e.I64(NumElements(Shape(in.shape.begin() + axis + 1, in.shape.end())));
    b.CreateStore(e.LoadInput(0, base), best);
    b.CreateStore(e.I64(0), best_index);
    e.For(1, in.dim(axis), 1, [&](Value* k) {
      Value* x = e.LoadInput(0, b.CreateAdd(base, b.CreateMul(k, stride, "", true, true)));
      Value* current = b.CreateLoad(elem, best);
      Value* wins = Beats(b, in.dtype, is_max_, x, current);
      b.CreateStore(b.CreateSelect(wins, x, current), best);
      b.CreateStore(b.CreateSelect(wins, k, b.CreateLoad(b.getInt64Ty(), best_index)),
                    best_index);
    }, "k");
    Value* index = b.CreateLoad(b.getInt64Ty(), best_index);
    e.StoreOutput(narrow ? b.CreateTrunc(index, b.getInt32Ty()) : index, out_idx);
  });
  return Status::Ok();
}

}  // namespace jitlite::ops
