// STRING tensors of the main graph, run by the compiled code as interned ids.
//
// Every op TFLite runs on STRING (GATHER, GATHER_ND, RESHAPE, SQUEEZE,
// EXPAND_DIMS, SLICE, STRIDED_SLICE, TILE, FILL, EQUAL, NOT_EQUAL) either
// moves whole elements or compares them for equality. So each distinct string
// gets an INT32 id (equal bytes <=> equal id), the compiled graph is the main
// graph with STRING tensors retyped to INT32, and the ops run unchanged on the
// ids: shape rules, index checks, fusion, ARG_MAX -> GATHER order and BOOL
// results feeding numeric ops all come for free. Strings exist only at the
// edges: constants are interned once (their ids are constants of the
// compiled graph), graph inputs are interned before each invoke (their ids
// written into the input buffers), and reading a tensor maps ids back.
// Models without STRING tensors get no StringTensors at all (no cost).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "jitlite/status.h"
#include "lib/graph.h"

namespace jitlite {

class StringTensors {
 public:
  // Null when `main` has no STRING tensor.
  static std::unique_ptr<StringTensors> Create(const Subgraph& main);

  // `main` with STRING tensors retyped to INT32 ids (constants point at their
  // ids); what the interpreter compiles.
  const Subgraph& graph() const { return graph_; }
  // The first node that uses STRING in a way TFLite does not support (ADD on
  // strings, a STRING index, ...), found at Create; AllocateTensors fails
  // with it.
  const Status& op_error() const { return op_error_; }
  bool is_string(int tensor) const {
    return tensor >= 0 && tensor < static_cast<int>(is_string_.size()) && is_string_[tensor];
  }

  // Graph input values, kept here until the next invoke interns them.
  void SetInput(int tensor, std::vector<std::string> values) {
    inputs_[tensor] = std::move(values);
  }
  // The values set for `tensor`, or `count` empty strings when none (or a
  // different count, after a resize) were set.
  std::vector<std::string> InputValues(int tensor, int64_t count) const;
  // Before an invoke: forgets the last invoke's input strings, interns the
  // current ones and writes the ids of input `tensor` (count elements) to
  // buffer(tensor). Inputs whose set values do not match the count read as
  // empty strings, like the zeroed buffer.
  template <typename BufferFn>
  void InternInputs(const std::vector<int>& inputs, BufferFn buffer_and_count) {
    ForgetInputStrings();
    for (int t : inputs) {
      if (!is_string(t)) continue;
      auto [buffer, count] = buffer_and_count(t);
      WriteIds(t, static_cast<int32_t*>(buffer), count);
    }
  }
  // The strings behind `count` ids (those of the last invoke).
  std::vector<std::string> Lookup(const int32_t* ids, int64_t count) const;

 private:
  explicit StringTensors(const Subgraph& main);
  int32_t Intern(const std::string& value);
  void ForgetInputStrings();
  void WriteIds(int tensor, int32_t* ids, int64_t count);
  void RetypeTensors();
  Status CheckNodes() const;
  Status CheckNode(const Node& node) const;

  Subgraph graph_;
  std::vector<bool> is_string_;
  Status op_error_;
  // id -> string; id 0 is "" (what zeroed buffers hold). Ids below
  // num_constant_ids_ belong to "" and the model's constants and stay fixed;
  // input strings are appended per invoke.
  std::vector<std::string> pool_;
  std::unordered_map<std::string, int32_t> ids_;
  size_t num_constant_ids_ = 0;
  std::vector<std::unique_ptr<std::vector<int32_t>>> constant_ids_;  // stable data pointers
  std::map<int, std::vector<std::string>> inputs_;
};

}  // namespace jitlite
