// Lowering: a shaped graph and its fusion plan -> one LLVM module with one
// function per fusion group (all with the jl_kernel_fn signature) and an
// entry function that calls them in order.
#pragma once

#include <string>

#include "jit/fusion.h"
#include "jitlite/status.h"
#include "lib/shaped_graph.h"

namespace llvm {
class Module;
}

namespace jitlite::jit {

// Emits the module; `entry_name` is the symbol of the entry function.
Status LowerModule(llvm::Module& module, const ShapedGraph& g, const FusionPlan& plan,
                   const std::string& entry_name);

}  // namespace jitlite::jit
