// The C++ Interpreter: model + requested input shapes -> (cached) compiled
// shape sets -> one arena and one tensor table -> Invoke calls the entry.
//
// AllocateTensors is where all the work happens: infer shapes, plan fusion,
// plan the arena, compile (or reuse the shape set compiled for the same input
// shapes before). Invoke is a single call into generated code.
#include "jitlite/interpreter.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "jit/compiler.h"
#include "lib/aligned_buffer.h"
#include "lib/arena.h"
#include "lib/control_flow.h"
#include "lib/model.h"
#include "lib/shaped_graph.h"
#include "lib/string_tensors.h"
#include "lib/thread_pool.h"

namespace jitlite {

// Where one program graph's tensors live in the arena.
struct GraphMemory {
  ArenaPlan arena;
  std::vector<int64_t> arena_offset;  // per tensor, -1 when not in the arena
  std::vector<int64_t> scratch_offset;  // per node, -1 when it has no scratch
  size_t arena_base = 0;              // its part of the shape set's arena
};

// Everything compiled for one set of input shapes.
struct ShapeSet {
  // Values of the graph inputs this set was compiled for (value_inputs);
  // the graph's constants point into it.
  std::map<int, std::vector<uint8_t>> pinned;
  std::unique_ptr<ShapedGraph> graph;  // the main graph; owns the subgraphs control flow runs
  // [0] the main graph, then every subgraph a WHILE/IF runs (each its own
  // tensors, table slots and arena part: a subgraph run by two nodes is two).
  std::vector<jit::ProgramGraph> program;
  std::vector<GraphMemory> memory;  // per program graph
  size_t arena_size = 0;
  int table_size = 0;
  bool brief = false;  // see Interpreter::invoke_is_brief
  jit::CompiledCode code;  // no entry when the segment has no kernels

  const jit::FusionPlan& fusion() const { return program[0].fusion; }
  // A graph with data-dependent ops is compiled in segments (see
  // lib/shaped_graph.h); a set is the program of one segment. When
  // graph->data_node >= 0, the segments that follow this one, by the output
  // dims that node wrote; a following segment keeps the dims it was compiled
  // for.
  std::map<std::vector<int64_t>, std::unique_ptr<ShapeSet>> next;
  std::vector<int64_t> dims;
};

struct Interpreter::Impl {
  std::shared_ptr<const Model> model;
  InterpreterOptions options;
  std::unique_ptr<jit::Compiler> compiler;
  std::map<int, Shape> resized;  // tensor -> requested shape
  std::map<std::string, std::unique_ptr<ShapeSet>> cache;
  ShapeSet* current = nullptr;
  // Graph inputs whose values decide shapes (a runtime output_shape, new
  // shape, paddings, ...; found when a node asked for them). With any,
  // allocate_tensors only gives the inputs buffers, and each invoke compiles
  // (or takes from the cache) the graph for the values it is given, as
  // TFLite's dynamic tensors are sized in Eval. The current set's `pinned`
  // says which values it was compiled for.
  std::vector<int> value_inputs;
  AlignedBuffer arena;
  // Slots of the current set: tensor pointers (those of later segments too,
  // see BindLaterSegment), then packed buffers, scratch and subgraph slots.
  std::vector<void*> table;
  std::vector<void*> kernel_args;  // table entries in the entry's argument order
  // The segments after `current` that the last invoke ran, in order, each
  // with its own arena; rebound from the first whose dims changed.
  struct BoundSegment {
    ShapeSet* set = nullptr;
    AlignedBuffer arena;
    std::vector<void*> table;  // see BindLaterSegment
    std::vector<void*> kernel_args;
    int first_kernel = 0;  // index of its first kernel in stats.kernels
  };
  std::vector<BoundSegment> segments;
  int kernel_base = 0;  // stats.kernels index of the running segment's kernel 0
  bool invokable = false;
  JitStats stats;
  bool profiling = false;
  std::chrono::steady_clock::time_point kernel_start;
  std::unique_ptr<ThreadPool> pool;  // num_threads > 1
  // The main graph's STRING tensors as interned ids (lib/string_tensors.h);
  // null for models without them.
  std::unique_ptr<StringTensors> strings;

  // jl_runtime::parallel_for: the range cut into one contiguous part per thread.
  struct Split {
    void (*kernel)(const jl_frame*);
    const jl_frame* frame;
    int64_t range;
    int chunks;
  };
  static void RunChunk(void* arg, int chunk) {
    const auto* s = static_cast<const Split*>(arg);
    int64_t begin = s->range * chunk / s->chunks;
    int64_t end = s->range * (chunk + 1) / s->chunks;
    if (begin >= end) return;
    jl_frame frame = *s->frame;
    frame.begin = begin;
    frame.end = end;
    s->kernel(&frame);
  }
  // Chunks per thread: enough that whoever is running takes the share of a
  // thread that is late or preempted, few enough to cost nothing.
  static constexpr int kChunksPerThread = 4;
  static void ParallelFor(void* ctx, void (*kernel)(const jl_frame*), const jl_frame* frame,
                          int64_t range, int64_t parts_per_thread) {
    auto* im = static_cast<Impl*>(ctx);
    const int64_t per_thread = parts_per_thread > 0 ? parts_per_thread : kChunksPerThread;
    const int chunks = static_cast<int>(std::min<int64_t>(range, per_thread * im->pool->size()));
    Split split{kernel, frame, range, chunks};
    im->pool->Run(&RunChunk, &split, chunks);
  }

  // jl_runtime::report_error: keeps the first message of this invoke (kernels
  // on pool threads may report concurrently).
  std::mutex error_mutex;
  std::string invoke_error;
  static void ReportError(void* ctx, const char* message) {
    auto* im = static_cast<Impl*>(ctx);
    std::lock_guard<std::mutex> lock(im->error_mutex);
    if (im->invoke_error.empty()) im->invoke_error = message;
  }

  // jl_runtime::kernel_done: the time since the previous kernel ended.
  static void KernelDone(void* ctx, int32_t kernel) {
    auto* im = static_cast<Impl*>(ctx);
    auto now = std::chrono::steady_clock::now();
    KernelStats& k = im->stats.kernels[im->kernel_base + kernel];
    k.total_ms += std::chrono::duration<double, std::milli>(now - im->kernel_start).count();
    k.invocations++;
    im->kernel_start = now;
  }

  // The subgraph compiled (composites inlined); the API's tensor and op
  // queries read model_main().
  const Subgraph& main() const {
    return strings ? strings->graph() : model->graph().executable_main();
  }
  const Subgraph& model_main() const { return model->graph().subgraphs[0]; }

  std::string ShapeKey() const {
    std::string key;
    for (const auto& [t, shape] : resized) key += std::to_string(t) + ":" + ShapeToString(shape) + ";";
    return key;
  }

