// Shape rules shared by the elementwise ops (see ops/util/elementwise.h).
#include "ops/util/elementwise.h"

#include <string>

namespace jitlite::ops {

Status PrepareBinary(NodeContext& ctx, std::initializer_list<DType> allowed, int max_rank,
                     const DType* out_dtype) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(0, allowed));
  if (ctx.input(1).dtype != ctx.input(0).dtype) {
    return InvalidArgument(std::string("input types differ: ") + DTypeName(ctx.input(0).dtype) +
                           " and " + DTypeName(ctx.input(1).dtype));
  }
  JITLITE_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(ctx.input(0).shape, ctx.input(1).shape));
  if (static_cast<int>(shape.size()) > max_rank) {
    return InvalidArgument("broadcast rank " + std::to_string(shape.size()) + " exceeds " +
                           std::to_string(max_rank));
  }
  ctx.SetOutput(0, out_dtype ? *out_dtype : ctx.input(0).dtype, shape);
  return Status::Ok();
}

Status PrepareUnary(NodeContext& ctx, std::initializer_list<DType> allowed) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(0, allowed));
  ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
  return Status::Ok();
}

}  // namespace jitlite::ops
