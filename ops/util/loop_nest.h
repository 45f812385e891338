// Loop nests over a constant shape for kernel ops that walk (part of) a tensor
// element by element: CONCATENATION copying one input into its slice of the
// output, PAD filling a border region, STRIDED_SLICE and PACK visiting every
// output element.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "jit/emitters.h"

namespace jitlite::ops {

// Emits loops over dims [first, shape.size()) of `shape`, outer to inner, each
// from 0 to its extent; sets idx[d] to dim d's induction variable and calls
// `leaf` in the innermost body. idx must have shape.size() entries; entries
// below `first` are left as the caller set them.
void EmitIndexNest(jit::KernelEmitter& e, const Shape& shape, size_t first,
                   std::vector<llvm::Value*>& idx, const std::function<void()>& leaf);

// Calls body(index) inside loops over all of `shape` (row-major: the last dim
// innermost). A rank-0 shape runs body once with an empty index; a shape with
// a zero dim emits no loop body at all.
inline void EmitIndexLoops(jit::KernelEmitter& e, const Shape& shape,
                           const std::function<void(const std::vector<llvm::Value*>&)>& body) {
  for (int32_t dim : shape) {
    if (dim == 0) return;
  }
  std::vector<llvm::Value*> index(shape.size(), nullptr);
  EmitIndexNest(e, shape, 0, index, [&] { body(index); });
}

}  // namespace jitlite::ops
