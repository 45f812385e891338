// Pattern rewrite of TensorList writes into DYNAMIC_UPDATE_SLICE (see
// lib/tensor_list_rewrite.h).
#include "lib/tensor_list_rewrite.h"

#include <cstring>
#include <optional>

#include "schema/tflite_generated.h"

namespace jitlite {
namespace {

constexpr int kAdd = 0, kConcatenation = 2, kReshape = 22, kSlice = 65, kDynamicUpdateSlice = 151;

// The node producing each tensor (-1: none).
std::vector<int> Producers(const Subgraph& sg) {
  std::vector<int> producer(sg.tensors.size(), -1);
  for (const Node& node : sg.nodes) {
    for (int t : node.outputs) producer[t] = node.index;
  }
  return producer;
}

// An INT32 constant whose every element is `value` (and has at least one).
bool IsConstFilled(const Subgraph& sg, int t, int32_t value) {
  if (t < 0) return false;
  const Tensor& tensor = sg.tensors[t];
  if (!tensor.is_constant() || tensor.dtype != DType::kInt32 || tensor.data_size < 4) return false;
  for (size_t k = 0; k + 4 <= tensor.data_size; k += 4) {
    int32_t v;
    std::memcpy(&v, tensor.data + k, 4);
    if (v != value) return false;
  }
  return true;
}

const Node* ProducerOf(const Subgraph& sg, const std::vector<int>& producer, int t, int code) {
  if (t < 0 || producer[t] < 0) return nullptr;
  const Node& node = sg.nodes[producer[t]];
  return node.builtin_code == code ? &node : nullptr;
}

// CONCATENATION along axis 0 with no activation.
bool IsConcatAxis0(const Node& node, int rank) {
  if (node.builtin_code != kConcatenation || node.op == nullptr) return false;
  const auto* o = node.op->builtin_options_as_ConcatenationOptions();
  if (o == nullptr || o->fused_activation_function() != tflite::ActivationFunctionType::NONE) {
    return false;
  }
  return o->axis() == 0 || o->axis() == -rank;
}

// [RESHAPE(k) ; constant `fill`...] built by a concat along axis 0: returns k.
std::optional<int> IndexVector(const Subgraph& sg, const std::vector<int>& producer, int t,
                               int32_t fill, const Node** concat) {
  const Node* c = ProducerOf(sg, producer, t, kConcatenation);
  if (c == nullptr || c->inputs.size() != 2 || !IsConcatAxis0(*c, 1)) return std::nullopt;
  if (!IsConstFilled(sg, c->inputs[1], fill)) return std::nullopt;
  const Node* r = ProducerOf(sg, producer, c->inputs[0], kReshape);
  if (r == nullptr || r->inputs.empty()) return std::nullopt;
  *concat = c;
  return r->inputs[0];
}

// ADD(k, 1) or ADD(1, k) with no activation: returns k.
std::optional<int> PlusOne(const Subgraph& sg, const std::vector<int>& producer, int t) {
  const Node* add = ProducerOf(sg, producer, t, kAdd);
  if (add == nullptr || add->inputs.size() != 2) return std::nullopt;
  if (const auto* o = add->op ? add->op->builtin_options_as_AddOptions() : nullptr;
      o != nullptr && o->fused_activation_function() != tflite::ActivationFunctionType::NONE) {
    return std::nullopt;
  }
  if (IsConstFilled(sg, add->inputs[1], 1)) return add->inputs[0];
  if (IsConstFilled(sg, add->inputs[0], 1)) return add->inputs[1];
  return std::nullopt;
}

// The rewrite of one write: the index node to insert and the update node.
struct Write {
  int concat = -1;  // the CONCATENATION that becomes DYNAMIC_UPDATE_SLICE
  int x = -1, update = -1;
  const Node* index_concat = nullptr;  // [k + 1, 0, ...]: its options and zeros are reused
  int reshape_k = -1;                  // RESHAPE(k) output, from [k, -1, ...]
};

std::optional<Write> MatchWrite(const Subgraph& sg, const std::vector<int>& producer,
                                const Node& node) {
  if (node.builtin_code != kConcatenation || node.inputs.size() != 3 || node.outputs.size() != 1) {
    return std::nullopt;
  }
  const Shape& out_shape = sg.tensors[node.outputs[0]].shape;
  const int rank = static_cast<int>(out_shape.size());
  const Shape& update_shape = sg.tensors[node.inputs[1]].shape;
  if (rank < 1 || !IsConcatAxis0(node, rank) || update_shape.size() != out_shape.size() ||
      update_shape[0] != 1) {
    return std::nullopt;
  }
  const Node* head = ProducerOf(sg, producer, node.inputs[0], kSlice);
  const Node* tail = ProducerOf(sg, producer, node.inputs[2], kSlice);
  if (head == nullptr || tail == nullptr || head->inputs.size() != 3 || tail->inputs.size() != 3 ||
      head->inputs[0] != tail->inputs[0]) {
    return std::nullopt;
  }
  // head = x[0 : k], tail = x[k + 1 :].
  if (!IsConstFilled(sg, head->inputs[1], 0) || !IsConstFilled(sg, tail->inputs[2], -1)) {
    return std::nullopt;
  }
  const Node* size_concat = nullptr;
  const Node* begin_concat = nullptr;
  auto k = IndexVector(sg, producer, head->inputs[2], -1, &size_concat);
  auto k1 = IndexVector(sg, producer, tail->inputs[1], 0, &begin_concat);
  if (!k || !k1 || PlusOne(sg, producer, *k1) != k) return std::nullopt;
  Write w;
  w.concat = node.index;
  w.x = head->inputs[0];
  w.update = node.inputs[1];
  w.index_concat = begin_concat;
  w.reshape_k = size_concat->inputs[0];
  return w;
}

// Drops candidate nodes none of whose outputs anything reads any more (the
// slices and index arithmetic of rewritten writes).
void PruneDead(Subgraph& sg, std::vector<bool> candidate) {
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<int> readers(sg.tensors.size(), 0);
    for (const Node& node : sg.nodes) {
      for (int t : node.inputs) {
        if (t >= 0) readers[t]++;
      }
    }
    for (int t : sg.outputs) readers[t]++;
    for (size_t n = 0; n < sg.nodes.size(); ++n) {
      if (!candidate[n]) continue;
      bool used = false;
      for (int t : sg.nodes[n].outputs) used = used || readers[t] > 0 || sg.tensors[t].is_variable;
      if (used) continue;
      sg.nodes.erase(sg.nodes.begin() + static_cast<long>(n));
      candidate.erase(candidate.begin() + static_cast<long>(n));
      changed = true;
      break;
    }
  }
  for (size_t n = 0; n < sg.nodes.size(); ++n) sg.nodes[n].index = static_cast<int>(n);
}

}  // namespace