  Status EnsureCompiler() {
    if (compiler) return Status::Ok();
    JITLITE_ASSIGN_OR_RETURN(compiler, jit::Compiler::Create(options));
    stats.target_cpu = compiler->target_cpu();
    stats.target_features = compiler->target_features();
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<ShapeSet>> Build(std::map<int, std::vector<uint8_t>> pinned = {},
                                            std::vector<int>* value_requests = nullptr) {
    auto start = std::chrono::steady_clock::now();
    auto set = std::make_unique<ShapeSet>();
    set->pinned = std::move(pinned);
    std::vector<std::pair<int, Shape>> shapes(resized.begin(), resized.end());
    JITLITE_ASSIGN_OR_RETURN(set->graph, InferShapes(main(), shapes, set->pinned, value_requests,
                                                     &model->graph().executable_subgraphs()));
    JITLITE_RETURN_IF_ERROR(PlanAndCompile(*set, start));
    return set;
  }

  // The segment after `prev` for the dims its data-dependent node wrote.
  StatusOr<std::unique_ptr<ShapeSet>> BuildNextSegment(const ShapeSet& prev,
                                                       std::vector<int64_t> dims,
                                                       std::vector<int>* value_requests) {
    auto start = std::chrono::steady_clock::now();
    auto set = std::make_unique<ShapeSet>();
    set->dims = std::move(dims);
    const std::vector<Shape>* loop_shapes =
        prev.graph->host_loop ? &host_loops[prev.graph->data_node].shapes : nullptr;
    JITLITE_ASSIGN_OR_RETURN(set->graph, InferNextSegment(*prev.graph, value_requests, loop_shapes));
    JITLITE_RETURN_IF_ERROR(PlanAndCompile(*set, start));
    return set;
  }

  // The program of set.graph (the segment and the subgraphs its WHILE/IF
  // nodes run), planned and compiled.
  Status PlanAndCompile(ShapeSet& set, std::chrono::steady_clock::time_point start,
                        int subgraph_index = 0) {
    AddProgramGraph(set, *set.graph, subgraph_index);
    // A segment with no kernels (nothing after a final WHERE) has no entry.
    if (set.fusion().groups.empty() && set.graph->begin_node > 0) return Status::Ok();
    double prepare_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    JITLITE_RETURN_IF_ERROR(EnsureCompiler());
    JITLITE_ASSIGN_OR_RETURN(set.code, compiler->Compile(set.program));
    set.code.phases.prepare_ms = prepare_ms;
    set.brief = IsBrief(set);
    return Status::Ok();
  }

  static bool IsBrief(const ShapeSet& set) {
    const ShapedGraph& g = *set.graph;
    if (set.program.size() != 1 || g.data_node >= 0 || g.begin_node > 0) return false;
    size_t bytes = set.arena_size;
    for (const ops::TensorState& t : g.tensors) bytes += t.const_bytes;
    return bytes <= Interpreter::kBriefInvokeBytes;
  }

  // A program compiled and bound on its own, outside the shape sets: a
  // CALL_ONCE init subgraph that computes, run once, or a subgraph of a
  // host-run WHILE/IF at one set of argument shapes. A subgraph with a
  // data-dependent node is a chain of them: `next` holds the segments after
  // it by the dims that node wrote, each bound once, reading the tensors of
  // the ones before it in place.
  struct StandaloneProgram {
    std::unique_ptr<ShapeSet> set;
    AlignedBuffer arena;
    std::vector<void*> table;
    std::vector<void*> args;
    std::map<std::vector<int64_t>, std::unique_ptr<StandaloneProgram>> next;
    std::vector<int64_t> dims;  // scratch for the lookup in `next`
  };

  // `prev`: the segment before (its tensor pointers carry over), or null.
  StatusOr<std::unique_ptr<StandaloneProgram>> CompileStandalone(std::unique_ptr<ShapedGraph> graph,
                                                                 int subgraph_index,
                                                                 const StandaloneProgram* prev = nullptr) {
    auto start = std::chrono::steady_clock::now();
    auto p = std::make_unique<StandaloneProgram>();
    p->set = std::make_unique<ShapeSet>();
    p->set->graph = std::move(graph);
    JITLITE_RETURN_IF_ERROR(PlanAndCompile(*p->set, start, subgraph_index));
    if (p->set->code.entry != nullptr) RecordCompilation(*p->set);
    p->table.assign(p->set->table_size, nullptr);
    const ShapedGraph& g = *p->set->graph;
    for (size_t t = 0; prev != nullptr && t < g.tensors.size(); ++t) {
      if (g.from_earlier[t]) p->table[t] = prev->table[t];
    }
    BindSet(*p->set, p->arena, p->table, p->args);
    return p;
  }

  // Runs it without kernel profiling (its kernels are not in stats.kernels).
  Status RunStandalone(const StandaloneProgram& p) {
    jl_runtime runtime{nullptr, this, pool ? &Impl::ParallelFor : nullptr, &Impl::ReportError};
    return RunSegment(*p.set, p.args, 0, runtime);
  }

  // Runs `first` and the segments after it; returns the last, whose table
  // and graph give every tensor (and the outputs' shapes).
  StatusOr<StandaloneProgram*> RunChain(StandaloneProgram& first, int subgraph_index) {
    StandaloneProgram* p = &first;
    JITLITE_RETURN_IF_ERROR(RunStandalone(*p));
    while (p->set->graph->data_node >= 0) {
      const ShapedGraph& g = *p->set->graph;
      const Node& node = g.subgraph->nodes[g.data_node];
      const int64_t* dims = g.DataDims();
      p->dims.assign(dims, dims + node.outputs.size());
      auto it = p->next.find(p->dims);
      if (it == p->next.end()) {
        for (size_t i = 0; i < node.outputs.size(); ++i) {
          const Shape& bound = g.tensors[node.outputs[i]].shape;
          if (dims[i] < 0 || (!bound.empty() && dims[i] > bound[0])) {
            return Internal("node " + std::to_string(node.index) + " " + node.op_name +
                            " wrote dim " + std::to_string(dims[i]) + " for output " +
                            std::to_string(i) + " of at most " + ShapeToString(bound));
          }
        }
        auto graph = InferNextSegment(g);
        if (!graph.ok()) {
          return graph.status().Annotate("compiling subgraph " + std::to_string(subgraph_index) +
                                         " after node " + std::to_string(node.index) + " " +
                                         node.op_name + " for its output sizes");
        }
        JITLITE_ASSIGN_OR_RETURN(auto program,
                                 CompileStandalone(std::move(graph).value(), subgraph_index, p));
        it = p->next.emplace(p->dims, std::move(program)).first;
      }
      p = it->second.get();
      JITLITE_RETURN_IF_ERROR(RunStandalone(*p));
    }
    return p;
  }

  // A WHILE/IF the interpreter runs (ShapedGraph::host_loop), iteration by
  // iteration for a WHILE: each subgraph run is a compiled program (chain)
  // taken from a per-argument-shapes cache; kept across invokes.
  struct HostLoop {
    // WHILE: condition, body; IF: then, else.
    std::map<std::vector<Shape>, std::unique_ptr<StandaloneProgram>> programs[2];
    std::vector<DType> dtypes;  // of the arguments
    std::vector<DType> output_dtypes;
    std::vector<Shape> shapes;  // the arguments' (loop variables') current shapes
    std::vector<std::vector<uint8_t>> values;  // and bytes
    // The final values, which the next segment reads in place; `moved` when
    // one was reallocated by this run (the next segment must be rebound).
    std::vector<AlignedBuffer> outputs;
    bool moved = false;
    std::vector<int64_t> key;  // the final shapes, the next segment's cache key: rank, dims, ...
  };
  std::map<int, HostLoop> host_loops;  // by node index

  static size_t Bytes(const ops::TensorState& t) {
    return static_cast<size_t>(t.num_elements()) * DTypeSize(t.dtype);
  }

  // Runs subgraph k of `node` on loop.values (at loop.shapes), compiling it
  // for those shapes the first time; returns the segment holding its outputs.
  StatusOr<StandaloneProgram*> RunHostSubgraph(const Node& node, HostLoop& loop, int k) {
    auto& cache = loop.programs[k];
    auto it = cache.find(loop.shapes);
    const int index = ControlFlowSubgraphs(node)[k];
    if (it == cache.end()) {
      JITLITE_ASSIGN_OR_RETURN(auto g, InferHostSubgraph(model->graph().executable_subgraphs(), node,
                                                         k, loop.dtypes, loop.shapes));
      JITLITE_ASSIGN_OR_RETURN(auto program, CompileStandalone(std::move(g), index));
      it = cache.emplace(loop.shapes, std::move(program)).first;
    }
    StandaloneProgram& first = *it->second;
    const Subgraph& sg = *first.set->graph->subgraph;
    for (size_t i = 0; i < sg.inputs.size(); ++i) {
      void* slot = first.table[sg.inputs[i]];
      if (slot != nullptr && !loop.values[i].empty()) {
        std::memcpy(slot, loop.values[i].data(), loop.values[i].size());
      }
    }
    JITLITE_ASSIGN_OR_RETURN(StandaloneProgram* last, RunChain(first, index));
    // A WHILE body returns the loop variables; an IF branch the node's outputs.
    const auto& dtypes = node.builtin_code == kIfCode ? loop.output_dtypes : loop.dtypes;
    JITLITE_RETURN_IF_ERROR(CheckHostSubgraph(*last->set->graph, node, k, dtypes));
    return last;
  }

  // The outputs of subgraph run `p` become loop.values / loop.shapes.
  static Status TakeOutputs(const StandaloneProgram& p, HostLoop& loop) {
    const ShapedGraph& g = *p.set->graph;
    const auto& outs = g.subgraph->outputs;
    loop.shapes.resize(outs.size());
    loop.values.resize(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) {
      const auto* data = static_cast<const uint8_t*>(p.table[outs[i]]);
      const size_t bytes = Bytes(g.tensors[outs[i]]);
      if (data == nullptr && bytes > 0) return Internal("subgraph output " + std::to_string(i) + " has no buffer");
      loop.shapes[i] = g.tensors[outs[i]].shape;
      loop.values[i].assign(data, data + bytes);
    }
    return Status::Ok();
  }

  // Runs host-run node g.data_node on the values segment `g` left in
  // `table`, then points the table at its outputs.
  Status RunHostLoop(const ShapedGraph& g) {
    const Node& node = main().nodes[g.data_node];
    HostLoop& loop = host_loops[node.index];
    const std::vector<int> args = ControlFlowArguments(node);
    loop.dtypes.resize(args.size());
    loop.shapes.resize(args.size());
    loop.values.resize(args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      const ops::TensorState& t = g.tensors[args[i]];
      const auto* data = static_cast<const uint8_t*>(table[args[i]]);
      loop.dtypes[i] = t.dtype;
      loop.shapes[i] = t.shape;
      if (data == nullptr && Bytes(t) > 0) return Internal("argument " + std::to_string(i) + " has no buffer");
      loop.values[i].assign(data, data + Bytes(t));
    }
    loop.output_dtypes.clear();
    for (int t : node.outputs) loop.output_dtypes.push_back(g.tensors[t].dtype);
    if (node.builtin_code == kIfCode) {
      const void* flag = table[node.inputs[0]];
      const int k = flag != nullptr && *static_cast<const bool*>(flag) ? 0 : 1;
      JITLITE_ASSIGN_OR_RETURN(StandaloneProgram* branch, RunHostSubgraph(node, loop, k));
      JITLITE_RETURN_IF_ERROR(TakeOutputs(*branch, loop));
    } else {
      for (;;) {
        JITLITE_ASSIGN_OR_RETURN(StandaloneProgram* cond, RunHostSubgraph(node, loop, 0));
        const void* go = cond->table[cond->set->graph->subgraph->outputs[0]];
        if (go == nullptr || !*static_cast<const bool*>(go)) break;
        JITLITE_ASSIGN_OR_RETURN(StandaloneProgram* body, RunHostSubgraph(node, loop, 1));
        JITLITE_RETURN_IF_ERROR(TakeOutputs(*body, loop));
      }
    }
    const size_t n = node.outputs.size();
    loop.outputs.resize(n);
    loop.moved = false;
    loop.key.clear();
    for (size_t i = 0; i < n; ++i) {
      const size_t bytes = loop.values[i].size();
      if (loop.outputs[i].data() == nullptr || loop.outputs[i].size() < bytes) {
        loop.outputs[i] = AlignedBuffer(bytes);
        loop.moved = true;
      }
      if (bytes > 0) std::memcpy(loop.outputs[i].data(), loop.values[i].data(), bytes);
      table[node.outputs[i]] = loop.outputs[i].data();
      loop.key.push_back(static_cast<int64_t>(loop.shapes[i].size()));
      loop.key.insert(loop.key.end(), loop.shapes[i].begin(), loop.shapes[i].end());
    }
    return Status::Ok();
  }

  // The values the CALL_ONCE init programs (lib/resource_variables.h)
  // compute, by main tensor; computed once per interpreter, as LiteRT runs
  // an init subgraph once.
  std::map<int, std::vector<uint8_t>> init_values;
  bool init_programs_ran = false;

  Status RunInitPrograms() {
    if (init_programs_ran) return Status::Ok();
    const Graph& graph = model->graph();
    for (const InitProgram& p : graph.init_programs) {
      auto shaped = InferShapes(p.subgraph, {}, {}, nullptr, &graph.executable_subgraphs());
      if (!shaped.ok()) return shaped.status().Annotate(p.label);
      const ShapedGraph& g = *shaped.value();
      if (g.data_node >= 0) {
        return Unimplemented(p.label + ": its " + p.subgraph.nodes[g.data_node].op_name +
                             " has output sizes that depend on data; jitlite compiles an init "
                             "subgraph as one program");
      }
      for (size_t k = 0; k < p.variables.size(); ++k) {
        if (p.variables[k] < 0) continue;
        const ops::TensorState& value = g.tensors[p.subgraph.outputs[k]];
        const Tensor& variable = main().tensors[p.variables[k]];
        if (value.dtype != variable.dtype || value.shape != variable.shape) {
          return InvalidArgument(p.label + " computes " + DTypeName(value.dtype) + " " +
                                 ShapeToString(value.shape) + " for " + variable.name +
                                 ", which the model declares " + DTypeName(variable.dtype) + " " +
                                 ShapeToString(variable.shape));
        }
      }
      auto program = CompileStandalone(std::move(shaped).value(), p.subgraph_index);
      if (!program.ok()) return program.status().Annotate(p.label);
      JITLITE_RETURN_IF_ERROR(RunStandalone(*program.value()).Annotate(p.label));
      const ShapedGraph& ran = *program.value()->set->graph;
      for (size_t k = 0; k < p.variables.size(); ++k) {
        if (p.variables[k] < 0) continue;
        const int t = p.subgraph.outputs[k];
        const auto* data = static_cast<const uint8_t*>(program.value()->table[t]);
        const size_t bytes = static_cast<size_t>(ran.tensors[t].num_elements()) *
                             DTypeSize(ran.tensors[t].dtype);
        std::vector<uint8_t>& out = init_values[p.variables[k]];
        if (data == nullptr) {
          out.assign(bytes, 0);  // empty
        } else {
          out.assign(data, data + bytes);
        }
      }
    }
    init_programs_ran = true;
    return Status::Ok();
  }

  // Plans fusion and memory of `g` (subgraph `subgraph_index` of the model)
  // and then of the subgraphs its control-flow nodes run; returns its index
  // in set.program.
  int AddProgramGraph(ShapeSet& set, const ShapedGraph& g, int subgraph_index) {
    int index = static_cast<int>(set.program.size());
    jit::ProgramGraph pg;
    pg.graph = &g;
    pg.fusion = jit::PlanFusion(g, options.preserve_all_tensors);
    pg.subgraph_index = subgraph_index;
    pg.slot_base = set.table_size;
    set.table_size += static_cast<int>(g.tensors.size()) + g.num_packed_slots + g.num_scratch_slots;
    GraphMemory memory = PlanMemory(g, pg.fusion);
    memory.arena_base = set.arena_size;
    set.arena_size += (memory.arena.size + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
    set.program.push_back(std::move(pg));
    set.memory.push_back(std::move(memory));
    for (const auto& [node, children] : g.children) {
      std::vector<int> subgraphs = ControlFlowSubgraphs(g.subgraph->nodes[node]);
      for (size_t k = 0; k < children.size(); ++k) {
        int child = AddProgramGraph(set, *children[k], subgraphs[k]);
        set.program[index].children[node].push_back(child);
      }
    }
    return index;
  }

  // Lifetimes in kernel steps; graph inputs, outputs and variables span the
  // whole run so their addresses stay put and their contents persist.
  GraphMemory PlanMemory(const ShapedGraph& g, const jit::FusionPlan& plan) const {
    const Subgraph& sg = *g.subgraph;
    GraphMemory memory;
    size_t n = g.tensors.size();
    int last_step = static_cast<int>(plan.groups.size());
    std::vector<int> first(n, last_step + 1), last(n, -1);
    for (int step = 0; step < static_cast<int>(plan.groups.size()); ++step) {
      for (int node : plan.groups[step].nodes) {
        for (int t : sg.nodes[node].inputs) {
          if (t >= 0) last[plan.buffer_root[t]] = std::max(last[plan.buffer_root[t]], step);
        }
      }
      for (int t : plan.groups[step].outputs) {
        int r = plan.buffer_root[t];
        first[r] = std::min(first[r], step);
        last[r] = std::max(last[r], step);
      }
    }
    auto whole_run = [&](int t) {
      int r = plan.buffer_root[t];
      first[r] = 0;
      last[r] = last_step;
    };
    for (int t : sg.inputs) whole_run(t);
    for (int t : sg.outputs) whole_run(t);
    // What later segments read stays until they have run.
    for (size_t t = 0; t < n; ++t) {
      if (g.producer[t] < 0 || !g.in_segment(g.producer[t])) continue;
      for (int c : g.consumers[t]) {
        if (c >= g.end_node) whole_run(static_cast<int>(t));
      }
    }
    // preserve_all_tensors: every intermediate stays readable after invoke, so
    // none may share bytes with a later tensor (as LiteRT's option disables
    // its arena reuse).
    if (options.preserve_all_tensors) {
      for (size_t t = 0; t < n; ++t) last[t] = last_step;
    }
    for (size_t t = 0; t < n; ++t) {
      if (sg.tensors[t].is_variable) whole_run(static_cast<int>(t));
    }

    std::vector<BufferRequest> requests;
    std::vector<int> owner;
    memory.arena_offset.assign(n, -1);
    for (size_t t = 0; t < n; ++t) {
      if (plan.buffer_root[t] != static_cast<int>(t) || !plan.materialized[t]) continue;
      if (g.tensors[t].is_constant() && !g.tensors[t].value_pinned) continue;
      if (g.from_earlier[t]) continue;
      size_t bytes = static_cast<size_t>(g.tensors[t].num_elements()) * DTypeSize(g.tensors[t].dtype);
      // Never written: live for the whole run so it keeps its zeros.
      bool never_written = first[t] > last_step;
      int begin = never_written ? 0 : first[t];
      int end = never_written ? last_step : std::max(last[t], begin);  // never read: at its write
      requests.push_back({bytes, begin, end});
      owner.push_back(static_cast<int>(t));
    }
    // A kernel's scratch lives during its own step only.
    std::vector<int> scratch_owner;
    for (int step = 0; step < static_cast<int>(plan.groups.size()); ++step) {
      for (int node : plan.groups[step].nodes) {
        if (g.scratch_bytes[node] <= 0) continue;
        requests.push_back({static_cast<size_t>(g.scratch_bytes[node]), step, step});
        scratch_owner.push_back(node);
      }
    }
    memory.arena = PlanArena(requests);
    for (size_t i = 0; i < owner.size(); ++i) {
      memory.arena_offset[owner[i]] = static_cast<int64_t>(memory.arena.offsets[i]);
    }
    memory.scratch_offset.assign(g.scratch_bytes.size(), -1);
    for (size_t i = 0; i < scratch_owner.size(); ++i) {
      memory.scratch_offset[scratch_owner[i]] =
          static_cast<int64_t>(memory.arena.offsets[owner.size() + i]);
    }
    return memory;
  }

  void BindArena() {
    table.assign(current->table_size, nullptr);
    BindSet(*current, arena, table, kernel_args);
    FillVariables();
  }

  // Points `slots` (set.table_size entries; those of tensors that earlier
  // segments own already set) at `set`'s buffers, with a fresh `buffer` for
  // its arena, and resolves its kernel arguments.
  void BindSet(const ShapeSet& set, AlignedBuffer& buffer, std::vector<void*>& slots,
               std::vector<void*>& args) {
    buffer = AlignedBuffer(set.arena_size);
    std::memset(buffer.data(), 0, set.arena_size);
    for (size_t p = 0; p < set.program.size(); ++p) {
      BindGraph(set.program[p], set.memory[p], buffer.data(), slots.data());
    }
    args.clear();
    for (int slot : set.code.kernel_args) args.push_back(slots[slot]);
  }

  // A segment after the first has a table of its own (its packed, scratch
  // and subgraph slots); its tensor slots take the earlier segments' buffers
  // from `table`, and `table` takes the buffers of the tensors it writes
  // (null for those of later segments).
  void BindLaterSegment(BoundSegment& s) {
    const ShapedGraph& g = *s.set->graph;
    s.table.assign(s.set->table_size, nullptr);
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      if (g.from_earlier[t]) s.table[t] = table[t];
    }
    BindSet(*s.set, s.arena, s.table, s.kernel_args);
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      if (!g.from_earlier[t]) table[t] = s.table[t];
    }
  }

