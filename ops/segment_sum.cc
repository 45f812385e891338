// SEGMENT_SUM: out[s] = sum of the rows data[i] (input 0, FLOAT32 or INT32)
// with segment_ids[i] == s (input 1, INT32, one id per row of data). As in
// TFLite the ids must start at 0 and grow by 0 or 1 from row to row; the
// output has max id + 1 rows, so the ids must be constant here (computed ids
// would make the output shape depend on runtime data: Unimplemented).
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/scatter_reduce.h"

namespace jitlite::ops {
namespace {

StatusOr<ScatterSpec> Plan(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  const TensorState& data = ctx.input(0);
  const TensorState& ids = ctx.input(1);
  if (data.dtype != DType::kFloat32 && data.dtype != DType::kInt32) {
    return InvalidArgument(std::string("data (input 0) has type ") + DTypeName(data.dtype) +
                           "; TFLite's SEGMENT_SUM takes FLOAT32 or INT32");
  }
  if (ids.dtype != DType::kInt32) {
    return InvalidArgument(std::string("segment_ids (input 1) have type ") +
                           DTypeName(ids.dtype) + "; TFLite takes INT32");
  }
  if (data.rank() < 1 || ids.rank() != 1 || ids.dim(0) != data.dim(0)) {
    return InvalidArgument("segment_ids " + ShapeToString(ids.shape) + " must be 1-D with one id "
                           "per row of data " + ShapeToString(data.shape));
  }
  if (!ids.is_constant()) {
    return Unimplemented("segment_ids (input 1) are computed: the output's row count (max id + "
                         "1) would depend on runtime data, which jitlite does not support");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(ids, "segment_ids"));
  for (size_t i = 0; i < v.size(); ++i) {
    int64_t step = i == 0 ? v[0] : v[i] - v[i - 1];
    if ((i == 0 && step != 0) || (i > 0 && step != 0 && step != 1)) {
      return InvalidArgument("segment_ids[" + std::to_string(i) + "] = " + std::to_string(v[i]) +
                             ": TFLite needs ids that start at 0 and grow by 0 or 1");
    }
  }
  ScatterSpec s;
  s.data = 0;
  s.count = data.dim(0);
  s.row = NumElements(Shape(data.shape.begin() + 1, data.shape.end()));
  s.out_rows = v.empty() ? 0 : v.back() + 1;
  return s;
}

class SegmentSumOp : public OpDef {
 public:
  std::string_view name() const override { return "SEGMENT_SUM"; }
  std::vector<int> builtin_codes() const override { return {125}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ScatterSpec s, Plan(ctx));
    Shape out = ctx.input(0).shape;
    out[0] = static_cast<int32_t>(s.out_rows);
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ScatterSpec s, Plan(ctx));
    llvm::IRBuilder<>& b = e.b();
    // The ids were checked at compile time; they are still read through their pointer.
    EmitScatterReduce(e, s, [&](llvm::Value* i, bool) -> std::pair<llvm::Value*, llvm::Value*> {
      llvm::Value* id = b.CreateSExt(e.LoadInput(1, i), b.getInt64Ty());
      return {e.Clamp(id, e.I64(0), e.I64(std::max<int64_t>(0, s.out_rows - 1))), nullptr};
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& segment_sum_op() {
  static const SegmentSumOp op;
  return op;
}

}  // namespace jitlite::ops
