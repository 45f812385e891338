// Runs a .tflite model with jitlite's C++ API: loads it, compiles it for its
// input shapes, fills float inputs with a ramp, invokes it and prints the
// first outputs and the invoke latency. Built against the installed package:
//   find_package(jitlite) + target_link_libraries(... jitlite::jitlite)
#include <jitlite/interpreter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.tflite\n", argv[0]);
    return 2;
  }
  auto loaded = jitlite::Interpreter::FromFile(argv[1]);
  if (!loaded.ok()) {
    std::fprintf(stderr, "error: %s\n", loaded.status().message().c_str());
    return 1;
  }
  jitlite::Interpreter& interp = **loaded;
  if (auto s = interp.AllocateTensors(); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  for (size_t i = 0; i < interp.inputs().size(); ++i) {
    std::span<float> in = interp.input<float>(static_cast<int>(i));
    for (size_t k = 0; k < in.size(); ++k) in[k] = static_cast<float>(k % 255) / 255.0f;
  }
  auto start = std::chrono::steady_clock::now();
  constexpr int kRuns = 20;
  for (int r = 0; r < kRuns; ++r) {
    if (auto s = interp.Invoke(); !s.ok()) {
      std::fprintf(stderr, "error: %s\n", s.message().c_str());
      return 1;
    }
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / kRuns;
  std::span<const float> out = interp.output<float>(0);
  std::printf("output 0 (%zu values):", out.size());
  for (size_t k = 0; k < std::min<size_t>(out.size(), 10); ++k) std::printf(" %.5g", out[k]);
  std::printf("\ninvoke: %.3f ms (mean of %d), compile: %.1f ms, cpu %s\n", ms, kRuns,
              interp.jit_stats().compile_time_ms, interp.jit_stats().target_cpu.c_str());
  return 0;
}
