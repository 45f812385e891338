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
  int init_program = -1;  // computed initial value: output init_output of programs_[init_program]
  int init_output = -1;
  bool written = false;  // initialized or assigned so far (in node order)
};

class Lowering {
 public:
  explicit Lowering(const Graph& graph) : graph_(graph), main_(graph.executable_main()) {}

  StatusOr<std::unique_ptr<Subgraph>> Run(std::vector<InitProgram>* programs) {
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
      if (v.init_program >= 0) programs_[v.init_program].variables[v.init_output] = v.tensor;
    }
    *programs = std::move(programs_);
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

  // The init subgraph of a CALL_ONCE. An ASSIGN_VARIABLE of a constant sets
  // the variable's initial value; any other assigned value is computed by
  // the subgraph's other nodes, which become an InitProgram (its outputs
  // those values) that the interpreter runs once. A READ_VARIABLE sees what
  // the subgraph assigned before it. The subgraph has no inputs, so its one
  // run gives the same values whenever it happens.
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
      return Unimplemented(where + " has inputs or outputs; jitlite runs init subgraphs that "
                           "assign resource variables and return nothing");
    }
    InitProgram program;
    program.label = where;
    program.subgraph_index = index;
    program.subgraph = init;
    program.subgraph.nodes.clear();
    std::map<int, std::string> handles;
    std::map<std::string, int> assigned;  // variable -> the tensor this subgraph gave it last
    std::map<int, int> read_of;  // READ_VARIABLE output -> that tensor
    auto resolve = [&](int t) {
      auto it = read_of.find(t);
      return it == read_of.end() ? t : it->second;
    };
    for (const Node& n : init.nodes) {
      const std::string at = where + " " + NodeName(n);
      if (n.builtin_code == kVarHandleCode) {
        JITLITE_RETURN_IF_ERROR(Handle(init, n, handles));
      } else if (n.builtin_code == kReadVariableCode) {
        if (n.inputs.size() != 1 || n.inputs[0] < 0 || !handles.count(n.inputs[0]) ||
            n.outputs.size() != 1 || n.outputs[0] < 0) {
          return InvalidArgument(at + " needs a VAR_HANDLE of this subgraph and one output");
        }
        auto it = assigned.find(handles[n.inputs[0]]);
        if (it == assigned.end()) {
          return Unimplemented(at + " reads variable '" + handles[n.inputs[0]] + "' before this "
                               "init subgraph assigns it; jitlite's init subgraphs read only "
                               "what they assigned");
        }
        read_of[n.outputs[0]] = it->second;
      } else if (n.builtin_code == kAssignVariableCode) {
        if (n.inputs.size() != 2 || n.inputs[0] < 0 || !handles.count(n.inputs[0]) || n.inputs[1] < 0) {
          return InvalidArgument(at + " needs a VAR_HANDLE and a value");
        }
        const std::string& key = handles[n.inputs[0]];
        const int value = resolve(n.inputs[1]);
        const Tensor& tensor = init.tensors[value];
        Variable* v = nullptr;
        JITLITE_RETURN_IF_ERROR(Find(key, tensor, at, &v));
        if (tensor.is_constant()) {
          v->initial_value = tensor.data;
          v->init_program = -1;
        } else {
          v->initial_value = nullptr;
          v->init_program = static_cast<int>(programs_.size());
          v->init_output = static_cast<int>(program.subgraph.outputs.size());
          program.subgraph.outputs.push_back(value);
        }
        v->written = true;
        assigned[key] = value;
      } else {
        Node copy = n;
        for (int& t : copy.inputs) {
          if (t >= 0 && handles.count(t)) {
            return Unimplemented(at + " takes a resource handle; jitlite's resource handles feed "
                                 "READ_VARIABLE and ASSIGN_VARIABLE only");
          }
          if (t >= 0) t = resolve(t);
        }
        copy.index = static_cast<int>(program.subgraph.nodes.size());
        program.subgraph.nodes.push_back(std::move(copy));
      }
    }
    if (!program.subgraph.outputs.empty()) {
      program.variables.assign(program.subgraph.outputs.size(), -1);
      programs_.push_back(std::move(program));
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
  std::vector<InitProgram> programs_;
};

}  // namespace

StatusOr<std::unique_ptr<Subgraph>> LowerResourceVariables(const Graph& graph,
                                                           std::vector<InitProgram>* init_programs) {
  if (graph.subgraphs.empty() || !UsesResourceVariables(graph.executable_main())) {
    return std::unique_ptr<Subgraph>();
  }
  return Lowering(graph).Run(init_programs);
}

}  // namespace jitlite
