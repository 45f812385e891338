#include "lib/resource_variables.h"

#include <map>
#include <string>
#include <vector>

#include "schema/tflite_generated.h"

namespace jitlite {
namespace {

bool UsesResourceVariables(const Subgraph& sg) {
  for (const Node& node : sg.nodes) {
    int c = node.builtin_code;
    if (c == kCallOnceCode || c == kVarHandleCode || c == kReadVariableCode ||
        c == kAssignVariableCode) {
      return true;
    }
  }
  return false;
}

std::string NodeName(const Node& node) {
  return "node " + std::to_string(node.index) + " " + node.op_name;
}

// The variable a VAR_HANDLE names: its container and shared_name.
std::string VariableKey(const Node& node) {
  const auto* options = node.op == nullptr ? nullptr : node.op->builtin_options_as_VarHandleOptions();
  std::string container, shared_name;
  if (options != nullptr && options->container() != nullptr) container = options->container()->str();
  if (options != nullptr && options->shared_name() != nullptr) shared_name = options->shared_name()->str();
  return container + "/" + shared_name;
}

struct Variable {
  int tensor = -1;  // in the rewritten main subgraph
  const Tensor* like = nullptr;  // first value seen: dtype and shape
  const uint8_t* initial_value = nullptr;
  bool written = false;  // initialized or assigned so far (in node order)
};

class Lowering {
 public:
  explicit Lowering(const Graph& graph) : graph_(graph), main_(graph.executable_main()) {}

  StatusOr<std::unique_ptr<Subgraph>> Run() {
    out_ = std::make_unique<Subgraph>(main_);
    out_->nodes.clear();
    for (const Node& node : main_.nodes) {
      if (node.builtin_code == kCallOnceCode) {
        JITLITE_RETURN_IF_ERROR(RunInit(node));
      } else if (node.builtin_code == kVarHandleCode) {
        JITLITE_RETURN_IF_ERROR(Handle(main_, node, handle_of_));
      }
    }
    for (const Node& node : main_.nodes) {
      if (node.builtin_code == kCallOnceCode || node.builtin_code == kVarHandleCode) continue;
      Node copy = node;
      if (node.builtin_code == kReadVariableCode || node.builtin_code == kAssignVariableCode) {
        JITLITE_RETURN_IF_ERROR(Access(node, copy));
      } else {
        for (int t : node.inputs) {
          if (t >= 0 && handle_of_.count(t)) {
            return Unimplemented(NodeName(node) + " takes a resource handle; jitlite's resource "
                                 "handles feed READ_VARIABLE and ASSIGN_VARIABLE only");
          }
        }
      }
      copy.index = static_cast<int>(out_->nodes.size());
      out_->nodes.push_back(std::move(copy));
    }
    for (int t : main_.outputs) {
      if (handle_of_.count(t)) return Unimplemented("a resource handle is a model output");
    }
    for (auto& [key, v] : variables_) {
      Tensor& t = out_->tensors[v.tensor];
      t.initial_value = v.initial_value;
    }
    return std::move(out_);
  }

 private:
  Status Handle(const Subgraph& sg, const Node& node, std::map<int, std::string>& handles) {
    if (node.outputs.size() != 1 || node.outputs[0] < 0) {
      return InvalidArgument(NodeName(node) + " needs one output (the handle)");
    }
    handles[node.outputs[0]] = VariableKey(node);
    return Status::Ok();
  }

