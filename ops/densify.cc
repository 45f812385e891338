// DENSIFY: a sparse constant (TFLite SparsityParameters) as a dense tensor of
// the same type and shape, e.g. sparse conv weights -> DENSIFY -> CONV_2D.
// The import already densified the constant (lib/constant_decoding.h), so
// the op is an alias of it: no code, folded at allocate time. As in TFLite,
// input 0 must be a sparse constant of type FLOAT32, FLOAT16 or INT8.
#include <string>
#include <vector>

#include "ops/op.h"

namespace jitlite::ops {
namespace {

Status CheckDensifyInput(const NodeContext& ctx) {
  const TensorState& in = ctx.input(0);
  if (in.dtype != DType::kFloat32 && in.dtype != DType::kFloat16 && in.dtype != DType::kInt8) {
    return Unimplemented(std::string("input 0 has type ") + DTypeName(in.dtype) +
                         "; DENSIFY takes FLOAT32, FLOAT16 and INT8 (as TFLite)");
  }
  if (!in.is_constant() || !in.is_sparse()) {
    return InvalidArgument(std::string("input 0 must be a sparse constant; it is ") +
                           (in.is_constant() ? "a dense constant" : "not a constant"));
  }
  if (ctx.output(0).dtype != in.dtype) {
    return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                           " but input 0 has type " + DTypeName(in.dtype) +
                           "; DENSIFY keeps the type");
  }
  return Status::Ok();
}

class DensifyOp : public OpDef {
 public:
  std::string_view name() const override { return "DENSIFY"; }
  std::vector<int> builtin_codes() const override { return {124}; }
  OpKind kind() const override { return OpKind::kAlias; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (ctx.num_outputs() != 1) {
      return InvalidArgument("DENSIFY has " + std::to_string(ctx.num_outputs()) +
                             " outputs; it needs 1");
    }
    JITLITE_RETURN_IF_ERROR(CheckDensifyInput(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& densify_op() {
  static const DensifyOp op;
  return op;
}

}  // namespace jitlite::ops
