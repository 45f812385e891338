// SVDF: a fully connected layer factored into a feature and a time filter
// (a rank-`rank` approximation, one group of `rank` filters per output unit),
// as TFLite's svdf kernel runs it. Inputs: 0 input [batch, input],
// 1 weights_feature [filters, input], 2 weights_time [filters, memory],
// 3 bias [units] (optional), 4 activation state [batch, filters * memory] (a
// variable tensor kept across invokes); output [batch, units], units =
// filters / rank. Per invoke and batch row b:
//   state[b] shifts left by one (each filter's memory drops its oldest entry)
//   state[b, f, memory - 1] = weights_feature[f] . input[b]
//   out[b, u] = act(bias[u] + sum over the rank filters f of unit u of
//                   weights_time[f] . state[b, f, :])
// Three variants, picked by the dtypes:
//  - FLOAT32 throughout;
//  - hybrid: FLOAT32 input, state, bias and output with INT8 weights (one
//    scale each): each input row is quantized at run time as FULLY_CONNECTED's
//    hybrid path does (ops/util/hybrid.h, symmetric or with
//    asymmetric_quantize_inputs), the feature product is the i32 dot product
//    times row_scale * feature_scale; weights_time is dequantized once into a
//    packed float copy (buffer 0) and the time product runs in float;
//  - integer: INT8 input/output, INT8 weights_feature, INT16 weights_time and
//    state (zero point 0), INT32 bias. The feature dot product (input minus
//    its zero point) is rescaled by in * wf / state into the INT16 state, the
//    time products sum in i32 with the bias and are rescaled by
//    state * wt / out, + the output zero point, clamped to INT8. TFLite
//    requires RELU here but applies no clamp beyond INT8's range; so does
//    this kernel.
// TFLM's 8-bit variant (INT8 weights_time and state) is refused: TFLite reads
// those buffers as INT16.
#include <functional>
#include <string>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/hybrid.h"
#include "ops/util/quantization.h"
#include "ops/util/recurrent.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;
using recurrent::AddI;
using recurrent::MulI;

constexpr int kInput = 0;
constexpr int kWeightsFeature = 1;
constexpr int kWeightsTime = 2;
constexpr int kBias = 3;
constexpr int kState = 4;

enum class Variant { kFloat, kHybrid, kInteger };

struct Svdf {
  Variant variant = Variant::kFloat;
  int64_t batch = 0, input = 0, filters = 0, rank = 0, units = 0, memory = 0;
  int activation = 0;
  bool asymmetric = false;
  // Hybrid: the weights' scales.
  float feature_scale = 0.0f, time_scale = 0.0f;
  // Integer: input -> state and state -> output rescaling.
  QuantizedMultiplier to_state, to_output;
  int32_t input_zero_point = 0, output_zero_point = 0;
};

std::string Operand(int i) {
  static const char* const kNames[] = {"input", "weights_feature", "weights_time", "bias",
                                       "activation state"};
  return std::string(kNames[i]) + " (input " + std::to_string(i) + ")";
}

Status ExpectType(const NodeContext& ctx, int i, DType want, const char* variant) {
  DType t = ctx.input(i).dtype;
  if (t == want) return Status::Ok();
  return InvalidArgument(Operand(i) + " has type " + DTypeName(t) + "; the " + variant +
                         " SVDF takes " + DTypeName(want));
}

StatusOr<Variant> PickVariant(const NodeContext& ctx) {
  DType in = ctx.input(kInput).dtype;
  DType wf = ctx.input(kWeightsFeature).dtype;
  if (in == DType::kFloat32) {
    JITLITE_RETURN_IF_ERROR(
        recurrent::RefuseUInt8HybridWeights(ctx, kWeightsFeature, "weights_feature", "SVDF"));
    JITLITE_RETURN_IF_ERROR(
        recurrent::RefuseUInt8HybridWeights(ctx, kWeightsTime, "weights_time", "SVDF"));
  }
  if (in == DType::kFloat32 && wf == DType::kFloat32) return Variant::kFloat;
  if (in == DType::kFloat32 && wf == DType::kInt8) return Variant::kHybrid;
  if (in == DType::kInt8 && wf == DType::kInt8) return Variant::kInteger;
  return InvalidArgument("input has type " + std::string(DTypeName(in)) +
                         " and weights_feature " + DTypeName(wf) +
                         "; supported: FLOAT32 x FLOAT32, FLOAT32 x INT8 (hybrid), "
                         "INT8 x INT8 (integer)");
}

