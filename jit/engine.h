// The ORC engine: an LLJIT for one target machine. Modules are optimized with
// LLVM's default pipeline for that machine (or a short one, see Optimize),
// then each is linked into its own JITDylib (one per compiled shape set, so symbol names can repeat).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Target/TargetMachine.h"

#include "jit/target_traits.h"

namespace jitlite::jit {

class JitEngine {
 public:
  // Part of the object cache key: bumped when Optimize or EmitObject pick
  // passes or codegen levels differently.
  static constexpr int kPipelineVersion = 3;

  // cpu: empty for the host CPU and its features, else an LLVM CPU name.
  static llvm::Expected<std::unique_ptr<JitEngine>> Create(const std::string& cpu);

  const llvm::DataLayout& data_layout() const { return data_layout_; }
  const llvm::Triple& triple() const { return triple_; }
  const std::string& cpu() const { return cpu_; }
  const std::string& features() const { return features_; }
  const TargetTraits& traits() const { return traits_; }

  // A target machine of its own for a compile thread (they are not shared).
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> CreateTargetMachine() const;
  // Runs the O<opt_level> pipeline tuned for the target on `module`, or a
  // short one (same code, a fraction of the time) on the entry and on
  // modules whose loops are all explicit float vector code. Env
  // JITLITE_FULL_PIPELINE=1 forces the full one (for A/B comparisons
  // with JITLITE_CACHE_DIR=off: the cache key does not see it).
  static void Optimize(llvm::Module& module, int opt_level, llvm::TargetMachine& tm, bool is_entry);
  // Machine code for an (optimized) module, as a relocatable object file.
  // The entry gets the fast instruction selector and register allocator:
  // its code is calls in sequence, which the full codegen made no faster,
  // and on an unrolled RNN's 565 calls it took 0.24 s instead of 0.03 s.
  static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> EmitObject(llvm::Module& module,
                                                                       llvm::TargetMachine& tm,
                                                                       bool is_entry);
  // Links objects into a new JITDylib and returns the address of `symbol`.
  llvm::Expected<uint64_t> AddAndLookup(std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects,
                                        const std::string& dylib_name,
                                        const std::string& symbol);

 private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::orc::JITTargetMachineBuilder> jtmb_;
  llvm::DataLayout data_layout_{""};
  llvm::Triple triple_;
  std::string cpu_;
  std::string features_;
  TargetTraits traits_;
};

}  // namespace jitlite::jit
