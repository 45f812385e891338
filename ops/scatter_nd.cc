// SCATTER_ND: out = zeros(shape) with updates (input 1) added at the
// positions held by indices (input 0, INT32, innermost dim = ix):
//   out[indices[i..., :], k...] += updates[i..., k...]
// shape (input 2, INT32 like the indices) must be constant here (it is the
// output shape). Duplicate indices add up, in source order, as in TFLite.
// Updates: FLOAT32, INT32, INT64, BOOL (duplicates OR), and INT8/UINT8 with
// TFLite's raw wrapping sums (output quantized like the updates).
//
// Runtime indices out of range in any dim fail the invoke, as in TFLite (the
// kernel clamps them, so it never writes out of bounds); constant ones are
// rejected at allocate.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/scatter_reduce.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct ScatterNdPlan {
  Shape out;
  int ix = 0;  // index components per update
  ScatterSpec spec;
};

Status CheckTypes(const NodeContext& ctx) {
  const DType t = ctx.input(1).dtype;
  if (t == DType::kInt16 || t == DType::kFloat16 || t == DType::kBFloat16) {
    return InvalidArgument(std::string("updates (input 1) have type ") + DTypeName(t) +
                           "; TFLite's SCATTER_ND takes FLOAT32, INT32, INT64, BOOL, INT8, UINT8");
  }
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 1, "SCATTER_ND"));
  if (ctx.input(0).dtype != DType::kInt32 || ctx.input(2).dtype != DType::kInt32) {
    return InvalidArgument(std::string("indices and shape have types ") +
                           DTypeName(ctx.input(0).dtype) + ", " + DTypeName(ctx.input(2).dtype) +
                           "; TFLite's SCATTER_ND takes INT32 for both");
  }
  return Status::Ok();
}

StatusOr<ScatterNdPlan> Plan(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx));
  const TensorState& indices = ctx.input(0);
  const TensorState& updates = ctx.input(1);
  if (indices.rank() < 1 || updates.rank() < 1 || ctx.input(2).rank() != 1) {
    return InvalidArgument("indices and updates need rank >= 1 and shape rank 1; got " +
                           ShapeToString(indices.shape) + ", " + ShapeToString(updates.shape) +
                           ", " + ShapeToString(ctx.input(2).shape));
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> shape,
                           ReadConstInts(ctx.input(2), "shape (input 2)"));
  ScatterNdPlan p;
  const int outer = indices.rank() - 1;
  p.ix = indices.dim(outer);
  const std::string shapes = "indices " + ShapeToString(indices.shape) + ", updates " +
                             ShapeToString(updates.shape) + ", shape of " +
                             std::to_string(shape.size()) + " dims";
  bool ok = p.ix <= static_cast<int>(shape.size()) && updates.rank() >= outer &&
            updates.rank() - outer == static_cast<int>(shape.size()) - p.ix;
  for (int d = 0; ok && d < outer; ++d) ok = indices.dim(d) == updates.dim(d);
  for (int d = outer; ok && d < updates.rank(); ++d) ok = updates.dim(d) == shape[p.ix + d - outer];
  if (!ok) {
    return InvalidArgument("shapes do not fit (" + shapes + "): need updates = indices.shape[:-1] "
                           "+ shape[indices.shape[-1]:]");
  }
  for (int64_t d : shape) {
    if (d < 0 || d > INT32_MAX) return InvalidArgument("shape has a bad size " + std::to_string(d));
    p.out.push_back(static_cast<int32_t>(d));
  }
  p.spec.data = 1;
  p.spec.count = 1;
  for (int d = 0; d < outer; ++d) p.spec.count *= indices.dim(d);
  p.spec.out_rows = 1;
  for (int d = 0; d < p.ix; ++d) p.spec.out_rows *= p.out[d];
  p.spec.row = 1;
  for (size_t d = p.ix; d < p.out.size(); ++d) p.spec.row *= p.out[d];
  return p;
}

Status CheckConstIndices(const NodeContext& ctx, const ScatterNdPlan& p) {
  const TensorState& t = ctx.input(0);
  if (!t.is_constant()) return Status::Ok();
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(t, "indices (input 0)"));
  for (size_t i = 0; i < v.size(); ++i) {
    int dim = p.out[i % p.ix];
    if (v[i] < 0 || v[i] >= dim) {
      return InvalidArgument("indices[" + std::to_string(i) + "] = " + std::to_string(v[i]) +
                             " is out of range for output dim " + std::to_string(i % p.ix) +
                             " of size " + std::to_string(dim));
    }
  }
  return Status::Ok();
}

class ScatterNdOp : public OpDef {
 public:
  std::string_view name() const override { return "SCATTER_ND"; }
  std::vector<int> builtin_codes() const override { return {122}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ScatterNdPlan p, Plan(ctx));
    JITLITE_RETURN_IF_ERROR(CheckConstIndices(ctx, p));
    ctx.SetOutput(0, ctx.input(1).dtype, p.out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ScatterNdPlan p, Plan(ctx));
    llvm::IRBuilder<>& b = e.b();
    const std::vector<int64_t> strides =
        RowMajorStrides(Shape(p.out.begin(), p.out.begin() + p.ix));
    const std::string message = "SCATTER_ND: index out of range for output shape " +
                                ShapeToString(p.out);
    EmitScatterReduce(e, p.spec, [&](Value* i, bool report) -> std::pair<Value*, Value*> {
      Value* row = e.I64(0);
      for (int c = 0; c < p.ix; ++c) {
        Value* at = b.CreateAdd(b.CreateMul(i, e.I64(p.ix)), e.I64(c));
        Value* v = b.CreateSExt(e.LoadInput(0, at), b.getInt64Ty());
        v = report ? e.CheckedIndex(v, p.out[c], message)
                   : e.Clamp(v, e.I64(0), e.I64(p.out[c] - 1));
        row = b.CreateAdd(row, b.CreateMul(v, e.I64(strides[c])));
      }
      return {row, nullptr};
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& scatter_nd_op() {
  static const ScatterNdOp op;
  return op;
}

}  // namespace jitlite::ops