  // Table entries of one program graph's tensors, packed buffers and scratch.
  void BindGraph(const jit::ProgramGraph& pg, const GraphMemory& memory, uint8_t* arena_data,
                 void** table_data) {
    const ShapedGraph& g = *pg.graph;
    void** slots = table_data + pg.slot_base;
    uint8_t* base = arena_data + memory.arena_base;
    for (size_t n = 0; n < g.scratch_slot.size(); ++n) {
      if (g.scratch_slot[n] >= 0) slots[g.scratch_slot[n]] = base + memory.scratch_offset[n];
    }
    for (size_t n = 0; n < g.packed.size(); ++n) {
      for (size_t k = 0; k < g.packed[n].size(); ++k) {
        slots[g.packed_first_slot[n] + k] = g.packed[n][k]->data();
      }
    }
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      int r = pg.fusion.buffer_root[t];
      if (g.from_earlier[r]) {
        slots[t] = slots[r];  // an earlier segment's tensor, or an alias of one
      } else if (g.tensors[r].is_constant() && !g.tensors[r].value_pinned) {
        slots[t] = const_cast<uint8_t*>(g.tensors[r].const_data);
      } else if (memory.arena_offset[r] >= 0) {
        slots[t] = base + memory.arena_offset[r];
      }
    }
  }

