// PAD: surrounds input 0 (rank 0..5, TFLite's PadKernelMaxDimensionCount) with
// zeros: output dim d = before[d] + input dim d + after[d], where input 1
// (paddings) is an INT32 or INT64 [rank, 2] tensor of (before, after) pairs.
// FLOAT32, INT32, INT64 and BOOL data, and INT8/UINT8/INT16 as raw copies
// padded with the output's zero point (TFLite's quantized PAD).
//
// jitlite fixes every shape at compile time, so the paddings must be a
// constant; TFLite also accepts computed paddings (Unimplemented here). The
// PADV2-style third input (constant_values) is Unimplemented too.
//
// Kernel: the padded copy of ops/util/pad_util.h (per output dim the leading
// border, the span that maps to the input, the trailing border; no element
// needs a bounds check), with zeros in the borders.
#include <cstdint>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/pad_util.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxRank = 5;

StatusOr<PadParams> CheckedParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
  if (ctx.has_input(2)) {
    return Unimplemented("input 2 (constant_values) is not supported yet; PAD pads with zeros");
  }
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "PAD", /*half_floats=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, kMaxRank));
  JITLITE_RETURN_IF_ERROR(CheckPadValueQuantization(ctx));
  return ReadPaddings(ctx);
}

class PadOp : public OpDef {
 public:
  std::string_view name() const override { return "PAD"; }
  std::vector<int> builtin_codes() const override { return {34}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, PaddedShape(ctx.input(0).shape, p));
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    EmitPadded(e, p, ctx.input(0).shape, ctx.output(0).shape,
               EmitDefaultPadValue(e, ctx.output(0)));
    return Status::Ok();
  }
};

}  // namespace

const OpDef& pad_op() {
  static const PadOp op;
  return op;
}

}  // namespace jitlite::ops
