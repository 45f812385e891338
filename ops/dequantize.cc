// DEQUANTIZE: FLOAT16 -> FLOAT32 (the float16-weight models' constants), and
// INT8 / UINT8 / INT16 / INT4 / INT2 -> FLOAT32 as (x - zero_point) * scale
// with the input's quantization. A constant input (the usual case: weights)
// is folded once at allocate time, per-tensor or per-channel (INT8, INT4 and
// INT2 only, as in TFLite). A
// runtime input is an elementwise op (FLOAT16 loads already widen to float;
// integers use the per-tensor scale and zero point as compile-time
// constants); per-channel parameters on a runtime input are not supported yet.
#include <cmath>
#include <cstring>
#include <string>

#include "lib/float16.h"
#include "ops/util/elementwise.h"

namespace jitlite::ops {
namespace {

// INT4 / INT2 constants arrive unpacked to one int8 byte per element
// (lib/constant_decoding), so they read like INT8.
bool IsSignedByte(DType t) {
  return t == DType::kInt8 || t == DType::kInt4 || t == DType::kInt2;
}

bool IsInteger(DType t) {
  return IsSignedByte(t) || t == DType::kUInt8 || t == DType::kInt16;
}

// The integer element at `i` of a constant input, widened.
int32_t IntegerAt(const TensorState& t, int64_t i) {
  if (IsSignedByte(t.dtype)) return t.const_as<int8_t>()[i];
  if (t.dtype == DType::kUInt8) return t.const_as<uint8_t>()[i];
  return t.const_as<int16_t>()[i];
}

Status CheckQuantization(const NodeContext& ctx) {
  const TensorState& in = ctx.input(0);
  const QuantizationInfo* q = in.quant;
  if (q == nullptr || q->scales.empty()) {
    return InvalidArgument(std::string("input 0 has type ") + DTypeName(in.dtype) +
                           " but no quantization parameters");
  }
  if (q->zero_points.size() != q->scales.size()) {
    return InvalidArgument("input 0 has " + std::to_string(q->scales.size()) + " scales but " +
                           std::to_string(q->zero_points.size()) + " zero points");
  }
  if (q->block_size != 0) return Unimplemented("blockwise-quantized input 0");
  if (q->scales.size() == 1) return Status::Ok();
  if (!IsSignedByte(in.dtype)) {
    return InvalidArgument(std::string("input 0 has type ") + DTypeName(in.dtype) +
                           " with per-channel quantization; TFLite's per-channel DEQUANTIZE "
                           "takes INT8, INT4 and INT2 only");
  }
  const int dim = q->quantized_dimension;
  if (dim < 0 || dim >= in.rank() || in.dim(dim) != static_cast<int64_t>(q->scales.size())) {
    return InvalidArgument("input 0 has " + std::to_string(q->scales.size()) +
                           " per-channel scales along dimension " + std::to_string(dim) +
                           ", which does not match its shape " + ShapeToString(in.shape));
  }
  if (!in.is_constant()) {
    return Unimplemented("per-channel DEQUANTIZE of a runtime (non-constant) input is not "
                         "supported yet; only constant per-channel inputs are folded");
  }
  return Status::Ok();
}

class DequantizeOp : public OpDef {
 public:
  std::string_view name() const override { return "DEQUANTIZE"; }
  std::vector<int> builtin_codes() const override { return {6}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType in = ctx.input(0).dtype;
    if (in != DType::kFloat16 && !IsInteger(in)) {
      return Unimplemented(std::string("input 0 has type ") + DTypeName(in) +
                           "; DEQUANTIZE supports FLOAT16, INT8, UINT8, INT16, INT4 and INT2 "
                           "inputs");
    }
    if (IsInteger(in)) JITLITE_RETURN_IF_ERROR(CheckQuantization(ctx));
    if (ctx.output(0).dtype != DType::kFloat32) {
      return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                             "; DEQUANTIZE outputs FLOAT32");
    }
    ctx.SetOutput(0, DType::kFloat32, ctx.input(0).shape);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return ctx.input(0).is_constant(); }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const TensorState& in = ctx.input(0);
    const int64_t n = in.num_elements();
    if (in.const_bytes < static_cast<size_t>(n) * DTypeSize(in.dtype)) {
      return InvalidArgument("constant input 0 has too little data");
    }
    out.assign(static_cast<size_t>(n) * sizeof(float), 0);
    float* dst = reinterpret_cast<float*>(out.data());
    if (in.dtype == DType::kFloat16) {
      for (int64_t i = 0; i < n; ++i) dst[i] = HalfToFloat(in.const_as<uint16_t>()[i]);
      return Status::Ok();
    }
    // Per-channel: the channel of element i is (i / inner) % channels.
    const QuantizationInfo& q = *in.quant;
    const int64_t channels = static_cast<int64_t>(q.scales.size());
    int64_t inner = 1;
    if (channels > 1) {
      for (int d = q.quantized_dimension + 1; d < in.rank(); ++d) inner *= in.dim(d);
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t c = channels > 1 ? (i / inner) % channels : 0;
      // TFLite's reference: the double scale times the int32 difference.
      const int64_t diff = IntegerAt(in, i) - q.zero_points[c];
      dst[i] = static_cast<float>(static_cast<double>(q.scales[c]) * static_cast<double>(diff));
    }
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    const TensorState& in = ctx.input(0);
    if (in.dtype == DType::kFloat16) return v[0];  // LoadElement widened it already
    llvm::IRBuilder<>& b = e.b();
    // (x - zp) is exact in float for 8/16-bit x, and float(scale) * that
    // integer rounds once, like TFLite's double product cast to float.
    llvm::Value* x = in.dtype == DType::kUInt8 ? b.CreateUIToFP(v[0], b.getFloatTy())
                                                : b.CreateSIToFP(v[0], b.getFloatTy());
    llvm::Value* diff = b.CreateFSub(x, e.F32(static_cast<float>(in.quant->zero_points[0])));
    return b.CreateFMul(diff, e.F32(in.quant->scales[0]));
  }
};

}  // namespace

const OpDef& dequantize_op() {
  static const DequantizeOp op;
  return op;
}

}  // namespace jitlite::ops
