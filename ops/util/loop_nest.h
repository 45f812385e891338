// Loop nests over a constant shape for kernel ops that walk (part of) a tensor
// element by element, e.g. CONCATENATION copying one input into its slice of
// the output and PAD filling a border region.
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

}  // namespace jitlite::ops
