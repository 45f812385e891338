// BIDIRECTIONAL_SEQUENCE_RNN (float32, hybrid): two basic RNN cells (see
// ops/util/basic_rnn.h) over one sequence input [batch, time, input] ([time,
// batch, input] with time_major), the forward cell from the first time step
// and the backward cell from the last. 12 inputs: 0 input; 1-3 the forward
// cell's W, R, bias and 4 its hidden state; 5-7 and 8 the backward cell's
// (hidden states are variable tensors that carry over between invokes);
// 9 auxiliary input; 10/11 forward/backward auxiliary input weights.
// Outputs: the forward and backward sequences, or with merge_outputs one
// output holding both along the features (forward first).
//
// Auxiliary input, as TFLite's kernel runs it:
//  - with auxiliary weights (cross links) both cells add W_aux aux_t;
//  - without them it is the backward cell's input, but only for time-major
//    inputs: TFLite's batch-major path reads the main input in both cells.
// A time-major cross-linked auxiliary input whose size differs from the
// input's is Unimplemented (TFLite steps it by the input's size).
//
// Hybrid (INT8 weights W, R and W_aux of both cells, one scale each; FLOAT32
// input, biases and states), as TFLite's EvalHybrid: each cell is the hybrid
// basic RNN cell, with two of TFLite's quirks matched:
//  - time-major, each cell runs over the whole sequence `time` times per
//    invoke (its state carries on; the outputs are the last run's);
//  - the cross-linked auxiliary input is stepped by the input's size in both
//    layouts, so an auxiliary input of another size is Unimplemented.
#include <string>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/basic_rnn.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

constexpr int kNumInputs = 12;
constexpr int kAuxInput = 9, kFwAuxWeights = 10, kBwAuxWeights = 11;

struct BidiOptions {
  int activation = 0;
  bool merge = false;
  bool time_major = false;
  bool asymmetric = false;  // hybrid: asymmetric_quantize_inputs
  bool hybrid = false;      // FLOAT32 input, INT8 forward input weights
};

struct BidirectionalRnn {
  rnn::Cell fw, bw;
  bool merge = false;
};

BidiOptions ReadOptions(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_BidirectionalSequenceRNNOptions();
  BidiOptions o;
  if (opts) {  // TFLite's params are zero without a table
    o.activation = static_cast<int>(opts->fused_activation_function());
    o.merge = opts->merge_outputs();
    o.time_major = opts->time_major();
    o.asymmetric = opts->asymmetric_quantize_inputs();
  }
  if (ctx.has_input(1)) o.hybrid = ctx.input(1).dtype == DType::kInt8;
  return o;
}

Status CheckArity(const NodeContext& ctx, const BidiOptions& o) {
  if (ctx.num_inputs() != kNumInputs) {
    return InvalidArgument("BIDIRECTIONAL_SEQUENCE_RNN takes 12 inputs, got " +
                           std::to_string(ctx.num_inputs()));
  }
  const int outputs = o.merge ? 1 : 2;
  if (ctx.num_outputs() != outputs) {
    return InvalidArgument("expected " + std::to_string(outputs) + " output(s) with merge_outputs " +
                           (o.merge ? "true" : "false") + ", got " +
                           std::to_string(ctx.num_outputs()));
  }
  if (!ctx.has_input(0)) return InvalidArgument("input 0 is missing");
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, 0, "input"));
  JITLITE_RETURN_IF_ERROR(rnn::CheckActivation(o.activation));
  const TensorState& in = ctx.input(0);
  if (in.rank() != 3) {
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + "; expected rank 3 " +
                           (o.time_major ? "[time, batch, input]" : "[batch, time, input]"));
  }
  return Status::Ok();
}