  // The dims a data-dependent kernel wrote fit its upper-bound buffers.
  Status CheckDataDims(const ShapedGraph& g) const {
    const Node& node = main().nodes[g.data_node];
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const int64_t dim = g.DataDims()[i];
      const Shape& bound = g.tensors[node.outputs[i]].shape;
      if (dim < 0 || (!bound.empty() && dim > bound[0])) {
        return Internal("node " + std::to_string(node.index) + " " + node.op_name + " wrote dim " +
                        std::to_string(dim) + " for output " + std::to_string(i) +
                        " of at most " + ShapeToString(bound));
      }
    }
    return Status::Ok();
  }

  // After `prev` (whose data-dependent node has run) comes segments[k]: kept
  // when compiled for the dims just written, else compiled or taken from
  // prev's cache and bound, dropping the segments after it. Leaves `more`
  // non-empty when compiling it needs the values of graph inputs that are
  // not pinned yet.
  Status BindNextSegment(ShapeSet& prev, size_t k, std::vector<int>& more) {
    const ShapedGraph& g = *prev.graph;
    const Node& node = main().nodes[g.data_node];
    const HostLoop* loop = g.host_loop ? &host_loops[node.index] : nullptr;
    const int64_t* dims = loop ? loop->key.data() : g.DataDims();
    const size_t count = loop ? loop->key.size() : node.outputs.size();
    if (k < segments.size() && (loop == nullptr || !loop->moved) &&
        segments[k].set->dims.size() == count &&
        std::equal(dims, dims + count, segments[k].set->dims.begin())) {
      return Status::Ok();  // the common case: no allocation
    }
    if (loop == nullptr) JITLITE_RETURN_IF_ERROR(CheckDataDims(g));
    segments.resize(k);
    std::vector<int64_t> key(dims, dims + count);
    auto it = prev.next.find(key);
    if (it != prev.next.end()) {
      stats.cache_hits++;
    } else {
      std::vector<int> requests;
      auto built = BuildNextSegment(prev, key, &requests);
      for (int t : requests) {
        if (std::find(value_inputs.begin(), value_inputs.end(), t) == value_inputs.end()) {
          more.push_back(t);
        }
      }
      if (!built.ok() && !more.empty()) return Status::Ok();
      if (!built.ok()) {
        // Found at invoke, like the errors of TFLite's deferred Prepare.
        return FailedPrecondition("compiling the graph after node " + std::to_string(node.index) +
                                  " " + node.op_name + " for its output sizes: " +
                                  built.status().message());
      }
      std::unique_ptr<ShapeSet> set = std::move(built).value();
      if (set->code.entry != nullptr) RecordCompilation(*set);
      it = prev.next.emplace(std::move(key), std::move(set)).first;
    }
    BoundSegment& bound = segments.emplace_back();
    bound.set = it->second.get();
    BindLaterSegment(bound);
    AppendKernelStats(bound);
    return Status::Ok();
  }

  // Runs the bound shape set and the segments after its data-dependent
  // nodes, each for the dims the one before wrote (see BindNextSegment for
  // `more`).
  Status RunSegments(const jl_runtime& runtime, std::vector<int>& more) {
    JITLITE_RETURN_IF_ERROR(RunSegment(*current, kernel_args, 0, runtime));
    ShapeSet* prev = current;
    for (size_t k = 0; prev->graph->data_node >= 0; ++k) {
      if (prev->graph->host_loop) {
        const Node& loop = main().nodes[prev->graph->data_node];
        JITLITE_RETURN_IF_ERROR(RunHostLoop(*prev->graph).Annotate(
            "node " + std::to_string(loop.index) + " " + loop.op_name));
      }
      JITLITE_RETURN_IF_ERROR(BindNextSegment(*prev, k, more));
      if (!more.empty()) return Status::Ok();
      BoundSegment& s = segments[k];
      JITLITE_RETURN_IF_ERROR(RunSegment(*s.set, s.kernel_args, s.first_kernel, runtime));
      prev = s.set;
    }
    return Status::Ok();
  }

  // Runs one segment's entry; a kernel's runtime error fails the invoke.
  Status RunSegment(const ShapeSet& set, const std::vector<void*>& args, int first_kernel,
                    const jl_runtime& runtime) {
    if (set.code.entry == nullptr) return Status::Ok();
    kernel_base = first_kernel;
    jl_frame frame{args.data(), 0, 0, &runtime};
    set.code.entry(&frame);
    if (invoke_error.empty()) return Status::Ok();
    std::string message = std::move(invoke_error);
    invoke_error.clear();
    return InvalidData(message);
  }

  // stats.kernels: the kernels of the bound segments, in run order.
  void ResetKernelStats() {
    stats.kernels = current->code.kernels;
    stats.unique_kernels = current->code.unique_kernels;
  }

  // After binding `s`, the last of `segments`: its kernels replace those of
  // the segments it displaced; earlier ones keep their profile.
  void AppendKernelStats(BoundSegment& s) {
    size_t first = current->code.kernels.size();
    int unique = current->code.unique_kernels;
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      first += segments[i].set->code.kernels.size();
      unique += segments[i].set->code.unique_kernels;
    }
    s.first_kernel = static_cast<int>(first);
    stats.kernels.resize(first);
    stats.kernels.insert(stats.kernels.end(), s.set->code.kernels.begin(), s.set->code.kernels.end());
    stats.unique_kernels = unique + s.set->code.unique_kernels;
  }

  // The graph of the last bound segment: every tensor's shape as far as the
  // last invoke got.
  const ShapedGraph& LastGraph() const {
    return segments.empty() ? *current->graph : *segments.back().set->graph;
  }

  // False for the outputs of a data-dependent node that has not run yet (and
  // what follows it): their shapes come with the invoke.
  bool ShapeKnown(int t) const {
    if (current == nullptr) return true;
    const ShapedGraph& g = LastGraph();
    return g.data_node < 0 || g.producer[t] < g.data_node;
  }

  // The bound segment whose nodes write tensor t (the first for inputs).
  const ShapeSet& OwnerOf(int t) const {
    int p = current->graph->producer[t];
    for (const BoundSegment& s : segments) {
      if (s.set->graph->in_segment(p)) return *s.set;
    }
    return *current;
  }

  // Variables start at zero in the quantized domain (their zero point), in
  // every subgraph.
  // A resource variable's value before the first invoke: what the CALL_ONCE
  // init subgraph assigns (a constant, or a value it computed), else zeros.
  void SetResourceVariable(int index, const Tensor& t, const ops::TensorState& ts, void* data) const {
    size_t bytes = static_cast<size_t>(ts.num_elements()) * DTypeSize(ts.dtype);
    auto computed = init_values.find(index);
    if (computed != init_values.end() && computed->second.size() == bytes) {
      std::memcpy(data, computed->second.data(), bytes);
    } else if (t.initial_value != nullptr) {
      std::memcpy(data, t.initial_value, bytes);
    } else {
      std::memset(data, 0, bytes);
    }
  }

  // reset_all_variables keeps resource variables (lib/resource_variables.h).
  void FillVariables(bool keep_resource_variables = false) {
    for (const jit::ProgramGraph& pg : current->program) {
      const ShapedGraph& g = *pg.graph;
      const Subgraph& sg = *g.subgraph;
      for (size_t t = 0; t < g.tensors.size(); ++t) {
        void* data = table[pg.slot_base + t];
        if (!sg.tensors[t].is_variable || data == nullptr) continue;
        if (sg.tensors[t].is_resource_variable) {
          if (!keep_resource_variables) {
            SetResourceVariable(static_cast<int>(t), sg.tensors[t], g.tensors[t], data);
          }
          continue;
        }
        const auto& q = sg.tensors[t].quantization;
        int64_t zp = q.zero_points.empty() ? 0 : q.zero_points[0];
        size_t count = static_cast<size_t>(g.tensors[t].num_elements());
        DType dt = g.tensors[t].dtype;
        if (dt == DType::kInt8 || dt == DType::kUInt8) {
          std::memset(data, static_cast<int>(zp), count);
        } else if (dt == DType::kInt16) {
          std::fill_n(static_cast<int16_t*>(data), count, static_cast<int16_t>(zp));
        } else {
          std::memset(data, 0, count * DTypeSize(dt));
        }
      }
    }
  }

  size_t InputBytes(int t) const {
    return static_cast<size_t>(NumElements(CurrentShape(t))) * DTypeSize(main().tensors[t].dtype);
  }

  // Value-dependent graphs before their first invoke: buffers for the graph
  // inputs only, so set_tensor works.
  void BindInputsOnly() {
    current = nullptr;
    size_t total = 0;
    std::vector<size_t> offsets;
    for (int t : main().inputs) {
      offsets.push_back(total);
      total += (InputBytes(t) + 63) / 64 * 64;
    }
    arena = AlignedBuffer(total);
    std::memset(arena.data(), 0, total);
    table.assign(main().tensors.size(), nullptr);
    for (size_t i = 0; i < main().inputs.size(); ++i) {
      table[main().inputs[i]] = arena.data() + offsets[i];
    }
    kernel_args.clear();
  }

  // Before an invoke of a value-dependent graph: switches to the shape set
  // compiled for the current values of value_inputs (compiling it the first
  // time), carrying the graph inputs' bytes over to its arena.
  Status SelectForValues() {
    if (ValuesUnchanged()) return Status::Ok();  // the common case: no allocation
    for (;;) {
      std::vector<int> more;
      JITLITE_RETURN_IF_ERROR(TrySelectForValues(more));
      if (more.empty()) return Status::Ok();
      // A later node needs values of further inputs: compile per those too.
      value_inputs.insert(value_inputs.end(), more.begin(), more.end());
    }
  }

  // Whether the current shape set was compiled for the values in the inputs.
  bool ValuesUnchanged() const {
    if (current == nullptr) return false;
    for (int t : value_inputs) {
      auto it = current->pinned.find(t);
      if (it == current->pinned.end() || it->second.size() != InputBytes(t) ||
          std::memcmp(table[t], it->second.data(), it->second.size()) != 0) {
        return false;
      }
    }
    return true;
  }

  // Makes `set` the one invoke runs, with a fresh arena.
  void Activate(ShapeSet* set) {
    current = set;
    segments.clear();
    ResetKernelStats();
    BindArena();
  }

  // The current values of value_inputs, and the cache key they make.
  std::string ValueKey(std::map<int, std::vector<uint8_t>>& pinned) const {
    std::string key = ShapeKey() + "values:";
    for (int t : value_inputs) {
      const uint8_t* p = static_cast<const uint8_t*>(table[t]);
      std::vector<uint8_t> bytes(p, p + InputBytes(t));
      key += std::to_string(t) + "=";
      for (uint8_t byte : bytes) key += std::to_string(byte) + ",";
      key += ";";
      pinned[t] = std::move(bytes);
    }
    return key;
  }

  // Leaves `more` non-empty (and the state unchanged) when compiling needs
  // the values of inputs not pinned yet.
  Status TrySelectForValues(std::vector<int>& more) {
    std::map<int, std::vector<uint8_t>> pinned;
    std::string key = ValueKey(pinned);
    auto it = cache.find(key);
    if (it != cache.end()) {
      stats.cache_hits++;
    } else {
      std::vector<int> requests;
      auto built = Build(std::move(pinned), &requests);
      if (!built.ok()) {
        for (int t : requests) {
          if (std::find(value_inputs.begin(), value_inputs.end(), t) == value_inputs.end()) {
            more.push_back(t);
          }
        }
        return more.empty() ? built.status() : Status::Ok();
      }
      RecordCompilation(*built.value());
      it = cache.emplace(key, std::move(built).value()).first;
    }
    std::vector<std::vector<uint8_t>> inputs;
    for (int t : main().inputs) {
      const uint8_t* p = static_cast<const uint8_t*>(table[t]);
      inputs.emplace_back(p, p + InputBytes(t));
    }
    Activate(it->second.get());
    for (size_t i = 0; i < main().inputs.size(); ++i) {
      if (!inputs[i].empty()) std::memcpy(table[main().inputs[i]], inputs[i].data(), inputs[i].size());
    }
    return Status::Ok();
  }

  void RecordCompilation(const ShapeSet& set) {
    stats.compilations++;
    stats.compile_time_ms += set.code.compile_ms;
    stats.last_compile_time_ms = set.code.compile_ms;
    stats.last_phases = set.code.phases;
    if (set.code.from_disk_cache) stats.disk_cache_hits++;
  }

  Shape CurrentShape(int t) const {
    auto it = resized.find(t);
    if (it != resized.end()) return it->second;
    if (current && ShapeKnown(t)) return LastGraph().tensors[t].shape;
    return main().tensors[t].shape;
  }
};

