// Shape inference driver: model tensors -> TensorStates at the requested
// input shapes, then each node's Prepare in execution order (nodes are
// already topologically sorted in a .tflite subgraph), then constant folding.
#include "lib/shaped_graph.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "jit/constant_fold.h"
#include "lib/control_flow.h"
#include "ops/op.h"

namespace jitlite {
namespace {

std::string NodeLabel(const Node& node) {
  return "node " + std::to_string(node.index) + " " + node.op_name;
}

void InitTensorStates(const Subgraph& sg, ShapedGraph& g) {
  g.tensors.resize(sg.tensors.size());
  for (size_t i = 0; i < sg.tensors.size(); ++i) {
    const Tensor& t = sg.tensors[i];
    ops::TensorState& s = g.tensors[i];
    s.dtype = t.dtype;
    s.shape = t.shape;
    s.quant = &t.quantization;
    s.is_variable = t.is_variable;
    s.sparsity = t.is_sparse() ? &t.sparsity : nullptr;
    if (!t.is_constant() || t.is_variable) continue;
    // INT4/INT2 and sparse constants were decoded once at import.
    s.const_data = t.kernel_data();
    s.const_bytes = t.kernel_bytes();
  }
}

// Blockwise quantization (QuantizationInfo::block_size) is what LiteRT
// reads on one operand only: FULLY_CONNECTED's filter. Anywhere else it is
// refused here, naming the tensor, rather than taken for per-channel scales.
Status CheckBlockwiseOperands(const Node& node, const Subgraph& sg) {
  constexpr int kFullyConnected = 9;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const int t = node.inputs[i];
    if (t < 0 || sg.tensors[t].quantization.block_size == 0) continue;
    if (node.builtin_code == kFullyConnected && i == 1) continue;
    return Unimplemented(NodeLabel(node) + ": input " + std::to_string(i) + " (tensor " +
                         std::to_string(t) + " '" + sg.tensors[t].name +
                         "') has blockwise quantization (block size " +
                         std::to_string(sg.tensors[t].quantization.block_size) +
                         "), which only a FULLY_CONNECTED filter (input 1) may have");
  }
  return Status::Ok();
}

// Sparse constants are densified at import, but LiteRT reads them as sparse
// in two places only: FULLY_CONNECTED's filter and DENSIFY's input. Any other
// op would read the compressed values as dense in LiteRT, so it is refused.
Status CheckSparseOperands(const Node& node, const Subgraph& sg) {
  constexpr int kFullyConnected = 9;
  constexpr int kDensify = 124;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const int t = node.inputs[i];
    if (t < 0 || !sg.tensors[t].is_sparse()) continue;
    const Tensor& tensor = sg.tensors[t];
    const std::string label = NodeLabel(node) + ": input " + std::to_string(i) + " (tensor " +
                              std::to_string(t) + " '" + tensor.name + "') is sparse";
    const bool allowed = (node.builtin_code == kFullyConnected && i == 1) ||
                         (node.builtin_code == kDensify && i == 0);
    if (!allowed) {
      return Unimplemented(label + "; only a FULLY_CONNECTED filter (input 1) or a DENSIFY "
                           "input may be a sparse tensor");
    }
    if (!tensor.is_constant()) return Unimplemented(label + " but not a constant");
    if (tensor.decoded_data == nullptr) {  // lib/constant_decoding left it: a sub-byte type
      return Unimplemented(label + " " + DTypeName(tensor.dtype) + ", which jitlite cannot densify");
    }
  }
  return Status::Ok();
}

void IndexConsumers(const Subgraph& sg, ShapedGraph& g) {
  g.consumers.assign(sg.tensors.size(), {});
  g.is_graph_input.assign(sg.tensors.size(), false);
  g.is_graph_output.assign(sg.tensors.size(), false);
  for (const Node& node : sg.nodes) {
    for (int t : node.inputs) {
      if (t >= 0) g.consumers[t].push_back(node.index);
    }
  }
  for (int t : sg.inputs) g.is_graph_input[t] = true;
  for (int t : sg.outputs) g.is_graph_output[t] = true;
  g.producer.assign(sg.tensors.size(), -1);
  for (const Node& node : sg.nodes) {
    for (int t : node.outputs) g.producer[t] = node.index;
  }
}