std::unique_ptr<Subgraph> RewriteTensorListWrites(const Subgraph& sg) {
  std::vector<int> producer = Producers(sg);
  std::vector<Write> writes;
  for (const Node& node : sg.nodes) {
    if (auto w = MatchWrite(sg, producer, node)) writes.push_back(*w);
  }
  if (writes.empty()) return nullptr;
  // Only nodes whose outputs something read before can turn dead here.
  std::vector<bool> was_read(sg.tensors.size(), false);
  for (const Node& node : sg.nodes) {
    for (int t : node.inputs) {
      if (t >= 0) was_read[t] = true;
    }
  }
  auto read_before = [&](const Node& node) {
    for (int t : node.outputs) {
      if (was_read[t]) return true;
    }
    return false;
  };
  auto out = std::make_unique<Subgraph>(sg);
  std::vector<Node> nodes;
  std::vector<bool> candidate;
  size_t next = 0;
  for (const Write& w : writes) {
    for (; static_cast<int>(next) < w.concat; ++next) {
      nodes.push_back(sg.nodes[next]);
      candidate.push_back(read_before(sg.nodes[next]));
    }
    // index = [k, 0, ...]: the [k + 1, 0, ...] concat's options and zeros, on RESHAPE(k).
    Tensor index = sg.tensors[w.index_concat->outputs[0]];
    index.name += "/tensor_list_write_index";
    out->tensors.push_back(index);
    int index_tensor = static_cast<int>(out->tensors.size()) - 1;
    Node index_node = *w.index_concat;
    index_node.inputs = {w.reshape_k, w.index_concat->inputs[1]};
    index_node.outputs = {index_tensor};
    nodes.push_back(index_node);
    candidate.push_back(false);
    Node update = sg.nodes[next++];
    update.builtin_code = kDynamicUpdateSlice;
    update.op_name = BuiltinOpName(kDynamicUpdateSlice);
    update.version = 1;
    update.inputs = {w.x, w.update, index_tensor};
    update.op = nullptr;  // DYNAMIC_UPDATE_SLICE has no options
    nodes.push_back(update);
    candidate.push_back(false);
  }
  for (; next < sg.nodes.size(); ++next) {
    nodes.push_back(sg.nodes[next]);
    candidate.push_back(read_before(sg.nodes[next]));
  }
  out->nodes = std::move(nodes);
  PruneDead(*out, std::move(candidate));
  return out;
}

}  // namespace jitlite
