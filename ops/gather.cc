// GATHER: picks slices of params (input 0) along GatherOptions.axis at the
// positions held by indices (input 1, INT32/INT64/INT16, any rank). With
// batch_dims = b, the first b dims of params and indices are batch dims
// walked together:
//   out shape = params[:axis] + indices[b:] + params[axis+1:]
//   out[p..., i..., q...] = params[p..., indices[p[:b]..., i...], q...]
// axis counts from the end when negative (in [-rank, rank)), batch_dims
// likewise over indices' rank; 0 <= batch_dims <= axis. Params: FLOAT32,
// INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies; STRING params of the
// main graph arrive here as INT32 ids (lib/string_tensors.h).
//
// Out-of-range indices: constant ones are rejected here (InvalidArgument at
// allocate); runtime ones fail the invoke, as in TFLite (the kernel clamps
// them, so it never reads out of bounds).
//
// Kernel: loops over the output dims up to and including the index dims
// load and check the index once; the loops over the trailing params dims copy
// a contiguous row. Both inputs constant: folded.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct GatherParams {
  int axis = 0;
  int batch_dims = 0;
};

// params viewed as [batch, outer, axis, inner], indices as [batch, count].
struct FlatView {
  int64_t batch = 1, outer = 1, axis = 1, inner = 1, count = 1;
};

StatusOr<GatherParams> CheckedParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "GATHER", /*half_floats=*/true));
  const TensorState& params = ctx.input(0);
  const TensorState& indices = ctx.input(1);
  if (indices.dtype != DType::kInt32 && indices.dtype != DType::kInt64 &&
      indices.dtype != DType::kInt16) {
    return InvalidArgument(std::string("indices (input 1) have type ") +
                           DTypeName(indices.dtype) + "; GATHER takes INT32, INT64 or INT16");
  }
  const auto* opts = ctx.op()->builtin_options_as_GatherOptions();
  GatherParams p;
  JITLITE_ASSIGN_OR_RETURN(p.axis, NormalizeAxis(opts ? opts->axis() : 0, params.rank(),
                                                 "GatherOptions.axis"));
  int batch_dims = opts ? opts->batch_dims() : 0;
  p.batch_dims = batch_dims < 0 ? batch_dims + indices.rank() : batch_dims;
  if (p.batch_dims < 0 || p.batch_dims > indices.rank() || p.batch_dims > p.axis) {
    return InvalidArgument("GatherOptions.batch_dims " + std::to_string(batch_dims) +
                           " is out of range: need 0 <= batch_dims <= rank of indices (" +
                           std::to_string(indices.rank()) + ") and <= axis (" +
                           std::to_string(p.axis) + ")");
  }
  for (int d = 0; d < p.batch_dims; ++d) {
    if (params.dim(d) != indices.dim(d)) {
      return InvalidArgument("batch dim " + std::to_string(d) + " differs: params " +
                             ShapeToString(params.shape) + ", indices " +
                             ShapeToString(indices.shape));
    }
  }
  if (params.rank() - 1 + indices.rank() - p.batch_dims > 8) {
    return InvalidArgument("the output would have more than 8 dims");
  }
  return p;
}

FlatView Flatten(const NodeContext& ctx, const GatherParams& p) {
  const Shape& params = ctx.input(0).shape;
  const Shape& indices = ctx.input(1).shape;
  FlatView v;
  for (int d = 0; d < p.batch_dims; ++d) v.batch *= params[d];
  for (int d = p.batch_dims; d < p.axis; ++d) v.outer *= params[d];
  v.axis = params[p.axis];
  for (size_t d = p.axis + 1; d < params.size(); ++d) v.inner *= params[d];
  for (size_t d = p.batch_dims; d < indices.size(); ++d) v.count *= indices[d];
  return v;
}

int64_t ConstIndex(const TensorState& t, int64_t i) {
  switch (t.dtype) {
    case DType::kInt16: return t.const_as<int16_t>()[i];
    case DType::kInt32: return t.const_as<int32_t>()[i];
    default: return t.const_as<int64_t>()[i];
  }
}

// Constant indices are checked at compile time (TFLite: an error at invoke).
Status CheckConstIndices(const NodeContext& ctx, const FlatView& v) {
  const TensorState& t = ctx.input(1);
  if (!t.is_constant()) return Status::Ok();
  const int64_t n = t.num_elements();
  if (t.const_bytes < static_cast<size_t>(n) * DTypeSize(t.dtype)) {
    return InvalidArgument("constant indices have too little data");
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t index = ConstIndex(t, i);
    if (index < 0 || index >= v.axis) {
      return InvalidArgument("indices[" + std::to_string(i) + "] = " + std::to_string(index) +
                             " is out of range for a gather axis of size " +
                             std::to_string(v.axis));
    }
  }
  return Status::Ok();
}

