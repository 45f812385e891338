// Greedy, linear fusion over the execution order (see jit/fusion.h).
#include "jit/fusion.h"

#include <algorithm>
#include <cctype>

#include "ops/op.h"

namespace jitlite::jit {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

ops::OpKind KindOf(const Node& node) { return ops::FindOp(node)->kind(); }

// Why `tensor` (produced by the current group) cannot stay in registers for
// the elementwise `consumer`; empty when it can.
std::string NoFuseReason(const ShapedGraph& g, int tensor, const Node& consumer) {
  if (g.is_graph_output[tensor]) return "it is a graph output";
  if (g.consumers[tensor].size() != 1) return "it has several consumers";
  const Shape& out = g.tensors[consumer.outputs[0]].shape;
  if (g.tensors[tensor].shape != out) return "shapes differ (broadcast)";
  return "";
}

// Whether alias `node` carries the kernel group's chain on from its tail:
// the epilogue's vectors run along the last dimension, which must stay.
bool ContinuesThroughAlias(const ShapedGraph& g, const FusionGroup& group, int tail,
                           const Node& node) {
  if (!group.kernel_anchor || tail < 0 || node.inputs.empty() || node.inputs[0] != tail) {
    return false;
  }
  const Shape& in = g.tensors[tail].shape;
  const Shape& out = g.tensors[node.outputs[0]].shape;
  return !in.empty() && !out.empty() && in.back() == out.back();
}

// chain = the tensors from a group node's output through epilogue aliases to
// the tensor a fused node consumes (its last): the last stays in registers;
// the others too unless something outside the chain reads them.
void KeepInRegisters(const ShapedGraph& g, const std::vector<int>& chain, FusionPlan& plan) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const int t = chain[i];
    const bool last = i + 1 == chain.size();
    if (last || (!g.is_graph_output[t] && g.consumers[t].size() == 1)) {
      plan.fused_into[t] = "pending";
    }
  }
}

// Whether kernel `node` joins the group as its row epilogue (jit/fusion.h).
bool JoinsAsRowEpilogue(const ShapedGraph& g, const FusionGroup& group, int tail,
                        const Node& node) {
  if (!group.kernel_anchor || tail < 0 || node.inputs.empty() || node.inputs[0] != tail ||
      node.outputs.size() != 1 || !NoFuseReason(g, tail, node).empty()) {
    return false;
  }
  auto& tensors = const_cast<std::vector<ops::TensorState>&>(g.tensors);
  const Node& anchor = g.subgraph->nodes[group.nodes[group.anchor]];
  const Shape& anchor_out = g.tensors[anchor.outputs[0]].shape;
  const Shape& rows = g.tensors[tail].shape;
  if (anchor_out.empty() || rows.empty() || anchor_out.back() != rows.back()) return false;
  return ops::FindOp(anchor)->takes_row_epilogue(ops::NodeContext(anchor, tensors)) &&
         ops::FindOp(node)->runs_on_stored_rows(ops::NodeContext(node, tensors));
}

// Whether the kernel `consumer` computes `tensor`, output of the current
// group (one kernel node, no epilogue), itself.
bool FusesIntoConsumer(const ShapedGraph& g, const FusionGroup& current, int tensor,
                       const Node& consumer) {
  if (!current.kernel_anchor || current.nodes.size() != 1) return false;
  if (consumer.inputs.empty() || consumer.inputs[0] != tensor) return false;
  if (g.is_graph_output[tensor] || g.consumers[tensor].size() != 1) return false;
  auto& tensors = const_cast<std::vector<ops::TensorState>&>(g.tensors);
  ops::NodeContext producer(g.subgraph->nodes[current.nodes[0]], tensors);
  ops::NodeContext ctx(consumer, tensors);
  return ops::FindOp(consumer)->FusesProducer(producer, ctx);
}

void FinishGroup(const ShapedGraph& g, FusionGroup& group, std::vector<FusionGroup>& out) {
  if (group.nodes.empty()) return;
  const Subgraph& sg = *g.subgraph;
  group.symbol = "k" + std::to_string(out.size());
  for (int n : group.nodes) group.symbol += "_" + Lower(sg.nodes[n].op_name);
  out.push_back(std::move(group));
  group = FusionGroup();
}

}  // namespace

