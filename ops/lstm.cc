// LSTM (float32, the FULL kernel type): one step of TFLite's full LSTM cell
// per invoke (see ops/util/lstm_cell.h for the 20 or 24 inputs and the math)
// on an input [batch, input]; output [batch, output]. The output and cell
// states are variable tensors that carry over from one invoke to the next.
// Options: fused_activation_function, cell_clip, proj_clip, kernel_type,
// asymmetric_quantize_inputs (hybrid only).
// An int8 input with the operator's 5 intermediates selects TFLite's
// integer 8x8_16 kernel (ops/util/lstm_integer.h); a float input with INT8
// input-to-output weights its hybrid kernel (ops/util/lstm_cell.h). The
// integer 8x8_8 form (12 intermediates) and the BASIC kernel type (5
// inputs) are Unimplemented (LiteRT 2.3's LSTM segfaults on 8x8_8 models
// built like the 8x8_16 tests' with 7 more intermediates, so there is no
// reference to match yet; UNIDIRECTIONAL_SEQUENCE_LSTM has no 8x8_8 form).
#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/lstm_cell.h"
#include "ops/util/lstm_integer.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

struct StepLstm {
  lstm::Cell cell;
  recurrent::Sequence seq;
  bool integer = false;
  lstm::IntegerParams q;  // integer kernel only
};

bool IsInteger(const NodeContext& ctx) {
  return ctx.has_input(0) && ctx.input(0).dtype == DType::kInt8;
}

StatusOr<StepLstm> Resolve(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_LSTMOptions();
  lstm::Options options;
  if (opts) {
    options.activation = static_cast<int>(opts->fused_activation_function());
    options.cell_clip = opts->cell_clip();
    options.proj_clip = opts->proj_clip();
    options.asymmetric = opts->asymmetric_quantize_inputs();
    if (opts->kernel_type() == tflite::LSTMKernelType::BASIC) {
      return Unimplemented("LSTM with kernel_type BASIC is not supported yet (only FULL)");
    }
    if (opts->kernel_type() != tflite::LSTMKernelType::FULL) {
      return InvalidArgument("kernel_type " + std::to_string(static_cast<int>(opts->kernel_type())) +
                             " is not a valid LSTMKernelType (0 FULL, 1 BASIC)");
    }
  }
  JITLITE_RETURN_IF_ERROR(lstm::CheckFullKernelArity(ctx));
  options.integer = IsInteger(ctx);
  options.hybrid = lstm::IsHybrid(ctx);
  if (options.integer && ctx.num_intermediates() == 12) {
    return Unimplemented("LSTM's integer 8x8_8 form (12 intermediates) is not supported yet "
                         "(the 8x8_16 form, 5 intermediates, is)");
  }
  if (!options.integer) JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 0, "input"));
  const TensorState& in = ctx.input(0);
  if (in.rank() != 2) {
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) +
                           "; LSTM expects rank 2 [batch, input]");
  }
  StepLstm s;
  s.seq = recurrent::Sequence::Of(in.shape, /*time_major=*/true, /*has_time_axis=*/false);
  JITLITE_ASSIGN_OR_RETURN(s.cell, lstm::ResolveCell(ctx, s.seq, in.dim(1), options));
  s.integer = options.integer;
  if (s.integer) {
    JITLITE_ASSIGN_OR_RETURN(s.q, lstm::ResolveIntegerParams(ctx, s.cell));
  }
  return s;
}

class LstmOp : public OpDef {
 public:
  std::string_view name() const override { return "LSTM"; }
  std::vector<int> builtin_codes() const override { return {16}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(StepLstm s, Resolve(ctx));
    ctx.SetOutput(0, s.integer ? DType::kInt8 : DType::kFloat32,
                  {static_cast<int32_t>(s.seq.batch), static_cast<int32_t>(s.cell.output)});
    return Status::Ok();
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    if (!IsInteger(ctx)) return Status::Ok();
    JITLITE_ASSIGN_OR_RETURN(StepLstm s, Resolve(ctx));
    lstm::PackIntegerTables(s.q, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(StepLstm s, Resolve(ctx));
    if (s.integer) {
      lstm::EmitIntegerLstm(e, s.cell, s.q, s.seq);
    } else {
      lstm::EmitLstm(e, s.cell, s.seq);
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& lstm_op() {
  static const LstmOp op;
  return op;
}

}  // namespace jitlite::ops
