// Lookup from builtin code (or custom code) to op definition over the
// generated list.
#include <array>
#include <map>
#include <string>

#include "ops/op.h"

namespace jitlite::ops {

const OpDef* FindOp(int builtin_code) {
  static const auto table = [] {
    std::array<const OpDef*, 256> t{};
    for (const OpDef* op : AllOps()) {
      for (int code : op->builtin_codes()) t.at(code) = op;
    }
    return t;
  }();
  if (builtin_code < 0 || builtin_code >= static_cast<int>(table.size())) return nullptr;
  return table[builtin_code];
}

const OpDef* FindOp(const Node& node) {
  constexpr int kCustom = 32;
  if (node.builtin_code != kCustom) return FindOp(node.builtin_code);
  static const auto by_name = [] {
    std::map<std::string, const OpDef*, std::less<>> m;
    for (const OpDef* op : AllOps()) {
      if (!op->custom_code().empty()) m.emplace(std::string(op->custom_code()), op);
    }
    return m;
  }();
  auto it = by_name.find(node.custom_code);
  return it == by_name.end() ? nullptr : it->second;
}

}  // namespace jitlite::ops