FusionPlan PlanFusion(const ShapedGraph& g, bool preserve_all_tensors) {
  const Subgraph& sg = *g.subgraph;
  FusionPlan plan;
  size_t num_tensors = g.tensors.size();
  plan.buffer_root.resize(num_tensors);
  for (size_t t = 0; t < num_tensors; ++t) plan.buffer_root[t] = static_cast<int>(t);
  plan.materialized.assign(num_tensors, false);
  plan.fused_into.assign(num_tensors, "");

  FusionGroup current;
  int current_tail = -1;  // tensor the current group's last node produced (or an alias of it)
  std::vector<int> aliased;  // tensors from that node's output up to current_tail
  for (const Node& node : sg.nodes) {
    if (g.node_folded[node.index] || !g.in_segment(node.index)) continue;
    ops::OpKind kind = KindOf(node);
    if (kind == ops::OpKind::kAlias) {
      int in = node.inputs[0];
      plan.buffer_root[node.outputs[0]] = plan.buffer_root[in];
      if (!preserve_all_tensors && ContinuesThroughAlias(g, current, current_tail, node)) {
        current.aliases.emplace_back(in, node.outputs[0]);
        aliased.push_back(current_tail);
        current_tail = node.outputs[0];
      }
      continue;
    }
    if (kind == ops::OpKind::kElementwise && current_tail >= 0 && !preserve_all_tensors) {
      auto it = std::find(node.inputs.begin(), node.inputs.end(), current_tail);
      if (it != node.inputs.end()) {
        std::string reason = NoFuseReason(g, current_tail, node);
        if (reason.empty()) {
          aliased.push_back(current_tail);
          KeepInRegisters(g, aliased, plan);
          aliased.clear();
          current.nodes.push_back(node.index);
          current_tail = node.outputs[0];
          continue;
        }
        current.note += "not fused with node " + std::to_string(node.index) + " " +
                        node.op_name + ": " + reason + "; ";
      }
    }
    if (kind == ops::OpKind::kKernel && !preserve_all_tensors &&
        JoinsAsRowEpilogue(g, current, current_tail, node)) {
      aliased.push_back(current_tail);
      KeepInRegisters(g, aliased, plan);
      aliased.clear();
      current.nodes.push_back(node.index);
      current.row_epilogue = true;
      current_tail = -1;  // the rows are final: nothing joins after them
      continue;
    }
    if (kind == ops::OpKind::kKernel && current_tail >= 0 && !preserve_all_tensors &&
        node.outputs.size() == 1 && current.aliases.empty() &&
        FusesIntoConsumer(g, current, current_tail, node)) {
      plan.fused_into[current_tail] = "pending";
      current.nodes.push_back(node.index);
      current.anchor = 1;
      current_tail = node.outputs[0];
      continue;
    }
    FinishGroup(g, current, plan.groups);
    aliased.clear();
    current.nodes = {node.index};
    current.kernel_anchor = kind == ops::OpKind::kKernel;
    current.control_flow = kind == ops::OpKind::kControlFlow;
    current_tail = node.outputs.size() == 1 ? node.outputs[0] : -1;
    if (kind == ops::OpKind::kKernel && node.outputs.size() != 1) current_tail = -1;
    if (current.control_flow) current_tail = -1;
  }
  FinishGroup(g, current, plan.groups);

  // Outputs: every tensor a group produces that is not consumed in registers.
  for (FusionGroup& group : plan.groups) {
    for (const auto& alias : group.aliases) {
      if (plan.fused_into[alias.second] == "pending") plan.fused_into[alias.second] = group.symbol;
    }
    for (int n : group.nodes) {
      for (int t : sg.nodes[n].outputs) {
        if (plan.fused_into[t] == "pending") {
          plan.fused_into[t] = group.symbol;
        } else {
          group.outputs.push_back(t);
          plan.materialized[t] = true;
        }
      }
    }
  }
  for (int t : sg.inputs) plan.materialized[t] = true;
  for (size_t t = 0; t < num_tensors; ++t) {
    if (sg.tensors[t].is_variable) plan.materialized[t] = true;
  }
  // A tensor that nodes read but nothing writes (not an input, not a
  // constant) still gets zeroed memory, as TFLite's arena gives it.
  std::vector<bool> produced(num_tensors, false);
  for (const Node& node : sg.nodes) {
    for (int t : node.outputs) produced[t] = true;
  }
  for (const Node& node : sg.nodes) {
    for (int t : node.inputs) {
      if (t >= 0 && !produced[t] && !g.tensors[t].is_constant()) plan.materialized[t] = true;
    }
  }
  return plan;
}

}  // namespace jitlite::jit
