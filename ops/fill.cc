// FILL: an output of shape dims (input 0, a constant INT32/INT64 vector of
// sizes >= 0) with every element equal to value (input 1, a scalar; its type
// is the output's). FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16 raw
// copies. Computed dims are Unimplemented (the shape is fixed at compile
// time). A constant value is folded; a runtime one is read once per invoke
// and stored by a loop nest (so following elementwise ops fuse).
#include <cstring>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxRank = 8;

StatusOr<Shape> CheckedShape(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 1, "FILL", /*half_floats=*/true,
                                         /*complex64=*/true));
  const TensorState& dims = ctx.input(0);
  const TensorState& value = ctx.input(1);
  if (value.rank() != 0) {
    return InvalidArgument("value (input 1) has shape " + ShapeToString(value.shape) +
                           "; FILL needs a scalar");
  }
  if (dims.rank() != 1 || dims.dim(0) > kMaxRank) {
    return InvalidArgument("dims (input 0) has shape " + ShapeToString(dims.shape) +
                           "; expected a 1-D tensor of at most 8 sizes");
  }
  Shape out;
  if (dims.dim(0) == 0) return out;
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ReadConstInts(dims, "dims (input 0)"));
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0 || sizes[d] > INT32_MAX) {
      return InvalidArgument("dims[" + std::to_string(d) + "] = " + std::to_string(sizes[d]) +
                             "; sizes must be in 0..INT32_MAX");
    }
    out.push_back(static_cast<int32_t>(sizes[d]));
  }
  return out;
}

class FillOp : public OpDef {
 public:
  std::string_view name() const override { return "FILL"; }
  std::vector<int> builtin_codes() const override { return {94}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Shape out, CheckedShape(ctx));
    ctx.SetOutput(0, ctx.input(1).dtype, out);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return ctx.input(1).is_constant(); }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_RETURN_IF_ERROR(CheckedShape(ctx).status());
    const TensorState& value = ctx.input(1);
    const size_t elem = DTypeSize(value.dtype);
    if (value.const_bytes < elem) return InvalidArgument("constant value has too little data");
    const int64_t n = ctx.output(0).num_elements();
    out.resize(static_cast<size_t>(n) * elem);
    for (int64_t i = 0; i < n; ++i) std::memcpy(out.data() + i * elem, value.const_data, elem);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckedShape(ctx).status());
    llvm::Value* value = e.LoadInput(1, e.I64(0));
    EmitIndexLoops(e, ctx.output(0).shape,
                   [&](const std::vector<llvm::Value*>& index) { e.StoreOutput(value, index); });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& fill_op() {
  static const FillOp op;
  return op;
}

}  // namespace jitlite::ops
