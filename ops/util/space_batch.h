// Shared by SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: the operands (input 0 of
// rank 3 [N, H, C] or 4 [N, H, W, C], so M = rank - 2 spatial dims; input 1
// block_shape INT32 [M]; input 2 paddings or crops INT32 [M, 2]; both
// constant, since jitlite fixes shapes at compile time), the type rule and
// the block geometry.
//
// Both ops pair batch group k (batches k*N' .. k*N' + N' - 1 of the larger
// batch) with block offset (s_0, .., s_{M-1}), the mixed-radix digits of k
// over block_shape, first dim most significant (TFLite's layout).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ops/op.h"

namespace jitlite::ops {

struct SpaceBatchParams {
  std::vector<int64_t> block;          // block_shape, >= 1, one per spatial dim
  std::vector<int64_t> before, after;  // paddings / crops, >= 0, one per spatial dim
};

// Checks the node's operands and reads inputs 1 and 2; `amounts` names input
// 2 ("paddings" or "crops") in messages. Types: FLOAT32, INT32, INT64, BOOL
// and INT8/UINT8/INT16 raw copies (FLOAT16, which LiteRT moves too, is not
// supported yet); TFLite requires the output to have the input's type and
// quantization, and zero point 0 for INT16.
StatusOr<SpaceBatchParams> ReadSpaceBatchParams(const NodeContext& ctx, std::string_view op,
                                                const std::string& amounts);

// Calls fn(k, offset) for every block offset, k = 0, 1, ... in batch group
// order.
void ForEachBlockOffset(const std::vector<int64_t>& block,
                        const std::function<void(int64_t, const std::vector<int64_t>&)>& fn);

// The indices i in [0, count) of a strided axis whose position
// i * stride + offset lies in [0, limit), as [first, end) (empty: first == end).
std::pair<int64_t, int64_t> IndicesInside(int64_t stride, int64_t offset, int64_t limit,
                                          int64_t count);

}  // namespace jitlite::ops
