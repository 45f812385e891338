// The compiler facade the interpreter uses (LLVM-free header): one Compiler
// per interpreter owns an ORC LLJIT for the host (or a chosen) CPU; each
// Compile() lowers a shaped graph to one module, optimizes it and links it
// into its own JITDylib, returning the entry function.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jit/fusion.h"
#include "jitlite/interpreter.h"
#include "lib/kernel_abi.h"
#include "lib/shaped_graph.h"

namespace llvm {
class Module;
}

namespace jitlite::jit {

class DiskObjectCache;
class JitEngine;

struct CompiledCode {
  jl_kernel_fn entry = nullptr;
  std::vector<KernelStats> kernels;
  double compile_ms = 0;
  bool from_disk_cache = false;  // every object came from the on-disk cache
  int unique_kernels = 0;        // distinct kernels (identical ones compiled once)
  // The entry's argument list: tensor-table slots, every kernel's arguments
  // back to back (the entry passes each kernel its part).
  std::vector<int> kernel_args;
  CompilePhases phases;  // lower, optimize and codegen filled in here
};

class Compiler {
 public:
  static StatusOr<std::unique_ptr<Compiler>> Create(const InterpreterOptions& options);
  ~Compiler();

  StatusOr<CompiledCode> Compile(const ShapedGraph& g, const FusionPlan& plan);

  const std::string& target_cpu() const;
  const std::string& target_features() const;

 private:
  struct Job;
  Compiler() = default;
  uint64_t CacheKey(const llvm::Module& module) const;
  std::unique_ptr<Job> NewJob() const;
  Status CompileJobs(std::vector<Job*>& jobs);

  std::unique_ptr<JitEngine> engine_;
  std::unique_ptr<DiskObjectCache> cache_;
  int opt_level_ = 2;
  int next_id_ = 0;
};

}  // namespace jitlite::jit
