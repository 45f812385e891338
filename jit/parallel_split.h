// How a kernel's outermost loop may be split across the thread pool.
#pragma once

#include <cstdint>

namespace jitlite::jit {

struct ParallelSplit {
  int64_t range = 0;  // the loop's trip count; 0 or 1: the kernel runs whole
  // Parts per thread the runtime cuts the range into (0: its default, a few,
  // so that a late thread's part is taken by another). 1 for kernels that
  // redo work at each part's edges (a fused producer's halo rows).
  int64_t parts_per_thread = 0;
};

}  // namespace jitlite::jit
