// The float basic RNN cell (see ops/util/basic_rnn.h).
#include "ops/util/basic_rnn.h"

#include <string>

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

void EmitRow(jit::KernelEmitter& e, const Cell& s, Value* row, Value* b, Value* t) {
  llvm::IRBuilder<>& ir = e.b();
  Value* x_off = MulI(e, s.seq.Row(e, b, t), s.input);
  Value* h_off = MulI(e, b, s.units);
  Value* w[] = {e.InputPtr(1)};
  Value* r[] = {e.InputPtr(2)};
  e.For(0, s.units, 1, [&](Value* u) {
    Value* dx = recurrent::EmitRowDots(e, w, u, e.InputPtr(0), x_off, s.input)[0];
    Value* dh = recurrent::EmitRowDots(e, r, u, e.InputPtr(kHiddenState), h_off, s.units)[0];
    Value* v = ir.CreateFAdd(ir.CreateFAdd(LoadF32(e, e.InputPtr(3), u), dx), dh);
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
                           int activation) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(5, 5));
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
  for (int i = 0; i < 4; ++i) {
    JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, i, i == 0 ? "input" : "RNN operand"));
  }
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
  Cell s;
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
  recurrent::EmitSteps(e, cell.seq, [&](Value* t, Value* b0, int64_t rows) {
    e.For(0, rows, 1, [&](Value* i) { EmitRow(e, cell, row, AddI(e, b0, i), t); }, "row");
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
