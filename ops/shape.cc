// SHAPE: the input's dimensions as a 1-D INT32 or INT64 tensor
// (ShapeOptions.out_type; like TFLite, a missing table reads as FLOAT32 and is
// rejected). Shapes are compile-time
// constants here, so the node is always folded at allocate time and emits no
// code; the input's data is never read, so any input dtype is accepted.
#include <cstring>
#include <string>

#include "ops/op.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

DType OutType(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_ShapeOptions();
  return opts ? static_cast<DType>(opts->out_type()) : DType::kFloat32;
}

class ShapeOp : public OpDef {
 public:
  std::string_view name() const override { return "SHAPE"; }
  std::vector<int> builtin_codes() const override { return {77}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType out = OutType(ctx);
    if (out != DType::kInt32 && out != DType::kInt64) {
      return InvalidArgument(std::string("ShapeOptions.out_type is ") + DTypeName(out) +
                             "; SHAPE outputs INT32 or INT64");
    }
    if (ctx.output(0).dtype != out) {
      return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                             " but ShapeOptions.out_type is " + DTypeName(out));
    }
    ctx.SetOutput(0, out, {ctx.input(0).rank()});
    return Status::Ok();
  }

  bool CanFold(const NodeContext&) const override { return true; }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const Shape& shape = ctx.input(0).shape;
    const bool wide = ctx.output(0).dtype == DType::kInt64;
    out.assign(shape.size() * (wide ? 8 : 4), 0);
    for (size_t i = 0; i < shape.size(); ++i) {
      if (wide) {
        int64_t d = shape[i];
        std::memcpy(out.data() + 8 * i, &d, 8);
      } else {
        int32_t d = shape[i];
        std::memcpy(out.data() + 4 * i, &d, 4);
      }
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter&, const NodeContext&) const override {
    return Internal("SHAPE is always folded; no kernel should be emitted");
  }
};

}  // namespace

const OpDef& shape_op() {
  static const ShapeOp op;
  return op;
}

}  // namespace jitlite::ops
