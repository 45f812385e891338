// The basic RNN cell, float and hybrid (see ops/util/basic_rnn.h).
#include "ops/util/basic_rnn.h"

#include <memory>
#include <optional>
#include <string>

#include "ops/util/hybrid.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::rnn {
namespace {

using llvm::Value;
using recurrent::AddI;
using recurrent::LoadF32;
using recurrent::MulI;

Status CheckOperands(const NodeContext& ctx, const Cell& s) {
  const Operands& o = s.operands;
  const int32_t units = static_cast<int32_t>(s.units);
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, o.weights, "input weights",
                                                {units, static_cast<int32_t>(s.input)}));
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, o.recurrent, "recurrent weights",
                                                {units, units}));
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, o.bias, "bias", {units}));
  if (o.aux_weights >= 0) {
    JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, o.aux_weights, "auxiliary input weights",
                                                  {units, static_cast<int32_t>(s.aux)}));
  }
  JITLITE_RETURN_IF_ERROR(
      recurrent::CheckState(ctx, o.state, "hidden state", s.seq.batch * s.units));
  const Shape& state = ctx.input(o.state).shape;
  if (state.size() != 2 || state[0] != s.seq.batch) {
    return InvalidArgument("hidden state (input " + std::to_string(o.state) + ") has shape " +
                           ShapeToString(state) + "; expected [batch, units]");
  }
  if (s.units > recurrent::kMaxScratchFloats) {
    return Unimplemented("RNN with " + std::to_string(s.units) +
                         " units: its row exceeds the kernel's stack scratch");
  }
  return Status::Ok();
}

// The hybrid weights: INT8 with one scale (TFLite reads params.scale, which
// is 0 for per-channel tensors).
Status CheckHybridWeights(const NodeContext& ctx, int i, const char* what, float& scale) {
  const TensorState& t = ctx.input(i);
  std::string name = std::string(what) + " (input " + std::to_string(i) + ")";
  if (t.dtype != DType::kInt8) {
    return InvalidArgument(name + " has type " + DTypeName(t.dtype) + "; the hybrid RNN (FLOAT32 "
                           "input, INT8 input weights) needs INT8 weights");
  }
  if (!HasQuantization(t)) {
    return InvalidArgument(name + " has no quantization parameters; the hybrid RNN needs its "
                           "scale");
  }
  if (t.quant->scales.size() != 1) {
    return InvalidArgument(name + " has " + std::to_string(t.quant->scales.size()) +
                           " scales; TFLite's hybrid RNN reads one scale per weight tensor");
  }
  scale = t.quant->scales[0];
  return Status::Ok();
}

// Float: FLOAT32 operands. Hybrid (INT8 input weights): INT8 weights, FLOAT32
// bias. The input's type is the caller's.
Status CheckTypes(const NodeContext& ctx, Cell& s) {
  const Operands& o = s.operands;
  for (int i : {o.weights, o.recurrent, o.bias}) {
    if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is missing");
  }
  for (int i : {o.weights, o.recurrent, o.aux_weights}) {
    JITLITE_RETURN_IF_ERROR(recurrent::RefuseUInt8HybridWeights(ctx, i, "RNN weights", "RNN"));
  }
  s.hybrid = ctx.input(o.weights).dtype == DType::kInt8;
  if (s.hybrid) {
    JITLITE_RETURN_IF_ERROR(CheckHybridWeights(ctx, o.weights, "input weights", s.input_scale));
    JITLITE_RETURN_IF_ERROR(
        CheckHybridWeights(ctx, o.recurrent, "recurrent weights", s.recurrent_scale));
    if (o.aux_weights >= 0) {
      JITLITE_RETURN_IF_ERROR(
          CheckHybridWeights(ctx, o.aux_weights, "auxiliary input weights", s.aux_scale));
    }
    return recurrent::CheckFloat(ctx, o.bias, "bias");
  }
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, o.weights, "input weights"));
  for (int i : {o.recurrent, o.bias, o.aux_weights}) {
    if (i < 0) continue;
    DType t = ctx.input(i).dtype;
    if (t != DType::kFloat32) {
      return InvalidArgument("RNN operand (input " + std::to_string(i) + ") has type " +
                             DTypeName(t) + ", but the input weights are FLOAT32: the float "
                             "RNN takes FLOAT32 operands (the hybrid one, INT8 weights)");
    }
  }
  return Status::Ok();
}