class GatherOp : public OpDef {
 public:
  std::string_view name() const override { return "GATHER"; }
  std::vector<int> builtin_codes() const override { return {36}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(GatherParams p, CheckedParams(ctx));
    const Shape& params = ctx.input(0).shape;
    const Shape& indices = ctx.input(1).shape;
    FlatView v = Flatten(ctx, p);
    JITLITE_RETURN_IF_ERROR(CheckConstIndices(ctx, v));
    if (v.axis == 0 && v.batch * v.outer * v.count * v.inner > 0) {
      return InvalidArgument("params dim " + std::to_string(p.axis) + " is 0, so every index "
                             "is out of range");  // and there is no row to clamp to
    }
    Shape out(params.begin(), params.begin() + p.axis);
    out.insert(out.end(), indices.begin() + p.batch_dims, indices.end());
    out.insert(out.end(), params.begin() + p.axis + 1, params.end());
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return AllInputsConstant(ctx); }

  // out[b, o, m, k] = params[b, o, indices[b, m], k], whole k rows at a time.
  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(GatherParams p, CheckedParams(ctx));
    FlatView v = Flatten(ctx, p);
    JITLITE_RETURN_IF_ERROR(CheckConstIndices(ctx, v));
    const TensorState& params = ctx.input(0);
    const size_t elem = DTypeSize(params.dtype);
    const size_t row = static_cast<size_t>(v.inner) * elem;
    if (params.const_bytes < static_cast<size_t>(params.num_elements()) * elem) {
      return InvalidArgument("constant params have too little data");
    }
    out.assign(static_cast<size_t>(v.batch * v.outer * v.count) * row, 0);
    if (row == 0) return Status::Ok();
    uint8_t* dst = out.data();
    for (int64_t b = 0; b < v.batch; ++b) {
      for (int64_t o = 0; o < v.outer; ++o) {
        for (int64_t m = 0; m < v.count; ++m, dst += row) {
          int64_t index = ConstIndex(ctx.input(1), b * v.count + m);
          std::memcpy(dst, params.const_data + ((b * v.outer + o) * v.axis + index) * row, row);
        }
      }
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(GatherParams p, CheckedParams(ctx));
    const Shape& out = ctx.output(0).shape;
    if (NumElements(out) == 0) return Status::Ok();
    const Shape& params = ctx.input(0).shape;
    const Shape& indices = ctx.input(1).shape;
    const int index_dims = static_cast<int>(indices.size()) - p.batch_dims;
    const int trailing_start = p.axis + index_dims;  // first output dim after the index dims
    const std::vector<int64_t> ps = RowMajorStrides(params);
    llvm::IRBuilder<>& b = e.b();
    std::vector<Value*> idx(out.size());
    Shape head(out.begin(), out.begin() + trailing_start);
    std::vector<Value*> head_idx(head.size());
    EmitIndexNest(e, head, 0, head_idx, [&] {
      std::copy(head_idx.begin(), head_idx.end(), idx.begin());
      // The index: indices[o[:batch_dims]..., o[axis : axis + index_dims]...].
      std::vector<Value*> where(idx.begin(), idx.begin() + p.batch_dims);
      where.insert(where.end(), idx.begin() + p.axis, idx.begin() + trailing_start);
      Value* index = b.CreateSExt(e.LoadInput(1, e.LinearOffset(indices, where)), b.getInt64Ty());
      index = e.CheckedIndex(index, params[p.axis], "GATHER: index out of range (" +
                             std::to_string(params[p.axis]) + " rows)");
      Value* base = b.CreateMul(index, e.I64(ps[p.axis]));
      for (int d = 0; d < p.axis; ++d) {
        if (params[d] != 1) base = b.CreateAdd(base, b.CreateMul(idx[d], e.I64(ps[d])));
      }
      EmitIndexNest(e, out, trailing_start, idx, [&] {
        Value* offset = base;
        for (size_t d = p.axis + 1; d < params.size(); ++d) {
          Value* k = idx[trailing_start + (d - p.axis - 1)];
          offset = b.CreateAdd(offset, b.CreateMul(k, e.I64(ps[d])));
        }
        e.StoreOutput(e.LoadInput(0, offset), idx);
      });
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& gather_op() {
  static const GatherOp op;
  return op;
}

}  // namespace jitlite::ops
