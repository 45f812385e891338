// Greedy best-fit arena placement (see lib/arena.h).
#include "lib/arena.h"

#include <algorithm>
#include <numeric>

namespace jitlite {
namespace {

size_t AlignUp(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

bool Overlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}

}  // namespace

ArenaPlan PlanArena(const std::vector<BufferRequest>& requests) {
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes) return requests[a].bytes > requests[b].bytes;
    return requests[a].first_use < requests[b].first_use;
  });

  std::vector<size_t> placed;  // request indices, kept sorted by offset
  for (size_t r : order) {
    size_t need = AlignUp(std::max<size_t>(requests[r].bytes, 1));
    // Walk the live neighbours in offset order; take the smallest gap that fits.
    size_t best_offset = SIZE_MAX, best_gap = SIZE_MAX, cursor = 0;
    for (size_t p : placed) {
      if (!Overlap(requests[p], requests[r])) continue;
      size_t start = plan.offsets[p];
      if (start >= cursor + need && start - cursor < best_gap) {
        best_gap = start - cursor;
        best_offset = cursor;
      }
      cursor = std::max(cursor, start + AlignUp(std::max<size_t>(requests[p].bytes, 1)));
    }
    if (best_offset == SIZE_MAX) best_offset = cursor;
    plan.offsets[r] = best_offset;
    plan.size = std::max(plan.size, best_offset + need);
    auto pos = std::upper_bound(placed.begin(), placed.end(), r, [&](size_t a, size_t b) {
      return plan.offsets[a] < plan.offsets[b];
    });
    placed.insert(pos, r);
  }
  return plan;
}

}  // namespace jitlite
