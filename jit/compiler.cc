// Compiler: lower -> verify -> optimize -> ORC (see jit/compiler.h). LLVM
// errors become Status here, at the one boundary.
#include "jit/compiler.h"

#include <chrono>
#include <cstdlib>

#include "jit/engine.h"
#include "jit/lowering.h"
#include "jit/object_cache.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/xxhash.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace jitlite::jit {
namespace {

Status FromLLVM(llvm::Error err, const std::string& what) {
  return Internal(what + ": " + llvm::toString(std::move(err)));
}

// JITLITE_DUMP_DIR=dir writes each optimized module as dir/<name>.ll (feed it
// to llc-19 -mcpu=<target_cpu> for the assembly).
void MaybeDumpModule(const llvm::Module& module, int id) {
  const char* dir = std::getenv("JITLITE_DUMP_DIR");
  if (dir == nullptr || *dir == '\0') return;
  std::error_code ec;
  llvm::raw_fd_ostream out(std::string(dir) + "/shape_set_" + std::to_string(id) + ".ll", ec,
                           llvm::sys::fs::OF_Text);
  if (!ec) module.print(out, nullptr);
}

}  // namespace

// Everything that decides the machine code: the IR, the target, the LLVM
// version, the optimization level and the kernel ABI.
uint64_t Compiler::CacheKey(const llvm::Module& module) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os, nullptr);
  os << "\n;cpu=" << engine_->cpu() << ";features=" << engine_->features()
     << ";llvm=" LLVM_VERSION_STRING ";opt=" << opt_level_ << ";abi=" << JL_KERNEL_ABI_VERSION;
  return llvm::xxh3_64bits(llvm::StringRef(text));
}

StatusOr<std::unique_ptr<Compiler>> Compiler::Create(const InterpreterOptions& options) {
  auto engine = JitEngine::Create(options.target_cpu);
  if (!engine) return FromLLVM(engine.takeError(), "creating the JIT for CPU '" + options.target_cpu + "'");
  auto compiler = std::unique_ptr<Compiler>(new Compiler());
  compiler->engine_ = std::move(*engine);
  compiler->opt_level_ = options.opt_level;
  compiler->cache_ = std::make_unique<DiskObjectCache>(options.cache_dir);
  return compiler;
}

Compiler::~Compiler() = default;

const std::string& Compiler::target_cpu() const { return engine_->cpu(); }
const std::string& Compiler::target_features() const { return engine_->features(); }

StatusOr<CompiledCode> Compiler::Compile(const ShapedGraph& g, const FusionPlan& plan) {
  auto start = std::chrono::steady_clock::now();
  auto mark = start;
  auto lap = [&mark] {
    auto now = std::chrono::steady_clock::now();
    double ms = std::chrono::duration<double, std::milli>(now - mark).count();
    mark = now;
    return ms;
  };
  CompiledCode code;
  int id = next_id_++;
  llvm::LLVMContext context;
  // The same name for every module: the IR text is the cache key.
  llvm::Module module("jitlite_shape_set", context);
  module.setDataLayout(engine_->data_layout());
  module.setTargetTriple(engine_->triple().str());
  const std::string entry_name = "jl_entry";
  JITLITE_RETURN_IF_ERROR(LowerModule(module, g, plan, entry_name));
  uint64_t key = CacheKey(module);
  code.phases.lower_ms = lap();

  std::unique_ptr<llvm::MemoryBuffer> object = cache_->Load(key);
  code.from_disk_cache = object != nullptr;
  if (!object) {
    engine_->Optimize(module, opt_level_);
    code.phases.optimize_ms = lap();
    MaybeDumpModule(module, id);
    auto emitted = engine_->EmitObject(module);
    if (!emitted) return FromLLVM(emitted.takeError(), "compiling the model");
    object = std::move(*emitted);
    cache_->Store(key, object->getBuffer());
  }
  auto addr = engine_->AddAndLookup(std::move(object), "shape_set_" + std::to_string(id), entry_name);
  if (!addr) return FromLLVM(addr.takeError(), "linking the compiled model");
  code.phases.codegen_ms = lap();

  code.entry = reinterpret_cast<jl_kernel_fn>(static_cast<uintptr_t>(*addr));
  for (const FusionGroup& group : plan.groups) {
    code.kernels.push_back({group.symbol, group.nodes, group.note});
  }
  code.compile_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return code;
}

}  // namespace jitlite::jit