Interpreter::Interpreter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Interpreter::~Interpreter() = default;

namespace {

// UnsupportedBuiltins of the main graph and of every subgraph its control
// flow runs (those prefixed "subgraph K").
std::vector<std::string> UnsupportedBuiltinsReachable(const Graph& graph) {
  std::vector<std::string> out;
  std::vector<bool> seen(graph.subgraphs.size(), false);
  std::vector<int> stack = {0};
  seen[0] = true;
  while (!stack.empty()) {
    int index = stack.back();
    stack.pop_back();
    // Subgraph 0 as compiled: composites replaced by their decompositions.
    const Subgraph& sg = index == 0 ? graph.executable_main() : graph.executable_subgraphs()[index];
    for (std::string& u : UnsupportedBuiltins(sg)) {
      out.push_back(index == 0 ? u : "subgraph " + std::to_string(index) + " " + u);
    }
    for (const Node& node : sg.nodes) {
      for (int sub : ControlFlowSubgraphs(node)) {
        if (!seen[sub]) {
          seen[sub] = true;
          stack.push_back(sub);
        }
      }
    }
  }
  return out;
}

StatusOr<std::unique_ptr<Interpreter::Impl>> MakeImpl(std::shared_ptr<const Model> model,
                                                      const InterpreterOptions& options) {
  if (options.num_threads < 1) return InvalidArgument("num_threads should >= 1");
  auto unsupported = UnsupportedBuiltinsReachable(model->graph());
  if (!unsupported.empty()) {
    std::string list;
    for (const auto& u : unsupported) list += (list.empty() ? "" : ", ") + u;
    return InvalidArgument("jitlite does not support these ops: " + list);
  }
  auto impl = std::make_unique<Interpreter::Impl>();
  impl->strings = StringTensors::Create(model->graph().executable_main());
  impl->model = std::move(model);
  impl->options = options;
  if (options.num_threads > 1) impl->pool = std::make_unique<ThreadPool>(options.num_threads);
  return impl;
}

}  // namespace

