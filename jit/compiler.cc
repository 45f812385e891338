// Compiler: lower -> verify -> optimize -> ORC (see jit/compiler.h). LLVM
// errors become Status here, at the one boundary.
#include "jit/compiler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>
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

// JITLITE_DUMP_DIR=dir writes each optimized module as dir/<symbol>.ll (feed
// it to llc-19 -mcpu=<target_cpu> for the assembly).
void MaybeDumpModule(const llvm::Module& module, const std::string& name) {
  const char* dir = std::getenv("JITLITE_DUMP_DIR");
  if (dir == nullptr || *dir == '\0') return;
  std::error_code ec;
  llvm::raw_fd_ostream out(std::string(dir) + "/" + name + ".ll", ec, llvm::sys::fs::OF_Text);
  if (!ec) module.print(out, nullptr);
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// "k3_conv_2d_add" -> "conv_2d_add": the readable part of a kernel symbol.
std::string OpsPart(const std::string& group_symbol) {
  std::string ops = group_symbol.substr(group_symbol.find('_') + 1);
  return ops.size() > 48 ? ops.substr(0, 48) : ops;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

// One module to turn into an object: a kernel or the entry function.
struct Compiler::Job {
  std::unique_ptr<llvm::LLVMContext> context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module;
  std::string symbol;
  uint64_t key = 0;
  std::unique_ptr<llvm::MemoryBuffer> object;
  bool from_cache = false;
  double optimize_ms = 0, codegen_ms = 0;
  Status status;
};

std::unique_ptr<Compiler::Job> Compiler::NewJob() const {
  auto job = std::make_unique<Job>();
  // The same module name for every job: the IR text is the cache key.
  job->module = std::make_unique<llvm::Module>("jitlite", *job->context);
  job->module->setDataLayout(engine_->data_layout());
  job->module->setTargetTriple(engine_->triple().str());
  return job;
}

// Optimizes and emits the jobs that the disk cache did not have, on up to
// one thread per core, each with its own target machine.
Status Compiler::CompileJobs(std::vector<Job*>& jobs) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    auto tm = engine_->CreateTargetMachine();
    for (size_t i = next++; i < jobs.size(); i = next++) {
      Job& job = *jobs[i];
      if (!tm) {
        job.status = Internal("creating a target machine: " + llvm::toString(tm.takeError()));
        continue;
      }
      auto start = std::chrono::steady_clock::now();
      JitEngine::Optimize(*job.module, opt_level_, **tm);
      job.optimize_ms = MillisecondsSince(start);
      MaybeDumpModule(*job.module, job.symbol);
      start = std::chrono::steady_clock::now();
      auto object = JitEngine::EmitObject(*job.module, **tm);
      job.codegen_ms = MillisecondsSince(start);
      if (!object) {
        job.status = FromLLVM(object.takeError(), "compiling " + job.symbol);
        continue;
      }
      job.object = std::move(*object);
      cache_->Store(job.key, job.object->getBuffer());
    }
  };
  size_t threads = std::min<size_t>(jobs.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  if (threads > 0) work();
  for (std::thread& t : pool) t.join();
  for (Job* job : jobs) JITLITE_RETURN_IF_ERROR(job->status);
  return Status::Ok();
}


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
  CompiledCode code;
  int id = next_id_++;
  // One job per distinct kernel: identical groups (same ops, shapes and
  // attributes) lower to the same IR, hence the same symbol, compiled once.
  std::vector<std::unique_ptr<Job>> jobs;
  std::map<std::string, Job*> by_symbol;
  std::vector<std::string> kernel_symbols;
  std::vector<int64_t> arg_offsets;
  std::vector<int64_t> parallel_ranges;
  for (const FusionGroup& group : plan.groups) {
    auto job = NewJob();
    std::vector<int> slots;
    int64_t range = 0;
    JITLITE_RETURN_IF_ERROR(LowerKernel(*job->module, g, plan, group, "jl_kernel", engine_->traits(),
                                        slots, range));
    parallel_ranges.push_back(range);
    arg_offsets.push_back(static_cast<int64_t>(code.kernel_args.size()));
    code.kernel_args.insert(code.kernel_args.end(), slots.begin(), slots.end());
    // The symbol names the code (its IR hash) and, for profiles, the ops;
    // identical IR of different ops (e.g. two empty kernels) stays apart.
    job->symbol = "jl_" + OpsPart(group.symbol) + "_" + Hex(CacheKey(*job->module));
    job->key = llvm::xxh3_64bits(llvm::StringRef(job->symbol));
    job->module->getFunction("jl_kernel")->setName(job->symbol);
    kernel_symbols.push_back(job->symbol);
    if (by_symbol.emplace(job->symbol, job.get()).second) jobs.push_back(std::move(job));
  }
  auto entry = NewJob();
  const std::string entry_name = "jl_entry";
  JITLITE_RETURN_IF_ERROR(
      LowerEntry(*entry->module, kernel_symbols, arg_offsets, parallel_ranges, entry_name));
  entry->key = CacheKey(*entry->module);
  entry->symbol = "jl_entry_" + Hex(entry->key);
  jobs.push_back(std::move(entry));
  code.phases.lower_ms = MillisecondsSince(start);

  std::vector<Job*> to_compile;
  for (auto& job : jobs) {
    job->object = cache_->Load(job->key);
    job->from_cache = job->object != nullptr;
    if (!job->from_cache) to_compile.push_back(job.get());
  }
  code.from_disk_cache = to_compile.empty();
  JITLITE_RETURN_IF_ERROR(CompileJobs(to_compile));
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
  for (auto& job : jobs) {
    code.phases.optimize_ms += job->optimize_ms;
    code.phases.codegen_ms += job->codegen_ms;
    objects.push_back(std::move(job->object));
  }
  auto link_start = std::chrono::steady_clock::now();
  auto addr = engine_->AddAndLookup(std::move(objects), "shape_set_" + std::to_string(id),
                                    entry_name);
  if (!addr) return FromLLVM(addr.takeError(), "linking the compiled model");
  code.phases.link_ms = MillisecondsSince(link_start);

  code.entry = reinterpret_cast<jl_kernel_fn>(static_cast<uintptr_t>(*addr));
  for (const FusionGroup& group : plan.groups) {
    code.kernels.push_back({group.symbol, group.nodes, group.note});
  }
  code.unique_kernels = static_cast<int>(jobs.size()) - 1;
  code.compile_ms = MillisecondsSince(start);
  return code;
}

}  // namespace jitlite::jit
