// Memory planning: one arena for all tensors that need memory. Tensors whose
// lifetimes (first write .. last read, in kernel order) do not overlap share
// bytes; graph inputs and outputs live for the whole run so their addresses
// stay stable until the next allocate. Best-fit placement by decreasing size,
// 64-byte aligned (TFLite's ArenaPlanner idea).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace jitlite {

struct BufferRequest {
  size_t bytes = 0;
  int first_use = 0;  // step (kernel index) that writes it first
  int last_use = 0;   // last step that reads it
};

struct ArenaPlan {
  std::vector<size_t> offsets;  // one per request
  size_t size = 0;              // high-water mark
};

constexpr size_t kArenaAlignment = 64;

ArenaPlan PlanArena(const std::vector<BufferRequest>& requests);

}  // namespace jitlite
