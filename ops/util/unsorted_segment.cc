// UNSORTED_SEGMENT_* (see ops/util/unsorted_segment.h).
#include "ops/util/unsorted_segment.h"

#include <string>
#include <vector>

#include "ops/util/data_movement.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct SegmentPlan {
  Shape out;
  ScatterSpec spec;
};

StatusOr<SegmentPlan> Plan(const NodeContext& ctx, ScatterCombiner combiner) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  const TensorState& data = ctx.input(0);
  const TensorState& ids = ctx.input(1);
  const TensorState& num = ctx.input(2);
  if (data.dtype != DType::kFloat32 && data.dtype != DType::kInt32) {
    return InvalidArgument(std::string("data (input 0) has type ") + DTypeName(data.dtype) +
                           "; TFLite takes FLOAT32 or INT32");
  }
  if (ids.dtype != DType::kInt32 || num.dtype != DType::kInt32) {
    return InvalidArgument("segment_ids and num_segments must be INT32");
  }
  bool prefix = ids.rank() <= data.rank();
  for (int d = 0; prefix && d < ids.rank(); ++d) prefix = ids.dim(d) == data.dim(d);
  if (!prefix) {
    return InvalidArgument("segment_ids shape " + ShapeToString(ids.shape) +
                           " is not a prefix of data shape " + ShapeToString(data.shape));
  }
  if (num.num_elements() != 1 || num.rank() > 1) {
    return InvalidArgument("num_segments must be a scalar or a 1-element vector, got shape " +
                           ShapeToString(num.shape));
  }
  if (!num.is_constant()) {
    return Unimplemented("num_segments (input 2) is computed: the output shape would depend on "
                         "runtime data, which jitlite does not support (shapes are fixed at "
                         "compile time)");
  }
  JITLITE_ASSIGN_OR_RETURN(int64_t n, ReadConstScalarInt(num, "num_segments (input 2)"));
  if (n < 0) return InvalidArgument("num_segments is " + std::to_string(n) + "; must be >= 0");
  SegmentPlan p;
  p.out.push_back(static_cast<int32_t>(n));
  p.out.insert(p.out.end(), data.shape.begin() + ids.rank(), data.shape.end());
  p.spec.data = 0;
  p.spec.count = ids.num_elements();
  p.spec.row = NumElements(Shape(p.out.begin() + 1, p.out.end()));
  p.spec.out_rows = n;
  p.spec.combiner = combiner;
  if (ids.is_constant()) {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(ids, "segment_ids"));
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] >= n) {
        return InvalidArgument("segment_ids[" + std::to_string(i) + "] = " +
                               std::to_string(v[i]) + " is not below num_segments " +
                               std::to_string(n));
      }
    }
  }
  return p;
}

}  // namespace

Status UnsortedSegmentOp::Prepare(NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(SegmentPlan p, Plan(ctx, combiner_));
  ctx.SetOutput(0, ctx.input(0).dtype, p.out);
  return Status::Ok();
}

Status UnsortedSegmentOp::EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(SegmentPlan p, Plan(ctx, combiner_));
  llvm::IRBuilder<>& b = e.b();
  const std::string message = std::string(name_) + ": segment id out of range (num_segments " +
                              std::to_string(p.spec.out_rows) + ")";
  EmitScatterReduce(e, p.spec, [&](Value* i, bool report) -> std::pair<Value*, Value*> {
    Value* id = b.CreateSExt(e.LoadInput(1, i), b.getInt64Ty());
    Value* too_big = b.CreateICmpSGE(id, e.I64(p.spec.out_rows));
    if (report) e.If(too_big, [&] { e.ReportError(message); });
    Value* valid = b.CreateAnd(b.CreateICmpSGE(id, e.I64(0)), b.CreateNot(too_big));
    return {b.CreateSelect(valid, id, e.I64(0)), valid};
  });
  return Status::Ok();
}

}  // namespace jitlite::ops
