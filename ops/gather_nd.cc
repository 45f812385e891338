// GATHER_ND: slices of params (input 0) picked by index tuples (input 1,
// INT32/INT64/INT16, innermost dim nd in 1..rank(params)):
//   out shape = indices.shape[:-1] + params.shape[nd:]
//   out[i..., k...] = params[indices[i..., 0], ..., indices[i..., nd-1], k...]
// Params: FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies.
// nd = 0 is rejected (LiteRT fails such a node at invoke).
//
// Each index component is checked against its params dim: runtime ones out of
// range fail the invoke, as in TFLite (the kernel clamps them, so it never
// reads out of bounds); constant ones are rejected at allocate.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

StatusOr<int> CheckedNd(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "GATHER_ND", /*half_floats=*/true));
  const TensorState& params = ctx.input(0);
  const TensorState& indices = ctx.input(1);
  if (indices.dtype != DType::kInt32 && indices.dtype != DType::kInt64 &&
      indices.dtype != DType::kInt16) {
    return InvalidArgument(std::string("indices (input 1) have type ") + DTypeName(indices.dtype) +
                           "; GATHER_ND takes INT32, INT64 or INT16");
  }
  if (params.rank() < 1 || indices.rank() < 1) {
    return InvalidArgument("params and indices must be at least vectors; got " +
                           ShapeToString(params.shape) + ", " + ShapeToString(indices.shape));
  }
  const int nd = indices.dim(indices.rank() - 1);
  if (nd < 1 || nd > params.rank()) {
    return InvalidArgument("indices' innermost dim is " + std::to_string(nd) +
                           "; it must be in 1..rank of params (" + std::to_string(params.rank()) +
                           ")");
  }
  if (indices.rank() - 1 + params.rank() - nd > 8) {
    return InvalidArgument("the output would have more than 8 dims");
  }
  if (params.num_elements() == 0 && indices.num_elements() > 0) {
    return InvalidArgument("params " + ShapeToString(params.shape) +
                           " are empty, so every index is out of range");
  }
  if (indices.is_constant()) {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(indices, "indices"));
    for (size_t i = 0; i < v.size(); ++i) {
      const int dim = params.dim(static_cast<int>(i % nd));
      if (v[i] < 0 || v[i] >= dim) {
        return InvalidArgument("indices[" + std::to_string(i) + "] = " + std::to_string(v[i]) +
                               " is out of range for params dim " + std::to_string(i % nd) +
                               " of size " + std::to_string(dim));
      }
    }
  }
  return nd;
}

class GatherNdOp : public OpDef {
 public:
  std::string_view name() const override { return "GATHER_ND"; }
  std::vector<int> builtin_codes() const override { return {107}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int nd, CheckedNd(ctx));
    const Shape& params = ctx.input(0).shape;
    const Shape& indices = ctx.input(1).shape;
    Shape out(indices.begin(), indices.end() - 1);
    out.insert(out.end(), params.begin() + nd, params.end());
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  // Loops over the index dims read and check one tuple; the loops over the
  // trailing params dims copy its slice.
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int nd, CheckedNd(ctx));
    const Shape& out = ctx.output(0).shape;
    if (NumElements(out) == 0) return Status::Ok();
    const Shape& params = ctx.input(0).shape;
    const int lead = ctx.input(1).rank() - 1;
    const std::vector<int64_t> ps = RowMajorStrides(params);
    const std::string message = "GATHER_ND: index out of range for params " + ShapeToString(params);
    llvm::IRBuilder<>& b = e.b();
    std::vector<Value*> idx(out.size());
    Shape head(out.begin(), out.begin() + lead);
    std::vector<Value*> head_idx(head.size());
    EmitIndexNest(e, head, 0, head_idx, [&] {
      std::copy(head_idx.begin(), head_idx.end(), idx.begin());
      Value* tuple = b.CreateMul(jit::LinearOffsetOf(b, head, head_idx), e.I64(nd));
      Value* base = e.I64(0);
      for (int c = 0; c < nd; ++c) {
        Value* v = b.CreateSExt(e.LoadInput(1, b.CreateAdd(tuple, e.I64(c))), b.getInt64Ty());
        v = e.CheckedIndex(v, params[c], message);
        base = b.CreateAdd(base, b.CreateMul(v, e.I64(ps[c])));
      }
      EmitIndexNest(e, out, lead, idx, [&] {
        Value* offset = base;
        for (size_t d = nd; d < params.size(); ++d) {
          offset = b.CreateAdd(offset, b.CreateMul(idx[lead + d - nd], e.I64(ps[d])));
        }
        e.StoreOutput(e.LoadInput(0, offset), idx);
      });
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& gather_nd_op() {
  static const GatherNdOp op;
  return op;
}

}  // namespace jitlite::ops