StatusOr<std::unique_ptr<Interpreter>> Interpreter::FromFile(const std::string& path,
                                                             const InterpreterOptions& options) {
  JITLITE_ASSIGN_OR_RETURN(std::shared_ptr<const Model> model, Model::FromFile(path));
  JITLITE_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, MakeImpl(std::move(model), options));
  return std::unique_ptr<Interpreter>(new Interpreter(std::move(impl)));
}

StatusOr<std::unique_ptr<Interpreter>> Interpreter::FromBuffer(const void* data, size_t size,
                                                               const InterpreterOptions& options) {
  JITLITE_ASSIGN_OR_RETURN(std::shared_ptr<const Model> model, Model::FromBuffer(data, size));
  JITLITE_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, MakeImpl(std::move(model), options));
  return std::unique_ptr<Interpreter>(new Interpreter(std::move(impl)));
}

int Interpreter::num_subgraphs() const {
  return static_cast<int>(impl_->model->graph().subgraphs.size());
}

int Interpreter::num_tensors(int subgraph) const {
  const auto& sgs = impl_->model->graph().subgraphs;
  if (subgraph < 0 || subgraph >= static_cast<int>(sgs.size())) return 0;
  return static_cast<int>(sgs[subgraph].tensors.size());
}

int Interpreter::num_ops(int subgraph) const {
  const auto& sgs = impl_->model->graph().subgraphs;
  if (subgraph < 0 || subgraph >= static_cast<int>(sgs.size())) return 0;
  return static_cast<int>(sgs[subgraph].nodes.size());
}