// A node may not write a tensor it reads: TFLite rejects such a model at
// allocate time, and lowering assumes outputs never alias inputs.
Status CheckNotInPlace(const Node& node) {
  for (size_t o = 0; o < node.outputs.size(); ++o) {
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (node.inputs[i] == node.outputs[o]) {
        return FailedPrecondition(NodeLabel(node) + ": tensor " + std::to_string(node.outputs[o]) +
                                  " is both input " + std::to_string(i) + " and output " +
                                  std::to_string(o));
      }
    }
  }
  return Status::Ok();
}

// Size and a hash of the first and last bytes: equal buffers have equal
// keys, and unequal ones of one size rarely do (memcmp settles it).
uint64_t PackedBufferKey(const AlignedBuffer& buffer) {
  constexpr size_t kEdgeBytes = 256;
  const size_t n = buffer.size();
  uint64_t h = 1469598103934665603ull ^ n;  // FNV-1a
  auto mix = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) h = (h ^ buffer.data()[i]) * 1099511628211ull;
  };
  mix(0, std::min(n, kEdgeBytes));
  mix(std::max(std::min(n, kEdgeBytes), n - std::min(n, kEdgeBytes)), n);
  return h;
}

// The graph's buffer with the same bytes as `buffer`, or `buffer` itself
// (then remembered): an unrolled RNN's 32 steps pack the same weights once,
// so they stay in cache instead of 32 copies streaming from memory.
std::shared_ptr<AlignedBuffer> SharePackedBuffer(ShapedGraph& g, AlignedBuffer buffer) {
  const uint64_t key = PackedBufferKey(buffer);
  auto [first, last] = g.packed_by_key.equal_range(key);
  for (auto it = first; it != last; ++it) {
    const AlignedBuffer& seen = *it->second;
    if (seen.size() == buffer.size() &&
        std::memcmp(seen.data(), buffer.data(), buffer.size()) == 0) {
      return it->second;
    }
  }
  auto shared = std::make_shared<AlignedBuffer>(std::move(buffer));
  g.packed_by_key.emplace(key, shared);
  return shared;
}