Status CheckShapes(const NodeContext& ctx, const Svdf& s) {
  const int32_t filters = static_cast<int32_t>(s.filters);
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(
      ctx, kWeightsFeature, "weights_feature", {filters, static_cast<int32_t>(s.input)}));
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, kBias, "bias",
                                                {static_cast<int32_t>(s.units)}));
  const TensorState& state = ctx.input(kState);
  if (!state.is_variable) {
    return InvalidArgument(Operand(kState) +
                           " must be a variable tensor (is_variable), as TFLite requires");
  }
  return recurrent::CheckShape(ctx, kState, "activation state",
                               {static_cast<int32_t>(s.batch),
                                static_cast<int32_t>(s.memory * s.filters)});
}

Status CheckFloatTypes(const NodeContext& ctx, const char* variant, bool float_time_weights) {
  if (float_time_weights) {
    JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kWeightsTime, DType::kFloat32, variant));
  }
  if (ctx.has_input(kBias)) {
    JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kBias, DType::kFloat32, variant));
  }
  JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kState, DType::kFloat32, variant));
  if (ctx.output(0).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                           "; the " + variant + " SVDF outputs FLOAT32");
  }
  return Status::Ok();
}

Status ResolveHybrid(const NodeContext& ctx, Svdf& s) {
  JITLITE_RETURN_IF_ERROR(CheckFloatTypes(ctx, "hybrid", /*float_time_weights=*/false));
  JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kWeightsTime, DType::kInt8, "hybrid"));
  JITLITE_RETURN_IF_ERROR(
      ExpectPerTensorQuantization(ctx.input(kWeightsFeature), Operand(kWeightsFeature)));
  JITLITE_RETURN_IF_ERROR(
      ExpectPerTensorQuantization(ctx.input(kWeightsTime), Operand(kWeightsTime)));
  JITLITE_RETURN_IF_ERROR(RequireConstant(ctx.input(kWeightsTime), "hybrid SVDF weights_time"));
  s.feature_scale = Scale(ctx.input(kWeightsFeature));
  s.time_scale = Scale(ctx.input(kWeightsTime));
  return Status::Ok();
}

Status ResolveInteger(const NodeContext& ctx, Svdf& s) {
  const TensorState& state = ctx.input(kState);
  if (ctx.input(kWeightsTime).dtype == DType::kInt8 && state.dtype == DType::kInt8) {
    return Unimplemented("SVDF with INT8 weights_time and activation state (TFLite Micro's "
                         "8-bit variant) is not supported: TFLite's integer SVDF takes INT16 "
                         "weights_time and state");
  }
  JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kWeightsTime, DType::kInt16, "integer"));
  if (ctx.has_input(kBias)) {
    JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kBias, DType::kInt32, "integer"));
  }
  JITLITE_RETURN_IF_ERROR(ExpectType(ctx, kState, DType::kInt16, "integer"));
  const TensorState& out = ctx.output(0);
  if (out.dtype != DType::kInt8) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out.dtype) +
                           "; the integer SVDF outputs INT8");
  }
  if (s.activation != 1) {
    return InvalidArgument("fused_activation_function " + std::to_string(s.activation) +
                           " is not supported by the integer SVDF; TFLite requires RELU (1)");
  }
  for (int i : {kInput, kWeightsFeature, kWeightsTime, kState}) {
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(i), Operand(i)));
  }
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(out, "output"));
  if (ZeroPoint(state) != 0) {
    return InvalidArgument(Operand(kState) + " has zero point " +
                           std::to_string(ZeroPoint(state)) +
                           "; TFLite's integer SVDF assumes a symmetric state (zero point 0)");
  }
  auto d = [](const TensorState& t) { return static_cast<double>(Scale(t)); };
  s.to_state = QuantizeMultiplier(d(ctx.input(kInput)) * d(ctx.input(kWeightsFeature)) / d(state));
  s.to_output = QuantizeMultiplier(d(state) * d(ctx.input(kWeightsTime)) / d(out));
  s.input_zero_point = ZeroPoint(ctx.input(kInput));
  s.output_zero_point = ZeroPoint(out);
  return Status::Ok();
}

