// Google Benchmark suite over whole models, through the public C++ API:
//   FmaPeak                         this core's fp32 FMA throughput (GFLOP/s)
//   <model>/Invoke/threads:N        one Invoke at 1 and 2 threads (inputs filled once)
//   <model>/AllocateCold            load + AllocateTensors, on-disk cache off (full compile)
//   <model>/AllocateDiskCache       load + AllocateTensors with the on-disk cache warm
//   <model>/AllocateCached          resize to another batch and back: one resize +
//                                   AllocateTensors per iteration, both shapes cached
//   <model>/Kernel/<i>_<symbol>     one fused kernel inside the model at 1 thread: its
//                                   time per run, flops, GFLOP/s and pct_peak (% of FmaPeak)
// Models: JITLITE_BENCH_MODELS, colon-separated .tflite files or directories (all
// *.tflite in them), else three float models of ../shared/models. Kernel rows run
// JITLITE_BENCH_KERNEL_INVOKES invokes each (default 20). Use --benchmark_format=json
// to compare runs; compare ratios within one run (the machines are shared).
#include <benchmark/benchmark.h>
#include <immintrin.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "jitlite/interpreter.h"

namespace {

namespace fs = std::filesystem;

// ---- FMA peak -------------------------------------------------------------

// Independent accumulators: enough to cover FMA latency x FMA ports (4-5
// cycles x 2). With AVX2 they and the two operands must fit 16 ymm
// registers: 16 accumulators spilled and measured 53 instead of ~80 GFLOP/s
// on Zen 3.
constexpr int kAccumulators = 16;
constexpr int kAccumulatorsAvx2 = 10;

// Runs `rounds` x kAccumulators FMAs on 16-float vectors; returns the FLOPs.
__attribute__((target("avx512f"))) double FmaLoopAvx512(int64_t rounds) {
  __m512 acc[kAccumulators];
  for (int j = 0; j < kAccumulators; ++j) acc[j] = _mm512_set1_ps(0.001f * j);
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.0001f);
  for (int64_t r = 0; r < rounds; ++r) {
    for (int j = 0; j < kAccumulators; ++j) acc[j] = _mm512_fmadd_ps(acc[j], a, b);
  }
  __m512 sum = acc[0];
  for (int j = 1; j < kAccumulators; ++j) sum = _mm512_add_ps(sum, acc[j]);
  benchmark::DoNotOptimize(_mm512_reduce_add_ps(sum));
  return 2.0 * 16 * kAccumulators * rounds;
}

// The same on 8-float vectors, for hosts without AVX-512.
__attribute__((target("avx2,fma"))) double FmaLoopAvx2(int64_t rounds) {
  __m256 acc[kAccumulatorsAvx2];
  for (int j = 0; j < kAccumulatorsAvx2; ++j) acc[j] = _mm256_set1_ps(0.001f * j);
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.0001f);
  for (int64_t r = 0; r < rounds; ++r) {
    for (int j = 0; j < kAccumulatorsAvx2; ++j) acc[j] = _mm256_fmadd_ps(acc[j], a, b);
  }
  __m256 sum = acc[0];
  for (int j = 1; j < kAccumulatorsAvx2; ++j) sum = _mm256_add_ps(sum, acc[j]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  benchmark::DoNotOptimize(lanes[0] + lanes[7]);
  return 2.0 * 8 * kAccumulatorsAvx2 * rounds;
}

double FmaLoop(int64_t rounds) {
  return __builtin_cpu_supports("avx512f") ? FmaLoopAvx512(rounds) : FmaLoopAvx2(rounds);
}

constexpr int64_t kPeakRounds = 1 << 20;  // ~10 ms per loop

// Best of a few timed loops, measured once per process: kernel rows divide by
// it even when the FmaPeak row itself is filtered out.
double PeakGflops() {
  static const double peak = [] {
    double best = 0;
    for (int i = 0; i < 5; ++i) {
      auto start = std::chrono::steady_clock::now();
      double flops = FmaLoop(kPeakRounds);
      std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
      best = std::max(best, flops / s.count() * 1e-9);
    }
    return best;
  }();
  return peak;
}

void FmaPeak(benchmark::State& state) {
  double flops = 0;
  for (auto _ : state) flops += FmaLoop(kPeakRounds);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsRate);
  state.SetLabel(__builtin_cpu_supports("avx512f") ? "avx512f" : "avx2");
}

// ---- models ---------------------------------------------------------------

void AddModels(const fs::path& entry, std::vector<std::string>& paths) {
  if (!fs::is_directory(entry)) {
    paths.push_back(entry.string());
    return;
  }
  std::vector<std::string> found;
  for (const auto& file : fs::directory_iterator(entry)) {
    if (file.path().extension() == ".tflite") found.push_back(file.path().string());
  }
  std::sort(found.begin(), found.end());
  paths.insert(paths.end(), found.begin(), found.end());
}

std::vector<std::string> ModelPaths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("JITLITE_BENCH_MODELS")) {
    std::stringstream list(env);
    for (std::string p; std::getline(list, p, ':');) {
      if (!p.empty()) AddModels(p, paths);
    }
    return paths;
  }
  for (const char* rel : {"micro/hello_world_float.tflite", "ops/norm.tflite",
                          "ops/attn_vec_einsum.tflite"}) {
    fs::path p = fs::path(JITLITE_SHARED_MODELS_DIR) / rel;
    if (fs::exists(p)) paths.push_back(p.string());
  }
  return paths;
}

jitlite::StatusOr<std::unique_ptr<jitlite::Interpreter>> LoadAndAllocate(
    const std::string& path, const jitlite::InterpreterOptions& options) {
  auto interp = jitlite::Interpreter::FromFile(path, options);
  if (!interp.ok()) return interp.status();
  if (auto s = (*interp)->AllocateTensors(); !s.ok()) return s;
  return interp;
}