Status PrepareNode(const Node& node, ShapedGraph& g) {
  const ops::OpDef* def = ops::FindOp(node);
  if (def == nullptr && node.builtin_code == 32) {
    return Unimplemented("Encountered unresolved custom op: " + node.custom_code + " (" +
                         NodeLabel(node) + "); jitlite runs only the custom ops it defines");
  }
  if (def == nullptr) {
    return Unimplemented(NodeLabel(node) + ": op is not supported by jitlite");
  }
  JITLITE_RETURN_IF_ERROR(CheckNotInPlace(node));
  JITLITE_RETURN_IF_ERROR(CheckBlockwiseOperands(node, *g.subgraph));
  JITLITE_RETURN_IF_ERROR(CheckSparseOperands(node, *g.subgraph));
  ops::NodeContext ctx(node, g.tensors);
  JITLITE_RETURN_IF_ERROR(def->Prepare(ctx).Annotate(NodeLabel(node)));
  if (def->kind() == ops::OpKind::kControlFlow) {
    JITLITE_RETURN_IF_ERROR(InferControlFlow(node, g).Annotate(NodeLabel(node)));
  }
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    DType declared = g.subgraph->tensors[node.outputs[i]].dtype;
    if (ctx.output(i).dtype != declared && !def->retypes_output()) {
      return InvalidArgument(NodeLabel(node) + ": output " + std::to_string(i) + " is declared " +
                             DTypeName(declared) + " in the model, but the op computes " +
                             DTypeName(ctx.output(i).dtype));
    }
    for (int32_t d : ctx.output(i).shape) {
      if (d < 0) {
        return Internal(NodeLabel(node) + ": shape rule left output " +
                        std::to_string(i) + " with unknown dimensions");
      }
    }
  }
  // Control flow folds and packs nothing itself: its subgraphs did theirs.
  if (def->kind() == ops::OpKind::kControlFlow) return Status::Ok();
  if (def->kind() == ops::OpKind::kAlias && ctx.input(0).is_constant()) {
    // An alias of a constant is that constant, reinterpreted.
    ctx.mutable_output(0).const_data = ctx.input(0).const_data;
    ctx.mutable_output(0).const_bytes = ctx.input(0).const_bytes;
    g.node_folded[node.index] = true;
    return Status::Ok();
  }
  if (auto bytes = std::make_unique<std::vector<uint8_t>>();
      !def->CanFold(ctx) && jit::FoldElementwise(*def, ctx, *bytes)) {
    if (bytes->empty()) bytes->reserve(1);
    ops::TensorState& out = ctx.mutable_output(0);
    out.const_data = bytes->data();
    out.const_bytes = bytes->size();
    g.folded_data.push_back(std::move(bytes));
    g.node_folded[node.index] = true;
    return Status::Ok();
  }
  if (def->CanFold(ctx)) {
    auto bytes = std::make_unique<std::vector<uint8_t>>();
    JITLITE_RETURN_IF_ERROR(def->Fold(ctx, *bytes).Annotate(NodeLabel(node)));
    // An empty result still needs a non-null pointer to count as a constant.
    if (bytes->empty()) bytes->reserve(1);
    ops::TensorState& out = ctx.mutable_output(0);
    out.const_data = bytes->data();
    out.const_bytes = bytes->size();
    g.folded_data.push_back(std::move(bytes));
    g.node_folded[node.index] = true;
    return Status::Ok();
  }
  std::vector<AlignedBuffer> packed;
  JITLITE_RETURN_IF_ERROR(def->PackConstants(ctx, packed).Annotate(NodeLabel(node)));
  for (AlignedBuffer& buffer : packed) {
    g.packed[node.index].push_back(SharePackedBuffer(g, std::move(buffer)));
  }
  if (def->output_shape_from_data()) {
    // The cell the kernel writes the actual output dims to (DataDims): the
    // node's own, never shared.
    auto dims = std::make_shared<AlignedBuffer>(sizeof(int64_t) * node.outputs.size());
    std::memset(dims->data(), 0, dims->size());
    g.packed[node.index].push_back(std::move(dims));
  }
  g.packed_first_slot[node.index] = static_cast<int>(g.tensors.size()) + g.num_packed_slots;
  g.num_packed_slots += static_cast<int>(g.packed[node.index].size());
  return Status::Ok();
}

// The graph inputs whose values the requested tensors are computed from (a
// runtime shape may come from an input through CAST, GATHER, PACK, ...), if
// all of them are small enough to compile per value; else none.
std::vector<int> GraphInputsBehindRequests(const ShapedGraph& g) {
  const Subgraph& sg = *g.subgraph;
  std::vector<int> producer(sg.tensors.size(), -1);
  for (const Node& node : sg.nodes) {
    for (int t : node.outputs) producer[t] = node.index;
  }
  std::vector<int> stack, found;
  std::vector<bool> seen(sg.tensors.size(), false);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (g.tensors[t].value_requested && !g.tensors[t].is_constant()) stack.push_back(static_cast<int>(t));
  }
  while (!stack.empty()) {
    int t = stack.back();
    stack.pop_back();
    if (t < 0 || seen[t] || g.tensors[t].is_constant()) continue;
    seen[t] = true;
    if (g.is_graph_input[t]) {
      if (g.tensors[t].num_elements() > kMaxPinnedElements) return {};
      found.push_back(t);
      continue;
    }
    if (producer[t] < 0 || sg.tensors[t].is_variable) return {};  // not computable from inputs
    for (int in : sg.nodes[producer[t]].inputs) stack.push_back(in);
  }
  return found;
}

