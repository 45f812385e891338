// Shared pieces of the data-movement ops (see ops/util/data_movement.h).
#include "ops/util/data_movement.h"

#include <cstring>

#include "ops/util/elementwise_helpers.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

bool IsRawCopyType(DType t) {
  return t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16;
}

}  // namespace

bool SameQuantization(const QuantizationInfo* a, const QuantizationInfo* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a->scales == b->scales && a->zero_points == b->zero_points;
}

Status CheckCopyTypes(const NodeContext& ctx, int data, std::string_view op, bool half_floats,
                      bool complex64) {
  // Main-graph STRING tensors reach the ops as INT32 ids (lib/string_tensors.h);
  // a STRING here is in a subgraph run by control flow.
  if (ctx.input(data).dtype == DType::kString) {
    return Unimplemented("input " + std::to_string(data) + " has type STRING: jitlite runs " +
                         std::string(op) + " on STRING only in the main graph (subgraph 0), " +
                         "not in subgraphs run by control flow");
  }
  if (ctx.input(data).dtype == DType::kComplex64) {
    if (!complex64) {
      return InvalidArgument("input " + std::to_string(data) + " has type COMPLEX64, which " +
                             "TFLite's " + std::string(op) + " does not accept");
    }
  } else if (half_floats) {
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, data, op,
        {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kInt64,
         DType::kBool, DType::kInt8, DType::kUInt8, DType::kInt16},
        {}));
  } else {
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, data, op,
        {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kBool, DType::kInt8,
         DType::kUInt8, DType::kInt16},
        {}));
  }
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    JITLITE_RETURN_IF_ERROR(CheckCopyOutput(ctx, data, i, op));
  }
  return Status::Ok();
}

Status CheckCopyOutput(const NodeContext& ctx, int data, int output, std::string_view op) {
  const TensorState& in = ctx.input(data);
  const TensorState& out = ctx.output(output);
  if (out.dtype != in.dtype) {
    return InvalidArgument("output " + std::to_string(output) + " has type " +
                           DTypeName(out.dtype) + " but input " + std::to_string(data) +
                           " has type " + DTypeName(in.dtype));
  }
  if (IsRawCopyType(in.dtype) && !SameQuantization(in.quant, out.quant)) {
    return Unimplemented(std::string(op) + " on " + DTypeName(in.dtype) + " with output " +
                         std::to_string(output) + " quantized differently from input " +
                         std::to_string(data) + " would need requantization, which jitlite "
                         "does not support yet (raw copies only)");
  }
  return Status::Ok();
}

StatusOr<int> NormalizeAxis(int64_t axis, int rank, const std::string& what) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank) {
    return InvalidArgument(what + " " + std::to_string(axis) + " is out of range for rank " +
                           std::to_string(rank) + " (valid: " + std::to_string(-rank) + ".." +
                           std::to_string(rank - 1) + ")");
  }
  return static_cast<int>(normalized);
}

StatusOr<int64_t> ReadConstScalarInt(const TensorState& t, const std::string& what) {
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadConstInts(t, what));
  if (values.size() != 1) {
    return InvalidArgument(what + " must hold one value, got shape " + ShapeToString(t.shape));
  }
  return values[0];
}

std::vector<int64_t> RowMajorStrides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int d = static_cast<int>(shape.size()) - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * shape[d + 1];
  }
  return strides;
}

AffineCopy OutputOrderCopy(const Shape& out_shape, std::span<const int64_t> in_strides,
                           int64_t in_base, int input, int output) {
  AffineCopy copy;
  copy.in_base = in_base;
  copy.input = input;
  copy.output = output;
  copy.out_base.assign(out_shape.size(), 0);
  for (size_t d = 0; d < out_shape.size(); ++d) {
    copy.loops.push_back({out_shape[d], in_strides[d], static_cast<int>(d), 1});
  }
  return copy;
}

