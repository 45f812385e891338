// NodeContext: one node seen at the current input shapes, during shape
// inference (Prepare) and lowering. Tensors are TensorStates: dtype, concrete
// shape, quantization and, for constants, their bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite::ops {

struct TensorState {
  DType dtype = DType::kFloat32;
  Shape shape;
  const QuantizationInfo* quant = nullptr;  // never null once imported
  // Constants: the model's bytes or data folded at allocate time.
  const uint8_t* const_data = nullptr;
  size_t const_bytes = 0;
  // A variable tensor (LSTM/RNN state): a persistent buffer that kernels may
  // update in place; zeroed at allocate and reset_all_variables.
  bool is_variable = false;
  // A sparse constant of the model (densified at import: const_data holds the
  // dense values). Only FULLY_CONNECTED's filter and DENSIFY's input may be.
  const SparsityInfo* sparsity = nullptr;
  // Set by RequireConstant when an op needs this tensor's values at compile
  // time (a shape, paddings, ...) and it is not a constant: if it is a graph
  // input, the interpreter compiles per value instead (see lib/interpreter).
  mutable bool value_requested = false;
  // A graph input whose current values were given to compile with: const_data
  // holds them, but the tensor still has a buffer the user writes.
  bool value_pinned = false;

  bool is_constant() const { return const_data != nullptr; }
  bool is_sparse() const { return sparsity != nullptr; }
  int rank() const { return static_cast<int>(shape.size()); }
  int64_t num_elements() const { return NumElements(shape); }
  int32_t dim(int i) const { return shape.at(i); }
  template <typename T>
  const T* const_as() const { return reinterpret_cast<const T*>(const_data); }
};

class NodeContext {
 public:
  NodeContext(const Node& node, std::vector<TensorState>& tensors)
      : node_(node), tensors_(tensors) {}

  const Node& node() const { return node_; }
  // The flatbuffer operator, for builtin options:
  //   auto* opts = ctx.op()->builtin_options_as_Conv2DOptions();  // may be null
  const tflite::Operator* op() const { return node_.op; }

  int num_inputs() const { return static_cast<int>(node_.inputs.size()); }
  int num_outputs() const { return static_cast<int>(node_.outputs.size()); }
  // False for omitted optional inputs (index -1) and indices past the end.
  bool has_input(int i) const {
    return i < num_inputs() && node_.inputs[i] >= 0;
  }
  const TensorState& input(int i) const { return tensors_[node_.inputs.at(i)]; }
  const TensorState& output(int i) const { return tensors_[node_.outputs.at(i)]; }
  TensorState& mutable_output(int i) { return tensors_[node_.outputs.at(i)]; }
  int input_index(int i) const { return node_.inputs.at(i); }
  // The operator's `intermediates` (tensors that only carry quantization
  // parameters, e.g. the integer LSTM's gate scales).
  int num_intermediates() const { return static_cast<int>(node_.intermediates.size()); }
  const TensorState& intermediate(int i) const { return tensors_[node_.intermediates.at(i)]; }
  int output_index(int i) const { return node_.outputs.at(i); }

  // Shorthand for the common checks; each returns an InvalidArgument naming
  // the offending input.
  Status ExpectInputCount(int min_count, int max_count) const;
  Status ExpectInputType(int i, std::initializer_list<DType> allowed) const;
  Status ExpectRank(int i, int min_rank, int max_rank) const;
  // Sets output i's dtype and shape (quantization comes from the model).
  void SetOutput(int i, DType dtype, Shape shape) {
    TensorState& t = mutable_output(i);
    t.dtype = dtype;
    t.shape = std::move(shape);
  }

 private:
  const Node& node_;
  std::vector<TensorState>& tensors_;
};

// Numpy-style broadcast of two shapes (right-aligned; 1 stretches).
StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);

// Ok for a constant; otherwise marks the tensor's values as needed at
// compile time (TensorState::value_requested) and returns Unimplemented
// naming `what`.
Status RequireConstant(const TensorState& t, const std::string& what);

// Reads a constant int32/int64 1-D tensor (e.g. a RESHAPE shape or a reduction
// axis list) into int64s.
StatusOr<std::vector<int64_t>> ReadConstInts(const TensorState& t,
                                             const std::string& what);

}  // namespace jitlite::ops
