// Google Benchmark suite over whole models, through the public C++ API:
//   <model>/Invoke          one Invoke (inputs filled once)
//   <model>/AllocateCold    load + AllocateTensors in a new interpreter (full compile)
//   <model>/AllocateCached  resize to batch 2 and back: both shapes come from the cache
// Models: the paths in JITLITE_BENCH_MODELS (colon-separated), else the float
// models of ../shared/models that the foundation op set runs. Use
// --benchmark_format=json to compare runs; compare ratios within one run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "jitlite/interpreter.h"

namespace {

std::vector<std::string> ModelPaths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("JITLITE_BENCH_MODELS")) {
    std::stringstream list(env);
    for (std::string p; std::getline(list, p, ':');) {
      if (!p.empty()) paths.push_back(p);
    }
    return paths;
  }
  for (const char* rel : {"micro/hello_world_float.tflite", "ops/norm.tflite",
                          "ops/attn_vec_einsum.tflite"}) {
    std::filesystem::path p = std::filesystem::path(JITLITE_SHARED_MODELS_DIR) / rel;
    if (std::filesystem::exists(p)) paths.push_back(p.string());
  }
  return paths;
}

std::unique_ptr<jitlite::Interpreter> LoadOrSkip(benchmark::State& state,
                                                 const std::string& path) {
  auto interp = jitlite::Interpreter::FromFile(path);
  if (!interp.ok()) {
    state.SkipWithError(interp.status().message().c_str());
    return nullptr;
  }
  if (auto s = (*interp)->AllocateTensors(); !s.ok()) {
    state.SkipWithError(s.message().c_str());
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

void Invoke(benchmark::State& state, const std::string& path) {
  auto interp = LoadOrSkip(state, path);
  if (!interp) return;
  FillInputs(*interp);
  for (auto _ : state) {
    if (auto s = interp->Invoke(); !s.ok()) {
      state.SkipWithError(s.message().c_str());
      return;
    }
  }
}

void AllocateCold(benchmark::State& state, const std::string& path) {
  for (auto _ : state) {
    if (!LoadOrSkip(state, path)) return;
  }
}

void AllocateCached(benchmark::State& state, const std::string& path) {
  auto interp = LoadOrSkip(state, path);
  if (!interp) return;
  int input = interp->inputs().at(0);
  jitlite::Shape batch1 = interp->tensor_info(input)->shape;
  if (batch1.empty()) {
    state.SkipWithError("input 0 is a scalar: no batch dimension to resize");
    return;
  }
  jitlite::Shape batch2 = batch1;
  batch2[0] *= 2;
  auto visit = [&](const jitlite::Shape& shape) {
    jitlite::Status s = interp->ResizeInputTensor(input, shape);
    if (s.ok()) s = interp->AllocateTensors();
    return s;
  };
  if (auto s = visit(batch2); !s.ok()) {  // compile the second shape once
    state.SkipWithError(s.message().c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(visit(batch1).ok());
    benchmark::DoNotOptimize(visit(batch2).ok());
  }
  state.counters["compilations"] = interp->jit_stats().compilations;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (const std::string& path : ModelPaths()) {
    std::string name = std::filesystem::path(path).stem().string();
    benchmark::RegisterBenchmark((name + "/Invoke").c_str(), Invoke, path)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((name + "/AllocateCold").c_str(), AllocateCold, path)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((name + "/AllocateCached").c_str(), AllocateCached, path)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