StatusOr<Svdf> Resolve(const NodeContext& ctx) {
  // All five slots, the bias possibly omitted (-1).
  if (ctx.num_inputs() != 5) {
    return InvalidArgument("expected 5 inputs, got " + std::to_string(ctx.num_inputs()));
  }
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
  for (int i : {kInput, kWeightsFeature, kWeightsTime, kState}) {
    if (!ctx.has_input(i)) return InvalidArgument(Operand(i) + " is missing");
  }
  Svdf s;
  const auto* opts = ctx.op()->builtin_options_as_SVDFOptions();
  s.rank = opts ? opts->rank() : 0;
  s.activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  s.asymmetric = opts && opts->asymmetric_quantize_inputs();
  if (s.activation < 0 || s.activation > 5) {
    return InvalidArgument("fused_activation_function " + std::to_string(s.activation) +
                           " is not a valid ActivationFunctionType (0..5)");
  }
  for (int i : {kInput, kWeightsFeature, kWeightsTime}) {
    if (ctx.input(i).rank() != 2) {
      return InvalidArgument(Operand(i) + " has shape " + ShapeToString(ctx.input(i).shape) +
                             "; expected rank 2");
    }
  }
  s.batch = ctx.input(kInput).dim(0);
  s.input = ctx.input(kInput).dim(1);
  s.filters = ctx.input(kWeightsTime).dim(0);
  s.memory = ctx.input(kWeightsTime).dim(1);
  if (s.rank <= 0) {
    return InvalidArgument("rank " + std::to_string(s.rank) + " must be positive");
  }
  if (s.filters % s.rank != 0) {
    return InvalidArgument("weights_time has " + std::to_string(s.filters) +
                           " filters, not a multiple of rank " + std::to_string(s.rank));
  }
  if (s.memory < 1) {
    return InvalidArgument("weights_time has shape " +
                           ShapeToString(ctx.input(kWeightsTime).shape) +
                           "; the memory size (dimension 1) must be at least 1");
  }
  s.units = s.filters / s.rank;
  JITLITE_RETURN_IF_ERROR(CheckShapes(ctx, s));
  JITLITE_ASSIGN_OR_RETURN(s.variant, PickVariant(ctx));
  switch (s.variant) {
    case Variant::kFloat:
      JITLITE_RETURN_IF_ERROR(CheckFloatTypes(ctx, "float", /*float_time_weights=*/true));
      break;
    case Variant::kHybrid:
      JITLITE_RETURN_IF_ERROR(ResolveHybrid(ctx, s));
      break;
    case Variant::kInteger:
      JITLITE_RETURN_IF_ERROR(ResolveInteger(ctx, s));
      break;
  }
  return s;
}

// ---- emission ----

// Drops each filter's oldest memory entry: the whole state moves left by one
// element (TFLite's flat copy; the last entry of every filter is then
// rewritten by the feature step).
void EmitShiftState(jit::KernelEmitter& e, const Svdf& s) {
  DType dtype = e.node().input(kState).dtype;
  Value* state = e.InputPtr(kState);
  e.For(0, s.batch * s.filters * s.memory - 1, 1, [&](Value* i) {
    Value* next = jit::LoadElement(e.b(), dtype, state, AddI(e, i, e.I64(1)));
    jit::StoreElement(e.b(), dtype, next, state, i);
  }, "shift");
}

// Offset of state[b, f, m] (i64 b and f).
Value* StateOffset(jit::KernelEmitter& e, const Svdf& s, Value* b, Value* f, int64_t m) {
  return AddI(e, MulI(e, AddI(e, MulI(e, b, s.filters), f), s.memory), e.I64(m));
}