// The step row's input, auxiliary and state rows, quantized (hybrid only).
struct HybridRows {
  hybrid::RowQuantizer x, h;
  std::optional<hybrid::RowQuantizer> aux;  // with auxiliary weights
};

// Where a step row's input, auxiliary input and state start and, for the
// hybrid cell, each product's row scale * weight scale.
struct RowProducts {
  Value* x_off;
  Value* h_off;
  Value* aux_off = nullptr;  // with auxiliary weights
  Value* x_scale = nullptr;  // hybrid
  Value* h_scale = nullptr;
  Value* aux_scale = nullptr;
};

// bias + W x (+ W_aux aux) + R h for unit u, in TFLite's order of the sums:
// float dot products, or for the hybrid cell the i32 ones scaled (rows: the
// quantized rows; null for the float cell).
Value* EmitUnit(jit::KernelEmitter& e, const Cell& s, HybridRows* rows, const RowProducts& p,
                Value* u) {
  llvm::IRBuilder<>& ir = e.b();
  const Operands& o = s.operands;
  Value* w[] = {e.InputPtr(o.weights)};
  Value* r[] = {e.InputPtr(o.recurrent)};
  Value* v = LoadF32(e, e.InputPtr(o.bias), u);
  if (rows == nullptr) {
    v = ir.CreateFAdd(v, recurrent::EmitRowDots(e, w, u, e.InputPtr(o.input), p.x_off,
                                                s.input)[0]);
    if (o.aux_weights >= 0) {
      Value* a[] = {e.InputPtr(o.aux_weights)};
      v = ir.CreateFAdd(v, recurrent::EmitRowDots(e, a, u, e.InputPtr(o.aux_input), p.aux_off,
                                                  s.aux)[0]);
    }
    Value* dh = recurrent::EmitRowDots(e, r, u, e.InputPtr(o.state), p.h_off, s.units)[0];
    return ir.CreateFAdd(v, dh);
  }
  // TFLite: output = bias; output += dot * scale for the input, the auxiliary
  // input, then the state.
  auto scaled = [&](Value* acc, Value* scale) {
    return ir.CreateFMul(ir.CreateSIToFP(acc, ir.getFloatTy()), scale);
  };
  v = ir.CreateFAdd(v, scaled(hybrid::EmitRowDots(e, w, u, rows->x, s.input)[0], p.x_scale));
  if (rows->aux) {
    Value* a[] = {e.InputPtr(o.aux_weights)};
    v = ir.CreateFAdd(v, scaled(hybrid::EmitRowDots(e, a, u, *rows->aux, s.aux)[0],
                                p.aux_scale));
  }
  Value* dh = hybrid::EmitRowDots(e, r, u, rows->h, s.units)[0];
  return ir.CreateFAdd(v, scaled(dh, p.h_scale));
}

// The row offsets and, for the hybrid cell, the rows quantized and their
// product scales.
RowProducts EmitRowProducts(jit::KernelEmitter& e, const Cell& s, HybridRows* rows, Value* b,
                            Value* t) {
  llvm::IRBuilder<>& ir = e.b();
  Value* step_row = s.seq.Row(e, b, t);
  RowProducts p{MulI(e, step_row, s.input), MulI(e, b, s.units)};
  if (s.operands.aux_weights >= 0) p.aux_off = MulI(e, step_row, s.aux);
  if (rows == nullptr) return p;
  rows->x.Quantize(p.x_off);
  rows->h.Quantize(p.h_off);
  p.x_scale = ir.CreateFMul(rows->x.scale(), e.F32(s.input_scale));
  p.h_scale = ir.CreateFMul(rows->h.scale(), e.F32(s.recurrent_scale));
  if (rows->aux) {
    rows->aux->Quantize(p.aux_off);
    p.aux_scale = ir.CreateFMul(rows->aux->scale(), e.F32(s.aux_scale));
  }
  return p;
}

