// Scatter with a combiner, shared by SCATTER_ND, SEGMENT_SUM and the
// UNSORTED_SEGMENT_* ops: source row i (of `row` contiguous elements of input
// `data`) is folded into output row dest(i), output rows start at the
// combiner's identity. Destination rows come from data (indices, segment
// ids), so the op supplies them through a callback that also checks them.
//
// Two loop forms, same result (rows are folded in source order, TFLite's):
//  - the output buffer is plain (stores_directly): it is filled with the
//    identity, then every source row is folded into its destination in place;
//  - a fused epilogue follows: every output element is computed whole, by a
//    pass over the source rows that picks the ones mapped to its row, and goes
//    through StoreOutput (no scratch memory; slower for many rows).
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

enum class ScatterCombiner { kSum, kProd, kMax, kMin };

// The destination row (i64, in [0, out_rows) whenever valid) of source row i
// and whether to fold it at all (i1; null = always). `report` is false where
// the same row is asked again: only the first ask should report bad data.
using ScatterDest = std::function<std::pair<llvm::Value*, llvm::Value*>(llvm::Value* i,
                                                                          bool report)>;

struct ScatterSpec {
  int data = 0;            // input holding the source rows
  int64_t count = 0;       // source rows
  int64_t row = 1;         // elements per row
  int64_t out_rows = 0;    // output rows; output 0 is out_rows * row elements
  ScatterCombiner combiner = ScatterCombiner::kSum;
};

// Emits the scatter; output 0's shape is any shape of out_rows * row elements.
void EmitScatterReduce(jit::KernelEmitter& e, const ScatterSpec& spec, const ScatterDest& dest);

}  // namespace jitlite::ops
