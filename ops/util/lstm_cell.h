// The float32 LSTM cell of TFLite's full LSTM kernel, shared by LSTM (one
// step per invoke) and UNIDIRECTIONAL_SEQUENCE_LSTM (a sequence per invoke).
//
// Inputs in TFLite's order (-1 = omitted):
//   0 input; 1-4 input-to-{input, forget, cell, output} weights [cell, input];
//   5-8 recurrent-to-{...} weights [cell, output]; 9-11 cell-to-{input,
//   forget, output} peephole weights [cell] (optional); 12-15 gate biases
//   [cell]; 16 projection weights [output, cell] and 17 projection bias
//   [output] (optional); 18 output state [batch * output] and 19 cell state
//   [batch * cell] (variable tensors); 20-23 layer-norm coefficients [cell]
//   (optional; the 20-input form has none).
// CIFG (no input gate, i = 1 - f) when the input-gate weights are omitted.
//
// One step of one batch row, as TFLite's LstmStepFloat:
//   gate_x = W_x x + W_h h (+ bias) (+ peephole .* c for i and f)
//   layer norm: gate_x = coeff .* normalize(gate_x) + bias
//   i, f = sigmoid; g = act(gate_g); c = clip(f .* c + i .* g)
//   o = sigmoid(gate_o + peephole .* c_new); h = o .* act(c)
//   h = clip(W_proj h + proj_bias) with projection; output[t] = h
// With fused_activation_function NONE, TFLite's vector activation leaves its
// destination untouched, so h = o .* g, and g is the bias (0 with layer
// norm) for a step whose input rows are all zero; jitlite reproduces that.
//
// Hybrid (TFLite's EvalHybrid: float32 input, states, biases and layer-norm
// coefficients; INT8 weights, peephole and projection included, one scale
// each): per step row, the input row and the output-state row are quantized
// at run time (ops/util/hybrid.h, asymmetric_quantize_inputs chooses how) and
//   gate_x = bias + dot_x * (s_x * s_Wx) + dot_h * (s_h * s_Wh)
//            (+ (peephole * s_P) .* c)
// with i32 dot products (a diagonal recurrent term stays float: w .* h, as
// TFLite reads diagonal weights as FLOAT32); the projection quantizes the hidden row the same way,
// h = clip(proj_bias + dot * (s_hidden * s_Wp)). The rest runs in float as
// above, except that the cell gate's activation works in place, so NONE
// leaves g = gate_g (no zero-input case) and h = o .* g.
// jitlite's sigmoid and tanh differ from TFLite's libm calls by about an ulp,
// so a state value that lands within that distance of a rounding boundary of
// the next step's quantization can round the other way: the state then
// differs by one quantization step (about 1e-4 of the output range after).
#pragma once

#include <cstdint>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/recurrent.h"

namespace jitlite::ops::lstm {

// Input indices of the full kernel (gate inputs: the first one + gate).
constexpr int kInput = 0;
constexpr int kInputToGate = 1;
constexpr int kRecurrentToGate = 5;
constexpr int kGateBias = 12;
constexpr int kProjectionWeights = 16;
constexpr int kProjectionBias = 17;
constexpr int kOutputState = 18;
constexpr int kCellState = 19;
constexpr int kLayerNorm = 20;
// Gates, in TFLite's order of the gate inputs.
constexpr int kInputGate = 0;
constexpr int kForgetGate = 1;
constexpr int kCellGate = 2;
constexpr int kOutputGate = 3;

struct Options {
  int activation = 0;  // ActivationFunctionType of the cell gate and output
  float cell_clip = 0.0f;
  float proj_clip = 0.0f;
  // TFLite's integer kernel (int8 input): the operand types it requires
  // instead of float32 (see ops/util/lstm_integer.h).
  bool integer = false;
  // TFLite's hybrid kernel (float32 input, INT8 weights; see above), and its
  // asymmetric_quantize_inputs option.
  bool hybrid = false;
  bool asymmetric = false;
  // Rank-1 recurrent-to-gate weights [cell] are diagonal (gate += w .* h):
  // TFLite's sequence kernel (float and hybrid) takes them, its LSTM does not.
  bool diagonal_recurrent = false;
};

// Where one cell's tensors are among the node's inputs and where its output
// goes. The cell tensors 1-17 above sit at `base` + their index (base 17 for
// the backward cell of BIDIRECTIONAL_SEQUENCE_LSTM).
struct Operands {
  int base = 0;
  int input = kInput;
  int output_state = kOutputState;
  int cell_state = kCellState;
  int layer_norm = kLayerNorm;  // first of the four coefficients; -1: none
  int output = 0;               // node output
  int64_t output_offset = 0;    // first feature of this cell's output rows
  bool reverse = false;         // runs the sequence from its last time step

  int at(int cell_tensor) const { return base + cell_tensor; }
};

struct Cell {
  int64_t input = 0, cell = 0, output = 0;  // feature sizes
  bool cifg = false, peephole = false, layer_norm = false;
  bool projection = false, projection_bias = false;
  bool diagonal[4] = {};  // per gate: diagonal recurrent weights (FLOAT32 even when hybrid)
  // Hybrid: the scale of each INT8 cell tensor (weights 1-11 and 16).
  float weight_scale[kProjectionWeights + 1] = {};
  Options options;
  Operands operands;
};

// True when a cell runs TFLite's hybrid kernel: a FLOAT32 input with INT8
// input-to-output weights (the tensor TFLite's kernels switch on).
bool IsHybrid(const NodeContext& ctx, const Operands& operands = {});

// The 20 or 24 inputs (input 0 present) and one output of the full kernel.
Status CheckFullKernelArity(const NodeContext& ctx);

// Checks a cell's operands and options as TFLite's Prepare does, for a `seq`
// of `input_size` features.
StatusOr<Cell> ResolveCell(const NodeContext& ctx, const recurrent::Sequence& seq,
                           int64_t input_size, const Options& options,
                           const Operands& operands = {});

// Float32 stack scratch one cell's kernel uses.
inline int64_t ScratchFloats(const Cell& cell) { return 5 * cell.cell; }

// Emits one cell over the sequence in TFLite's step order, updating its state
// tensors in place and storing its rows of its output.
void EmitLstm(jit::KernelEmitter& e, const Cell& cell, const recurrent::Sequence& seq);

}  // namespace jitlite::ops::lstm
