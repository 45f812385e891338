// Loop nests over constant shapes (see ops/util/loop_nest.h).
#include "ops/util/loop_nest.h"

namespace jitlite::ops {

void EmitIndexNest(jit::KernelEmitter& e, const Shape& shape, size_t first,
                   std::vector<llvm::Value*>& idx, const std::function<void()>& leaf) {
  if (first >= shape.size()) {
    leaf();
    return;
  }
  e.For(0, shape[first], 1, [&](llvm::Value* iv) {
    idx[first] = iv;
    EmitIndexNest(e, shape, first + 1, idx, leaf);
  }, "d");
}

}  // namespace jitlite::ops
