// PADV2: PAD with a chosen value: surrounds input 0 (rank 0..5, TFLite's
// limit) with constant_values (input 2, a one-element tensor of input 0's
// type; zero when omitted): output dim d = before[d] + input dim d +
// after[d], paddings (input 1) an INT32/INT64 [rank, 2] tensor of (before,
// after) pairs that jitlite needs constant (computed paddings:
// Unimplemented). FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies
// (the pad value is then stored as its raw bytes, as TFLite does; it must be
// quantized like the output; omitted, it is the output's zero point).
//
// constant_values is read through its pointer once per invoke, so it may be
// a runtime tensor too. Kernel: PAD's (ops/util/pad_util.h). All inputs
// constant: folded.
#include <string>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/pad_util.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxRank = 5;

StatusOr<PadParams> CheckedParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "PADV2", /*half_floats=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, kMaxRank));
  if (ctx.has_input(2)) {
    const TensorState& value = ctx.input(2);
    if (value.dtype != ctx.input(0).dtype || value.num_elements() != 1) {
      return InvalidArgument(std::string("constant_values (input 2) is ") +
                             DTypeName(value.dtype) + ShapeToString(value.shape) +
                             "; expected one " + DTypeName(ctx.input(0).dtype) + " value");
    }
  }
  JITLITE_RETURN_IF_ERROR(CheckPadValueQuantization(ctx));
  return ReadPaddings(ctx);
}

class PadV2Op : public OpDef {
 public:
  std::string_view name() const override { return "PADV2"; }
  std::vector<int> builtin_codes() const override { return {60}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, PaddedShape(ctx.input(0).shape, p));
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return AllInputsConstant(ctx); }

  // The pad value everywhere, then the input copied to its place.
  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    const TensorState& in = ctx.input(0);
    const size_t elem = DTypeSize(in.dtype);
    const std::vector<uint8_t> fallback = DefaultPadBytes(ctx.output(0));
    const uint8_t* value = fallback.data();
    if (ctx.has_input(2)) {
      if (ctx.input(2).const_bytes < elem) return InvalidArgument("constant_values is too short");
      value = ctx.input(2).const_data;
    }
    const std::vector<int64_t> strides = RowMajorStrides(in.shape);
    AffineCopy copy = OutputOrderCopy(in.shape, strides);
    copy.out_base = p.before;
    return FoldAffineCopies(ctx, {&copy, 1}, out, value);
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    llvm::Value* value = ctx.has_input(2) ? e.LoadInput(2, e.I64(0))
                                          : EmitDefaultPadValue(e, ctx.output(0));
    EmitPadded(e, p, ctx.input(0).shape, ctx.output(0).shape, value);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& padv2_op() {
  static const PadV2Op op;
  return op;
}

}  // namespace jitlite::ops
