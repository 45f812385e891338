// The imported model: subgraphs of tensors and nodes, as read (and verified)
// from the flatbuffer. Immutable after import; shapes here are the model's
// static shapes. Constant data points into the model's bytes (no copies).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jitlite/dtype.h"
#include "lib/aligned_buffer.h"
#include "jitlite/interpreter.h"

namespace tflite {
struct Operator;  // generated from lib/schema/tflite.fbs
}

namespace jitlite {

int64_t NumElements(const Shape& shape);
std::string ShapeToString(const Shape& shape);  // "[1, 224, 224, 3]"

struct Tensor {
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;
  Shape shape_signature;  // equals shape when the model has none
  bool has_shape_signature = false;  // the model gave one
  QuantizationInfo quantization;
  SparsityInfo sparsity;
  bool is_variable = false;
  // A resource variable made a variable tensor (lib/resource_variables.h):
  // starts from initial_value (zeros when null) and keeps its value through
  // reset_all_variables, as LiteRT's resource variables do.
  bool is_resource_variable = false;
  const uint8_t* initial_value = nullptr;
  // Constant data inside the model bytes; null when the tensor is not a
  // constant (its buffer is empty). data_size is in bytes.
  const uint8_t* data = nullptr;
  size_t data_size = 0;
  // The constant as kernels read it when that differs from data: INT4/INT2
  // unpacked to one byte per element, sparse tensors densified (bytes owned
  // by Graph::owned_constants; lib/constant_decoding.h). Null otherwise.
  const uint8_t* decoded_data = nullptr;
  size_t decoded_size = 0;

  bool is_constant() const { return data != nullptr; }
  bool is_sparse() const { return !sparsity.traversal_order.empty(); }
  const uint8_t* kernel_data() const { return decoded_data ? decoded_data : data; }
  size_t kernel_bytes() const { return decoded_data ? decoded_size : data_size; }
};

struct Node {
  int index = 0;
  int builtin_code = 0;     // effective BuiltinOperator code
  std::string op_name;      // "CONV_2D", or the custom code for CUSTOM
  std::string custom_code;  // empty unless builtin_code == 32 (CUSTOM)
  int version = 1;
  std::vector<int> inputs;   // -1 = omitted optional input
  std::vector<int> outputs;
  std::vector<int> intermediates;
  // The flatbuffer operator, for reading builtin options (ops/ only).
  const tflite::Operator* op = nullptr;
};

struct Subgraph {
  std::string name;
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // in execution order
  std::vector<int> inputs;
  std::vector<int> outputs;
};

// A CALL_ONCE init subgraph that computes the values it assigns
// (lib/resource_variables.h): its nodes without the variable ops, renumbered,
// whose outputs are those values. Run once; output k becomes the initial
// value of main tensor variables[k] (-1: a later assign replaced it).
struct InitProgram {
  std::string label;  // "node 0 CALL_ONCE init subgraph 1"
  int subgraph_index = 0;
  Subgraph subgraph;
  std::vector<int> variables;
};

struct Graph {
  std::vector<Subgraph> subgraphs;
  // In the order the CALL_ONCE nodes run them.
  std::vector<InitProgram> init_programs;
  std::vector<SignatureInfo> signatures;
  std::string description;
  // Subgraph 0 as compiled, when import rewrote it (composites inlined,
  // lib/composite.h; resource variables made static,
  // lib/resource_variables.h); null when the model's own is compiled. The
  // API always shows subgraphs[0].
  std::unique_ptr<Subgraph> rewritten_main;
  // Decoded constants (Tensor::decoded_data points here), made once at import.
  std::vector<AlignedBuffer> owned_constants;
  // All subgraphs as compiled: `subgraphs` with the WHILE/IF subgraphs that
  // import rewrote (resource variables passed by value) replaced; empty when
  // none was. Its subgraph 0 is the model's; compile executable_main().
  std::vector<Subgraph> rewritten_subgraphs;

  const Subgraph& executable_main() const {
    return rewritten_main ? *rewritten_main : subgraphs[0];
  }
  const std::vector<Subgraph>& executable_subgraphs() const {
    return rewritten_subgraphs.empty() ? subgraphs : rewritten_subgraphs;
  }
};

// "CONV_2D" for 3; "BUILTIN_<code>" for codes we have no name for.
const char* BuiltinOpName(int builtin_code);

}  // namespace jitlite
