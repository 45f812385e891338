// Shared by MEAN and SUM (ops/mean.cc, ops/sum.cc): the axis/keep_dims shape
// rule and the reduction loop nest. Both ops are "sum the reduced dims of
// each output element", MEAN then divides by the element count.
#pragma once

#include <cstdint>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

enum class ReduceKind { kSum, kMean };

// The reduction, resolved at compile time from the axes and keep_dims.
struct ReducePlan {
  std::vector<bool> reduced;  // per input dim
  bool keep_dims = false;
  int64_t count = 1;          // input elements summed into each output element
  Shape out_shape;
};

// Reads input 1 (constant int32 axes as in TFLite, negative and duplicate axes
// allowed) and ReducerOptions.keep_dims; errors name the bad axis.
StatusOr<ReducePlan> PlanReduce(const NodeContext& ctx);

// Prepare for MEAN/SUM: FLOAT32, INT32, INT64 input; output same dtype.
Status PrepareMeanSum(NodeContext& ctx, const char* op_name);

// Emits the reduction; every output element goes through StoreOutput.
Status EmitMeanSum(jit::KernelEmitter& e, const NodeContext& ctx, ReduceKind kind);

}  // namespace jitlite::ops