std::unique_ptr<jitlite::Interpreter> LoadOrSkip(benchmark::State& state, const std::string& path,
                                                 const jitlite::InterpreterOptions& options = {}) {
  auto interp = LoadAndAllocate(path, options);
  if (!interp.ok()) {
    state.SkipWithError(interp.status().message().c_str());
    return nullptr;
  }
  return std::move(*interp);
}

void FillInputs(jitlite::Interpreter& interp) {
  for (int t : interp.inputs()) {
    auto bytes = interp.typed_tensor<uint8_t>(t);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 % 61);
  }
}

bool InvokeOrSkip(benchmark::State& state, jitlite::Interpreter& interp) {
  jitlite::Status s = interp.Invoke();
  if (!s.ok()) state.SkipWithError(s.message().c_str());
  return s.ok();
}

void Invoke(benchmark::State& state, const std::string& path) {
  jitlite::InterpreterOptions options;
  options.num_threads = static_cast<int>(state.range(0));
  auto interp = LoadOrSkip(state, path, options);
  if (!interp) return;
  FillInputs(*interp);
  for (auto _ : state) {
    if (!InvokeOrSkip(state, *interp)) return;
  }
}

void AllocateCold(benchmark::State& state, const std::string& path) {
  jitlite::InterpreterOptions options;
  options.cache_dir = "off";
  for (auto _ : state) {
    if (!LoadOrSkip(state, path, options)) return;
  }
}

void AllocateDiskCache(benchmark::State& state, const std::string& path) {
  fs::path dir = fs::temp_directory_path() / ("jitlite_bench_cache_" + std::to_string(getpid()));
  jitlite::InterpreterOptions options;
  options.cache_dir = dir.string();
  if (LoadOrSkip(state, path, options)) {  // fills the cache
    for (auto _ : state) {
      if (!LoadOrSkip(state, path, options)) break;
    }
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

void AllocateCached(benchmark::State& state, const std::string& path) {
  auto interp = LoadOrSkip(state, path);
  if (!interp) return;
  int input = interp->inputs().at(0);
  jitlite::Shape shapes[2] = {interp->tensor_info(input)->shape, {}};
  if (shapes[0].empty()) {
    state.SkipWithError("input 0 is a scalar: no batch dimension to resize");
    return;
  }
  shapes[1] = shapes[0];
  shapes[1][0] *= 2;
  auto visit = [&](const jitlite::Shape& shape) {
    jitlite::Status s = interp->ResizeInputTensor(input, shape);
    if (s.ok()) s = interp->AllocateTensors();
    return s;
  };
  if (auto s = visit(shapes[1]); !s.ok()) {  // compile the second shape once
    state.SkipWithError(s.message().c_str());
    return;
  }
  int next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(visit(shapes[next]).ok());
    next ^= 1;
  }
  state.counters["compilations"] = interp->jit_stats().compilations;
}

// ---- kernels inside a model -----------------------------------------------

int KernelInvokes() {
  const char* env = std::getenv("JITLITE_BENCH_KERNEL_INVOKES");
  int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : 20;
}

// Each iteration runs the whole model once and counts only kernel `k`'s time
// (kernel profiling reads the clock around every kernel).
void Kernel(benchmark::State& state, jitlite::Interpreter* interp, size_t k) {
  double total_ms = 0;
  for (auto _ : state) {
    double before = interp->jit_stats().kernels.at(k).total_ms;
    if (!InvokeOrSkip(state, *interp)) return;
    double ms = interp->jit_stats().kernels.at(k).total_ms - before;
    state.SetIterationTime(ms * 1e-3);
    total_ms += ms;
  }
  double flops = static_cast<double>(interp->jit_stats().kernels.at(k).flops);
  if (flops == 0 || total_ms <= 0) return;
  double gflops = flops * static_cast<double>(state.iterations()) / (total_ms * 1e6);
  state.counters["flops"] = flops;
  state.counters["GFLOP/s"] = gflops;
  state.counters["pct_peak"] = 100 * gflops / PeakGflops();
}

// One profiling interpreter per model, shared by its kernel rows; they live
// until the process exits.
void RegisterKernels(const std::string& name, const std::string& path) {
  static std::vector<std::unique_ptr<jitlite::Interpreter>> profiled;
  auto interp = LoadAndAllocate(path, {});
  if (!interp.ok()) return;  // the model's Invoke row reports the error
  FillInputs(**interp);
  (*interp)->SetKernelProfiling(true);
  const auto& kernels = (*interp)->jit_stats().kernels;
  for (size_t k = 0; k < kernels.size(); ++k) {
    std::string row = name + "/Kernel/" + std::to_string(k) + "_" + kernels[k].symbol;
    benchmark::RegisterBenchmark(row.c_str(), Kernel, interp->get(), k)
        ->Iterations(KernelInvokes())
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
  profiled.push_back(std::move(*interp));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RegisterBenchmark("FmaPeak", FmaPeak)->Unit(benchmark::kMillisecond);
  for (const std::string& path : ModelPaths()) {
    std::string name = fs::path(path).stem().string();
    benchmark::RegisterBenchmark((name + "/Invoke").c_str(), Invoke, path)
        ->ArgName("threads")
        ->Arg(1)
        ->Arg(2)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((name + "/AllocateCold").c_str(), AllocateCold, path)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((name + "/AllocateDiskCache").c_str(), AllocateDiskCache, path)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((name + "/AllocateCached").c_str(), AllocateCached, path)
        ->Unit(benchmark::kMicrosecond);
    RegisterKernels(name, path);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
