// CONCATENATION: joins N >= 1 inputs of equal rank (1..6) and type along
// ConcatenationOptions.axis (negative counts from the end); every other
// dimension must match. FLOAT32, INT32, INT64, BOOL and the quantized types
// as TFLite's reference kernel treats them: UINT8 inputs quantized unlike the
// output are requantized in float, round(q * (s_in / s_out) - zp_in * that) +
// zp_out clamped (TFLite's ConcatenationWithScaling; the float constants are
// computed at compile time as it does), others are copied; INT8 inputs must
// share the output's scale and zero point; INT16 needs zero points of 0 and is
// copied raw (TFLite does not rescale it either). Inputs may be constants or
// runtime tensors.
//
// fused_activation_function: TFLite's own kernel rejects any activation, while
// LiteRT's default XNNPACK delegate accepts a float node and ignores it. jitlite
// does what the option says for FLOAT32: RELU, RELU_N1_TO_1 and RELU6 clamp.
// TANH and SIGN_BIT are rejected, and so is any activation on an integer type
// (every LiteRT path rejects those: XNNPACK takes no integer concatenation).
//
// Kernel: one loop nest per input over its own shape, handing each element to
// StoreOutput at its position in the output (the axis index shifted by the
// sizes of the inputs before it), so a following elementwise op fuses.
#include <cstdint>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/loop_nest.h"
#include "ops/util/quantization.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int kMaxRank = 6;

struct ConcatParams {
  int axis = 0;        // normalized to [0, rank)
  int activation = 0;  // ActivationFunctionType
};

ConcatParams RawParams(const NodeContext& ctx) {
  ConcatParams p;
  const auto* opts = ctx.op()->builtin_options_as_ConcatenationOptions();
  if (opts != nullptr) {  // a missing table means the schema defaults (0, NONE)
    p.axis = opts->axis();
    p.activation = static_cast<int>(opts->fused_activation_function());
  }
  return p;
}

StatusOr<int> NormalizeAxis(int axis, int rank) {
  int normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank) {
    return InvalidArgument("axis " + std::to_string(axis) + " is out of range for rank " +
                           std::to_string(rank) + " inputs (valid: " + std::to_string(-rank) +
                           ".." + std::to_string(rank - 1) + ")");
  }
  return normalized;
}

Status CheckActivation(int activation, DType dtype) {
  JITLITE_RETURN_IF_ERROR(CheckFusedActivation(activation));
  bool clamp = activation >= 1 && activation <= 3;  // RELU, RELU_N1_TO_1, RELU6
  if (activation == 0 || (clamp && dtype == DType::kFloat32)) return Status::Ok();
  return InvalidArgument("fused_activation_function " + std::to_string(activation) + " on " +
                         DTypeName(dtype) +
                         ": TFLite's CONCATENATION kernel accepts no fused activation; jitlite "
                         "applies only RELU, RELU_N1_TO_1 and RELU6, on FLOAT32");
}

// Checks input i against input 0 (type, rank, every dim but the axis).
Status CheckSameLayout(const NodeContext& ctx, int i, int axis) {
  const TensorState& first = ctx.input(0);
  const TensorState& t = ctx.input(i);
  std::string which = "input " + std::to_string(i);
  if (t.dtype != first.dtype) {
    return InvalidArgument(which + " has type " + DTypeName(t.dtype) + " but input 0 has " +
                           DTypeName(first.dtype) + "; all inputs must have one type");
  }
  if (t.rank() != first.rank()) {
    return InvalidArgument(which + " has rank " + std::to_string(t.rank()) + " (shape " +
                           ShapeToString(t.shape) + ") but input 0 has rank " +
                           std::to_string(first.rank()) + " (shape " +
                           ShapeToString(first.shape) + ")");
  }
  for (int d = 0; d < t.rank(); ++d) {
    if (d != axis && t.dim(d) != first.dim(d)) {
      return InvalidArgument(which + " has shape " + ShapeToString(t.shape) + " but input 0 has " +
                             ShapeToString(first.shape) + ": dimension " + std::to_string(d) +
                             " differs (" + std::to_string(t.dim(d)) + " vs " +
                             std::to_string(first.dim(d)) + "); only axis " +
                             std::to_string(axis) + " may differ");
    }
  }
  return Status::Ok();
}

// TFLite's quantization rules for concatenating stored values (file comment).
Status CheckQuantization(const NodeContext& ctx) {
  const TensorState& out = ctx.output(0);
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(out, "output"));
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const TensorState& t = ctx.input(i);
    const std::string which = "input " + std::to_string(i);
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(t, which));
    if (out.dtype == DType::kInt8 && (Scale(t) != Scale(out) || ZeroPoint(t) != ZeroPoint(out))) {
      return InvalidArgument(which + " is quantized with scale " + std::to_string(Scale(t)) +
                             ", zero point " + std::to_string(ZeroPoint(t)) +
                             " unlike the output; TFLite's INT8 CONCATENATION does not rescale");
    }
    if (out.dtype == DType::kInt16 && ZeroPoint(t) != 0) {
      return InvalidArgument(which + " has zero point " + std::to_string(ZeroPoint(t)) +
                             "; INT16 CONCATENATION needs zero points of 0");
    }
  }
  if (out.dtype == DType::kInt16 && ZeroPoint(out) != 0) {
    return InvalidArgument("output has zero point " + std::to_string(ZeroPoint(out)) +
                           "; INT16 CONCATENATION needs zero points of 0");
  }
  return Status::Ok();
}

