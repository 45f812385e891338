// UNIDIRECTIONAL_SEQUENCE_LSTM (float32): TFLite's full LSTM cell (see
// ops/util/lstm_cell.h for the 24 inputs and the math) run over a sequence
// input [batch, time, input] ([time, batch, input] with time_major); output
// [batch, time, output] (resp. [time, batch, output]). The output and cell
// states are variable tensors that carry over from one invoke to the next.
// Options: fused_activation_function, cell_clip, proj_clip, time_major,
// asymmetric_quantize_inputs (hybrid only).
// An int8 input selects TFLite's integer kernel (ops/util/lstm_integer.h:
// int8 output and output state, int16 cell state, the operator's 5
// intermediates carrying the gate and hidden scales); it ignores the
// activation option (always tanh), as TFLite's does. A float input with
// INT8 input-to-output weights selects the hybrid kernel (lstm_cell.h:
// INT8 per-tensor weights, float states, rows quantized at run time).
// Rank-1 recurrent weights [cell] are diagonal (float and hybrid, where they
// stay FLOAT32), as in TFLite's kernel, which goes by the tensors' rank (the
// diagonal_recurrent_tensors option is not read).
#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/lstm_cell.h"
#include "ops/util/lstm_integer.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

struct SequenceLstm {
  lstm::Cell cell;
  recurrent::Sequence seq;
  bool integer = false;
  lstm::IntegerParams q;  // integer kernel only
};

bool IsInteger(const NodeContext& ctx) {
  return ctx.has_input(0) && ctx.input(0).dtype == DType::kInt8;
}

StatusOr<SequenceLstm> Resolve(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_UnidirectionalSequenceLSTMOptions();
  lstm::Options options;
  bool time_major = false;
  if (opts) {
    options.activation = static_cast<int>(opts->fused_activation_function());
    options.cell_clip = opts->cell_clip();
    options.proj_clip = opts->proj_clip();
    time_major = opts->time_major();
    options.asymmetric = opts->asymmetric_quantize_inputs();
  }
  JITLITE_RETURN_IF_ERROR(lstm::CheckFullKernelArity(ctx));
  options.integer = IsInteger(ctx);
  options.hybrid = lstm::IsHybrid(ctx);
  options.diagonal_recurrent = !options.integer;
  if (!options.integer) JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 0, "input"));
  const TensorState& in = ctx.input(0);
  if (in.rank() != 3) {
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + "; expected rank 3 " +
                           (time_major ? "[time, batch, input]" : "[batch, time, input]"));
  }
  SequenceLstm s;
  s.seq = recurrent::Sequence::Of(in.shape, time_major, /*has_time_axis=*/true);
  JITLITE_ASSIGN_OR_RETURN(s.cell, lstm::ResolveCell(ctx, s.seq, in.dim(2), options));
  s.integer = options.integer;
  if (s.integer) {
    JITLITE_ASSIGN_OR_RETURN(s.q, lstm::ResolveIntegerParams(ctx, s.cell));
  }
  return s;
}

class UnidirectionalSequenceLstmOp : public OpDef {
 public:
  std::string_view name() const override { return "UNIDIRECTIONAL_SEQUENCE_LSTM"; }
  std::vector<int> builtin_codes() const override { return {44}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SequenceLstm s, Resolve(ctx));
    Shape out = ctx.input(0).shape;
    out.back() = static_cast<int32_t>(s.cell.output);
    ctx.SetOutput(0, s.integer ? DType::kInt8 : DType::kFloat32, out);
    return Status::Ok();
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    if (!IsInteger(ctx)) return Status::Ok();
    JITLITE_ASSIGN_OR_RETURN(SequenceLstm s, Resolve(ctx));
    lstm::PackIntegerTables(s.q, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SequenceLstm s, Resolve(ctx));
    if (s.integer) {
      lstm::EmitIntegerLstm(e, s.cell, s.q, s.seq);
    } else {
      lstm::EmitLstm(e, s.cell, s.seq);
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& unidirectional_sequence_lstm_op() {
  static const UnidirectionalSequenceLstmOp op;
  return op;
}

}  // namespace jitlite::ops
