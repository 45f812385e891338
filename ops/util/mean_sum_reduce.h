// Shared by the reductions over constant axes: MEAN, SUM, REDUCE_PROD,
// REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL (ops/mean.cc, ops/sum.cc,
// ops/reduce_*.cc). All are "fold the reduced dims of each output element
// with one combiner from its identity" (MEAN then divides by the count): the
// axis/keep_dims shape rule and the loop nests are the same for every kind.
#pragma once

#include <cstdint>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

enum class ReduceKind { kSum, kMean, kProd, kMax, kMin, kAny, kAll };

// The reduction, resolved at compile time from the axes and keep_dims.
struct ReducePlan {
  std::vector<bool> reduced;  // per input dim
  bool keep_dims = false;
  int64_t count = 1;          // input elements folded into each output element
  Shape out_shape;
};

// Reads input 1 (constant int32 axes as in TFLite, negative and duplicate axes
// allowed) and ReducerOptions.keep_dims; errors name the bad axis.
StatusOr<ReducePlan> PlanReduce(const NodeContext& ctx);

// Prepare for a reduction: BOOL input for ANY/ALL, FLOAT32, INT32, INT64 for
// the others, and quantized INT8/UINT8/INT16 (PROD: INT8/INT16); output same
// dtype.
Status PrepareReduce(NodeContext& ctx, const char* op_name, ReduceKind kind);

// Emits the reduction; every output element goes through StoreOutput.
Status EmitReduce(jit::KernelEmitter& e, const NodeContext& ctx, ReduceKind kind);

// The OpDef of one reduction builtin; each ops/<name>.cc holds one instance.
class ReduceOp : public OpDef {
 public:
  constexpr ReduceOp(const char* name, int builtin_code, ReduceKind kind)
      : name_(name), code_(builtin_code), kind_(kind) {}
  std::string_view name() const override { return name_; }
  std::vector<int> builtin_codes() const override { return {code_}; }
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override { return PrepareReduce(ctx, name_, kind_); }
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    return EmitReduce(e, ctx, kind_);
  }

 private:
  const char* name_;
  int code_;
  ReduceKind kind_;
};

}  // namespace jitlite::ops
