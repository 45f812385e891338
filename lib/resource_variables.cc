#include "lib/resource_variables.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lib/control_flow.h"
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

  StatusOr<std::unique_ptr<Subgraph>> Run(std::vector<InitProgram>* programs,
                                          std::map<int, Subgraph>* subgraphs) {
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
      std::vector<std::pair<std::string, int>> after;  // variable -> value a WHILE/IF left
      if (node.builtin_code == kReadVariableCode || node.builtin_code == kAssignVariableCode) {
        JITLITE_RETURN_IF_ERROR(Access(node, copy));
      } else if (IsControlFlow(node)) {
        auto value_of = [&](const std::string& key) {
          auto it = variables_.find(key);
          return it == variables_.end() || !it->second.written ? -1 : it->second.tensor;
        };
        JITLITE_RETURN_IF_ERROR(PassVariables(*out_, copy, handle_of_, value_of, after));
      } else {
        JITLITE_RETURN_IF_ERROR(RefuseHandleInputs(node, handle_of_, NodeName(node)));
      }
      copy.index = static_cast<int>(out_->nodes.size());
      out_->nodes.push_back(std::move(copy));
      // The main graph keeps each variable in its tensor: assign the value back.
      for (const auto& [key, value] : after) {
        Node assign;
        assign.builtin_code = kAssignVariableCode;
        assign.op_name = "ASSIGN_VARIABLE";
        assign.inputs = {variables_[key].tensor, value};
        assign.index = static_cast<int>(out_->nodes.size());
        out_->nodes.push_back(std::move(assign));
      }
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
    *subgraphs = std::move(rewritten_);
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

  static Status RefuseHandleInputs(const Node& node, const std::map<int, std::string>& handles,
                                   const std::string& where) {
    for (int t : node.inputs) {
      if (t >= 0 && handles.count(t)) {
        return Unimplemented(where + " takes a resource handle; jitlite's resource handles feed "
                             "READ_VARIABLE, ASSIGN_VARIABLE, WHILE and IF only");
      }
    }
    return Status::Ok();
  }

  // A resource variable crosses into WHILE/IF subgraphs by value: each
  // handle the node passes becomes the variable's current value (the tensor
  // value_of(key) names), the subgraphs taking it are rewritten to read and
  // assign that value (RewriteSubgraph), and the value they leave comes out
  // as a node output (WHILE: that loop variable's; IF: one appended per
  // variable), listed in `after`. A WHILE's handle output stays a handle.
  Status PassVariables(Subgraph& sg, Node& copy, std::map<int, std::string>& handles,
                       const std::function<int(const std::string&)>& value_of,
                       std::vector<std::pair<std::string, int>>& after) {
    const bool is_while = copy.builtin_code == kWhileCode;
    const size_t first_arg = is_while ? 0 : 1;
    const std::string where = NodeName(copy);
    std::vector<int> positions;
    std::vector<std::string> keys;
    for (size_t i = first_arg; i < copy.inputs.size(); ++i) {
      const int t = copy.inputs[i];
      if (t < 0 || !handles.count(t)) continue;
      const std::string key = handles.at(t);
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
        return Unimplemented(where + " passes variable '" + key + "' twice");
      }
      const int value = value_of(key);
      if (value < 0) {
        return Unimplemented(where + " passes variable '" + key + "' before anything assigns it "
                             "(jitlite needs its dtype and shape)");
      }
      positions.push_back(static_cast<int>(i - first_arg));
      keys.push_back(key);
      copy.inputs[i] = value;
    }
    if (first_arg == 1 && !copy.inputs.empty() && copy.inputs[0] >= 0 && handles.count(copy.inputs[0])) {
      return Unimplemented(where + ": its condition is a resource handle");
    }
    if (keys.empty()) return Status::Ok();
    const std::vector<int> subs = ControlFlowSubgraphs(copy);
    const Role roles[2] = {is_while ? Role::kCond : Role::kBranch, is_while ? Role::kBody : Role::kBranch};
    for (int k = 0; k < 2; ++k) {
      JITLITE_RETURN_IF_ERROR(RewriteSubgraph(subs[k], roles[k], positions, keys, where));
    }
    for (size_t j = 0; j < keys.size(); ++j) {
      const Tensor& like = *variables_[keys[j]].like;
      const int value = static_cast<int>(sg.tensors.size());
      Tensor t;
      t.name = "resource variable " + keys[j] + " after " + where;
      t.dtype = like.dtype;
      t.shape = like.shape;
      t.shape_signature = like.shape;
      t.quantization = like.quantization;
      sg.tensors.push_back(std::move(t));
      if (is_while) {
        handles[copy.outputs[positions[j]]] = keys[j];
        copy.outputs[positions[j]] = value;
      } else {
        copy.outputs.push_back(value);
      }
      after.emplace_back(keys[j], value);
    }
    return Status::Ok();
  }

  enum class Role { kCond, kBody, kBranch };

  // Subgraph `index` with its inputs at `positions` (handles of variables
  // `keys`) made those variables' values: READ_VARIABLE is that value,
  // ASSIGN_VARIABLE gives the next one, which a body returns at the loop
  // variable's position and a branch returns as an extra output.
  Status RewriteSubgraph(int index, Role role, const std::vector<int>& positions,
                         const std::vector<std::string>& keys, const std::string& where) {
    std::string signature;
    for (size_t j = 0; j < keys.size(); ++j) signature += std::to_string(positions[j]) + "=" + keys[j] + ";";
    auto done = signatures_.find(index);
    if (done != signatures_.end()) {
      if (done->second == signature) return Status::Ok();
      return Unimplemented(where + ": subgraph " + std::to_string(index) + " is also run with "
                           "other resource variables; jitlite rewrites a subgraph for one set");
    }
    signatures_[index] = signature;
    const Subgraph& sg = graph_.subgraphs[index];
    const std::string label = where + " subgraph " + std::to_string(index);
    Subgraph out = sg;
    out.nodes.clear();
    std::map<int, std::string> handles;
    std::map<std::string, int> current;
    std::map<int, int> read_of;
    auto resolve = [&](int t) {
      auto it = read_of.find(t);
      return it == read_of.end() ? t : it->second;
    };
    auto check_like = [&](const std::string& key, int t, const std::string& at) {
      const Tensor& like = *variables_[key].like;
      const Tensor& value = out.tensors[t];
      if (value.dtype == like.dtype && value.shape == like.shape) return Status::Ok();
      return Unimplemented(at + " gives variable '" + key + "' a " + DTypeName(value.dtype) + " " +
                           ShapeToString(value.shape) + " value, but it holds " +
                           DTypeName(like.dtype) + " " + ShapeToString(like.shape) +
                           "; jitlite keeps a resource variable's dtype and shape fixed");
    };
    for (size_t j = 0; j < keys.size(); ++j) {
      if (positions[j] >= static_cast<int>(sg.inputs.size())) {
        return InvalidArgument(label + " has no input " + std::to_string(positions[j]));
      }
      const int t = sg.inputs[positions[j]];
      const Tensor& like = *variables_[keys[j]].like;
      Tensor& in = out.tensors[t];
      in.dtype = like.dtype;
      in.shape = like.shape;
      in.shape_signature = like.shape;
      in.quantization = like.quantization;
      handles[t] = keys[j];
      current[keys[j]] = t;
    }
    for (const Node& n : sg.nodes) {
      const std::string at = label + " " + NodeName(n);
      const int c = n.builtin_code;
      if (c == kVarHandleCode || c == kCallOnceCode) {
        return Unimplemented(at + ": jitlite's WHILE/IF subgraphs use the resource variables the "
                             "main graph passes them, and make none of their own");
      }
      if (c == kReadVariableCode || c == kAssignVariableCode) {
        const bool assign = c == kAssignVariableCode;
        if (n.inputs.empty() || n.inputs[0] < 0 || !handles.count(n.inputs[0]) ||
            (assign ? n.inputs.size() != 2 || n.inputs[1] < 0 : n.outputs.size() != 1)) {
          return InvalidArgument(at + " needs a handle the subgraph was passed" +
                                 (assign ? " and a value" : " and one output"));
        }
        const std::string& key = handles[n.inputs[0]];
        if (!assign) {
          JITLITE_RETURN_IF_ERROR(check_like(key, n.outputs[0], at));
          read_of[n.outputs[0]] = current[key];
          continue;
        }
        if (role == Role::kCond) {
          return Unimplemented(at + ": a WHILE condition that assigns a resource variable");
        }
        const int value = resolve(n.inputs[1]);
        JITLITE_RETURN_IF_ERROR(check_like(key, value, at));
        current[key] = value;
        continue;
      }
      Node copy = n;
      for (int& t : copy.inputs) {
        if (t >= 0) t = resolve(t);
      }
      if (IsControlFlow(n)) {
        std::vector<std::pair<std::string, int>> after;
        auto value_of = [&](const std::string& key) { return current.count(key) ? current[key] : -1; };
        JITLITE_RETURN_IF_ERROR(PassVariables(out, copy, handles, value_of, after).Annotate(label));
        for (const auto& [key, value] : after) current[key] = value;
      } else {
        JITLITE_RETURN_IF_ERROR(RefuseHandleInputs(n, handles, at));
      }
      copy.index = static_cast<int>(out.nodes.size());
      out.nodes.push_back(std::move(copy));
    }
    for (size_t o = 0; o < out.outputs.size(); ++o) {
      const int t = sg.outputs[o];
      if (!handles.count(t)) {
        out.outputs[o] = resolve(t);
        continue;
      }
      auto p = std::find(positions.begin(), positions.end(), static_cast<int>(o));
      if (role != Role::kBody || p == positions.end() || keys[p - positions.begin()] != handles[t]) {
        return Unimplemented(label + " output " + std::to_string(o) + " is a resource handle; "
                             "jitlite passes one out of a WHILE body only as the same loop variable");
      }
      out.outputs[o] = current[handles[t]];
    }
    for (size_t j = 0; j < keys.size(); ++j) {
      const int o = positions[j];
      if (role == Role::kBody && (o >= static_cast<int>(sg.outputs.size()) ||
                                  handles.count(sg.outputs[o]) == 0)) {
        return Unimplemented(label + " output " + std::to_string(o) + " should pass on the handle "
                             "of variable '" + keys[j] + "' (its loop variable)");
      }
      if (role == Role::kBranch) out.outputs.push_back(current[keys[j]]);
    }
    rewritten_[index] = std::move(out);
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
  std::map<int, Subgraph> rewritten_;  // WHILE/IF subgraphs passed variables
  std::map<int, std::string> signatures_;  // their input positions and variables
};

}  // namespace

StatusOr<std::unique_ptr<Subgraph>> LowerResourceVariables(const Graph& graph,
                                                           std::vector<InitProgram>* init_programs,
                                                           std::map<int, Subgraph>* subgraphs) {
  if (graph.subgraphs.empty() || !UsesResourceVariables(graph.executable_main())) {
    return std::unique_ptr<Subgraph>();
  }
  return Lowering(graph).Run(init_programs, subgraphs);
}

}  // namespace jitlite
