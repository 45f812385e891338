// STRING tensors as interned INT32 ids (see lib/string_tensors.h).
#include "lib/string_tensors.h"

#include <cstring>
#include <string>

namespace jitlite {
namespace {

// The TFLite builtins that take STRING tensors (checked in TFLite's kernels
// and by running LiteRT's reference kernels): which inputs hold the strings,
// and whether the outputs are STRING (else BOOL, for the comparisons).
struct StringUse {
  int builtin_code;
  std::vector<int> string_inputs;
  bool string_output;
};

const std::vector<StringUse>& StringUses() {
  static const auto* uses = new std::vector<StringUse>{
      {36, {0}, true},      // GATHER: params
      {107, {0}, true},     // GATHER_ND: params
      {22, {0}, true},      // RESHAPE
      {43, {0}, true},      // SQUEEZE
      {70, {0}, true},      // EXPAND_DIMS
      {65, {0}, true},      // SLICE
      {45, {0}, true},      // STRIDED_SLICE
      {69, {0}, true},      // TILE
      {94, {1}, true},      // FILL: the value
      {71, {0, 1}, false},  // EQUAL
      {72, {0, 1}, false},  // NOT_EQUAL
  };
  return *uses;
}

const StringUse* FindStringUse(int builtin_code) {
  for (const StringUse& use : StringUses()) {
    if (use.builtin_code == builtin_code) return &use;
  }
  return nullptr;
}

std::string SupportedList() {
  std::string list;
  for (const StringUse& use : StringUses()) {
    list += (list.empty() ? "" : ", ") + std::string(BuiltinOpName(use.builtin_code));
  }
  return list;
}

int32_t ReadInt32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

bool Contains(const std::vector<int>& v, int x) {
  for (int e : v) {
    if (e == x) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<StringTensors> StringTensors::Create(const Subgraph& main) {
  for (const Tensor& t : main.tensors) {
    if (t.dtype == DType::kString) return std::unique_ptr<StringTensors>(new StringTensors(main));
  }
  return nullptr;
}

StringTensors::StringTensors(const Subgraph& main) : graph_(main) {
  pool_.push_back("");
  ids_[""] = 0;
  is_string_.resize(main.tensors.size());
  for (size_t t = 0; t < main.tensors.size(); ++t) {
    is_string_[t] = main.tensors[t].dtype == DType::kString;
  }
  op_error_ = CheckNodes();
  RetypeTensors();
  num_constant_ids_ = pool_.size();
}

// Constant buffers were validated at load (lib/model.cc CheckStringData):
// [count][count + 1 offsets from the buffer start][bytes].
void StringTensors::RetypeTensors() {
  static const int32_t kNoIds = 0;  // a constant with no elements still has data
  for (size_t t = 0; t < graph_.tensors.size(); ++t) {
    Tensor& tensor = graph_.tensors[t];
    if (!is_string_[t]) continue;
    tensor.dtype = DType::kInt32;
    if (!tensor.is_constant()) continue;
    const uint8_t* data = tensor.data;
    const int32_t count = ReadInt32(data);
    auto ids = std::make_unique<std::vector<int32_t>>(count);
    for (int32_t i = 0; i < count; ++i) {
      int32_t begin = ReadInt32(data + 4 * (1 + i));
      int32_t end = ReadInt32(data + 4 * (2 + i));
      (*ids)[i] = Intern(std::string(reinterpret_cast<const char*>(data) + begin, end - begin));
    }
    tensor.data = ids->empty() ? reinterpret_cast<const uint8_t*>(&kNoIds)
                               : reinterpret_cast<const uint8_t*>(ids->data());
    tensor.data_size = ids->size() * sizeof(int32_t);
    constant_ids_.push_back(std::move(ids));
  }
}

Status StringTensors::CheckNodes() const {
  for (const Node& node : graph_.nodes) {
    Status status = CheckNode(node);
    if (!status.ok()) {
      return status.Annotate("node " + std::to_string(node.index) + " " + node.op_name);
    }
  }
  return Status::Ok();
}

// Ids are only right where TFLite moves or compares whole strings: exactly
// the use's inputs and outputs may be STRING, and they must be.
Status StringTensors::CheckNode(const Node& node) const {
  auto is_str = [&](int t) { return t >= 0 && is_string_[t]; };
  bool uses_strings = false;
  for (int t : node.inputs) uses_strings |= is_str(t);
  for (int t : node.outputs) uses_strings |= is_str(t);
  if (!uses_strings) return Status::Ok();
  const StringUse* use = FindStringUse(node.builtin_code);
  auto type_of = [&](int t) { return DTypeName(graph_.tensors[t].dtype); };
  auto wanted = [&](size_t i) {
    return use != nullptr && Contains(use->string_inputs, static_cast<int>(i));
  };
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const int t = node.inputs[i];
    if (is_str(t) && !wanted(i)) {
      std::string why = use != nullptr ? "TFLite's " + node.op_name + " takes none there"
                        : node.op_name == "WHILE" || node.op_name == "IF"
                            ? "jitlite does not carry STRING tensors into control flow"
                            : "unsupported by op " + node.op_name;
      return InvalidArgument("input " + std::to_string(i) + " has type STRING: " + why +
                             " (STRING tensors work with " + SupportedList() + ")");
    }
  }
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const int t = node.inputs[i];
    if (wanted(i) && t >= 0 && !is_str(t)) {
      return InvalidArgument("input " + std::to_string(i) + " has type " + type_of(t) +
                             " but the STRING inputs need it to be STRING too");
    }
  }
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const int t = node.outputs[i];
    if (t < 0) continue;
    if (use == nullptr || (use->string_output != is_str(t))) {
      return InvalidArgument("output " + std::to_string(i) + " has type " + type_of(t) +
                             ", which TFLite's " + node.op_name + " does not give for STRING " +
                             "inputs (STRING tensors work with " + SupportedList() + ")");
    }
  }
  // TFLite's string GATHER takes 1-D params only (tflite/kernels/gather.cc).
  const Tensor& data = graph_.tensors[node.inputs[0]];
  if (node.builtin_code == 36 && data.shape.size() != 1) {
    return InvalidArgument("STRING params (input 0) have shape " + ShapeToString(data.shape) +
                           "; TFLite's GATHER takes STRING params of rank 1 only");
  }
  return Status::Ok();
}

int32_t StringTensors::Intern(const std::string& value) {
  auto [it, inserted] = ids_.emplace(value, static_cast<int32_t>(pool_.size()));
  if (inserted) pool_.push_back(value);
  return it->second;
}

void StringTensors::ForgetInputStrings() {
  for (size_t id = num_constant_ids_; id < pool_.size(); ++id) ids_.erase(pool_[id]);
  pool_.resize(num_constant_ids_);
}

void StringTensors::WriteIds(int tensor, int32_t* ids, int64_t count) {
  if (ids == nullptr) return;
  auto it = inputs_.find(tensor);
  const bool set = it != inputs_.end() && static_cast<int64_t>(it->second.size()) == count;
  for (int64_t i = 0; i < count; ++i) ids[i] = set ? Intern(it->second[i]) : 0;
}

std::vector<std::string> StringTensors::InputValues(int tensor, int64_t count) const {
  auto it = inputs_.find(tensor);
  if (it != inputs_.end() && static_cast<int64_t>(it->second.size()) == count) return it->second;
  return std::vector<std::string>(count);
}

std::vector<std::string> StringTensors::Lookup(const int32_t* ids, int64_t count) const {
  std::vector<std::string> out(count);
  for (int64_t i = 0; i < count; ++i) {
    // Ids only move through the graph; a stray one (a buffer no invoke has
    // written yet) reads as "".
    const int32_t id = ids[i];
    if (id > 0 && static_cast<size_t>(id) < pool_.size()) out[i] = pool_[id];
  }
  return out;
}

}  // namespace jitlite