// A data-dependent node ends a segment; what follows is compiled per the
// dims it writes. Variables would need one buffer across segments that are
// bound and rebound separately, so they are refused for now. In a WHILE/IF
// subgraph, InferControlFlow has its node run from the host (or refuses).
Status CheckSegmentable(const Node& node, const ShapedGraph& g) {
  const std::string why = g.host_loop_node == node.index
                              ? ": it runs from the host between compiled segments (its "
                                "subgraphs change shapes or hold data-dependent ops), and "
                                "jitlite does not run such a WHILE/IF"
                              : ": its output size depends on data, and jitlite does not compile "
                                "such ops";
  for (const Tensor& t : g.subgraph->tensors) {
    if (t.is_variable) {
      return Unimplemented(NodeLabel(node) + why + " in a graph with variable tensors (tensor '" +
                           t.name + "') yet");
    }
  }
  return Status::Ok();
}

// Kernels that asked for working memory get a table slot after the packed
// buffers; the interpreter points it into the arena. Only the segment's
// nodes: later ones are not shaped yet.
void AssignScratchSlots(ShapedGraph& g) {
  const Subgraph& sg = *g.subgraph;
  g.scratch_bytes.assign(sg.nodes.size(), 0);
  g.scratch_slot.assign(sg.nodes.size(), -1);
  for (int n = g.begin_node; n < g.end_node; ++n) {
    const Node& node = sg.nodes[n];
    if (g.node_folded[n]) continue;
    ops::NodeContext ctx(node, g.tensors);
    int64_t bytes = ops::FindOp(node)->ScratchBytes(ctx);
    if (bytes <= 0) continue;
    g.scratch_bytes[node.index] = bytes;
    g.scratch_slot[node.index] =
        static_cast<int>(g.tensors.size()) + g.num_packed_slots + g.num_scratch_slots++;
  }
}