const std::vector<int>& Interpreter::inputs() const { return impl_->main().inputs; }
const std::vector<int>& Interpreter::outputs() const { return impl_->main().outputs; }

StatusOr<TensorInfo> Interpreter::tensor_info(int tensor_index, int subgraph) const {
  const auto& sgs = impl_->model->graph().subgraphs;
  if (subgraph < 0 || subgraph >= static_cast<int>(sgs.size())) {
    return OutOfRange("Invalid subgraph index " + std::to_string(subgraph) +
                      " exceeds max subgraph index " + std::to_string(sgs.size() - 1));
  }
  const Subgraph& sg = sgs[subgraph];
  if (tensor_index < 0 || tensor_index >= static_cast<int>(sg.tensors.size())) {
    return OutOfRange("Invalid tensor index " + std::to_string(tensor_index) +
                      " exceeds max tensor index " + std::to_string(sg.tensors.size()));
  }
  const Tensor& t = sg.tensors[tensor_index];
  TensorInfo info;
  info.index = tensor_index;
  info.name = t.name;
  info.dtype = t.dtype;
  // After allocate, the type ops gave their outputs (TFLite's arithmetic
  // kernels retype a mis-declared output to their input type). STRING
  // tensors stay STRING (the compiled graph holds their ids as INT32).
  if (subgraph == 0 && impl_->current && t.dtype != DType::kString) {
    info.dtype = impl_->LastGraph().tensors[tensor_index].dtype;
  }
  info.shape = subgraph == 0 ? impl_->CurrentShape(tensor_index) : t.shape;
  // Without a signature in the model, TFLite reports the current dims.
  info.shape_signature = t.has_shape_signature ? t.shape_signature : info.shape;
  info.quantization = t.quantization;
  info.sparsity = t.sparsity;
  info.is_variable = t.is_variable;
  info.is_constant = t.is_constant();
  return info;
}

StatusOr<OpInfo> Interpreter::op_info(int op_index) const {
  const Subgraph& sg = impl_->model_main();
  if (op_index < 0 || op_index >= static_cast<int>(sg.nodes.size())) {
    return OutOfRange("Invalid node index");
  }
  const Node& n = sg.nodes[op_index];
  return OpInfo{n.index, n.op_name, n.builtin_code, n.inputs, n.outputs};
}

const std::vector<SignatureInfo>& Interpreter::signatures() const {
  return impl_->model->graph().signatures;
}

bool Interpreter::has_variables() const {
  for (const auto& sg : impl_->model->graph().subgraphs) {
    for (const auto& t : sg.tensors) {
      if (t.is_variable) return true;
    }
  }
  return false;
}

Status Interpreter::ResizeInputTensor(int tensor_index, const Shape& shape, bool strict) {
  const Subgraph& sg = impl_->model_main();
  if (tensor_index < 0 || tensor_index >= static_cast<int>(sg.tensors.size())) {
    return InvalidArgument("Invalid tensor index " + std::to_string(tensor_index) +
                           " in subgraph 0 (it has " + std::to_string(sg.tensors.size()) +
                           " tensors)");
  }
  const Tensor& t = sg.tensors[tensor_index];
  if (t.is_constant()) return FailedPrecondition("Attempting to resize a fixed-size tensor.");
  for (int32_t d : shape) {
    if (d < 0) {
      return InvalidArgument("Attempting to resize tensor " + std::to_string(tensor_index) +
                             " to " + ShapeToString(shape) + ": dimensions must be >= 0");
    }
  }
  if (strict) {
    if (shape.size() != t.shape_signature.size()) {
      return FailedPrecondition("ResizeInputTensorStrict: tensor " + std::to_string(tensor_index) +
                                " has rank " + std::to_string(t.shape_signature.size()) +
                                ", requested " + ShapeToString(shape));
    }
    for (size_t d = 0; d < shape.size(); ++d) {
      if (t.shape_signature[d] != -1 && t.shape_signature[d] != shape[d]) {
        return FailedPrecondition(
            "Attempting to resize dimension " + std::to_string(d) + " of tensor " +
            std::to_string(tensor_index) + " with value " + std::to_string(t.shape_signature[d]) +
            " to " + std::to_string(shape[d]) +
            ". ResizeInputTensorStrict only allows mutating unknown dimensions identified by -1.");
      }
    }
  }
  if (impl_->CurrentShape(tensor_index) == shape) return Status::Ok();
  if (shape == t.shape) {
    impl_->resized.erase(tensor_index);
  } else {
    impl_->resized[tensor_index] = shape;
  }
  impl_->invokable = false;
  return Status::Ok();
}

Status Interpreter::AllocateTensors() {
  Impl& im = *impl_;
  if (im.invokable) return Status::Ok();
  if (im.strings) JITLITE_RETURN_IF_ERROR(im.strings->op_error());
  JITLITE_RETURN_IF_ERROR(im.RunInitPrograms());
  if (!im.value_inputs.empty()) {  // compiled at invoke, for the values given
    im.BindInputsOnly();
    im.invokable = true;
    return Status::Ok();
  }
  std::string key = im.ShapeKey();
  auto it = im.cache.find(key);
  if (it != im.cache.end()) {
    im.stats.cache_hits++;
  } else {
    std::vector<int> value_requests;
    auto built = im.Build({}, &value_requests);
    if (!built.ok() && !value_requests.empty()) {
      im.value_inputs = value_requests;
      im.BindInputsOnly();
      im.invokable = true;
      return Status::Ok();
    }
    JITLITE_RETURN_IF_ERROR(built.status());
    std::unique_ptr<ShapeSet> set = std::move(built).value();
    im.RecordCompilation(*set);
    it = im.cache.emplace(key, std::move(set)).first;
  }
  im.Activate(it->second.get());
  im.invokable = true;
  return Status::Ok();
}

