// The float basic RNN cell shared by RNN (one step per invoke),
// UNIDIRECTIONAL_SEQUENCE_RNN and the two cells of BIDIRECTIONAL_SEQUENCE_RNN:
// h = act(bias + W x (+ W_aux aux) + R h), output = h.
// Default operands: 0 input, 1 W [units, input], 2 R [units, units], 3 bias
// [units], 4 the hidden state [batch, units] (a variable tensor, updated in
// place); W_aux [units, aux] is the optional cross-linked auxiliary input.
// Hybrid (TFLite's RnnBatchStep with INT8 weights: FLOAT32 input, bias and
// state, INT8 W, W_aux and R with one scale each): per step row the input row,
// the auxiliary row and the state row are quantized at run time
// (ops/util/hybrid.h; symmetric, or asymmetric with asymmetric_quantize_inputs)
// and
//   h = act(bias + dot_x * (s_x * s_W) (+ dot_a * (s_a * s_Waux))
//               + dot_h * (s_h * s_R))
// with i32 dot products.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/recurrent.h"

namespace jitlite::ops::rnn {

// Where one cell's tensors are among the node's inputs and where its rows go.
struct Operands {
  int input = 0, weights = 1, recurrent = 2, bias = 3, state = 4;
  int aux_input = -1, aux_weights = -1;  // both or neither (-1)
  int output = 0;              // node output
  int64_t output_offset = 0;   // first feature of this cell's rows in it
  bool reverse = false;        // runs the sequence from its last time step
};

struct Cell {
  recurrent::Sequence seq;
  int64_t input = 0, units = 0, aux = 0;  // feature sizes
  int activation = 0;  // ActivationFunctionType
  Operands operands;
  bool hybrid = false, asymmetric = false;
  float input_scale = 0.0f, recurrent_scale = 0.0f, aux_scale = 0.0f;  // hybrid: of W, R, W_aux
  // Runs of the whole sequence per invoke (TFLite's time-major hybrid
  // BIDIRECTIONAL_SEQUENCE_RNN runs each cell `time` times; the state carries on).
  int64_t passes = 1;
};

// A valid ActivationFunctionType (0..5).
Status CheckActivation(int activation);

// Checks the five inputs and one output as TFLite's Prepare does; the input
// is [batch, time, input] (time_major: [time, batch, input]) or, without a
// time axis, [batch, input]. A FLOAT32 input with INT8 input weights is
// the hybrid cell (`asymmetric`: its asymmetric_quantize_inputs option).
StatusOr<Cell> ResolveCell(const NodeContext& ctx, bool has_time_axis, bool time_major,
                           int activation, bool asymmetric);

// Checks one cell's tensors (float32 or hybrid types, shapes, a variable
// state) for `seq`, whose FLOAT32 input (and auxiliary input) shapes the
// caller has checked.
StatusOr<Cell> ResolveCellOperands(const NodeContext& ctx, const recurrent::Sequence& seq,
                                   int activation, bool asymmetric, const Operands& operands);

// The cell's output shape: its input's with the units as its last dimension.
Shape OutputShape(const NodeContext& ctx, const Cell& cell);

// Emits TFLite's step order over the sequence. Per step row: the units' dot
// products into a stack row (the old state is read until all units are
// done), then the row goes to the state and to the cell's output.
void EmitRnn(jit::KernelEmitter& e, const Cell& cell);

// The OpDef of both RNN ops, which differ only in name, code and options.
class RnnOpDef : public OpDef {
 public:
  using ResolveFn = StatusOr<Cell> (*)(const NodeContext& ctx);
  RnnOpDef(std::string_view name, int code, ResolveFn resolve)
      : name_(name), code_(code), resolve_(resolve) {}

  std::string_view name() const override { return name_; }
  std::vector<int> builtin_codes() const override { return {code_}; }
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override;
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override;

 private:
  std::string_view name_;
  int code_;
  ResolveFn resolve_;
};

}  // namespace jitlite::ops::rnn
