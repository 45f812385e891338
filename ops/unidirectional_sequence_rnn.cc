// UNIDIRECTIONAL_SEQUENCE_RNN (float32): the basic RNN cell of
// ops/util/basic_rnn.h over a sequence, h_t = act(bias + W x_t + R h_{t-1}),
// output[t] = h_t, with input [batch, time, input] ([time, batch, input] with
// time_major) and output [batch, time, units] (resp. [time, batch, units]).
// The hidden state (input 4) is a variable tensor that carries over from one
// invoke to the next. Options: time_major, fused_activation_function,
// asymmetric_quantize_inputs (hybrid only). INT8 weights with a FLOAT32 input
// run TFLite's hybrid kernel (ops/util/basic_rnn.h).
#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/basic_rnn.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

StatusOr<rnn::Cell> Resolve(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_SequenceRNNOptions();
  bool time_major = opts && opts->time_major();
  int activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  bool asymmetric = opts && opts->asymmetric_quantize_inputs();
  return rnn::ResolveCell(ctx, /*has_time_axis=*/true, time_major, activation, asymmetric);
}

}  // namespace

const OpDef& unidirectional_sequence_rnn_op() {
  static const rnn::RnnOpDef op("UNIDIRECTIONAL_SEQUENCE_RNN", 35, Resolve);
  return op;
}

}  // namespace jitlite::ops
