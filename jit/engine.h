// The ORC engine: an LLJIT for one target machine. Modules are optimized with
// LLVM's default pipeline for that machine, then each is linked into its own
// JITDylib (one per compiled shape set, so symbol names can repeat).
#pragma once

#include <memory>
#include <string>

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Target/TargetMachine.h"

namespace jitlite::jit {

class JitEngine {
 public:
  // cpu: empty for the host CPU and its features, else an LLVM CPU name.
  static llvm::Expected<std::unique_ptr<JitEngine>> Create(const std::string& cpu);

  const llvm::DataLayout& data_layout() const { return data_layout_; }
  const llvm::Triple& triple() const { return triple_; }
  const std::string& cpu() const { return cpu_; }
  const std::string& features() const { return features_; }

  // Runs the O<opt_level> pipeline tuned for the target on `module`.
  void Optimize(llvm::Module& module, int opt_level);
  // Machine code for an (optimized) module, as a relocatable object file.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> EmitObject(llvm::Module& module);
  // Links an object into a new JITDylib and returns the address of `symbol`.
  llvm::Expected<uint64_t> AddAndLookup(std::unique_ptr<llvm::MemoryBuffer> object,
                                        const std::string& dylib_name,
                                        const std::string& symbol);

 private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> tm_;
  llvm::DataLayout data_layout_{""};
  llvm::Triple triple_;
  std::string cpu_;
  std::string features_;
};

}  // namespace jitlite::jit