// Validates the node and returns its parameters with the axis normalized.
StatusOr<ConcatParams> CheckedParams(const NodeContext& ctx) {
  if (ctx.num_inputs() < 1) return InvalidArgument("CONCATENATION needs at least one input");
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is omitted");
  }
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "CONCATENATION",
      {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kInt64,
       DType::kBool, DType::kInt8, DType::kUInt8, DType::kInt16},
      {}));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, kMaxRank));
  ConcatParams p = RawParams(ctx);
  JITLITE_ASSIGN_OR_RETURN(p.axis, NormalizeAxis(p.axis, ctx.input(0).rank()));
  JITLITE_RETURN_IF_ERROR(CheckActivation(p.activation, ctx.input(0).dtype));
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    JITLITE_RETURN_IF_ERROR(CheckSameLayout(ctx, i, p.axis));
  }
  DType out = ctx.output(0).dtype;
  if (out != ctx.input(0).dtype) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out) +
                           " but the inputs have " + DTypeName(ctx.input(0).dtype));
  }
  if (IsQuantizedDType(out)) JITLITE_RETURN_IF_ERROR(CheckQuantization(ctx));
  return p;
}

class ConcatenationOp : public OpDef {
 public:
  std::string_view name() const override { return "CONCATENATION"; }
  std::vector<int> builtin_codes() const override { return {2}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ConcatParams p, CheckedParams(ctx));
    Shape out = ctx.input(0).shape;
    int64_t axis_size = 0;
    for (int i = 0; i < ctx.num_inputs(); ++i) axis_size += ctx.input(i).dim(p.axis);
    if (axis_size > INT32_MAX) {
      return InvalidArgument("output dimension " + std::to_string(p.axis) + " would be " +
                             std::to_string(axis_size) + ", more than INT32_MAX");
    }
    out[p.axis] = static_cast<int32_t>(axis_size);
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ConcatParams p, CheckedParams(ctx));
    int64_t offset = 0;  // where the current input starts along the axis
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Shape& shape = ctx.input(i).shape;
      if (NumElements(shape) > 0) CopyInput(e, i, shape, p, offset);
      offset += shape[p.axis];
    }
    return Status::Ok();
  }

 private:
  // Copies input `input` (of `shape`) to the output slice starting at
  // `offset` along the axis.
  static void CopyInput(jit::KernelEmitter& e, int input, const Shape& shape,
                        const ConcatParams& p, int64_t offset) {
    const NodeContext& ctx = e.node();
    const bool rescale = NeedsRescale(ctx.input(input), ctx.output(0));
    std::vector<Value*> in_idx(shape.size());
    EmitIndexNest(e, shape, 0, in_idx, [&] {
      Value* v = e.LoadInput(input, e.LinearOffset(shape, in_idx));
      if (rescale) v = Requantize(e, v, ctx.input(input), ctx.output(0));
      std::vector<Value*> out_idx = in_idx;
      out_idx[p.axis] = e.b().CreateAdd(in_idx[p.axis], e.I64(offset), "", true, true);
      e.StoreOutput(ApplyFusedActivation(e, v, p.activation), out_idx);
    });
  }

  // Only UINT8 inputs are rescaled, and only when quantized unlike the output.
  static bool NeedsRescale(const TensorState& in, const TensorState& out) {
    return in.dtype == DType::kUInt8 &&
           (Scale(in) != Scale(out) || ZeroPoint(in) != ZeroPoint(out));
  }

  // TFLite's ConcatenationWithScaling in float: the scale and bias are float
  // constants computed as it does (s_in * (1 / s_out), -zp_in * scale), then
  // round(q * scale + bias) + zp_out, clamped to [0, 255].
  static Value* Requantize(jit::KernelEmitter& e, Value* q, const TensorState& in,
                           const TensorState& out) {
    llvm::IRBuilder<>& b = e.b();
    const float scale = Scale(in) * (1.0f / Scale(out));
    const float bias = static_cast<float>(-ZeroPoint(in)) * scale;
    Value* x = b.CreateSIToFP(EmitWidenQuantized(b, q, in.dtype), b.getFloatTy());
    x = b.CreateFAdd(b.CreateFMul(x, e.F32(scale)), e.F32(bias));
    x = b.CreateUnaryIntrinsic(llvm::Intrinsic::round, x);
    // Bounded before the conversion so it is never poison (the clamp follows).
    x = b.CreateMinNum(b.CreateMaxNum(x, e.F32(-1e6f)), e.F32(1e6f));
    Value* r = b.CreateAdd(b.CreateFPToSI(x, b.getInt32Ty()), e.I32(ZeroPoint(out)));
    return EmitNarrowQuantized(b, EmitClampInt(b, r, DTypeRange(out.dtype)), out.dtype);
  }
};

}  // namespace

const OpDef& concatenation_op() {
  static const ConcatenationOp op;
  return op;
}

}  // namespace jitlite::ops
