// DILATE: spreads input 0 (rank >= 1) out by the factor in dilations (input 1,
// INT32 vector, one factor >= 1 per dim; constant or a graph input: compiled
// per value), filling the gaps with padding_value (input 2, one element of
// the input's type):
//   out shape[i] = (in[i] - 1) * k[i] + 1
//   out[o] = in[o / k] if every o[i] % k[i] == 0, else padding_value
// Types: every type the copy ops move (FLOAT32, INT32, INT64, BOOL and
// INT8/UINT8/INT16 raw copies). An empty dim stays empty (TFLite would
// compute a negative size for it).
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

StatusOr<std::vector<int64_t>> CheckedFactors(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "DILATE"));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, 8));
  const TensorState& in = ctx.input(0);
  const TensorState& pad = ctx.input(2);
  if (pad.dtype != in.dtype || pad.num_elements() != 1) {
    return InvalidArgument(std::string("padding_value (input 2) is ") + DTypeName(pad.dtype) +
                           ShapeToString(pad.shape) + "; expected one element of the input's type " +
                           DTypeName(in.dtype));
  }
  const TensorState& k = ctx.input(1);
  if (k.dtype != DType::kInt32 || k.rank() != 1 || k.dim(0) != in.rank()) {
    return InvalidArgument(std::string("dilations (input 1) are ") + DTypeName(k.dtype) +
                           ShapeToString(k.shape) + "; expected INT32[" +
                           std::to_string(in.rank()) + "], one factor per input dim");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> factors, ReadConstInts(k, "dilations (input 1)"));
  for (size_t i = 0; i < factors.size(); ++i) {
    const int64_t size = in.dim(static_cast<int>(i)) == 0
                             ? 0 : (in.dim(static_cast<int>(i)) - 1) * factors[i] + 1;
    if (factors[i] < 1 || size > INT32_MAX) {
      return InvalidArgument("dilation " + std::to_string(factors[i]) + " of dim " +
                             std::to_string(i) + " must be >= 1 (and keep the dim below 2^31)");
    }
  }
  return factors;
}

Shape DilatedShape(const Shape& in, const std::vector<int64_t>& factors) {
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    out.push_back(in[i] == 0 ? 0 : static_cast<int32_t>((in[i] - 1) * factors[i] + 1));
  }
  return out;
}

class DilateOp : public OpDef {
 public:
  std::string_view name() const override { return "DILATE"; }
  std::vector<int> builtin_codes() const override { return {203}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> factors, CheckedFactors(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, DilatedShape(ctx.input(0).shape, factors));
    return Status::Ok();
  }

  // Every output element once: the input element it lands on, or the padding.
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> factors, CheckedFactors(ctx));
    const Shape& in = ctx.input(0).shape;
    llvm::IRBuilder<>& b = e.b();
    EmitIndexLoops(e, ctx.output(0).shape, [&](const std::vector<Value*>& idx) {
      std::vector<Value*> src(idx.size());
      Value* on_grid = b.getTrue();
      for (size_t i = 0; i < idx.size(); ++i) {
        if (factors[i] == 1) {
          src[i] = idx[i];
          continue;
        }
        src[i] = b.CreateUDiv(idx[i], e.I64(factors[i]));
        Value* rem = b.CreateURem(idx[i], e.I64(factors[i]));
        on_grid = b.CreateAnd(on_grid, b.CreateICmpEQ(rem, e.I64(0)));
      }
      Value* x = e.LoadInput(0, e.LinearOffset(in, src));
      e.StoreOutput(b.CreateSelect(on_grid, x, e.LoadInput(2, e.I64(0))), idx);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& dilate_op() {
  static const DilateOp op;
  return op;
}

}  // namespace jitlite::ops
