// The jitlite C++ API: load a .tflite model, compile it for the current input
// shapes (AllocateTensors), run it (Invoke). Mirrors tflite::Interpreter's
// flow; no exceptions cross this API, every fallible call returns a Status.
//
//   auto interp = jitlite::Interpreter::FromFile("model.tflite");
//   if (!interp.ok()) { ... interp.status().message() ... }
//   (*interp)->AllocateTensors();
//   std::span<float> in = (*interp)->input<float>(0);
//   (*interp)->Invoke();
//   std::span<const float> out = (*interp)->output<float>(0);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "jitlite/dtype.h"
#include "jitlite/status.h"

namespace jitlite {

using Shape = std::vector<int32_t>;

struct QuantizationInfo {
  std::vector<float> scales;         // empty: not quantized
  std::vector<int64_t> zero_points;  // same length as scales
  int32_t quantized_dimension = 0;
  int32_t block_size = 0;            // blockwise quantization; 0: none
};

// One dimension of a sparse tensor's metadata (TFLite DimensionMetadata).
struct SparseDimension {
  int format = 0;  // 0 DENSE, 1 SPARSE_CSR
  int32_t dense_size = 0;
  std::vector<int32_t> array_segments;
  std::vector<int32_t> array_indices;
};

struct SparsityInfo {
  std::vector<int32_t> traversal_order;  // empty: dense tensor
  std::vector<int32_t> block_map;
  std::vector<SparseDimension> dim_metadata;
};

struct TensorInfo {
  int index = 0;
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;            // current shape (after resizes / shape inference)
  Shape shape_signature;  // -1 marks an unknown dimension
  QuantizationInfo quantization;
  SparsityInfo sparsity;
  bool is_variable = false;
  bool is_constant = false;
};

struct OpInfo {
  int index = 0;
  std::string op_name;  // builtin name ("CONV_2D") or the custom code
  int builtin_code = 0;
  std::vector<int> inputs;  // -1 = omitted optional input
  std::vector<int> outputs;
};

struct SignatureInfo {
  std::string key;
  int subgraph_index = 0;
  std::vector<std::pair<std::string, int>> inputs;   // name -> tensor index
  std::vector<std::pair<std::string, int>> outputs;
};

struct KernelStats {
  std::string symbol;         // e.g. "k3_conv_2d_add_relu"
  std::vector<int> op_indices;
  std::string note;           // fusion decisions, e.g. why a neighbour was not fused
  // Floating-point (or integer) operations of one run: 2 x the multiply-adds
  // of its convolutions and matrix products at the current shapes; 0 for a
  // kernel without them. With total_ms / invocations it gives GFLOP/s.
  int64_t flops = 0;
  // With kernel profiling on (Interpreter::SetKernelProfiling): invocations
  // timed since this shape set was allocated, and their total time.
  int64_t invocations = 0;
  double total_ms = 0;
};

// Where the last compilation's time went, in milliseconds.
struct CompilePhases {
  double prepare_ms = 0;   // shape inference, folding, weight packing, plans
  double lower_ms = 0;     // LLVM IR emission
  double optimize_ms = 0;  // the IR pass pipeline (summed over compile threads)
  double codegen_ms = 0;   // machine code (summed over compile threads)
  double link_ms = 0;      // ORC linking the objects
};

struct JitStats {
  std::string target_cpu;   // e.g. "znver4"
  std::string target_features;
  int compilations = 0;     // times this interpreter ran the compiler
  int cache_hits = 0;       // AllocateTensors served from the shape cache
  int disk_cache_hits = 0;  // compilations whose code came from the on-disk cache
  double compile_time_ms = 0;       // total over all compilations
  double last_compile_time_ms = 0;
  CompilePhases last_phases;
  std::vector<KernelStats> kernels;  // kernels of the current shape set
  int unique_kernels = 0;            // distinct ones among them (compiled once each)
};

struct InterpreterOptions {
  int num_threads = 1;
  // Target CPU for code generation; empty = the host (e.g. "znver4").
  // A lower target such as "x86-64-v3" (AVX2) must give the same results.
  std::string target_cpu;
  // Keep every intermediate tensor readable: disables fusion (slower).
  bool preserve_all_tensors = false;
  // LLVM optimization level for generated code (0..3).
  int opt_level = 2;
  // On-disk cache of compiled code: a directory; empty means
  // $JITLITE_CACHE_DIR or else ~/.cache/jitlite/objects; "off" disables it.
  std::string cache_dir;
};

class Interpreter {
 public:
  static StatusOr<std::unique_ptr<Interpreter>> FromFile(
      const std::string& path, const InterpreterOptions& options = {});
  // Copies the buffer.
  static StatusOr<std::unique_ptr<Interpreter>> FromBuffer(
      const void* data, size_t size, const InterpreterOptions& options = {});

  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // --- model structure (subgraph 0 unless stated) ---
  int num_subgraphs() const;
  int num_tensors(int subgraph = 0) const;
  int num_ops(int subgraph = 0) const;
  const std::vector<int>& inputs() const;   // tensor indices
  const std::vector<int>& outputs() const;
  StatusOr<TensorInfo> tensor_info(int tensor_index, int subgraph = 0) const;
  StatusOr<OpInfo> op_info(int op_index) const;
  const std::vector<SignatureInfo>& signatures() const;
  bool has_variables() const;

