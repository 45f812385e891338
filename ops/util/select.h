// Checks shared by SELECT and SELECT_V2 (out = condition ? x : y): the input
// count and types. They differ in how the condition's shape lines up with x
// and y (see ops/select.cc and ops/select_v2.cc).
#pragma once

#include <string_view>

#include "ops/op.h"

namespace jitlite::ops {

// Three inputs; the condition is BOOL; x and y have one type among those
// TFLite selects on (BOOL, FLOAT32, UINT8, INT8, INT16, INT32, INT64; values
// are copied as they are, so quantized ones need nothing more).
Status CheckSelectInputs(const NodeContext& ctx, std::string_view op);

}  // namespace jitlite::ops