void EmitRow(jit::KernelEmitter& e, const Cell& s, Value* row, HybridRows* rows, Value* b,
             Value* t) {
  const Operands& o = s.operands;
  RowProducts p = EmitRowProducts(e, s, rows, b, t);
  e.For(0, s.units, 1, [&](Value* u) {
    Value* v = EmitUnit(e, s, rows, p, u);
    recurrent::StoreF32(e, e.Activation(v, s.activation), row, u);
  }, "unit");
  e.For(0, s.units, 1, [&](Value* u) {
    Value* h = LoadF32(e, row, u);
    recurrent::StoreF32(e, h, e.InputPtr(o.state), AddI(e, p.h_off, u));
    e.StoreOutput(h, s.seq.OutputIndex(b, t, AddI(e, u, e.I64(o.output_offset))), o.output);
  }, "store");
}

}  // namespace

Status CheckActivation(int activation) {
  if (activation < 0 || activation > 5) {
    return InvalidArgument("fused_activation_function " + std::to_string(activation) +
                           " is not a valid ActivationFunctionType (0..5)");
  }
  return Status::Ok();
}

StatusOr<Cell> ResolveCellOperands(const NodeContext& ctx, const recurrent::Sequence& seq,
                                   int activation, bool asymmetric, const Operands& operands) {
  Cell s;
  s.operands = operands;
  s.asymmetric = asymmetric;
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx, s));
  const Operands& o = s.operands;
  if (ctx.input(o.weights).rank() != 2) {
    return InvalidArgument("input weights (input " + std::to_string(o.weights) +
                           ") have shape " + ShapeToString(ctx.input(o.weights).shape) +
                           "; expected [units, input]");
  }
  s.activation = activation;
  s.seq = seq;
  s.input = ctx.input(o.input).shape.back();
  s.units = ctx.input(o.weights).dim(0);
  if (o.aux_weights >= 0) s.aux = ctx.input(o.aux_input).shape.back();
  JITLITE_RETURN_IF_ERROR(CheckOperands(ctx, s));
  return s;
}

StatusOr<Cell> ResolveCell(const NodeContext& ctx, bool has_time_axis, bool time_major,
                           int activation, bool asymmetric) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(5, 5));
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
  if (!ctx.has_input(0)) return InvalidArgument("input 0 is missing");
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 0, "input"));
  JITLITE_RETURN_IF_ERROR(CheckActivation(activation));
  const TensorState& in = ctx.input(0);
  int rank = has_time_axis ? 3 : 2;
  if (in.rank() != rank) {
    const char* layout = !has_time_axis ? "[batch, input]"
                         : time_major   ? "[time, batch, input]"
                                        : "[batch, time, input]";
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + "; expected rank " +
                           std::to_string(rank) + " " + layout);
  }
  return ResolveCellOperands(ctx, recurrent::Sequence::Of(in.shape, time_major, has_time_axis),
                             activation, asymmetric, Operands{});
}

Shape OutputShape(const NodeContext& ctx, const Cell& cell) {
  Shape out = ctx.input(cell.operands.input).shape;
  out.back() = static_cast<int32_t>(cell.units);
  return out;
}

void EmitRnn(jit::KernelEmitter& e, const Cell& cell) {
  const Operands& o = cell.operands;
  Value* row = recurrent::ScratchF32(e, cell.units, "hidden");
  std::unique_ptr<HybridRows> rows;
  if (cell.hybrid) {
    rows.reset(new HybridRows{
        hybrid::RowQuantizer(e, cell.input, 1, cell.asymmetric, e.InputPtr(o.input)),
        hybrid::RowQuantizer(e, cell.units, 1, cell.asymmetric, e.InputPtr(o.state)),
        std::nullopt});
    if (o.aux_weights >= 0) {
      rows->aux.emplace(e, cell.aux, 1, cell.asymmetric, e.InputPtr(o.aux_input));
    }
  }
  auto sequence = [&] {
    recurrent::EmitSteps(e, cell.seq, [&](Value* t, Value* b0, int64_t n) {
      e.For(0, n, 1, [&](Value* i) { EmitRow(e, cell, row, rows.get(), AddI(e, b0, i), t); },
            "row");
    }, o.reverse);
  };
  if (cell.passes == 1) {
    sequence();
  } else {
    e.For(0, cell.passes, 1, [&](Value*) { sequence(); }, "pass");
  }
}

Status RnnOpDef::Prepare(NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(Cell cell, resolve_(ctx));
  ctx.SetOutput(0, DType::kFloat32, OutputShape(ctx, cell));
  return Status::Ok();
}

Status RnnOpDef::EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(Cell cell, resolve_(ctx));
  EmitRnn(e, cell);
  return Status::Ok();
}

}  // namespace jitlite::ops::rnn