// Prepares nodes from `begin` up to and including the first data-dependent
// one (or to the end), setting g's segment range, then gives the segment's
// kernels their scratch slots.
Status PrepareSegment(ShapedGraph& g, int begin, std::vector<int>* value_requests) {
  const Subgraph& sg = *g.subgraph;
  g.begin_node = begin;
  g.end_node = static_cast<int>(sg.nodes.size());
  g.data_node = -1;
  for (int n = begin; n < g.end_node; ++n) {
    const Node& node = sg.nodes[n];
    Status s = PrepareNode(node, g);
    if (!s.ok()) {
      if (value_requests != nullptr) *value_requests = GraphInputsBehindRequests(g);
      return s;
    }
    if (g.host_loop_node == n) {
      JITLITE_RETURN_IF_ERROR(CheckSegmentable(node, g));
      g.end_node = n;
      g.data_node = n;
      g.host_loop = true;
      break;
    }
    if (ops::FindOp(node)->output_shape_from_data() && !g.node_folded[n]) {
      JITLITE_RETURN_IF_ERROR(CheckSegmentable(node, g));
      g.end_node = n + 1;
      g.data_node = n;
      break;
    }
  }
  AssignScratchSlots(g);
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<ShapedGraph>> InferShapes(
    const Subgraph& subgraph,
    const std::vector<std::pair<int, Shape>>& resized_shapes,
    const std::map<int, std::vector<uint8_t>>& pinned_values,
    std::vector<int>* value_requests, const std::vector<Subgraph>* model_subgraphs, int depth) {
  auto g = std::make_unique<ShapedGraph>();
  g->subgraph = &subgraph;
  g->model_subgraphs = model_subgraphs;
  g->depth = depth;
  InitTensorStates(subgraph, *g);
  IndexConsumers(subgraph, *g);
  for (const auto& [index, shape] : resized_shapes) g->tensors[index].shape = shape;
  for (const auto& [index, bytes] : pinned_values) {
    ops::TensorState& t = g->tensors[index];
    // A non-null pointer even for an empty tensor, so it counts as constant.
    static const uint8_t kNoBytes = 0;
    t.const_data = bytes.empty() ? &kNoBytes : bytes.data();
    t.const_bytes = bytes.size();
    t.value_pinned = true;
  }
  g->node_folded.assign(subgraph.nodes.size(), false);
  g->packed.resize(subgraph.nodes.size());
  g->packed_first_slot.assign(subgraph.nodes.size(), -1);
  g->from_earlier.assign(subgraph.tensors.size(), false);
  JITLITE_RETURN_IF_ERROR(PrepareSegment(*g, 0, value_requests));
  return g;
}

StatusOr<std::unique_ptr<ShapedGraph>> InferNextSegment(const ShapedGraph& prev,
                                                        std::vector<int>* value_requests,
                                                        const std::vector<Shape>* loop_shapes) {
  const Subgraph& sg = *prev.subgraph;
  auto g = std::make_unique<ShapedGraph>();
  g->subgraph = &sg;
  g->model_subgraphs = prev.model_subgraphs;
  g->depth = prev.depth;
  g->tensors = prev.tensors;
  g->node_folded = prev.node_folded;
  g->consumers = prev.consumers;
  g->is_graph_input = prev.is_graph_input;
  g->is_graph_output = prev.is_graph_output;
  g->producer = prev.producer;
  // Packed buffers (and scratch) are numbered per segment, after the tensors.
  g->packed.resize(sg.nodes.size());
  g->packed_first_slot.assign(sg.nodes.size(), -1);
  g->from_earlier = prev.from_earlier;
  for (int t : sg.inputs) g->from_earlier[t] = true;
  for (int n = prev.begin_node; n < prev.end_node; ++n) {
    for (int t : sg.nodes[n].outputs) g->from_earlier[t] = true;
  }
  const Node& data_node = sg.nodes[prev.data_node];
  if (prev.host_loop) {
    if (loop_shapes == nullptr || loop_shapes->size() != data_node.outputs.size()) {
      return Internal(NodeLabel(data_node) + ": the loop's final shapes are missing");
    }
    for (size_t i = 0; i < data_node.outputs.size(); ++i) {
      g->tensors[data_node.outputs[i]].shape = (*loop_shapes)[i];
      g->from_earlier[data_node.outputs[i]] = true;  // the interpreter's buffers
    }
    JITLITE_RETURN_IF_ERROR(PrepareSegment(*g, prev.data_node + 1, value_requests));
    return g;
  }
  const int64_t* dims = prev.DataDims();
  for (size_t i = 0; i < data_node.outputs.size(); ++i) {
    Shape& shape = g->tensors[data_node.outputs[i]].shape;
    if (!shape.empty()) shape[0] = static_cast<int32_t>(dims[i]);
  }
  JITLITE_RETURN_IF_ERROR(PrepareSegment(*g, prev.end_node, value_requests));
  return g;
}

std::vector<std::string> UnsupportedBuiltins(const Subgraph& subgraph) {
  std::vector<std::string> out;
  for (const Node& node : subgraph.nodes) {
    if (node.builtin_code == 32) continue;  // CUSTOM: reported at allocate
    if (ops::FindOp(node.builtin_code) == nullptr) {
      std::string dtype = node.inputs.empty() || node.inputs[0] < 0
                              ? ""
                              : std::string(", ") + DTypeName(subgraph.tensors[node.inputs[0]].dtype);
      out.push_back("node " + std::to_string(node.index) + " " + node.op_name + " (builtin " +
                    std::to_string(node.builtin_code) + dtype + ")");
    }
  }
  return out;
}

}  // namespace jitlite
