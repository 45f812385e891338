#include "lib/composite.h"

#include <string>
#include <vector>

#include "schema/tflite_generated.h"

namespace jitlite {
namespace {

constexpr int kStablehloComposite = 206;
constexpr int kMaxNesting = 16;  // guards against a decomposition that names itself

class Inliner {
 public:
  Inliner(const Graph& graph, Subgraph& out) : graph_(graph), out_(out) {}

  // Appends the nodes of subgraph `index` to out_, its tensor i standing for
  // out_ tensor map[i].
  Status Append(int index, const std::vector<int>& map, int depth) {
    const Subgraph& sg = graph_.subgraphs[index];
    for (const Node& node : sg.nodes) {
      if (node.builtin_code == kStablehloComposite) {
        JITLITE_RETURN_IF_ERROR(Expand(node, map, depth).Annotate(
            "node " + std::to_string(node.index) + " STABLEHLO_COMPOSITE"));
        continue;
      }
      Node copy = node;
      copy.index = static_cast<int>(out_.nodes.size());
      Remap(copy.inputs, map);
      Remap(copy.outputs, map);
      Remap(copy.intermediates, map);
      out_.nodes.push_back(std::move(copy));
    }
    return Status::Ok();
  }

 private:
  Status Expand(const Node& node, const std::vector<int>& map, int depth) {
    if (depth >= kMaxNesting) return InvalidArgument("composites nest too deeply (a cycle?)");
    const auto* options = node.op->builtin_options_2_as_StableHLOCompositeOptions();
    if (options == nullptr) return InvalidArgument("has no StableHLOCompositeOptions");
    const int index = options->decomposition_subgraph_index();  // checked at import
    const Subgraph& body = graph_.subgraphs[index];
    if (body.inputs.size() != node.inputs.size() || body.outputs.size() != node.outputs.size()) {
      return InvalidArgument("has " + std::to_string(node.inputs.size()) + " inputs and " +
                             std::to_string(node.outputs.size()) + " outputs; its decomposition " +
                             "(subgraph " + std::to_string(index) + ") has " +
                             std::to_string(body.inputs.size()) + " and " +
                             std::to_string(body.outputs.size()));
    }
    // The decomposition's inputs and outputs are the composite's; every other
    // tensor of it becomes a new tensor of the main graph.
    std::vector<int> inner(body.tensors.size(), -1);
    for (size_t k = 0; k < body.inputs.size(); ++k) {
      const int outer = node.inputs[k] < 0 ? -1 : map[node.inputs[k]];
      if (outer < 0) return InvalidArgument("input " + std::to_string(k) + " is omitted");
      inner[body.inputs[k]] = outer;
    }
    for (size_t k = 0; k < body.outputs.size(); ++k) {
      if (inner[body.outputs[k]] >= 0) {
        return Unimplemented("decomposition output " + std::to_string(k) +
                             " is one of its inputs (a pass-through)");
      }
      inner[body.outputs[k]] = map[node.outputs[k]];
    }
    for (size_t t = 0; t < body.tensors.size(); ++t) {
      if (inner[t] >= 0) continue;
      inner[t] = static_cast<int>(out_.tensors.size());
      out_.tensors.push_back(body.tensors[t]);
    }
    return Append(index, inner, depth + 1);
  }

  static void Remap(std::vector<int>& tensors, const std::vector<int>& map) {
    for (int& t : tensors) {
      if (t >= 0) t = map[t];
    }
  }

  const Graph& graph_;
  Subgraph& out_;
};

}  // namespace

StatusOr<std::unique_ptr<Subgraph>> InlineComposites(const Graph& graph, int index) {
  const Subgraph& sg = graph.subgraphs[index];
  bool has_composite = false;
  for (const Node& node : sg.nodes) has_composite |= node.builtin_code == kStablehloComposite;
  if (!has_composite) return std::unique_ptr<Subgraph>();
  auto out = std::make_unique<Subgraph>(sg);
  out->nodes.clear();
  std::vector<int> identity(sg.tensors.size());
  for (size_t t = 0; t < identity.size(); ++t) identity[t] = static_cast<int>(t);
  JITLITE_RETURN_IF_ERROR(Inliner(graph, *out).Append(index, identity, 0));
  return out;
}

}  // namespace jitlite