// sum over k < len of a[a_off + k] * other(k) in i32 (wrapping, as TFLite's
// int32 sums do), with `a` an INT8/INT16 input widened to i32 and other(k)
// an i32 term.
using TermFn = std::function<Value*(Value* k)>;
Value* EmitIntDot(jit::KernelEmitter& e, int a_input, Value* a_off, int64_t len,
                  const TermFn& other) {
  llvm::IRBuilder<>& ir = e.b();
  llvm::AllocaInst* acc = e.Alloca(ir.getInt32Ty(), "dot");
  ir.CreateStore(e.I32(0), acc);
  DType a_dtype = e.node().input(a_input).dtype;
  e.For(0, len, 1, [&](Value* k) {
    Value* a = EmitWidenQuantized(ir, e.LoadInput(a_input, AddI(e, a_off, k)), a_dtype);
    ir.CreateStore(ir.CreateAdd(ir.CreateLoad(ir.getInt32Ty(), acc), ir.CreateMul(a, other(k))),
                   acc);
  }, "k");
  return ir.CreateLoad(ir.getInt32Ty(), acc);
}

// A stored INT8/INT16 element of `base` widened to i32.
Value* LoadWide(jit::KernelEmitter& e, DType dtype, Value* base, Value* offset) {
  return EmitWidenQuantized(e.b(), jit::LoadElement(e.b(), dtype, base, offset), dtype);
}

// The newest state entry of every filter of batch row b.
void EmitFeatureStep(jit::KernelEmitter& e, const Svdf& s, Value* b) {
  llvm::IRBuilder<>& ir = e.b();
  Value* state = e.InputPtr(kState);
  Value* x_off = MulI(e, b, s.input);
  auto newest = [&](Value* f) { return StateOffset(e, s, b, f, s.memory - 1); };
  switch (s.variant) {
    case Variant::kFloat: {
      Value* w[] = {e.InputPtr(kWeightsFeature)};
      e.For(0, s.filters, 1, [&](Value* f) {
        Value* v = recurrent::EmitRowDots(e, w, f, e.InputPtr(kInput), x_off, s.input)[0];
        recurrent::StoreF32(e, v, state, newest(f));
      }, "filter");
      return;
    }
    case Variant::kHybrid: {
      hybrid::RowQuantizer row(e, s.input, 1, s.asymmetric);
      row.Quantize(x_off);
      Value* scale = ir.CreateFMul(row.scale(), e.F32(s.feature_scale));
      e.For(0, s.filters, 1, [&](Value* f) {
        Value* dot = EmitIntDot(e, kWeightsFeature, MulI(e, f, s.input), s.input,
                                [&](Value* k) { return row.LoadCentered(k); });
        Value* v = ir.CreateFMul(ir.CreateSIToFP(dot, ir.getFloatTy()), scale);
        recurrent::StoreF32(e, v, state, newest(f));
      }, "filter");
      return;
    }
    case Variant::kInteger: {
      Value* zero_point = e.I32(s.input_zero_point);
      e.For(0, s.filters, 1, [&](Value* f) {
        Value* dot = EmitIntDot(e, kWeightsFeature, MulI(e, f, s.input), s.input, [&](Value* k) {
          return ir.CreateSub(LoadWide(e, DType::kInt8, e.InputPtr(kInput), AddI(e, x_off, k)),
                              zero_point);
        });
        Value* v = EmitMultiplyByQuantizedMultiplier(ir, dot, s.to_state);
        v = EmitClampInt(ir, v, DTypeRange(DType::kInt16));
        jit::StoreElement(ir, DType::kInt16, EmitNarrowQuantized(ir, v, DType::kInt16), state,
                          newest(f));
      }, "filter");
      return;
    }
  }
}

// Sums term(f) over the rank filters f of unit u, in filter order, as
// TFLite's ReductionSumVector does (f32 or i32 sums).
Value* SumOverRank(jit::KernelEmitter& e, const Svdf& s, Value* u, llvm::Type* type,
                   const std::function<Value*(Value* f)>& term) {
  llvm::IRBuilder<>& ir = e.b();
  llvm::AllocaInst* sum = e.Alloca(type, "unit_sum");
  ir.CreateStore(llvm::Constant::getNullValue(type), sum);
  Value* first = MulI(e, u, s.rank);
  e.For(0, s.rank, 1, [&](Value* r) {
    Value* t = term(AddI(e, first, r));
    Value* old = ir.CreateLoad(type, sum);
    ir.CreateStore(type->isFloatTy() ? ir.CreateFAdd(old, t) : ir.CreateAdd(old, t), sum);
  }, "rank");
  return ir.CreateLoad(type, sum);
}

