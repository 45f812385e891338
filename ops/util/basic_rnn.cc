// The float basic RNN cell (see ops/util/basic_rnn.h).
#include "ops/util/basic_rnn.h"

#include <string>

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

// The unit's bias + W x (+ W_aux aux) + R h, in TFLite's order of the sums.
Value* EmitUnit(jit::KernelEmitter& e, const Cell& s, Value* u, Value* step_row, Value* h_off) {
  llvm::IRBuilder<>& ir = e.b();
  const Operands& o = s.operands;
  Value* w[] = {e.InputPtr(o.weights)};
  Value* r[] = {e.InputPtr(o.recurrent)};
  Value* v = LoadF32(e, e.InputPtr(o.bias), u);
  v = ir.CreateFAdd(v, recurrent::EmitRowDots(e, w, u, e.InputPtr(o.input),
                                              MulI(e, step_row, s.input), s.input)[0]);
  if (o.aux_weights >= 0) {
    Value* a[] = {e.InputPtr(o.aux_weights)};
    v = ir.CreateFAdd(v, recurrent::EmitRowDots(e, a, u, e.InputPtr(o.aux_input),
                                                MulI(e, step_row, s.aux), s.aux)[0]);
  }
  Value* dh = recurrent::EmitRowDots(e, r, u, e.InputPtr(o.state), h_off, s.units)[0];
  return ir.CreateFAdd(v, dh);
}

void EmitRow(jit::KernelEmitter& e, const Cell& s, Value* row, Value* b, Value* t) {
  const Operands& o = s.operands;
  Value* step_row = s.seq.Row(e, b, t);
  Value* h_off = MulI(e, b, s.units);
  e.For(0, s.units, 1, [&](Value* u) {
    Value* v = EmitUnit(e, s, u, step_row, h_off);
    recurrent::StoreF32(e, e.Activation(v, s.activation), row, u);
  }, "unit");
  e.For(0, s.units, 1, [&](Value* u) {
    Value* h = LoadF32(e, row, u);
    recurrent::StoreF32(e, h, e.InputPtr(o.state), AddI(e, h_off, u));
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
                                   int activation, const Operands& operands) {
  const Operands& o = operands;
  const int required[] = {o.weights, o.recurrent, o.bias};
  for (int i : required) {
    if (!ctx.has_input(i)) return InvalidArgument("input " + std::to_string(i) + " is missing");
    JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, i, "RNN operand"));
  }
  if (ctx.input(o.weights).rank() != 2) {
    return InvalidArgument("input weights (input " + std::to_string(o.weights) +
                           ") have shape " + ShapeToString(ctx.input(o.weights).shape) +
                           "; expected [units, input]");
  }
  Cell s;
  s.activation = activation;
  s.seq = seq;
  s.operands = operands;
  s.input = ctx.input(o.input).shape.back();
  s.units = ctx.input(o.weights).dim(0);
  if (o.aux_weights >= 0) {
    JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, o.aux_weights, "auxiliary input weights"));
    s.aux = ctx.input(o.aux_input).shape.back();
  }
  JITLITE_RETURN_IF_ERROR(CheckOperands(ctx, s));
  return s;
}

StatusOr<Cell> ResolveCell(const NodeContext& ctx, bool has_time_axis, bool time_major,
                           int activation) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(5, 5));
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
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
                             activation, Operands{});
}

Shape OutputShape(const NodeContext& ctx, const Cell& cell) {
  Shape out = ctx.input(cell.operands.input).shape;
  out.back() = static_cast<int32_t>(cell.units);
  return out;
}

void EmitRnn(jit::KernelEmitter& e, const Cell& cell) {
  Value* row = recurrent::ScratchF32(e, cell.units, "hidden");
  recurrent::EmitSteps(e, cell.seq, [&](Value* t, Value* b0, int64_t rows) {
    e.For(0, rows, 1, [&](Value* i) { EmitRow(e, cell, row, AddI(e, b0, i), t); }, "row");
  }, cell.operands.reverse);
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
