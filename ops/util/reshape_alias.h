// Shared by the alias ops RESHAPE, SQUEEZE and EXPAND_DIMS (ops/reshape.cc,
// ops/squeeze.cc, ops/expand_dims.cc): their output is input 0's bytes under
// another shape, so only element types with a fixed size qualify and the
// model's output tensor must declare input 0's type.
#pragma once

#include <string>

#include "ops/op.h"

namespace jitlite::ops {

inline Status CheckAliasTypes(const NodeContext& ctx) {
  DType in = ctx.input(0).dtype;
  if (in == DType::kString || in == DType::kVariant || in == DType::kResource ||
      DTypeSize(in) == 0) {
    return Unimplemented(std::string("input 0 has type ") + DTypeName(in) +
                         "; only fixed-size element types are supported");
  }
  DType out = ctx.output(0).dtype;
  if (out != in) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out) +
                           " but input 0 has type " + DTypeName(in) +
                           "; the op does not convert types");
  }
  return Status::Ok();
}

}  // namespace jitlite::ops
