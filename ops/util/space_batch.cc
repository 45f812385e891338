// Operands and block geometry of SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND (see
// ops/util/space_batch.h).
#include "ops/util/space_batch.h"

#include <algorithm>

#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

// TFLite checks these itself, so a violation is InvalidArgument.
Status CheckQuantization(const NodeContext& ctx, std::string_view op) {
  const TensorState& in = ctx.input(0);
  if (in.dtype != DType::kInt8 && in.dtype != DType::kUInt8 && in.dtype != DType::kInt16) {
    return Status::Ok();
  }
  if (!SameQuantization(in.quant, ctx.output(0).quant)) {
    return InvalidArgument(std::string(op) + " on " + DTypeName(in.dtype) +
                           " needs the output quantized like input 0 (same scale and zero "
                           "point)");
  }
  if (in.dtype == DType::kInt16 && in.quant != nullptr) {
    for (int64_t zp : in.quant->zero_points) {
      if (zp != 0) {
        return InvalidArgument(std::string(op) + " on INT16 needs zero point 0, got " +
                               std::to_string(zp));
      }
    }
  }
  return Status::Ok();
}

// Input i: a constant INT32 tensor of `shape`, read into int64s.
StatusOr<std::vector<int64_t>> ReadConstInt32s(const NodeContext& ctx, int i,
                                               const std::string& what, const Shape& shape) {
  const TensorState& t = ctx.input(i);
  const std::string name = what + " (input " + std::to_string(i) + ")";
  if (t.dtype != DType::kInt32) {
    return InvalidArgument(name + " has type " + DTypeName(t.dtype) + "; TFLite supports INT32");
  }
  if (t.shape != shape) {
    return InvalidArgument(name + " has shape " + ShapeToString(t.shape) + "; expected " +
                           ShapeToString(shape) + " for input 0 " +
                           ShapeToString(ctx.input(0).shape));
  }
  if (!t.is_constant()) {
    return Unimplemented(name + " is not a constant tensor; jitlite needs it constant because "
                         "the output shape must be known at compile time");
  }
  return ReadConstInts(t, name);
}

int64_t CeilDiv(int64_t a, int64_t b) {  // b > 0
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

}  // namespace

StatusOr<SpaceBatchParams> ReadSpaceBatchParams(const NodeContext& ctx, std::string_view op,
                                                const std::string& amounts) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, op,
      {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kInt64,
       DType::kBool, DType::kInt8, DType::kUInt8, DType::kInt16, DType::kComplex64},
      {}));
  JITLITE_RETURN_IF_ERROR(CheckQuantization(ctx, op));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, op, /*half_floats=*/true, /*complex64=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 3, 4));
  const int32_t m = ctx.input(0).rank() - 2;
  SpaceBatchParams p;
  JITLITE_ASSIGN_OR_RETURN(p.block, ReadConstInt32s(ctx, 1, "block_shape", {m}));
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> pairs, ReadConstInt32s(ctx, 2, amounts, {m, 2}));
  for (int d = 0; d < m; ++d) {
    if (p.block[d] < 1) {
      return InvalidArgument("block_shape[" + std::to_string(d) + "] = " +
                             std::to_string(p.block[d]) + " must be >= 1");
    }
    if (pairs[2 * d] < 0 || pairs[2 * d + 1] < 0) {
      return InvalidArgument(amounts + " for spatial dim " + std::to_string(d) + " are (" +
                             std::to_string(pairs[2 * d]) + ", " +
                             std::to_string(pairs[2 * d + 1]) + "); they must be >= 0");
    }
    p.before.push_back(pairs[2 * d]);
    p.after.push_back(pairs[2 * d + 1]);
  }
  return p;
}

void ForEachBlockOffset(const std::vector<int64_t>& block,
                        const std::function<void(int64_t, const std::vector<int64_t>&)>& fn) {
  std::vector<int64_t> offset(block.size(), 0);
  for (int64_t k = 0;; ++k) {
    fn(k, offset);
    int d = static_cast<int>(block.size()) - 1;
    for (; d >= 0; --d) {
      if (++offset[d] < block[d]) break;
      offset[d] = 0;
    }
    if (d < 0) return;
  }
}

std::pair<int64_t, int64_t> IndicesInside(int64_t stride, int64_t offset, int64_t limit,
                                          int64_t count) {
  const int64_t first = std::clamp<int64_t>(CeilDiv(-offset, stride), 0, count);
  const int64_t end = std::clamp<int64_t>(CeilDiv(limit - offset, stride), first, count);
  return {first, end};
}

}  // namespace jitlite::ops
