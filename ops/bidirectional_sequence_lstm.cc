// BIDIRECTIONAL_SEQUENCE_LSTM (float32): two of TFLite's full LSTM cells (see
// ops/util/lstm_cell.h) over one sequence input [time, batch, input] ([batch,
// time, input] without time_major), the forward cell from the first time step
// and the backward cell from the last. 48 inputs: 0 input; 1-17 the forward
// cell's tensors and 18-34 the backward cell's, in the unidirectional order
// (no layer norm); 35/36 forward and 37/38 backward output and cell states
// (variable tensors that carry over between invokes); 39 auxiliary input;
// 40-47 auxiliary input weights. Outputs: the forward and backward sequences,
// or with merge_outputs one output holding both along the features (forward
// first). An auxiliary input without auxiliary weights is the backward
// cell's input (TFLite's stacking without cross links); auxiliary weights
// (cross links) are Unimplemented, as is the integer variant. FLOAT32 input
// with INT8 forward input-to-output weights (input 4) runs TFLite's hybrid
// kernel in both cells (ops/util/lstm_cell.h), asymmetric_quantize_inputs
// choosing how the rows are quantized.
//
// Differs from TFLite in one case: batch-major merged outputs with batch > 1,
// where TFLite offsets the state rows by the merged output width and so reads
// and writes past its state tensors; jitlite uses the state rows as laid out.
#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/lstm_cell.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

constexpr int kAuxInput = 39;
constexpr int kFirstAuxWeights = 40;
constexpr int kNumInputs = 48;

struct BidirectionalLstm {
  lstm::Cell fw, bw;
  recurrent::Sequence seq;
  bool merge = false;
};

struct BidiOptions {
  lstm::Options cell;
  bool merge = false;
  bool time_major = false;
};

BidiOptions ReadOptions(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_BidirectionalSequenceLSTMOptions();
  BidiOptions o;
  if (opts) {  // TFLite's params are zero without a table (time_major false)
    o.cell.activation = static_cast<int>(opts->fused_activation_function());
    o.cell.cell_clip = opts->cell_clip();
    o.cell.proj_clip = opts->proj_clip();
    o.merge = opts->merge_outputs();
    o.time_major = opts->time_major();
    o.cell.asymmetric = opts->asymmetric_quantize_inputs();
  }
  return o;
}

// The input, the outputs and the auxiliary input (the backward cell's input
// when present, since cross-link weights are not supported).
Status CheckInputs(const NodeContext& ctx, const BidiOptions& o) {
  if (ctx.num_inputs() != kNumInputs) {
    return InvalidArgument("BIDIRECTIONAL_SEQUENCE_LSTM takes 48 inputs, got " +
                           std::to_string(ctx.num_inputs()));
  }
  int outputs = o.merge ? 1 : 2;
  if (ctx.num_outputs() != outputs) {
    return InvalidArgument("expected " + std::to_string(outputs) + " output(s) with merge_outputs " +
                           (o.merge ? "true" : "false") + ", got " +
                           std::to_string(ctx.num_outputs()));
  }
  if (!ctx.has_input(0)) return InvalidArgument("input 0 is missing");
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 0, "input"));
  const TensorState& in = ctx.input(0);
  if (in.rank() != 3) {
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + "; expected rank 3 " +
                           (o.time_major ? "[time, batch, input]" : "[batch, time, input]"));
  }
  for (int i = kFirstAuxWeights; i < kNumInputs; ++i) {
    if (ctx.has_input(i)) {
      return Unimplemented("auxiliary input weights (inputs 40-47, cross-linked stacking) are "
                           "not supported yet");
    }
  }
  if (ctx.has_input(kAuxInput)) {
    JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, kAuxInput, "auxiliary input"));
    if (ctx.input(kAuxInput).shape != in.shape) {
      return InvalidArgument("the auxiliary input (input 39, the backward cell's input) has "
                             "shape " + ShapeToString(ctx.input(kAuxInput).shape) +
                             "; expected the input's " + ShapeToString(in.shape));
    }
  }
  return Status::Ok();
}

StatusOr<BidirectionalLstm> Resolve(const NodeContext& ctx) {
  BidiOptions o = ReadOptions(ctx);
  JITLITE_RETURN_IF_ERROR(CheckInputs(ctx, o));
  // TFLite picks the kernel of both cells from the forward weights.
  o.cell.hybrid = lstm::IsHybrid(ctx);
  const TensorState& in = ctx.input(0);
  BidirectionalLstm s;
  s.merge = o.merge;
  s.seq = recurrent::Sequence::Of(in.shape, o.time_major, /*has_time_axis=*/true);
  lstm::Operands fw{.base = 0, .output_state = 35, .cell_state = 36, .layer_norm = -1};
  JITLITE_ASSIGN_OR_RETURN(s.fw, lstm::ResolveCell(ctx, s.seq, in.dim(2), o.cell, fw));
  lstm::Operands bw{.base = 17,
                    .input = ctx.has_input(kAuxInput) ? kAuxInput : 0,
                    .output_state = 37,
                    .cell_state = 38,
                    .layer_norm = -1,
                    .output = o.merge ? 0 : 1,
                    .output_offset = o.merge ? s.fw.output : 0,
                    .reverse = true};
  JITLITE_ASSIGN_OR_RETURN(s.bw, lstm::ResolveCell(ctx, s.seq, in.dim(2), o.cell, bw));
  // TFLite checks both cells against each cell's sizes.
  if (s.fw.cell != s.bw.cell || s.fw.output != s.bw.output) {
    return InvalidArgument("the forward and backward cells differ in size (cells " +
                           std::to_string(s.fw.cell) + " vs " + std::to_string(s.bw.cell) +
                           ", outputs " + std::to_string(s.fw.output) + " vs " +
                           std::to_string(s.bw.output) + ")");
  }
  if (lstm::ScratchFloats(s.fw) + lstm::ScratchFloats(s.bw) > recurrent::kMaxScratchFloats) {
    return Unimplemented("BIDIRECTIONAL_SEQUENCE_LSTM with " + std::to_string(s.fw.cell) +
                         " cells: its gate rows exceed the kernel's stack scratch");
  }
  return s;
}

Shape OutputShape(const Shape& input, int64_t features) {
  Shape out = input;
  out.back() = static_cast<int32_t>(features);
  return out;
}

class BidirectionalSequenceLstmOp : public OpDef {
 public:
  std::string_view name() const override { return "BIDIRECTIONAL_SEQUENCE_LSTM"; }
  std::vector<int> builtin_codes() const override { return {52}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(BidirectionalLstm s, Resolve(ctx));
    const Shape& in = ctx.input(0).shape;
    if (s.merge) {
      ctx.SetOutput(0, DType::kFloat32, OutputShape(in, s.fw.output + s.bw.output));
    } else {
      ctx.SetOutput(0, DType::kFloat32, OutputShape(in, s.fw.output));
      ctx.SetOutput(1, DType::kFloat32, OutputShape(in, s.bw.output));
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(BidirectionalLstm s, Resolve(ctx));
    lstm::EmitLstm(e, s.fw, s.seq);
    lstm::EmitLstm(e, s.bw, s.seq);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& bidirectional_sequence_lstm_op() {
  static const BidirectionalSequenceLstmOp op;
  return op;
}

}  // namespace jitlite::ops