  // The init subgraph of a CALL_ONCE: VAR_HANDLEs and ASSIGN_VARIABLEs of
  // constants only, so its one run amounts to the variables' initial values.
  Status RunInit(const Node& node) {
    const auto* options = node.op == nullptr ? nullptr : node.op->builtin_options_as_CallOnceOptions();
    int index = options == nullptr ? -1 : options->init_subgraph_index();
    if (index < 0 || index >= static_cast<int>(graph_.subgraphs.size())) {
      return InvalidArgument(NodeName(node) + " names init subgraph " + std::to_string(index) +
                             ", which the model does not have");
    }
    const Subgraph& init = graph_.subgraphs[index];
    std::string where = NodeName(node) + " init subgraph " + std::to_string(index);
    if (!init.inputs.empty() || !init.outputs.empty()) {
      return Unimplemented(where + " has inputs or outputs; jitlite runs init subgraphs that only "
                           "assign constants to resource variables");
    }
    std::map<int, std::string> handles;
    for (const Node& n : init.nodes) {
      if (n.builtin_code == kVarHandleCode) {
        JITLITE_RETURN_IF_ERROR(Handle(init, n, handles));
        continue;
      }
      if (n.builtin_code != kAssignVariableCode) {
        return Unimplemented(where + " has " + NodeName(n) + "; jitlite runs init subgraphs that only "
                             "assign constants to resource variables (VAR_HANDLE, ASSIGN_VARIABLE)");
      }
      if (n.inputs.size() != 2 || n.inputs[0] < 0 || !handles.count(n.inputs[0])) {
        return InvalidArgument(where + " " + NodeName(n) + " needs a VAR_HANDLE and a value");
      }
      const Tensor* value = n.inputs[1] < 0 ? nullptr : &init.tensors[n.inputs[1]];
      if (value == nullptr || !value->is_constant()) {
        return Unimplemented(where + " " + NodeName(n) + " assigns a computed value; jitlite's init "
                             "subgraphs assign constants");
      }
      Variable* v = nullptr;
      JITLITE_RETURN_IF_ERROR(Find(handles[n.inputs[0]], *value, where + " " + NodeName(n), &v));
      v->initial_value = value->data;
      v->written = true;
    }
    return Status::Ok();
  }

  // The variable tensor of `key`, made on first use with `value`'s type.
  Status Find(const std::string& key, const Tensor& value, const std::string& where, Variable** out) {
    Variable& v = variables_[key];
    if (v.like == nullptr) {
      if (DTypeSize(value.dtype) == 0) {
        return Unimplemented(where + ": a " + std::string(DTypeName(value.dtype)) +
                             " variable; jitlite's resource variables hold numeric and BOOL tensors");
      }
      v.like = &value;
      v.tensor = static_cast<int>(out_->tensors.size());
      Tensor t;
      t.name = "resource variable " + key;
      t.dtype = value.dtype;
      t.shape = value.shape;
      t.shape_signature = value.shape;
      t.quantization = value.quantization;
      t.is_variable = true;
      t.is_resource_variable = true;
      out_->tensors.push_back(std::move(t));
    } else if (v.like->dtype != value.dtype || v.like->shape != value.shape) {
      return Unimplemented(where + " gives variable '" + key + "' a " + DTypeName(value.dtype) + " " +
                           ShapeToString(value.shape) + " value after a " + DTypeName(v.like->dtype) +
                           " " + ShapeToString(v.like->shape) + " one; jitlite keeps a resource "
                           "variable's dtype and shape fixed");
    }
    *out = &v;
    return Status::Ok();
  }

  // READ_VARIABLE(handle) -> value, ASSIGN_VARIABLE(handle, value): the
  // handle input replaced by the variable tensor.
  Status Access(const Node& node, Node& copy) {
    if (node.inputs.empty() || node.inputs[0] < 0 || !handle_of_.count(node.inputs[0])) {
      return Unimplemented(NodeName(node) + ": input 0 must be a VAR_HANDLE of this subgraph");
    }
    const std::string& key = handle_of_[node.inputs[0]];
    bool assign = node.builtin_code == kAssignVariableCode;
    if (assign ? node.inputs.size() != 2 || node.inputs[1] < 0 || !node.outputs.empty()
               : node.inputs.size() != 1 || node.outputs.size() != 1 || node.outputs[0] < 0) {
      return InvalidArgument(NodeName(node) + (assign ? " takes a handle and a value, and has no outputs"
                                                      : " takes a handle and has one output"));
    }
    const Tensor& value = main_.tensors[assign ? node.inputs[1] : node.outputs[0]];
    auto it = variables_.find(key);
    if (!assign && (it == variables_.end() || !it->second.written)) {
      return Unimplemented(NodeName(node) + " reads variable '" + key + "' before anything assigns "
                           "it (TFLite fails such a read)");
    }
    Variable* v = nullptr;
    JITLITE_RETURN_IF_ERROR(Find(key, value, NodeName(node), &v));
    if (assign) v->written = true;
    copy.inputs[0] = v->tensor;
    return Status::Ok();
  }

  const Graph& graph_;
  const Subgraph& main_;
  std::unique_ptr<Subgraph> out_;
  std::map<int, std::string> handle_of_;  // main's handle tensors
  std::map<std::string, Variable> variables_;
};

}  // namespace

StatusOr<std::unique_ptr<Subgraph>> LowerResourceVariables(const Graph& graph) {
  if (graph.subgraphs.empty() || !UsesResourceVariables(graph.executable_main())) {
    return std::unique_ptr<Subgraph>();
  }
  return Lowering(graph).Run();
}

}  // namespace jitlite