Status Interpreter::Invoke() {
  Impl& im = *impl_;
  if (!im.invokable) return FailedPrecondition("Invoke called on model that is not ready.");
  jl_runtime runtime{im.profiling ? &Impl::KernelDone : nullptr, &im,
                     im.pool ? &Impl::ParallelFor : nullptr, &Impl::ReportError};
  if (im.strings) {
    im.strings->InternInputs(im.main().inputs, [&](int t) {
      return std::pair(im.table[t], NumElements(im.CurrentShape(t)));
    });
  }
  for (;;) {
    if (!im.value_inputs.empty()) JITLITE_RETURN_IF_ERROR(im.SelectForValues());
    if (im.profiling) im.kernel_start = std::chrono::steady_clock::now();
    std::vector<int> more;
    JITLITE_RETURN_IF_ERROR(im.RunSegments(runtime, more));
    if (more.empty()) return Status::Ok();
    // A node after a data-dependent one needs values computed from graph
    // inputs (e.g. TILE multiples from WHERE's coordinates): compile from the
    // first segment on per those values too, then run again.
    im.value_inputs.insert(im.value_inputs.end(), more.begin(), more.end());
  }
}

void Interpreter::SetKernelProfiling(bool enabled) { impl_->profiling = enabled; }

Status Interpreter::ResetVariableTensors() {
  Impl& im = *impl_;
  if (!has_variables()) return Status::Ok();
  if (!im.invokable) {
    return FailedPrecondition("ResetVariableTensors: call AllocateTensors first");
  }
  im.FillVariables(/*keep_resource_variables=*/true);
  return Status::Ok();
}

bool Interpreter::invokable() const { return impl_->invokable; }

bool Interpreter::invoke_is_brief() const {
  const Impl& im = *impl_;
  return im.invokable && im.current != nullptr && im.value_inputs.empty() && !im.strings &&
         im.current->brief;
}

void* Interpreter::tensor_data(int tensor_index) {
  Impl& im = *impl_;
  if (!im.invokable || tensor_index < 0 || tensor_index >= num_tensors()) return nullptr;
  // As in LiteRT, a sparse constant's buffer holds its stored (compressed)
  // values; kernels read the copy densified at import.
  if (const Tensor& t = im.model_main().tensors[tensor_index]; t.is_sparse() && t.is_constant()) {
    return const_cast<uint8_t*>(t.data);
  }
  if (!im.ShapeKnown(tensor_index)) return nullptr;
  if (im.strings && im.strings->is_string(tensor_index)) return nullptr;  // ids, not bytes
  return im.table[tensor_index];
}

const void* Interpreter::tensor_data(int tensor_index) const {
  return const_cast<Interpreter*>(this)->tensor_data(tensor_index);
}

size_t Interpreter::tensor_bytes(int tensor_index) const {
  const Impl& im = *impl_;
  if (im.invokable && tensor_index >= 0 && tensor_index < num_tensors()) {
    const Tensor& t = im.model_main().tensors[tensor_index];
    if (t.is_sparse() && t.is_constant()) return t.data_size;  // stored values, as tensor_data
  }
  if (!im.current && im.invokable && tensor_index >= 0 && tensor_index < num_tensors() &&
      im.table[tensor_index] != nullptr) {
    return im.InputBytes(tensor_index);  // a graph input before the first invoke
  }
  if (!im.current || tensor_index < 0 ||
      tensor_index >= static_cast<int>(im.current->graph->tensors.size()) ||
      !im.ShapeKnown(tensor_index) || (im.strings && im.strings->is_string(tensor_index))) {
    return 0;
  }
  const auto& t = im.LastGraph().tensors[tensor_index];
  return static_cast<size_t>(t.num_elements()) * DTypeSize(t.dtype);
}

std::string Interpreter::tensor_data_unavailable_reason(int tensor_index) const {
  const Impl& im = *impl_;
  if (tensor_index < 0 || tensor_index >= num_tensors()) return "invalid tensor index";
  if (!im.invokable) return "Tensor data is null. Run allocate_tensors() first";
  if (!im.ShapeKnown(tensor_index)) {
    const Node& node = im.main().nodes[im.LastGraph().data_node];
    return "Tensor data is null: the shape of tensor " + std::to_string(tensor_index) +
           " depends on the values node " + std::to_string(node.index) + " " + node.op_name +
           " computes, so it exists after invoke";
  }
  if (im.table[tensor_index] != nullptr) {
    if (!im.strings || !im.strings->is_string(tensor_index)) return "";
    return "tensor " + std::to_string(tensor_index) +
           " is a STRING tensor: it has no raw buffer; use GetStringTensor / SetStringTensor";
  }
  if (im.current == nullptr) {
    return "Tensor data is null: the model's shapes depend on input values, so tensor " +
           std::to_string(tensor_index) + " exists after the first invoke";
  }
  const std::string& k = im.OwnerOf(tensor_index).fusion().fused_into[tensor_index];
  if (!k.empty()) {
    return "Tensor data is null: tensor " + std::to_string(tensor_index) +
           " was fused into kernel " + k +
           " and never stored (use experimental_preserve_all_tensors=True to keep it)";
  }
  return "Tensor data is null: tensor " + std::to_string(tensor_index) + " is not used by the model";
}

namespace {

Status CheckStringTensor(const Interpreter& interp, int tensor_index) {
  JITLITE_ASSIGN_OR_RETURN(TensorInfo info, interp.tensor_info(tensor_index));
  if (info.dtype != DType::kString) {
    return InvalidArgument("tensor " + std::to_string(tensor_index) + " '" + info.name +
                           "' has type " + DTypeName(info.dtype) + ", not STRING");
  }
  return Status::Ok();
}

}  // namespace

Status Interpreter::SetStringTensor(int tensor_index, const std::vector<std::string>& values) {
  Impl& im = *impl_;
  JITLITE_RETURN_IF_ERROR(CheckStringTensor(*this, tensor_index));
  const auto& ins = im.main().inputs;
  if (std::find(ins.begin(), ins.end(), tensor_index) == ins.end()) {
    return InvalidArgument("tensor " + std::to_string(tensor_index) +
                           " is not a graph input; only inputs' strings can be set");
  }
  const int64_t count = NumElements(im.CurrentShape(tensor_index));
  if (static_cast<int64_t>(values.size()) != count) {
    return InvalidArgument("tensor " + std::to_string(tensor_index) + " has shape " +
                           ShapeToString(im.CurrentShape(tensor_index)) + " (" +
                           std::to_string(count) + " strings), got " +
                           std::to_string(values.size()));
  }
  im.strings->SetInput(tensor_index, values);
  return Status::Ok();
}

StatusOr<std::vector<std::string>> Interpreter::GetStringTensor(int tensor_index) const {
  const Impl& im = *impl_;
  JITLITE_RETURN_IF_ERROR(CheckStringTensor(*this, tensor_index));
  const int64_t count = NumElements(im.CurrentShape(tensor_index));
  const auto& ins = im.main().inputs;
  if (std::find(ins.begin(), ins.end(), tensor_index) != ins.end()) {
    return im.strings->InputValues(tensor_index, count);
  }
  if (!im.invokable) {
    return FailedPrecondition("Tensor data is null. Run allocate_tensors() first");
  }
  const void* ids = im.ShapeKnown(tensor_index) ? im.table[tensor_index] : nullptr;
  if (ids == nullptr) {
    if (count == 0) return std::vector<std::string>();
    // The numeric reasons (fused away, sized by a later invoke) apply to the ids.
    return FailedPrecondition(tensor_data_unavailable_reason(tensor_index));
  }
  return im.strings->Lookup(static_cast<const int32_t*>(ids), count);
}

const JitStats& Interpreter::jit_stats() const { return impl_->stats; }

}  // namespace jitlite
