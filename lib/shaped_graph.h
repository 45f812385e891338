// A subgraph at concrete input shapes: every tensor's dtype and shape after
// running each op's shape rule, plus constants folded at allocate time. This
// is the input of fusion planning, memory planning and lowering.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "jitlite/status.h"
#include "lib/aligned_buffer.h"
#include "lib/graph.h"
#include "ops/node_context.h"

namespace jitlite {

struct ShapedGraph {
  const Subgraph* subgraph = nullptr;
  std::vector<ops::TensorState> tensors;        // indexed like subgraph->tensors
  std::vector<bool> node_folded;                // node computed at allocate time
  std::vector<std::unique_ptr<std::vector<uint8_t>>> folded_data;  // owned bytes
  std::vector<std::vector<int>> consumers;      // tensor -> consuming nodes
  std::vector<int> producer;                    // tensor -> the node writing it, or -1
  std::vector<bool> is_graph_input, is_graph_output;
  // Buffers each node packed from its constants (OpDef::PackConstants). In
  // the tensor table they follow the tensors: node n's buffer k is at slot
  // packed_first_slot[n] + k. Nodes whose packed bytes are equal share one
  // buffer (SharePackedBuffer).
  std::vector<std::vector<std::shared_ptr<AlignedBuffer>>> packed;
  // The packed buffers so far, by PackedBufferKey, for that sharing.
  std::unordered_multimap<uint64_t, std::shared_ptr<AlignedBuffer>> packed_by_key;
  std::vector<int> packed_first_slot;
  int num_packed_slots = 0;
  // Working memory of kernels (OpDef::ScratchBytes): node n's is at table
  // slot scratch_slot[n] (after the packed buffers), -1 when it has none.
  std::vector<int64_t> scratch_bytes;
  std::vector<int> scratch_slot;
  int num_scratch_slots = 0;
  // Control flow (lib/control_flow.h): the model's subgraphs, how deep this
  // one is nested, and per WHILE/IF node the subgraphs it runs (WHILE: cond,
  // body; IF: then, else) at the shapes of the node's inputs.
  const std::vector<Subgraph>* model_subgraphs = nullptr;
  int depth = 0;
  std::map<int, std::vector<std::unique_ptr<ShapedGraph>>> children;
  // When `subgraph` is a rewritten copy of the model's (lib/tensor_list_rewrite.h), it.
  std::unique_ptr<Subgraph> owned_subgraph;

  // Segments. A node whose output sizes depend on data (WHERE, UNIQUE) ends
  // the graph compiled with it: this graph holds nodes [begin_node, end_node)
  // and, when data_node >= 0, that node's outputs have upper-bound shapes and
  // its kernel writes their actual leading dims to DataDims(). The next
  // segment (InferNextSegment) is compiled for those dims. Packed buffers,
  // scratch and control-flow children are the segment's own (its nodes'),
  // numbered after the tensors in its own table; tensor slots mean the same
  // tensor in every segment. Inside a WHILE/IF subgraph such nodes are
  // refused (one segment per graph run by control flow).
  int begin_node = 0;
  int end_node = 0;
  int data_node = -1;
  // A WHILE/IF run from the host (lib/control_flow.h: a WHILE whose loop
  // variables change shape, IF branches of different shapes, WHERE/UNIQUE
  // in a subgraph) is a data_node too, but outside the segment (end_node ==
  // data_node): the interpreter runs it after the segment, compiling its
  // subgraphs per argument shapes, and the next segment is compiled for its
  // outputs' final shapes (all dims).
  bool host_loop = false;
  int host_loop_node = -1;  // set by InferControlFlow while preparing it
  // Tensors whose buffers an earlier segment owns (graph inputs and what its
  // nodes wrote): this segment reads their pointers from the earlier ones.
  std::vector<bool> from_earlier;

  bool in_segment(int node) const { return node >= begin_node && node < end_node; }
  // The actual leading dim of each output of data_node, after it ran.
  const int64_t* DataDims() const {
    return reinterpret_cast<const int64_t*>(packed[data_node].back()->data());
  }
};

// Builds the tensor states from the model and `input_shapes` (one shape per
// tensor index that was resized; others keep the model's shape), then runs
// every node's Prepare in order and folds constant nodes, up to and including
// the first node whose output sizes depend on data (see the segment fields).
// Errors are prefixed with "node N OP_NAME".
//
// `pinned_values`: graph inputs whose current bytes are compiled in (their
// TensorStates become constants with value_pinned set). When a node fails
// because it needs values (a runtime shape, paddings, ...) computed from
// graph inputs that are not pinned, `value_requests` (if given) receives
// those inputs.
//
// `model_subgraphs` (all of the model's) lets WHILE/IF nodes shape-infer the
// subgraphs they run; without it such nodes are refused.
StatusOr<std::unique_ptr<ShapedGraph>> InferShapes(
    const Subgraph& subgraph,
    const std::vector<std::pair<int, Shape>>& resized_shapes,
    const std::map<int, std::vector<uint8_t>>& pinned_values = {},
    std::vector<int>* value_requests = nullptr,
    const std::vector<Subgraph>* model_subgraphs = nullptr, int depth = 0);

// The segment after `prev` (prev.data_node >= 0, which has run): that node's
// outputs take the dims it wrote, and shape inference goes on from the next
// node up to the next data-dependent node or the end. Constants and folded
// data stay owned by `prev`, which must outlive the result. value_requests as
// for InferShapes (the graph inputs behind values a node of this segment
// needs at compile time).
// After a host loop, `loop_shapes` are its outputs' final shapes.
StatusOr<std::unique_ptr<ShapedGraph>> InferNextSegment(const ShapedGraph& prev,
                                                        std::vector<int>* value_requests = nullptr,
                                                        const std::vector<Shape>* loop_shapes = nullptr);

// The graph inputs whose values may be compiled in are small (shapes, sizes,
// paddings): at most this many elements.
constexpr int64_t kMaxPinnedElements = 64;

// Names of every node whose op we do not support (for the construction-time
// error): "node 3 SIN (builtin 66)". Custom ops are reported separately.
std::vector<std::string> UnsupportedBuiltins(const Subgraph& subgraph);

}  // namespace jitlite
