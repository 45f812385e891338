// Lowering: a shaped graph and its fusion plan -> one LLVM module with one
// function per fusion group (all with the jl_kernel_fn signature) and an
// entry function that calls them in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/fusion.h"
#include "jit/parallel_split.h"
#include "jit/target_traits.h"
#include "jitlite/status.h"
#include "lib/shaped_graph.h"

namespace llvm {
class Module;
}

namespace jitlite::jit {

// Emits one fusion group as the external function `symbol` (jl_kernel_fn)
// in `module`, which holds nothing else: kernels are compiled, cached and
// deduplicated one module each. A kernel reads only its own arguments
// (frame->tensors[0..n)); arg_slots receives the tensor-table slot of each.
// `target` tells kernels which target-specific instructions they may use.
// The module is not verified here (see Verify).
Status LowerKernel(llvm::Module& module, const ShapedGraph& g, const FusionPlan& plan,
                   const FusionGroup& group, const std::string& symbol,
                   const TargetTraits& target, std::vector<int>& arg_slots,
                   ParallelSplit& parallel);

// One step of the entry function. Arguments are indices into the entry's
// argument list (frame->tensors): kernels' argument lists first, then the
// buffers that copies and conditions read.
struct EntryStep {
  enum class Kind {
    kKernel,      // call kernel `kernel`
    kCopy,        // copy `bytes` from argument `src` to argument `dst`
    kFill,        // set `bytes` bytes at argument `dst` to `value`
    kLoop,        // the steps up to the matching kEndLoop repeat ...
    kBreakUnless, // ... until the BOOL at argument `src` is false here
    kEndLoop,
    kIf,          // the steps up to kElse run when the BOOL at `src` is true,
    kElse,        // those up to kEndIf when it is false
    kEndIf,
  };
  Kind kind = Kind::kKernel;
  int kernel = -1;
  int64_t src = -1, dst = -1;
  int64_t bytes = 0;
  uint8_t value = 0;
};

// Emits the entry function `entry_name`: runs `steps`; a kKernel step calls
// kernel i (declared here, defined in its own module) with the arguments at
// frame->tensors + arg_offsets[i], then the profiling hook of jl_runtime.
// A kernel with a parallel range above 1 goes through jl_runtime's
// parallel_for when the runtime has one.
Status LowerEntry(llvm::Module& module, const std::vector<std::string>& kernel_symbols,
                  const std::vector<int64_t>& arg_offsets,
                  const std::vector<ParallelSplit>& parallel_splits,
                  const std::vector<EntryStep>& steps, const std::string& entry_name);

// Checks a lowered module (LowerKernel, LowerEntry) before it is compiled.
// Only modules the object cache misses need it: a cached object was compiled
// from the same IR (its key), verified then. Saves the verifier's walk of
// every kernel on a warm load.
Status Verify(const llvm::Module& module);

}  // namespace jitlite::jit
