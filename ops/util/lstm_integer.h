// TFLite's fully integer LSTM cell (its "8x8_16" kernel, lstm_eval's
// EvalInteger8x8_16), bit-exact: int8 input, output state and weights, int16
// cell state, gates and peephole / layer-norm coefficients, int32 biases.
//
// Per step row, as LstmStepInteger8x8_16:
//   gate = sat16(sat16(MBQM(W_x (x - zp_x) + bias)) + MBQM(W_h (h - zp_h)))
//          (+ sat16 MBQM(peephole .* c) for i, f and, with the new c, o)
//   layer norm (optional): the integer mean/stddev normalization, bias after
//   i, f, o = sigmoid(gate as Q3.12), g = tanh(gate as Q3.12)  (Q0.15 out)
//   c = sat16(round(f .* c >> 15) + round(i .* g >> (30 + cell_scale)))
//   (i = 1 - f for CIFG), clipped to the quantized cell_clip
//   hidden = sat8(MBQM(o .* tanh(c)) + hidden_zp)
//   h = projection ? sat8(MBQM(W_p (hidden - hidden_zp) + bias) + zp_h),
//       clipped to the quantized proj_clip : hidden
// MBQM is MultiplyByQuantizedMultiplier with the effective scale of each
// product, computed from the tensor scales as TFLite's Prepare does (the
// gate scales come from intermediates 0-3 with layer norm, Q3.12 without;
// the hidden scale from intermediate 4). The activations' gemmlowp
// fixed-point sigmoid and tanh are tables built at allocate time (65536
// entries each). With a projection to fewer outputs than cells, TFLite's
// peephole product indexes its weights with the output size; jitlite does
// the same (more outputs than cells: Unimplemented, TFLite reads past the
// cell state). Used by UNIDIRECTIONAL_SEQUENCE_LSTM and LSTM.
#pragma once

#include <cstdint>
#include <vector>

#include "lib/aligned_buffer.h"
#include "ops/util/lstm_cell.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::lstm {

struct IntegerParams {
  QuantizedMultiplier input_to_gate[4], recurrent_to_gate[4], cell_to_gate[4];
  QuantizedMultiplier layer_norm[4];  // shift already includes TFLite's + 12
  QuantizedMultiplier hidden, projection;
  int32_t variance_guard[4] = {1, 1, 1, 1};
  int32_t input_zp = 0, output_state_zp = 0, hidden_zp = 0;
  int cell_scale = 0;      // log2 of the cell state's scale
  int32_t cell_clip = 0;   // quantized clips; 0 = none
  int32_t proj_clip = 0;
};

// TFLite's PopulateQuantizedLstmParams8x8_16 and its checks (5
// intermediates, a power-of-two cell state scale), for a resolved cell.
StatusOr<IntegerParams> ResolveIntegerParams(const NodeContext& ctx, const Cell& cell);

// The activation tables the kernel reads (PackedPtr(first) on).
void PackIntegerTables(const IntegerParams& q, std::vector<AlignedBuffer>& out);

// Emits the cell over the sequence in TFLite's step order; tables at
// PackedPtr(first_table) on.
void EmitIntegerLstm(jit::KernelEmitter& e, const Cell& cell, const IntegerParams& q,
                     const recurrent::Sequence& seq, int first_table = 0);

}  // namespace jitlite::ops::lstm
