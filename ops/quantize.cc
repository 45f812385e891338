// QUANTIZE: FLOAT32 -> INT8 / UINT8 / INT16 as zp + round(x / scale) (in
// float, ties away from zero, then clamped), and requantization between
// integer types (INT8 -> INT8/UINT8/INT16, UINT8 -> INT8/UINT8, INT16 ->
// INT8/INT16/INT32, INT32 -> INT8/INT16: the pairs LiteRT's kernel takes) as
// MultiplyByQuantizedMultiplier(q - zp_in, s_in / s_out) + zp_out, clamped:
// TFLite's reference kernels exactly. Elementwise, so it fuses into
// neighbouring loops and kernel epilogues. A per-channel (per-axis) output of
// a FLOAT32 input, which LiteRT also quantizes (its PerChannelQuantize, the
// same rounding per channel), is folded at allocate time for a constant input;
// for a runtime input the element's channel comes from the loop's position
// (ElementEmitter::Coordinate) and indexes the scales and zero points, small
// tables emitted as module constants.
#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <vector>

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
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

Status CheckPerChannelOutput(const TensorState& in, const TensorState& out) {
  const QuantizationInfo& q = *out.quant;
  const int dim = q.quantized_dimension;
  if (in.dtype != DType::kFloat32) {
    return InvalidArgument(std::string("per-channel QUANTIZE output needs a FLOAT32 input, got ") +
                           DTypeName(in.dtype));
  }
  if (q.zero_points.size() != q.scales.size()) {
    return InvalidArgument("output has " + std::to_string(q.scales.size()) + " scales but " +
                           std::to_string(q.zero_points.size()) + " zero points");
  }
  if (dim < 0 || dim >= in.rank() || in.dim(dim) != static_cast<int64_t>(q.scales.size())) {
    return InvalidArgument("output has " + std::to_string(q.scales.size()) +
                           " per-channel scales along dimension " + std::to_string(dim) +
                           ", which does not match input 0's shape " + ShapeToString(in.shape));
  }
  return Status::Ok();
}

// A private constant array in the module being built, for per-channel tables.
template <typename T>
llvm::Value* EmitTable(llvm::IRBuilder<>& b, const std::vector<T>& values, const char* name) {
  llvm::Module& module = *b.GetInsertBlock()->getModule();
  llvm::Constant* init = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef<T>(values));
  return new llvm::GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                  llvm::GlobalValue::PrivateLinkage, init, name);
}

// Per-channel: zp[c] + round(x / scale[c]), as Fold computes it, with c the
// element's coordinate along the quantized dimension. Null when the position
// is unknown (then nothing is emitted and the caller reports it).
llvm::Value* EmitPerChannelQuantize(jit::ElementEmitter& e, const TensorState& out,
                                    llvm::Value* x) {
  const QuantizationInfo& q = *out.quant;
  llvm::Value* channel = e.Coordinate(out.shape, q.quantized_dimension);
  if (channel == nullptr) return nullptr;
  llvm::IRBuilder<>& b = e.b();
  const std::vector<int32_t> zero_points(q.zero_points.begin(), q.zero_points.end());
  llvm::Value* scale = b.CreateLoad(
      b.getFloatTy(), b.CreateInBoundsGEP(b.getFloatTy(), EmitTable(b, q.scales, "pc_scales"), channel));
  llvm::Value* zero_point = b.CreateLoad(
      b.getInt32Ty(),
      b.CreateInBoundsGEP(b.getInt32Ty(), EmitTable(b, zero_points, "pc_zero_points"), channel));
  llvm::Value* rounded = b.CreateUnaryIntrinsic(llvm::Intrinsic::round, b.CreateFDiv(x, scale));
  // Out of int32 range (or NaN): INT32_MIN, x86's conversion result that
  // LiteRT gets; the zero point is then added with int32 wrap-around.
  llvm::Value* fits = b.CreateAnd(b.CreateFCmpOGE(rounded, e.F32(-2147483648.0f)),
                                  b.CreateFCmpOLT(rounded, e.F32(2147483648.0f)));
  llvm::Value* safe = b.CreateSelect(fits, rounded, e.F32(0.0f));
  llvm::Value* whole = b.CreateSelect(fits, b.CreateFPToSI(safe, b.getInt32Ty()), e.I32(INT32_MIN));
  return b.CreateAdd(whole, zero_point);
}

// Writes stored value v of `dtype` at element i of a byte buffer.
void StoreQuantized(std::vector<uint8_t>& out, int64_t i, DType dtype, int32_t v) {
  switch (dtype) {
    case DType::kInt16: reinterpret_cast<int16_t*>(out.data())[i] = static_cast<int16_t>(v); break;
    case DType::kUInt8: out[i] = static_cast<uint8_t>(v); break;
    default: reinterpret_cast<int8_t*>(out.data())[i] = static_cast<int8_t>(v); break;
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
      JITLITE_RETURN_IF_ERROR(CheckPerChannelOutput(in, out));
      ctx.SetOutput(0, out.dtype, in.shape);
      return Status::Ok();
    }
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(out, "output"));
    if (in.dtype != DType::kFloat32) {
      JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(in, "input 0"));
    }
    ctx.SetOutput(0, out.dtype, in.shape);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override {
    return ctx.input(0).is_constant() && IsPerChannel(ctx.output(0));
  }

  // Per-channel: zp[c] + round(x / scale[c]) in float, clamped, c the index
  // along the quantized dimension.
  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const TensorState& in = ctx.input(0);
    const TensorState& o = ctx.output(0);
    const int64_t n = in.num_elements();
    if (in.const_bytes < static_cast<size_t>(n) * sizeof(float)) {
      return InvalidArgument("constant input 0 has too little data");
    }
    const QuantizationInfo& q = *o.quant;
    const int64_t channels = static_cast<int64_t>(q.scales.size());
    int64_t inner = 1;
    for (int d = q.quantized_dimension + 1; d < in.rank(); ++d) inner *= in.dim(d);
    const IntRange range = DTypeRange(o.dtype);
    constexpr float kTwoTo31 = 2147483648.0f;
    out.assign(static_cast<size_t>(n) * DTypeSize(o.dtype), 0);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t c = (i / inner) % channels;
      const float scaled = std::round(in.const_as<float>()[i] / q.scales[c]);
      // Out of int32 range (or NaN): x86's conversion result, INT32_MIN, as
      // LiteRT gives; the zero point then added with int32 wrap-around.
      const bool fits = scaled >= -kTwoTo31 && scaled < kTwoTo31;
      const int32_t whole = fits ? static_cast<int32_t>(scaled) : INT32_MIN;
      const auto sum = static_cast<int32_t>(static_cast<uint32_t>(whole) +
                                            static_cast<uint32_t>(q.zero_points[c]));
      StoreQuantized(out, i, o.dtype, std::clamp(sum, range.lo, range.hi));
    }
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    const TensorState& in = ctx.input(0);
    const TensorState& out = ctx.output(0);
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* q;
    if (IsPerChannel(out)) {
      q = EmitPerChannelQuantize(e, out, v[0]);
      if (q == nullptr) return nullptr;
    } else if (in.dtype == DType::kFloat32) {
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
