// PACK: stacks N inputs of one shape and dtype along a new dimension `axis`
// (PackOptions.values_count = N, axis in [-(rank+1), rank], negative counts
// from the end of the output). FLOAT32, INT32, INT64 and INT8/UINT8/INT16 raw
// copies (every input quantized like the output). When every input is a
// constant (e.g. the folded SHAPE -> STRIDED_SLICE pieces of a dynamic-batch
// RESHAPE), the node is folded at allocate time; otherwise a kernel copies
// each input element to its place in the output.
#include <cstring>
#include <string>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

// The stacking axis in [0, rank] (options validated in Prepare).
int PackAxis(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_PackOptions();
  int axis = opts ? opts->axis() : 0;
  return axis < 0 ? axis + ctx.input(0).rank() + 1 : axis;
}

Status CheckOptions(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_PackOptions();
  int count = opts ? opts->values_count() : 0;
  if (count != ctx.num_inputs()) {
    return InvalidArgument("PackOptions.values_count is " + std::to_string(count) +
                           " but the node has " + std::to_string(ctx.num_inputs()) + " inputs");
  }
  int rank = ctx.input(0).rank();
  int axis = opts ? opts->axis() : 0;
  if (axis < -(rank + 1) || axis > rank) {
    return InvalidArgument("PackOptions.axis " + std::to_string(axis) + " is out of range for " +
                           "rank-" + std::to_string(rank) + " inputs (valid: " +
                           std::to_string(-(rank + 1)) + ".." + std::to_string(rank) + ")");
  }
  return Status::Ok();
}

Status CheckInputsMatch(const NodeContext& ctx) {
  const TensorState& first = ctx.input(0);
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is missing");
    const TensorState& t = ctx.input(i);
    if (t.dtype != first.dtype) {
      return InvalidArgument("input " + std::to_string(i) + " has type " + DTypeName(t.dtype) +
                             " but input 0 has type " + DTypeName(first.dtype));
    }
    if (t.quant != nullptr && first.quant != nullptr &&
        (t.quant->scales != first.quant->scales ||
         t.quant->zero_points != first.quant->zero_points)) {
      return InvalidArgument("input " + std::to_string(i) +
                             " is quantized unlike input 0; PACK copies stored values");
    }
    if (t.shape != first.shape) {
      return InvalidArgument("input " + std::to_string(i) + " has shape " +
                             ShapeToString(t.shape) + " but input 0 has shape " +
                             ShapeToString(first.shape));
    }
  }
  return Status::Ok();
}

class PackOp : public OpDef {
 public:
  std::string_view name() const override { return "PACK"; }
  std::vector<int> builtin_codes() const override { return {83}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    if (ctx.num_inputs() < 1 || !ctx.has_input(0)) {
      return InvalidArgument("PACK needs at least one input");
    }
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(
        0, {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8,
            DType::kInt16}));
    if (ctx.output(0).dtype == ctx.input(0).dtype) {
      JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "PACK"));  // the quantization
    }
    JITLITE_RETURN_IF_ERROR(CheckInputsMatch(ctx));
    JITLITE_RETURN_IF_ERROR(CheckOptions(ctx));
    DType dtype = ctx.input(0).dtype;
    if (ctx.output(0).dtype != dtype) {
      return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                             " but the inputs have type " + DTypeName(dtype));
    }
    Shape shape = ctx.input(0).shape;
    shape.insert(shape.begin() + PackAxis(ctx), ctx.num_inputs());
    ctx.SetOutput(0, dtype, shape);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override {
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (!ctx.input(i).is_constant()) return false;
    }
    return true;
  }

  // out[outer][i][inner] = input_i[outer][inner], whole inner blocks at a time.
  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const Shape& shape = ctx.input(0).shape;
    const int axis = PackAxis(ctx);
    const size_t elem = DTypeSize(ctx.input(0).dtype);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= shape[d];
    for (size_t d = axis; d < shape.size(); ++d) inner *= shape[d];
    const size_t block = static_cast<size_t>(inner) * elem;
    const int n = ctx.num_inputs();
    for (int i = 0; i < n; ++i) {
      if (ctx.input(i).const_bytes < block * outer) {
        return InvalidArgument("constant input " + std::to_string(i) + " has too little data");
      }
    }
    out.assign(block * outer * n, 0);
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < n; ++i) {
        if (block == 0) continue;
        std::memcpy(out.data() + (o * n + i) * block, ctx.input(i).const_data + o * block, block);
      }
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    const int axis = PackAxis(ctx);
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      EmitIndexLoops(e, shape, [&](const std::vector<llvm::Value*>& index) {
        std::vector<llvm::Value*> out_index = index;
        out_index.insert(out_index.begin() + axis, e.I64(i));
        e.StoreOutput(e.LoadInput(i, e.LinearOffset(shape, index)), out_index);
      });
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& pack_op() {
  static const PackOp op;
  return op;
}

}  // namespace jitlite::ops
