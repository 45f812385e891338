// Lookup from builtin code to op definition over the generated list.
#include <array>

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

}  // namespace jitlite::ops
