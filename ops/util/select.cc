// Shared SELECT / SELECT_V2 checks (see ops/util/select.h).
#include "ops/util/select.h"

#include <string>

#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {

Status CheckSelectInputs(const NodeContext& ctx, std::string_view op) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  if (ctx.input(0).dtype != DType::kBool) {
    return InvalidArgument("the condition (input 0) has type " +
                           std::string(DTypeName(ctx.input(0).dtype)) + "; " + std::string(op) +
                           " needs BOOL");
  }
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 1, op,
      {DType::kBool, DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kUInt8,
       DType::kInt8, DType::kInt16, DType::kInt32, DType::kInt64, DType::kComplex64},
      {}));
  if (ctx.input(2).dtype != ctx.input(1).dtype) {
    return InvalidArgument(std::string("x and y types differ: ") +
                           DTypeName(ctx.input(1).dtype) + " and " +
                           DTypeName(ctx.input(2).dtype));
  }
  return Status::Ok();
}

}  // namespace jitlite::ops
