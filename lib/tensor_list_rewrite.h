// The converter's TensorList write in a loop body, made static.
//
// A Keras RNN with return_sequences=True writes step i's output into the
// sequence with
//   CONCATENATION(SLICE(x, 0, [i, -1, ...]), u, SLICE(x, [i + 1, 0, ...], -1))
// along axis 0: the two slices' shapes depend on the value of i, but the
// result is x with row i replaced by u (u has one row), i.e.
//   DYNAMIC_UPDATE_SLICE(x, u, [i, 0, ...]).
// Rewriting it so keeps every shape static and copies one row per step.
#pragma once

#include <memory>

#include "lib/graph.h"

namespace jitlite {

// A copy of `sg` with each such write rewritten (and the slices and index
// arithmetic only it used removed), or null when `sg` has none.
std::unique_ptr<Subgraph> RewriteTensorListWrites(const Subgraph& sg);

}  // namespace jitlite
