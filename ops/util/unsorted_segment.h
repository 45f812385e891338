// UNSORTED_SEGMENT_SUM/MAX/MIN/PROD (ops/unsorted_segment_*.cc): row i of
// data (input 0) is folded into output row segment_ids[i] (input 1, INT32,
// shape = a prefix of data's shape; negative ids are skipped, as in TFLite):
//   out shape = [num_segments] + data.shape[rank(segment_ids):]
// num_segments (input 2, INT32 scalar or [1]) must be constant here, since it
// is the output's first dim. Ids may be constant (checked at allocate) or
// computed (an id >= num_segments fails the invoke, like TFLite). FLOAT32 and
// INT32 data (TFLite's set); rows with no ids keep the identity (0, 1, the
// lowest / highest finite value).
#pragma once

#include "ops/op.h"
#include "ops/util/scatter_reduce.h"

namespace jitlite::ops {

class UnsortedSegmentOp : public OpDef {
 public:
  constexpr UnsortedSegmentOp(const char* name, int code, ScatterCombiner combiner)
      : name_(name), code_(code), combiner_(combiner) {}
  std::string_view name() const override { return name_; }
  std::vector<int> builtin_codes() const override { return {code_}; }
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override;
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override;

 private:
  const char* name_;
  int code_;
  ScatterCombiner combiner_;
};

}  // namespace jitlite::ops
