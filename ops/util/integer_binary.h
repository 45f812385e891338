// Prepare of the elementwise integer bit ops (BITWISE_XOR, RIGHT_SHIFT): two
// inputs of one of the integer types TFLite's kernels take, numpy
// broadcasting up to rank 8.
#pragma once

#include <string_view>

#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {

inline Status PrepareIntegerBinary(NodeContext& ctx, std::string_view op) {
  const std::initializer_list<DType> kTypes = {DType::kInt8,  DType::kUInt8,  DType::kInt16,
                                               DType::kUInt16, DType::kInt32, DType::kUInt32};
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, op, kTypes, {}));
  return PrepareBinary(ctx, kTypes, 8);
}

}  // namespace jitlite::ops