  // --- lifecycle ---
  // Records a new shape for an input tensor (or any non-constant tensor of
  // subgraph 0); the next AllocateTensors recompiles (or hits the cache).
  Status ResizeInputTensor(int tensor_index, const Shape& shape,
                           bool strict = false);
  // Infers shapes, fuses, plans memory and compiles (or reuses compiled code
  // for input shapes seen before). A no-op when nothing changed.
  Status AllocateTensors();
  // One call into native code. Fails if AllocateTensors is needed. A graph
  // with data-dependent output sizes (WHERE, UNIQUE) runs one compiled
  // segment after another, compiling a segment for new sizes the first time.
  Status Invoke();
  // Zero-fills variable tensors (quantized ones with their zero point).
  Status ResetVariableTensors();
  bool invokable() const;
  // Whether an Invoke of the allocated program is brief: one segment, no
  // control flow, and at most kBriefInvokeBytes of activations and weights,
  // so it runs in about a microsecond. Bindings use it to keep the
  // interpreter lock for such calls, where releasing it costs more than the
  // call itself.
  bool invoke_is_brief() const;
  static constexpr size_t kBriefInvokeBytes = 64 * 1024;

  // --- data ---
  // Null before AllocateTensors, after a resize, for tensors fused away
  // (unless preserve_all_tensors), for tensors of other subgraphs, and for
  // outputs of a data-dependent op (and what follows it) before an invoke
  // has sized them.
  void* tensor_data(int tensor_index);
  const void* tensor_data(int tensor_index) const;
  size_t tensor_bytes(int tensor_index) const;
  // Why tensor_data() is null (empty when it is not).
  std::string tensor_data_unavailable_reason(int tensor_index) const;

  template <typename T>
  std::span<T> typed_tensor(int tensor_index) {
    void* p = tensor_data(tensor_index);
    if (!p) return {};
    return {static_cast<T*>(p), tensor_bytes(tensor_index) / sizeof(T)};
  }
  template <typename T>
  std::span<T> input(int i) { return typed_tensor<T>(inputs().at(i)); }
  template <typename T>
  std::span<const T> output(int i) { return typed_tensor<T>(outputs().at(i)); }

  // STRING tensors (no raw buffer: tensor_data() is null for them). Set a
  // graph input's strings (one per element of its current shape, any bytes);
  // they are used from the next Invoke. Get any STRING tensor's strings in
  // row-major order (a graph input: the strings set, else empty ones).
  Status SetStringTensor(int tensor_index, const std::vector<std::string>& values);
  StatusOr<std::vector<std::string>> GetStringTensor(int tensor_index) const;

  const JitStats& jit_stats() const;
  // Times every kernel of each Invoke into jit_stats().kernels (a clock read
  // per kernel; off by default).
  void SetKernelProfiling(bool enabled);

  struct Impl;  // opaque

 private:
  explicit Interpreter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jitlite