// out[b, u] = act(bias[u] + the time products of unit u's filters), float.
Value* EmitUnitFloat(jit::KernelEmitter& e, const Svdf& s, Value* b, Value* u) {
  llvm::IRBuilder<>& ir = e.b();
  Value* w[] = {s.variant == Variant::kHybrid ? e.PackedPtr(0) : e.InputPtr(kWeightsTime)};
  Value* sum = SumOverRank(e, s, u, ir.getFloatTy(), [&](Value* f) {
    return recurrent::EmitRowDots(e, w, f, e.InputPtr(kState), StateOffset(e, s, b, f, 0),
                                  s.memory)[0];
  });
  if (e.node().has_input(kBias)) sum = ir.CreateFAdd(sum, e.LoadInput(kBias, u));
  return e.Activation(sum, s.activation);
}

// The integer variant: the i32 sum with the bias rescaled to the output.
Value* EmitUnitInteger(jit::KernelEmitter& e, const Svdf& s, Value* b, Value* u) {
  llvm::IRBuilder<>& ir = e.b();
  Value* sum = SumOverRank(e, s, u, ir.getInt32Ty(), [&](Value* f) {
    Value* first = StateOffset(e, s, b, f, 0);
    return EmitIntDot(e, kWeightsTime, MulI(e, f, s.memory), s.memory, [&](Value* k) {
      return LoadWide(e, DType::kInt16, e.InputPtr(kState), AddI(e, first, k));
    });
  });
  if (e.node().has_input(kBias)) sum = ir.CreateAdd(sum, e.LoadInput(kBias, u));
  Value* v = ir.CreateAdd(EmitMultiplyByQuantizedMultiplier(ir, sum, s.to_output),
                          e.I32(s.output_zero_point));
  v = EmitClampInt(ir, v, DTypeRange(DType::kInt8));
  return EmitNarrowQuantized(ir, v, DType::kInt8);
}

void EmitSvdf(jit::KernelEmitter& e, const Svdf& s) {
  if (s.batch == 0) return;
  EmitShiftState(e, s);
  e.For(0, s.batch, 1, [&](Value* b) {
    EmitFeatureStep(e, s, b);
    e.For(0, s.units, 1, [&](Value* u) {
      Value* v = s.variant == Variant::kInteger ? EmitUnitInteger(e, s, b, u)
                                                : EmitUnitFloat(e, s, b, u);
      Value* index[] = {b, u};
      e.StoreOutput(v, index);
    }, "unit");
  }, "batch");
}

class SvdfOp : public OpDef {
 public:
  std::string_view name() const override { return "SVDF"; }
  std::vector<int> builtin_codes() const override { return {27}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Svdf s, Resolve(ctx));
    DType out = s.variant == Variant::kInteger ? DType::kInt8 : DType::kFloat32;
    ctx.SetOutput(0, out, {static_cast<int32_t>(s.batch), static_cast<int32_t>(s.units)});
    return Status::Ok();
  }

  // Hybrid: weights_time dequantized to float once (int8 * scale in float,
  // as TFLite's kernel does on its first invoke).
  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(Svdf s, Resolve(ctx));
    if (s.variant != Variant::kHybrid) return Status::Ok();
    const TensorState& wt = ctx.input(kWeightsTime);
    const int64_t n = wt.num_elements();
    AlignedBuffer weights(static_cast<size_t>(n) * sizeof(float));
    for (int64_t i = 0; i < n; ++i) {
      weights.as<float>()[i] = static_cast<float>(wt.const_as<int8_t>()[i]) * s.time_scale;
    }
    out.push_back(std::move(weights));
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(Svdf s, Resolve(ctx));
    EmitSvdf(e, s);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& svdf_op() {
  static const SvdfOp op;
  return op;
}

}  // namespace jitlite::ops
