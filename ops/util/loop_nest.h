// A loop nest over every index of a constant shape, for kernel ops that visit
// each element of an output or input once (STRIDED_SLICE, PACK).
#pragma once

#include <functional>
#include <vector>

#include "jit/emitters.h"

namespace jitlite::ops {

// Calls body(index) inside loops over all of `shape` (row-major: the last dim
// innermost). A rank-0 shape runs body once with an empty index; a shape with
// a zero dim emits no loop body at all.
inline void EmitIndexLoops(jit::KernelEmitter& e, const Shape& shape,
                           const std::function<void(const std::vector<llvm::Value*>&)>& body) {
  std::vector<llvm::Value*> index(shape.size(), nullptr);
  std::function<void(size_t)> nest = [&](size_t d) {
    if (d == shape.size()) {
      body(index);
      return;
    }
    e.For(0, shape[d], 1, [&](llvm::Value* iv) {
      index[d] = iv;
      nest(d + 1);
    }, "d");
  };
  for (int32_t dim : shape) {
    if (dim == 0) return;
  }
  nest(0);
}

}  // namespace jitlite::ops