// The auxiliary input's role: cross-linked (both cells' aux operands), the
// backward cell's input, or none.
Status CheckAuxInput(const NodeContext& ctx, const BidiOptions& o, rnn::Operands& fw,
                     rnn::Operands& bw) {
  const bool fw_w = ctx.has_input(kFwAuxWeights), bw_w = ctx.has_input(kBwAuxWeights);
  if (fw_w != bw_w) {
    return InvalidArgument("auxiliary input weights (inputs 10, 11) must be both given or both "
                           "omitted");
  }
  const bool aux = ctx.has_input(kAuxInput);
  if (fw_w && !aux) {
    return InvalidArgument("auxiliary input weights are given without an auxiliary input "
                           "(input 9)");
  }
  if (!aux) return Status::Ok();
  JITLITE_RETURN_IF_ERROR(recurrent::CheckFloat(ctx, kAuxInput, "auxiliary input"));
  const Shape& in = ctx.input(0).shape;
  const Shape& a = ctx.input(kAuxInput).shape;
  if (a.size() != 3 || a[0] != in[0] || a[1] != in[1]) {
    return InvalidArgument("the auxiliary input (input 9) has shape " + ShapeToString(a) +
                           "; it must match the input " + ShapeToString(in) + " but for its last dim");
  }
  if (!fw_w) {
    if (a != in) {
      return InvalidArgument("the auxiliary input (input 9, the backward cell's input without "
                             "auxiliary weights) has shape " + ShapeToString(a) +
                             "; expected the input's " + ShapeToString(in));
    }
    if (o.time_major) bw.input = kAuxInput;
    return Status::Ok();
  }
  if ((o.time_major || o.hybrid) && a[2] != in[2]) {
    return Unimplemented(std::string("a ") + (o.hybrid ? "hybrid" : "time-major") +
                         " cross-linked auxiliary input of " + std::to_string(a[2]) +
                         " features (TFLite steps it by the input's " + std::to_string(in[2]) +
                         "; only equal sizes are supported)");
  }
  fw.aux_input = bw.aux_input = kAuxInput;
  fw.aux_weights = kFwAuxWeights;
  bw.aux_weights = kBwAuxWeights;
  return Status::Ok();
}

StatusOr<BidirectionalRnn> Resolve(const NodeContext& ctx) {
  const BidiOptions o = ReadOptions(ctx);
  JITLITE_RETURN_IF_ERROR(CheckArity(ctx, o));
  rnn::Operands fw;  // inputs 0-4, output 0
  rnn::Operands bw{.weights = 5, .recurrent = 6, .bias = 7, .state = 8, .reverse = true};
  JITLITE_RETURN_IF_ERROR(CheckAuxInput(ctx, o, fw, bw));
  const recurrent::Sequence seq =
      recurrent::Sequence::Of(ctx.input(0).shape, o.time_major, /*has_time_axis=*/true);
  BidirectionalRnn s;
  s.merge = o.merge;
  JITLITE_ASSIGN_OR_RETURN(s.fw,
                           rnn::ResolveCellOperands(ctx, seq, o.activation, o.asymmetric, fw));
  if (o.merge) {
    bw.output_offset = s.fw.units;
  } else {
    bw.output = 1;
  }
  JITLITE_ASSIGN_OR_RETURN(s.bw,
                           rnn::ResolveCellOperands(ctx, seq, o.activation, o.asymmetric, bw));
  if (s.bw.hybrid != s.fw.hybrid) {
    return InvalidArgument("the forward (input 1) and backward (input 5) input weights have types " +
                           std::string(DTypeName(ctx.input(1).dtype)) + " and " +
                           DTypeName(ctx.input(5).dtype) + ": TFLite reads both cells as the "
                           "forward one's type (float, or hybrid with INT8 weights)");
  }
  if (s.fw.hybrid && o.time_major) s.fw.passes = s.bw.passes = seq.time;
  if (s.fw.units + s.bw.units > recurrent::kMaxScratchFloats) {
    return Unimplemented("BIDIRECTIONAL_SEQUENCE_RNN with " + std::to_string(s.fw.units) + " + " +
                         std::to_string(s.bw.units) +
                         " units: their rows exceed the kernel's stack scratch");
  }
  return s;
}

class BidirectionalSequenceRnnOp : public OpDef {
 public:
  std::string_view name() const override { return "BIDIRECTIONAL_SEQUENCE_RNN"; }
  std::vector<int> builtin_codes() const override { return {46}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(BidirectionalRnn s, Resolve(ctx));
    const int32_t fw = static_cast<int32_t>(s.fw.units), bw = static_cast<int32_t>(s.bw.units);
    Shape out = ctx.input(0).shape;
    out.back() = s.merge ? fw + bw : fw;
    ctx.SetOutput(0, DType::kFloat32, out);
    if (!s.merge) {
      out.back() = bw;
      ctx.SetOutput(1, DType::kFloat32, out);
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(BidirectionalRnn s, Resolve(ctx));
    rnn::EmitRnn(e, s.fw);
    rnn::EmitRnn(e, s.bw);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& bidirectional_sequence_rnn_op() {
  static const BidirectionalSequenceRnnOp op;
  return op;
}

}  // namespace jitlite::ops
