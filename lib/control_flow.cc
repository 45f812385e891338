// Shape inference of the subgraphs WHILE and IF run (see lib/control_flow.h).
#include "lib/control_flow.h"

#include <functional>
#include <string>

#include "lib/shaped_graph.h"
#include "lib/tensor_list_rewrite.h"
#include "schema/tflite_generated.h"

namespace jitlite {
namespace {

std::string SubgraphLabel(const char* role, int subgraph) {
  return std::string(role) + " (subgraph " + std::to_string(subgraph) + ")";
}

std::string TensorName(const ShapedGraph& g, int t) {
  return "tensor " + std::to_string(t) + " '" + g.subgraph->tensors[t].name + "'";
}

// Infers subgraph `index` of `subgraphs` with its inputs at `shapes`; their
// dtypes must match the subgraph's declared input types (`arg_name(i)`
// names the value passed as input i in errors).
StatusOr<std::unique_ptr<ShapedGraph>> InferSubgraphAt(
    const std::vector<Subgraph>* subgraphs, int depth, const std::vector<DType>& dtypes,
    const std::vector<Shape>& shapes, const std::function<std::string(size_t)>& arg_name,
    int index, const char* role) {
  const Subgraph& sg = (*subgraphs)[index];
  const std::string label = SubgraphLabel(role, index);
  if (sg.inputs.size() != dtypes.size()) {
    return InvalidArgument(label + " has " + std::to_string(sg.inputs.size()) +
                           " inputs, but the node passes " + std::to_string(dtypes.size()));
  }
  std::vector<std::pair<int, Shape>> resized;
  for (size_t i = 0; i < dtypes.size(); ++i) {
    const Tensor& input = sg.tensors[sg.inputs[i]];
    if (input.dtype != dtypes[i]) {
      return InvalidArgument(label + " input " + std::to_string(i) + " '" + input.name + "' is " +
                             DTypeName(input.dtype) + ", but the node passes " + arg_name(i) +
                             " of type " + DTypeName(dtypes[i]));
    }
    resized.emplace_back(sg.inputs[i], shapes[i]);
  }
  // Loop bodies may write TensorLists with value-dependent slices; their static form.
  std::unique_ptr<Subgraph> rewritten = RewriteTensorListWrites(sg);
  auto child = InferShapes(rewritten ? *rewritten : sg, resized, {}, nullptr, subgraphs, depth);
  if (!child.ok()) return child.status().Annotate(label);
  child.value()->owned_subgraph = std::move(rewritten);
  return child;
}

// Infers subgraph `index` with its inputs given the shapes of `args` in `g`.
StatusOr<std::unique_ptr<ShapedGraph>> InferSubgraph(const ShapedGraph& g, const std::vector<int>& args,
                                                     int index, const char* role) {
  std::vector<DType> dtypes;
  std::vector<Shape> shapes;
  for (int t : args) {
    dtypes.push_back(g.tensors[t].dtype);
    shapes.push_back(g.tensors[t].shape);
  }
  return InferSubgraphAt(g.model_subgraphs, g.depth + 1, dtypes, shapes,
                         [&](size_t i) { return TensorName(g, args[i]); }, index, role);
}

Status CheckCondition(const ShapedGraph& cond, int index) {
  const std::string label = SubgraphLabel("WHILE condition", index);
  if (cond.subgraph->outputs.size() != 1) {
    return InvalidArgument(label + " has " + std::to_string(cond.subgraph->outputs.size()) +
                           " outputs; it must have one BOOL output");
  }
  const ops::TensorState& out = cond.tensors[cond.subgraph->outputs[0]];
  if (out.dtype != DType::kBool || out.num_elements() != 1) {
    return InvalidArgument(label + " output is " + DTypeName(out.dtype) + " " +
                           ShapeToString(out.shape) + "; it must be a single BOOL");
  }
  return Status::Ok();
}

// The body's outputs are the next values of the loop variables: same count
// and dtypes (`dtypes`).
Status CheckBodyTypes(const ShapedGraph& body, int index, const std::vector<DType>& dtypes) {
  const std::string label = SubgraphLabel("WHILE body", index);
  const auto& outs = body.subgraph->outputs;
  if (outs.size() != dtypes.size()) {
    return InvalidArgument(label + " has " + std::to_string(outs.size()) + " outputs, but the " +
                           "loop has " + std::to_string(dtypes.size()) + " variables");
  }
  for (size_t i = 0; i < outs.size(); ++i) {
    const ops::TensorState& next = body.tensors[outs[i]];
    if (next.dtype != dtypes[i]) {
      return InvalidArgument(label + " output " + std::to_string(i) + " (" + TensorName(body, outs[i]) +
                             ") is " + DTypeName(next.dtype) + ", but loop variable " +
                             std::to_string(i) + " is " + DTypeName(dtypes[i]));
    }
  }
  return Status::Ok();
}

// The first body output whose shape differs from its loop variable's, or -1.
int ChangedShape(const Node& node, const ShapedGraph& g, const ShapedGraph& body) {
  const auto& outs = body.subgraph->outputs;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (body.tensors[outs[i]].shape != g.tensors[node.inputs[i]].shape) return static_cast<int>(i);
  }
  return -1;
}

// A WHILE whose variables change shape, or a WHILE/IF whose subgraphs have
// data-dependent ops or (IF) disagree on output shapes, is run by the
// interpreter (ShapedGraph::host_loop), each subgraph compiled per argument
// shapes as a program of its own. `what` says why. A subgraph's own variable
// tensors could not carry across iterations of changing shapes, and a node
// nested in a subgraph has no host to run it.
Status CheckHostRun(const std::string& what, const ShapedGraph& g, const std::vector<int>& indices) {
  if (g.depth > 0) {
    return Unimplemented(what + "; jitlite runs such a WHILE/IF in the main graph only, not inside "
                         "a WHILE/IF subgraph");
  }
  for (int sub : indices) {
    for (const Tensor& t : (*g.model_subgraphs)[sub].tensors) {
      if (t.is_variable) {
        return Unimplemented(what + "; jitlite runs such a WHILE/IF from the host, and subgraph " +
                             std::to_string(sub) + " has variable tensor '" + t.name +
                             "' whose state could not carry across shapes");
      }
    }
  }
  return Status::Ok();
}

std::string ChangedShapeMessage(const Node& node, const ShapedGraph& g, const ShapedGraph& body,
                                int index, int changed) {
  const auto& outs = body.subgraph->outputs;
  return SubgraphLabel("WHILE body", index) + " output " + std::to_string(changed) + " (" +
         TensorName(body, outs[changed]) + ") has shape " +
         ShapeToString(body.tensors[outs[changed]].shape) + ", but loop variable " +
         std::to_string(changed) + " (" + TensorName(g, node.inputs[changed]) + ") has shape " +
         ShapeToString(g.tensors[node.inputs[changed]].shape);
}

const char* RoleName(const Node& node, size_t k) {
  if (node.builtin_code == kWhileCode) return k == 0 ? "WHILE condition" : "WHILE body";
  return k == 0 ? "IF then-branch" : "IF else-branch";
}

// The outputs of an IF branch run on the host: one per node output, of its dtype.
Status CheckBranchTypes(const ShapedGraph& branch, int index, const char* role,
                        const std::vector<DType>& dtypes) {
  const std::string label = SubgraphLabel(role, index);
  const auto& outs = branch.subgraph->outputs;
  if (outs.size() != dtypes.size()) {
    return InvalidArgument(label + " has " + std::to_string(outs.size()) + " outputs, but the IF has " +
                           std::to_string(dtypes.size()));
  }
  for (size_t i = 0; i < outs.size(); ++i) {
    if (branch.tensors[outs[i]].dtype != dtypes[i]) {
      return InvalidArgument(label + " output " + std::to_string(i) + " is " +
                             DTypeName(branch.tensors[outs[i]].dtype) + ", but IF output " +
                             std::to_string(i) + " is " + DTypeName(dtypes[i]));
    }
  }
  return Status::Ok();
}

// IF's outputs take the then-branch's dtypes and shapes; the else-branch
// must produce the same, as one compiled program serves both.
Status SetIfOutputs(const Node& node, ShapedGraph& g, const ShapedGraph& then_g,
                    const ShapedGraph& else_g, const std::vector<int>& indices) {
  const auto& t_outs = then_g.subgraph->outputs;
  const auto& e_outs = else_g.subgraph->outputs;
  if (t_outs.size() != node.outputs.size() || e_outs.size() != node.outputs.size()) {
    return InvalidArgument("IF has " + std::to_string(node.outputs.size()) + " outputs, but its " +
                           "branches have " + std::to_string(t_outs.size()) + " and " +
                           std::to_string(e_outs.size()));
  }
  for (size_t i = 0; i < t_outs.size(); ++i) {
    const ops::TensorState& a = then_g.tensors[t_outs[i]];
    const ops::TensorState& b = else_g.tensors[e_outs[i]];
    if (a.dtype == b.dtype && a.shape != b.shape && g.depth == 0) {
      g.host_loop_node = node.index;  // the interpreter runs it (CheckHostRun)
      return Status::Ok();
    }
    if (a.dtype != b.dtype || a.shape != b.shape) {
      return Unimplemented("IF output " + std::to_string(i) + ": " +
                           SubgraphLabel("then-branch", indices[0]) + " gives " + DTypeName(a.dtype) +
                           " " + ShapeToString(a.shape) + ", " +
                           SubgraphLabel("else-branch", indices[1]) + " gives " + DTypeName(b.dtype) +
                           " " + ShapeToString(b.shape) +
                           (a.dtype != b.dtype ? "; the branches must agree on dtypes"
                                               : "; inside a WHILE/IF subgraph jitlite compiles IF "
                                                 "when both branches agree"));
    }
    ops::TensorState& out = g.tensors[node.outputs[i]];
    out.dtype = a.dtype;
    out.shape = a.shape;
  }
  return Status::Ok();
}

}  // namespace