void EmitAffineCopy(jit::KernelEmitter& e, const AffineCopy& copy) {
  Shape extents;
  for (const CopyLoop& l : copy.loops) extents.push_back(static_cast<int32_t>(l.extent));
  llvm::IRBuilder<>& b = e.b();
  EmitIndexLoops(e, extents, [&](const std::vector<llvm::Value*>& k) {
    llvm::Value* offset = e.I64(copy.in_base);
    std::vector<llvm::Value*> out_index;
    for (int64_t base : copy.out_base) out_index.push_back(e.I64(base));
    for (size_t j = 0; j < copy.loops.size(); ++j) {
      const CopyLoop& l = copy.loops[j];
      if (l.extent == 1) continue;  // k is 0
      if (l.in_stride != 0) offset = b.CreateAdd(offset, b.CreateMul(k[j], e.I64(l.in_stride)));
      llvm::Value*& o = out_index[l.out_dim];
      o = b.CreateAdd(o, b.CreateMul(k[j], e.I64(l.out_step)));
    }
    e.StoreOutput(e.LoadInput(copy.input, offset), out_index, copy.output);
  });
}

Status FoldAffineCopies(const NodeContext& ctx, std::span<const AffineCopy> copies,
                        std::vector<uint8_t>& out, const uint8_t* fill) {
  const TensorState& result = ctx.output(0);
  const size_t elem = DTypeSize(result.dtype);
  const std::vector<int64_t> out_strides = RowMajorStrides(result.shape);
  const int64_t out_count = result.num_elements();
  out.assign(static_cast<size_t>(out_count) * elem, 0);
  if (fill != nullptr) {
    for (int64_t i = 0; i < out_count; ++i) std::memcpy(out.data() + i * elem, fill, elem);
  }
  for (const AffineCopy& copy : copies) {
    if (copy.output != 0) return Internal("folding a copy into an output other than 0");
    const TensorState& in = ctx.input(copy.input);
    const int64_t in_count = static_cast<int64_t>(in.const_bytes / elem);
    bool empty = false;
    for (const CopyLoop& l : copy.loops) empty |= l.extent == 0;
    if (empty) continue;
    std::vector<int64_t> k(copy.loops.size(), 0);
    while (true) {
      int64_t src = copy.in_base, dst = 0;
      for (size_t d = 0; d < copy.out_base.size(); ++d) dst += copy.out_base[d] * out_strides[d];
      for (size_t j = 0; j < k.size(); ++j) {
        src += k[j] * copy.loops[j].in_stride;
        dst += k[j] * copy.loops[j].out_step * out_strides[copy.loops[j].out_dim];
      }
      if (src < 0 || src >= in_count || dst < 0 || dst >= out_count) {
        return Internal("folded copy reaches outside its tensors");
      }
      std::memcpy(out.data() + dst * elem, in.const_data + src * elem, elem);
      int j = static_cast<int>(k.size()) - 1;
      for (; j >= 0; --j) {
        if (++k[j] < copy.loops[j].extent) break;
        k[j] = 0;
      }
      if (j < 0) break;
    }
  }
  return Status::Ok();
}

void EmitSplit(jit::KernelEmitter& e, const Shape& in_shape, int axis,
               std::span<const int64_t> sizes, int input) {
  const std::vector<int64_t> strides = RowMajorStrides(in_shape);
  int64_t start = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Shape out = in_shape;
    out[axis] = static_cast<int32_t>(sizes[i]);
    EmitAffineCopy(e, OutputOrderCopy(out, strides, start * strides[axis], input,
                                      static_cast<int>(i)));
    start += sizes[i];
  }
}

bool AllInputsConstant(const NodeContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.has_input(i) && !ctx.input(i).is_constant()) return false;
  }
  return true;
}

Status AffineCopyOp::Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const {
  JITLITE_ASSIGN_OR_RETURN(std::vector<AffineCopy> copies, Plan(ctx));
  return FoldAffineCopies(ctx, copies, out);
}

Status AffineCopyOp::EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(std::vector<AffineCopy> copies, Plan(ctx));
  for (const AffineCopy& copy : copies) EmitAffineCopy(e, copy);
  return Status::Ok();
}

}  // namespace jitlite::ops
