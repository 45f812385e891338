// Lowering: a shaped graph and its fusion plan -> one LLVM module with one
// function per fusion group (all with the jl_kernel_fn signature) and an
// entry function that calls them in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/fusion.h"
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
Status LowerKernel(llvm::Module& module, const ShapedGraph& g, const FusionPlan& plan,
                   const FusionGroup& group, const std::string& symbol,
                   const TargetTraits& target, std::vector<int>& arg_slots,
                   int64_t& parallel_range);

// Emits the entry function `entry_name`: calls the kernels in order (they are
// declared here, defined in their own modules), kernel i with the arguments
// at frame->tensors + arg_offsets[i], and the profiling hook of jl_runtime
// after each.
// A kernel with a parallel range above 1 goes through jl_runtime's
// parallel_for when the runtime has one.
Status LowerEntry(llvm::Module& module, const std::vector<std::string>& kernel_symbols,
                  const std::vector<int64_t>& arg_offsets,
                  const std::vector<int64_t>& parallel_ranges, const std::string& entry_name);

}  // namespace jitlite::jit
