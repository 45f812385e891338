// The float basic RNN cell (see ops/util/basic_rnn.h).
#include "ops/util/basic_rnn.h"

#include <memory>
#include <string>

#include "ops/util/hybrid.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::rnn {
namespace {

using llvm::Value;
using recurrent::AddI;
using recurrent::LoadF32;
using recurrent::MulI;

constexpr int kHiddenState = 4;

Status CheckOperands(const NodeContext& ctx, const Cell& s) {
  const int32_t units = static_cast<int32_t>(s.units);
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, 1, "input weights",
                                                {units, static_cast<int32_t>(s.input)}));
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, 2, "recurrent weights", {units, units}));
  JITLITE_RETURN_IF_ERROR(recurrent::CheckShape(ctx, 3, "bias", {units}));
  JITLITE_RETURN_IF_ERROR(
      recurrent::CheckState(ctx, kHiddenState, "hidden state", s.seq.batch * s.units));
  if (ctx.input(kHiddenState).rank() != 2) {
    return InvalidArgument("hidden state (input 4) has shape " +
                           ShapeToString(ctx.input(kHiddenState).shape) +
                           "; expected [batch, units]");
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
// bias.
Status CheckTypes(const NodeContext& ctx, Cell& s) {
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 0, "input"));
  s.hybrid = ctx.input(1).dtype == DType::kInt8;
  if (s.hybrid) {
    JITLITE_RETURN_IF_ERROR(CheckHybridWeights(ctx, 1, "input weights", s.input_scale));
    JITLITE_RETURN_IF_ERROR(CheckHybridWeights(ctx, 2, "recurrent weights", s.recurrent_scale));
    return recurrent::CheckFloat(ctx, 3, "bias");
  }
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 1, "input weights"));
  for (int i : {2, 3}) {
    DType t = ctx.input(i).dtype;
    if (t != DType::kFloat32) {
      return InvalidArgument("RNN operand (input " + std::to_string(i) + ") has type " +
                             DTypeName(t) + ", but the input weights are FLOAT32: the float "
                             "RNN takes FLOAT32 operands (the hybrid one, INT8 weights)");
    }
  }
  return Status::Ok();
}

// The step row's input and state rows, quantized (hybrid only).
struct HybridRows {
  hybrid::RowQuantizer x, h;
};

// Where a step row's input and state start and, for the hybrid cell, each
// product's row scale * weight scale.
struct RowProducts {
  Value* x_off;
  Value* h_off;
  Value* x_scale = nullptr;  // hybrid
  Value* h_scale = nullptr;
};

// bias + W x + R h for unit u: float dot products, or for the hybrid cell the
// i32 ones scaled (rows: the quantized rows; null for the float cell).
Value* EmitUnit(jit::KernelEmitter& e, const Cell& s, HybridRows* rows, const RowProducts& p,
                Value* u) {
  llvm::IRBuilder<>& ir = e.b();
  Value* w[] = {e.InputPtr(1)};
  Value* r[] = {e.InputPtr(2)};
  Value* bias = LoadF32(e, e.InputPtr(3), u);
  if (rows == nullptr) {
    Value* dx = recurrent::EmitRowDots(e, w, u, e.InputPtr(0), p.x_off, s.input)[0];
    Value* dh = recurrent::EmitRowDots(e, r, u, e.InputPtr(kHiddenState), p.h_off, s.units)[0];
    return ir.CreateFAdd(ir.CreateFAdd(bias, dx), dh);
  }
  // TFLite: output = bias; output += dot * scale for the input, then the state.
  auto scaled = [&](Value* acc, Value* scale) {
    return ir.CreateFMul(ir.CreateSIToFP(acc, ir.getFloatTy()), scale);
  };
  Value* dx = hybrid::EmitRowDots(e, w, u, rows->x, s.input)[0];
  Value* dh = hybrid::EmitRowDots(e, r, u, rows->h, s.units)[0];
  Value* v = ir.CreateFAdd(bias, scaled(dx, p.x_scale));
  return ir.CreateFAdd(v, scaled(dh, p.h_scale));
}

void EmitRow(jit::KernelEmitter& e, const Cell& s, Value* row, HybridRows* rows, Value* b,
             Value* t) {
  llvm::IRBuilder<>& ir = e.b();
  RowProducts p{MulI(e, s.seq.Row(e, b, t), s.input), MulI(e, b, s.units)};
  if (rows != nullptr) {
    rows->x.Quantize(p.x_off);
    rows->h.Quantize(p.h_off);
    p.x_scale = ir.CreateFMul(rows->x.scale(), e.F32(s.input_scale));
    p.h_scale = ir.CreateFMul(rows->h.scale(), e.F32(s.recurrent_scale));
  }
  Value* h_off = p.h_off;
  e.For(0, s.units, 1, [&](Value* u) {
    Value* v = EmitUnit(e, s, rows, p, u);
    recurrent::StoreF32(e, e.Activation(v, s.activation), row, u);
  }, "unit");
  e.For(0, s.units, 1, [&](Value* u) {
    Value* h = LoadF32(e, row, u);
    recurrent::StoreF32(e, h, e.InputPtr(kHiddenState), AddI(e, h_off, u));
    e.StoreOutput(h, s.seq.OutputIndex(b, t, u));
  }, "store");
}

}  // namespace

StatusOr<Cell> ResolveCell(const NodeContext& ctx, bool has_time_axis, bool time_major,
                           int activation, bool asymmetric) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(5, 5));
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
  Cell s;
  s.asymmetric = asymmetric;
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx, s));
  if (activation < 0 || activation > 5) {
    return InvalidArgument("fused_activation_function " + std::to_string(activation) +
                           " is not a valid ActivationFunctionType (0..5)");
  }
  const TensorState& in = ctx.input(0);
  int rank = has_time_axis ? 3 : 2;
  if (in.rank() != rank) {
    const char* layout = !has_time_axis ? "[batch, input]"
                         : time_major   ? "[time, batch, input]"
                                        : "[batch, time, input]";
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + "; expected rank " +
                           std::to_string(rank) + " " + layout);
  }
  if (ctx.input(1).rank() != 2) {
    return InvalidArgument("input weights (input 1) have shape " +
                           ShapeToString(ctx.input(1).shape) + "; expected [units, input]");
  }
  s.activation = activation;
  s.seq = recurrent::Sequence::Of(in.shape, time_major, has_time_axis);
  s.input = in.dim(rank - 1);
  s.units = ctx.input(1).dim(0);
  JITLITE_RETURN_IF_ERROR(CheckOperands(ctx, s));
  return s;
}

Shape OutputShape(const NodeContext& ctx, const Cell& cell) {
  Shape out = ctx.input(0).shape;
  out.back() = static_cast<int32_t>(cell.units);
  return out;
}

void EmitRnn(jit::KernelEmitter& e, const Cell& cell) {
  Value* row = recurrent::ScratchF32(e, cell.units, "hidden");
  std::unique_ptr<HybridRows> rows;
  if (cell.hybrid) {
    rows.reset(new HybridRows{
        hybrid::RowQuantizer(e, cell.input, 1, cell.asymmetric, e.InputPtr(0)),
        hybrid::RowQuantizer(e, cell.units, 1, cell.asymmetric, e.InputPtr(kHiddenState))});
  }
  recurrent::EmitSteps(e, cell.seq, [&](Value* t, Value* b0, int64_t n) {
    e.For(0, n, 1, [&](Value* i) { EmitRow(e, cell, row, rows.get(), AddI(e, b0, i), t); },
          "row");
  });
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
