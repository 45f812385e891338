// The compiler facade the interpreter uses (LLVM-free header): one Compiler
// per interpreter owns an ORC LLJIT for the host (or a chosen) CPU; each
// Compile() lowers a shaped graph to one module, optimizes it and links it
// into its own JITDylib, returning the entry function.
#pragma once

#include <map>
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

// One subgraph of the program to compile: the main graph (first), or one
// that a WHILE/IF node runs, and where its tensors sit in the tensor table.
struct ProgramGraph {
  const ShapedGraph* graph = nullptr;
  FusionPlan fusion;
  int subgraph_index = 0;
  int slot_base = 0;  // table slot of its tensor 0; its packed buffers follow its tensors
  // Control-flow node -> the program graphs it runs (WHILE: cond, body; IF:
  // then, else), as in ShapedGraph::children.
  std::map<int, std::vector<int>> children;
};

class Compiler {
 public:
  static StatusOr<std::unique_ptr<Compiler>> Create(const InterpreterOptions& options);
  ~Compiler();

  // program[0] is the main graph.
  StatusOr<CompiledCode> Compile(const std::vector<ProgramGraph>& program);

  const std::string& target_cpu() const;
  const std::string& target_features() const;

  struct Lowered;  // kernels and entry steps being lowered (compiler.cc)
  struct PendingKernel;

 private:
  struct Job;
  Compiler() = default;
  uint64_t CacheKey(const llvm::Module& module) const;
  std::unique_ptr<Job> NewJob() const;
  Status CompileJobs(std::vector<Job*>& jobs);
  // Plans the entry steps and kernel calls of graph `index` (and of the
  // subgraphs its control flow runs); LowerKernels then lowers the kernels.
  Status LowerGraph(const std::vector<ProgramGraph>& program, int index, Lowered& out) const;
  Status LowerKernels(Lowered& out) const;
  void LowerPending(PendingKernel& kernel) const;
  Status LowerControlFlow(const std::vector<ProgramGraph>& program, int index, int node,
                          Lowered& out) const;

  std::unique_ptr<JitEngine> engine_;
  std::unique_ptr<DiskObjectCache> cache_;
  int opt_level_ = 2;
  int next_id_ = 0;
};

}  // namespace jitlite::jit
