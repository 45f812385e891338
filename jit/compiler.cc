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
#include "lib/control_flow.h"
#include "ops/op.h"
#include "llvm/Bitcode/BitcodeWriter.h"
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
  bool is_entry = false;
  double optimize_ms = 0, codegen_ms = 0;
  Status status;
};

std::unique_ptr<Compiler::Job> Compiler::NewJob() const {
  auto job = std::make_unique<Job>();
  // The same module name for every job: the IR is the cache key.
  job->module = std::make_unique<llvm::Module>("jitlite", *job->context);
  job->module->setDataLayout(engine_->data_layout());
  job->module->setTargetTriple(engine_->triple().str());
  return job;
}

namespace {

size_t InstructionCount(const llvm::Module& module) {
  size_t count = 0;
  for (const llvm::Function& f : module) count += f.getInstructionCount();
  return count;
}

}  // namespace

// Optimizes and emits the jobs that the disk cache did not have, on up to
// one thread per core, each with its own target machine. Largest first, so
// that no thread is left with a long job (the entry) when the others finish.
Status Compiler::CompileJobs(std::vector<Job*>& jobs) {
  std::vector<std::pair<size_t, Job*>> by_size;
  for (Job* job : jobs) by_size.emplace_back(InstructionCount(*job->module), job);
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i] = by_size[i].second;
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
      job.status = Verify(*job.module);
      if (!job.status.ok()) continue;
      JitEngine::Optimize(*job.module, opt_level_, **tm, job.is_entry);
      job.optimize_ms = MillisecondsSince(start);
      MaybeDumpModule(*job.module, job.symbol);
      start = std::chrono::steady_clock::now();
      auto object = JitEngine::EmitObject(*job.module, **tm, job.is_entry);
      job.codegen_ms = MillisecondsSince(start);
      if (!object) {
        job.status = FromLLVM(object.takeError(), "compiling " + job.symbol);
        continue;
      }
      job.object = std::move(*object);
      cache_->Store(job.key, job.object->getBuffer());
      // Freed here, on the worker, rather than on the caller's thread after linking.
      job.module.reset();
      job.context.reset();
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
// version, the optimization level and the kernel ABI. The IR goes in as
// bitcode, as faithful as its text but several times cheaper to write (the
// text printer tracks columns of every character).
uint64_t Compiler::CacheKey(const llvm::Module& module) const {
  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream os(bytes);
  llvm::WriteBitcodeToFile(module, os);
  os << ";cpu=" << engine_->cpu() << ";features=" << engine_->features()
     << ";llvm=" LLVM_VERSION_STRING ";opt=" << opt_level_
     << ";pipeline=" << JitEngine::kPipelineVersion << ";abi=" << JL_KERNEL_ABI_VERSION;
  return llvm::xxh3_64bits(llvm::StringRef(bytes.data(), bytes.size()));
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

// The kernels and entry steps of a program, as they are lowered.
struct Compiler::Lowered {
  CompiledCode* code = nullptr;
  // One job per distinct kernel: identical groups (same ops, shapes and
  // attributes) lower to the same IR, hence the same symbol, compiled once.
  std::vector<std::unique_ptr<Job>> jobs;
  std::map<std::string, Job*> by_symbol;
  std::vector<std::string> kernel_symbols;  // per kernel call
  std::vector<int64_t> arg_offsets;
  std::vector<ParallelSplit> parallel_splits;
  std::vector<EntryStep> steps;

  // Appends table slot `slot` to the entry's arguments; returns its index.
  int64_t Argument(int slot) {
    code->kernel_args.push_back(slot);
    return static_cast<int64_t>(code->kernel_args.size()) - 1;
  }
};

namespace {

std::string GraphLabel(const ProgramGraph& pg) {
  return "subgraph " + std::to_string(pg.subgraph_index);
}

// 2 x the multiply-adds of the group's dot-product ops, for profiles.
int64_t GroupFlops(const ShapedGraph& g, const FusionGroup& group) {
  int64_t multiply_adds = 0;
  for (int n : group.nodes) {
    const Node& node = g.subgraph->nodes[n];
    ops::NodeContext ctx(node, const_cast<std::vector<ops::TensorState>&>(g.tensors));
    if (const ops::OpDef* def = ops::FindOp(node)) multiply_adds += def->MultiplyAdds(ctx);
  }
  return 2 * multiply_adds;
}

int Slot(const ProgramGraph& pg, int tensor) { return pg.slot_base + pg.fusion.buffer_root[tensor]; }

// Whether anything reads graph input `tensor` (copying into it is wasted otherwise).
bool IsRead(const ProgramGraph& pg, int tensor) {
  return !pg.graph->consumers[tensor].empty() || pg.graph->is_graph_output[tensor];
}

void Copy(Compiler::Lowered& out, const ProgramGraph& from, int src, const ProgramGraph& to, int dst) {
  int src_slot = Slot(from, src), dst_slot = Slot(to, dst);
  if (src_slot == dst_slot) return;
  const ops::TensorState& t = from.graph->tensors[src];
  EntryStep step{EntryStep::Kind::kCopy};
  step.src = out.Argument(src_slot);
  step.dst = out.Argument(dst_slot);
  step.bytes = t.num_elements() * static_cast<int64_t>(DTypeSize(t.dtype));
  out.steps.push_back(step);
}

// A subgraph's variable tensors start from zero (their zero point) each time
// its WHILE/IF runs, as TFLite allocates the subgraph's tensors anew per Eval.
Status ResetVariables(Compiler::Lowered& out, const ProgramGraph& pg) {
  const Subgraph& sg = *pg.graph->subgraph;
  for (size_t t = 0; t < sg.tensors.size(); ++t) {
    if (!sg.tensors[t].is_variable) continue;
    const ops::TensorState& ts = pg.graph->tensors[t];
    const auto& zero_points = sg.tensors[t].quantization.zero_points;
    int64_t zp = zero_points.empty() ? 0 : zero_points[0];
    if (zp != 0 && ts.dtype != DType::kInt8 && ts.dtype != DType::kUInt8) {
      return Unimplemented("subgraph " + std::to_string(pg.subgraph_index) + " variable tensor " +
                           std::to_string(t) + ": a " + DTypeName(ts.dtype) +
                           " state with a nonzero zero point");
    }
    EntryStep step{EntryStep::Kind::kFill};
    step.dst = out.Argument(Slot(pg, static_cast<int>(t)));
    step.bytes = ts.num_elements() * static_cast<int64_t>(DTypeSize(ts.dtype));
    step.value = static_cast<uint8_t>(zp);
    out.steps.push_back(step);
  }
  return Status::Ok();
}

void Mark(Compiler::Lowered& out, EntryStep::Kind kind, int64_t src = -1) {
  EntryStep step{kind};
  step.src = src;
  out.steps.push_back(step);
}

}  // namespace

Status Compiler::LowerGraph(const std::vector<ProgramGraph>& program, int index, Lowered& out) const {
  const ProgramGraph& pg = program[index];
  const ShapedGraph& g = *pg.graph;
  for (const FusionGroup& group : pg.fusion.groups) {
    if (group.control_flow) {
      JITLITE_RETURN_IF_ERROR(LowerControlFlow(program, index, group.nodes[0], out));
      continue;
    }
    auto job = NewJob();
    std::vector<int> slots;
    ParallelSplit split;
    Status s = LowerKernel(*job->module, g, pg.fusion, group, "jl_kernel", engine_->traits(),
                           slots, split);
    if (!s.ok()) return index == 0 ? s : s.Annotate(GraphLabel(pg));
    out.parallel_splits.push_back(split);
    out.arg_offsets.push_back(static_cast<int64_t>(out.code->kernel_args.size()));
    for (int slot : slots) out.code->kernel_args.push_back(pg.slot_base + slot);
    // The symbol names the code (its IR hash) and, for profiles, the ops;
    // identical IR of different ops (e.g. two empty kernels) stays apart.
    job->symbol = "jl_" + OpsPart(group.symbol) + "_" + Hex(CacheKey(*job->module));
    job->key = llvm::xxh3_64bits(llvm::StringRef(job->symbol));
    job->module->getFunction("jl_kernel")->setName(job->symbol);
    EntryStep step{EntryStep::Kind::kKernel};
    step.kernel = static_cast<int>(out.kernel_symbols.size());
    out.steps.push_back(step);
    out.kernel_symbols.push_back(job->symbol);
    std::string label = index == 0 ? group.symbol : GraphLabel(pg) + "/" + group.symbol;
    KernelStats stats{label, group.nodes, group.note};
    stats.flops = GroupFlops(g, group);
    out.code->kernels.push_back(std::move(stats));
    if (out.by_symbol.emplace(job->symbol, job.get()).second) out.jobs.push_back(std::move(job));
  }
  return Status::Ok();
}

// WHILE: the outputs hold the loop variables; each round copies them into
// the condition's inputs, runs it, stops when it is false, else copies them
// into the body's inputs, runs it and copies its outputs back. IF: copies the
// arguments into the branch taken, runs it, copies its outputs out.
Status Compiler::LowerControlFlow(const std::vector<ProgramGraph>& program, int index, int node,
                                  Lowered& out) const {
  const ProgramGraph& pg = program[index];
  const Node& n = pg.graph->subgraph->nodes[node];
  auto it = pg.children.find(node);
  if (it == pg.children.end() || it->second.size() != 2) {
    return Internal("node " + std::to_string(node) + " " + n.op_name + ": subgraphs not planned");
  }
  const ProgramGraph& first = program[it->second[0]];
  const ProgramGraph& second = program[it->second[1]];
  using Kind = EntryStep::Kind;
  JITLITE_RETURN_IF_ERROR(ResetVariables(out, first));
  JITLITE_RETURN_IF_ERROR(ResetVariables(out, second));
  if (n.builtin_code == kWhileCode) {
    const Subgraph& cond = *first.graph->subgraph;
    const Subgraph& body = *second.graph->subgraph;
    for (size_t i = 0; i < n.inputs.size(); ++i) Copy(out, pg, n.inputs[i], pg, n.outputs[i]);
    Mark(out, Kind::kLoop);
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      if (IsRead(first, cond.inputs[i])) Copy(out, pg, n.outputs[i], first, cond.inputs[i]);
    }
    JITLITE_RETURN_IF_ERROR(LowerGraph(program, it->second[0], out));
    Mark(out, Kind::kBreakUnless, out.Argument(Slot(first, cond.outputs[0])));
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      if (IsRead(second, body.inputs[i])) Copy(out, pg, n.outputs[i], second, body.inputs[i]);
    }
    JITLITE_RETURN_IF_ERROR(LowerGraph(program, it->second[1], out));
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      // A variable the body passes through unchanged needs no copy back.
      if (Slot(second, body.outputs[i]) == Slot(second, body.inputs[i])) continue;
      Copy(out, second, body.outputs[i], pg, n.outputs[i]);
    }
    Mark(out, Kind::kEndLoop);
    return Status::Ok();
  }
  Mark(out, Kind::kIf, out.Argument(Slot(pg, n.inputs[0])));
  for (int k = 0; k < 2; ++k) {
    if (k == 1) Mark(out, Kind::kElse);
    const ProgramGraph& branch = k == 0 ? first : second;
    const Subgraph& sg = *branch.graph->subgraph;
    for (size_t i = 0; i < sg.inputs.size(); ++i) {
      if (IsRead(branch, sg.inputs[i])) Copy(out, pg, n.inputs[i + 1], branch, sg.inputs[i]);
    }
    JITLITE_RETURN_IF_ERROR(LowerGraph(program, it->second[k], out));
    for (size_t i = 0; i < sg.outputs.size(); ++i) Copy(out, branch, sg.outputs[i], pg, n.outputs[i]);
  }
  Mark(out, Kind::kEndIf);
  return Status::Ok();
}

StatusOr<CompiledCode> Compiler::Compile(const std::vector<ProgramGraph>& program) {
  auto start = std::chrono::steady_clock::now();
  CompiledCode code;
  int id = next_id_++;
  Lowered lowered;
  lowered.code = &code;
  JITLITE_RETURN_IF_ERROR(LowerGraph(program, 0, lowered));
  std::vector<std::unique_ptr<Job>>& jobs = lowered.jobs;
  auto entry = NewJob();
  const std::string entry_name = "jl_entry";
  JITLITE_RETURN_IF_ERROR(LowerEntry(*entry->module, lowered.kernel_symbols, lowered.arg_offsets,
                                     lowered.parallel_splits, lowered.steps, entry_name));
  entry->is_entry = true;
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
  code.unique_kernels = static_cast<int>(jobs.size()) - 1;
  code.compile_ms = MillisecondsSince(start);
  return code;
}

}  // namespace jitlite::jit
