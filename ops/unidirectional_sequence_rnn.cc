// UNIDIRECTIONAL_SEQUENCE_RNN (float32): a basic RNN over a sequence,
//   h_t = act(bias + W x_t + R h_{t-1}),  output[t] = h_t,
// with input [batch, time, input] ([time, batch, input] with time_major),
// inputs 1 W [units, input], 2 R [units, units], 3 bias [units] and 4 the
// hidden state [batch, units] (a variable tensor that carries over from one
// invoke to the next); output [batch, time, units] (resp. [time, batch,
// units]). Options: time_major, fused_activation_function;
// asymmetric_quantize_inputs only concerns hybrid kernels and is ignored.
// Hybrid (int8 weights) RNNs are Unimplemented.
//
// Per step row: the units' input and recurrent dot products into a stack row
// (the old state is read until all units are done), then the row is written
// to the state and handed to output 0.
#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/recurrent.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;
using recurrent::AddI;
using recurrent::LoadF32;
using recurrent::MulI;

constexpr int kHiddenState = 4;

struct SequenceRnn {
  recurrent::Sequence seq;
  int64_t input = 0, units = 0;
  int activation = 0;
};

Status CheckOperands(const NodeContext& ctx, const SequenceRnn& s) {
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

StatusOr<SequenceRnn> Resolve(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(5, 5));
  if (ctx.num_outputs() != 1) {
    return InvalidArgument("expected 1 output, got " + std::to_string(ctx.num_outputs()));
  }
  for (int i = 0; i < 4; ++i) {
    JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, i, i == 0 ? "input" : "RNN operand"));
  }
  const auto* opts = ctx.op()->builtin_options_as_SequenceRNNOptions();
  SequenceRnn s;
  bool time_major = opts && opts->time_major();
  s.activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  if (s.activation < 0 || s.activation > 5) {
    return InvalidArgument("fused_activation_function " + std::to_string(s.activation) +
                           " is not a valid ActivationFunctionType (0..5)");
  }
  const TensorState& in = ctx.input(0);
  if (in.rank() != 3) {
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + "; expected rank 3 " +
                           (time_major ? "[time, batch, input]" : "[batch, time, input]"));
  }
  if (ctx.input(1).rank() != 2) {
    return InvalidArgument("input weights (input 1) have shape " +
                           ShapeToString(ctx.input(1).shape) + "; expected [units, input]");
  }
  s.seq = recurrent::Sequence::Of(in.shape, time_major, /*has_time_axis=*/true);
  s.input = in.dim(2);
  s.units = ctx.input(1).dim(0);
  JITLITE_RETURN_IF_ERROR(CheckOperands(ctx, s));
  return s;
}

void EmitRow(jit::KernelEmitter& e, const SequenceRnn& s, Value* row, Value* b, Value* t) {
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

class UnidirectionalSequenceRnnOp : public OpDef {
 public:
  std::string_view name() const override { return "UNIDIRECTIONAL_SEQUENCE_RNN"; }
  std::vector<int> builtin_codes() const override { return {35}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SequenceRnn s, Resolve(ctx));
    Shape out = ctx.input(0).shape;
    out.back() = static_cast<int32_t>(s.units);
    ctx.SetOutput(0, DType::kFloat32, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SequenceRnn s, Resolve(ctx));
    Value* row = recurrent::ScratchF32(e, s.units, "hidden");
    recurrent::EmitSteps(e, s.seq, [&](Value* t, Value* b0, int64_t rows) {
      e.For(0, rows, 1, [&](Value* i) { EmitRow(e, s, row, AddI(e, b0, i), t); }, "row");
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& unidirectional_sequence_rnn_op() {
  static const UnidirectionalSequenceRnnOp op;
  return op;
}

}  // namespace jitlite::ops