bool IsControlFlow(const Node& node) {
  return node.builtin_code == kWhileCode || node.builtin_code == kIfCode;
}

std::vector<int> ControlFlowSubgraphs(const Node& node) {
  if (node.builtin_code == kWhileCode) {
    const auto* o = node.op->builtin_options_as_WhileOptions();
    return {o->cond_subgraph_index(), o->body_subgraph_index()};
  }
  if (node.builtin_code == kIfCode) {
    const auto* o = node.op->builtin_options_as_IfOptions();
    return {o->then_subgraph_index(), o->else_subgraph_index()};
  }
  return {};
}

std::vector<int> ControlFlowArguments(const Node& node) {
  if (node.builtin_code == kIfCode) return {node.inputs.begin() + 1, node.inputs.end()};
  return node.inputs;
}

Status InferControlFlow(const Node& node, ShapedGraph& g) {
  if (g.model_subgraphs == nullptr) {
    return Internal("control flow needs the model's subgraphs for shape inference");
  }
  if (g.depth >= kMaxControlFlowDepth) {
    return Unimplemented("control flow nested more than " + std::to_string(kMaxControlFlowDepth) +
                         " subgraphs deep (does a subgraph run itself?)");
  }
  const std::vector<int> indices = ControlFlowSubgraphs(node);
  const std::vector<int> args = ControlFlowArguments(node);
  const bool is_while = node.builtin_code == kWhileCode;
  std::vector<std::unique_ptr<ShapedGraph>> children;
  for (size_t k = 0; k < indices.size(); ++k) {
    JITLITE_ASSIGN_OR_RETURN(auto child, InferSubgraph(g, args, indices[k], RoleName(node, k)));
    children.push_back(std::move(child));
  }
  // A subgraph with a data-dependent op is compiled in segments: only a
  // host-run node can run it.
  for (size_t k = 0; k < children.size(); ++k) {
    const ShapedGraph& c = *children[k];
    if (c.data_node < 0) continue;
    const Node& data_node = c.subgraph->nodes[c.data_node];
    JITLITE_RETURN_IF_ERROR(CheckHostRun(
        SubgraphLabel(RoleName(node, k), indices[k]) + " node " + std::to_string(data_node.index) +
            " " + data_node.op_name + " has output sizes that depend on data", g, indices));
    g.host_loop_node = node.index;
    return Status::Ok();
  }
  if (is_while) {
    JITLITE_RETURN_IF_ERROR(CheckCondition(*children[0], indices[0]));
    std::vector<DType> dtypes;
    for (int t : node.inputs) dtypes.push_back(g.tensors[t].dtype);
    JITLITE_RETURN_IF_ERROR(CheckBodyTypes(*children[1], indices[1], dtypes));
    if (int changed = ChangedShape(node, g, *children[1]); changed >= 0) {
      JITLITE_RETURN_IF_ERROR(
          CheckHostRun(ChangedShapeMessage(node, g, *children[1], indices[1], changed), g, indices));
      g.host_loop_node = node.index;  // ends the segment before it; no children compiled
      return Status::Ok();
    }
  } else {
    JITLITE_RETURN_IF_ERROR(SetIfOutputs(node, g, *children[0], *children[1], indices));
    if (g.host_loop_node == node.index) {
      return CheckHostRun("IF (node " + std::to_string(node.index) + ") branches give outputs of "
                          "different shapes", g, indices);
    }
  }
  g.children[node.index] = std::move(children);
  return Status::Ok();
}

}  // namespace jitlite

namespace jitlite {

StatusOr<std::unique_ptr<ShapedGraph>> InferHostSubgraph(const std::vector<Subgraph>& subgraphs,
                                                         const Node& node, int k,
                                                         const std::vector<DType>& dtypes,
                                                         const std::vector<Shape>& shapes) {
  auto arg_name = [](size_t i) { return "argument " + std::to_string(i); };
  return InferSubgraphAt(&subgraphs, 1, dtypes, shapes, arg_name, ControlFlowSubgraphs(node)[k],
                         RoleName(node, k));
}

Status CheckHostSubgraph(const ShapedGraph& g, const Node& node, int k,
                         const std::vector<DType>& dtypes) {
  const int index = ControlFlowSubgraphs(node)[k];
  if (node.builtin_code != kWhileCode) return CheckBranchTypes(g, index, RoleName(node, k), dtypes);
  return k == 0 ? CheckCondition(g, index) : CheckBodyTypes(g, index, dtypes);
}

}  // namespace jitlite
