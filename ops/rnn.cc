// RNN (float32): one step of the basic RNN cell of ops/util/basic_rnn.h per
// invoke, h = act(bias + W x + R h), on an input [batch, input]; output
// [batch, units]. The hidden state (input 4) is a variable tensor that
// carries over from one invoke to the next. Options: fused_activation_function,
// asymmetric_quantize_inputs (hybrid only). INT8 weights with a FLOAT32 input
// run TFLite's hybrid kernel (ops/util/basic_rnn.h).
#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/basic_rnn.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

StatusOr<rnn::Cell> Resolve(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_RNNOptions();
  int activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  bool asymmetric = opts && opts->asymmetric_quantize_inputs();
  return rnn::ResolveCell(ctx, /*has_time_axis=*/false, /*time_major=*/false, activation,
                          asymmetric);
}

}  // namespace

const OpDef& rnn_op() {
  static const rnn::RnnOpDef op("RNN", 24, Resolve);
  return op;
}

}  // namespace jitlite::ops
