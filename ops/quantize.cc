// QUANTIZE: FLOAT32 -> INT8 / UINT8 / INT16 as zp + round(x / scale) (in
// float, ties away from zero, then clamped), and requantization between
// integer types (INT8 -> INT8/UINT8/INT16, UINT8 -> INT8/UINT8, INT16 ->
// INT8/INT16/INT32, INT32 -> INT8/INT16: the pairs LiteRT's kernel takes) as
// MultiplyByQuantizedMultiplier(q - zp_in, s_in / s_out) + zp_out, clamped:
// TFLite's reference kernels exactly. Per-tensor output only (LiteRT also
// quantizes floats per channel: not supported yet). Elementwise, so it fuses
// into neighbouring loops and kernel epilogues.
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

// The output types TFLite's QUANTIZE takes for each input type.
bool SupportedPair(DType in, DType out) {
  switch (in) {
    case DType::kFloat32: return IsQuantizedDType(out);
    case DType::kInt16:
      return out == DType::kInt8 || out == DType::kInt16 || out == DType::kInt32;
    case DType::kInt8:
      return out == DType::kInt8 || out == DType::kUInt8 || out == DType::kInt16;
    case DType::kUInt8: return out == DType::kInt8 || out == DType::kUInt8;
    case DType::kInt32: return out == DType::kInt8 || out == DType::kInt16;
    default: return false;
  }
}

class QuantizeOp : public OpDef {
 public:
  std::string_view name() const override { return "QUANTIZE"; }
  std::vector<int> builtin_codes() const override { return {114}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const TensorState& in = ctx.input(0);
    const TensorState& out = ctx.output(0);
    if (!SupportedPair(in.dtype, out.dtype)) {
      return InvalidArgument(std::string("input type ") + DTypeName(in.dtype) +
                             " with output type " + DTypeName(out.dtype) +
                             " is not supported by QUANTIZE");
    }
    if (IsPerChannel(out)) {
      return Unimplemented("per-channel QUANTIZE output (" +
                           std::to_string(out.quant->scales.size()) +
                           " scales) is not supported yet");
    }
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(out, "output"));
    if (in.dtype != DType::kFloat32) {
      JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(in, "input 0"));
    }
    ctx.SetOutput(0, out.dtype, in.shape);
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    const TensorState& in = ctx.input(0);
    const TensorState& out = ctx.output(0);
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* q;
    if (in.dtype == DType::kFloat32) {
      llvm::Value* scaled = b.CreateFDiv(v[0], e.F32(Scale(out)));
      llvm::Value* rounded = b.CreateUnaryIntrinsic(llvm::Intrinsic::round, scaled);
      // Bounded before the conversion so it is never poison; NaN ends at the
      // low bound, like x86's conversion of NaN to INT32_MIN in TFLite.
      rounded = b.CreateMaxNum(rounded, e.F32(-1073741824.0f));
      rounded = b.CreateMinNum(rounded, e.F32(1073741824.0f));
      q = b.CreateFPToSI(rounded, b.getInt32Ty());
      q = b.CreateAdd(q, e.I32(ZeroPoint(out)));
    } else {
      const double real = static_cast<double>(Scale(in)) / static_cast<double>(Scale(out));
      llvm::Value* x = b.CreateSub(EmitWidenQuantized(b, v[0], in.dtype), e.I32(ZeroPoint(in)));
      q = b.CreateAdd(EmitMultiplyByQuantizedMultiplier(b, x, QuantizeMultiplier(real)),
                      e.I32(ZeroPoint(out)));
    }
    return EmitNarrowQuantized(b, EmitClampInt(b, q, DTypeRange(out.dtype)), out.dtype);
  }
};

}  // namespace

const OpDef& quantize_op() {
  static const QuantizeOp op;
  return op;
}

}  // namespace jitlite::ops
