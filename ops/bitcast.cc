// BITCAST: input 0's bytes reinterpreted as the output's declared type (an
// alias: no code, the output shares input 0's buffer). Shape rule of TFLite's
// kernel: to a smaller element type a last dim of size in/out is appended; to
// a larger one the last dim must equal out/in and is dropped; equal sizes keep
// the shape. Any fixed-size element type.
#include <string>

#include "ops/op.h"

namespace jitlite::ops {
namespace {

bool FixedSize(DType t) {
  return t != DType::kString && t != DType::kVariant && t != DType::kResource &&
         DTypeSize(t) != 0;
}

class BitcastOp : public OpDef {
 public:
  std::string_view name() const override { return "BITCAST"; }
  std::vector<int> builtin_codes() const override { return {159}; }
  OpKind kind() const override { return OpKind::kAlias; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const DType in = ctx.input(0).dtype, out = ctx.output(0).dtype;
    for (DType t : {in, out}) {
      if (!FixedSize(t)) {
        return Unimplemented(std::string("type ") + DTypeName(t) +
                             "; only fixed-size element types can be bitcast");
      }
    }
    const size_t in_size = DTypeSize(in), out_size = DTypeSize(out);
    Shape shape = ctx.input(0).shape;
    if (in_size > out_size) {
      shape.push_back(static_cast<int32_t>(in_size / out_size));
    } else if (in_size < out_size) {
      const int32_t ratio = static_cast<int32_t>(out_size / in_size);
      if (shape.empty() || shape.back() != ratio) {
        return InvalidArgument(std::string("bitcast from ") + DTypeName(in) + " to " +
                               DTypeName(out) + " needs a last dim of " +
                               std::to_string(ratio) + "; input 0 has shape " +
                               ShapeToString(shape));
      }
      shape.pop_back();
    }
    ctx.SetOutput(0, out, shape);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& bitcast_op() {
  static const BitcastOp op;
  return op;
}

}  // namespace jitlite::ops
