// TRANSPOSE: out[i_0, ..., i_{r-1}] = in[j] with j[perm[k]] = i_k, i.e.
// output dim k is input dim perm[k]. perm (input 1) is a constant INT32
// vector holding a permutation of 0..rank-1 (TFLite's kernel reads perm as
// INT32 whatever its type, so an INT64 perm is rejected rather than
// misread); rank 0..8 (LiteRT takes up to 8).
// A rank-0 input is copied (LiteRT leaves that output unwritten). FLOAT32, INT32, INT64, BOOL and INT8/UINT8/INT16 raw copies.
// jitlite needs the permutation at compile time: a computed perm is
// Unimplemented.
//
// Kernel: one loop per output dim, the last innermost, so stores are
// contiguous and the input is read with the permuted strides; when the
// input's last dim moves, the two dims involved are walked in 8x8 tiles. A
// constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxRank = 8;
constexpr int64_t kTile = 8;

StatusOr<std::vector<int>> ReadPerm(const NodeContext& ctx) {
  const TensorState& t = ctx.input(1);
  const int rank = ctx.input(0).rank();
  if (t.rank() != 1 || t.dim(0) != rank) {
    return InvalidArgument("perm (input 1) has shape " + ShapeToString(t.shape) +
                           "; expected [" + std::to_string(rank) + "], one entry per dim of " +
                           "input 0 " + ShapeToString(ctx.input(0).shape));
  }
  if (t.dtype != DType::kInt32) {
    return InvalidArgument(std::string("perm (input 1) has type ") + DTypeName(t.dtype) +
                           "; TRANSPOSE takes an INT32 perm");
  }
  std::vector<int> perm;
  if (rank == 0) return perm;
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadConstInts(t, "perm (input 1)"));
  std::vector<bool> seen(rank, false);
  for (int64_t v : values) {
    if (v < 0 || v >= rank || seen[v]) {
      std::string list;
      for (int64_t x : values) list += (list.empty() ? "" : ", ") + std::to_string(x);
      return InvalidArgument("perm [" + list + "] is not a permutation of 0.." +
                             std::to_string(rank - 1));
    }
    seen[v] = true;
    perm.push_back(static_cast<int>(v));
  }
  return perm;
}

StatusOr<std::vector<int>> CheckedPerm(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "TRANSPOSE", /*half_floats=*/true,
                                         /*complex64=*/true));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, kMaxRank));
  return ReadPerm(ctx);
}

AffineCopy TransposeCopy(const NodeContext& ctx, const std::vector<int>& perm) {
  const std::vector<int64_t> in_strides = RowMajorStrides(ctx.input(0).shape);
  std::vector<int64_t> strides;
  for (int p : perm) strides.push_back(in_strides[p]);
  return OutputOrderCopy(ctx.output(0).shape, strides);
}

// Part [start, start + count) of one output dim; tiled parts loop in tiles.
struct DimPart {
  int64_t start, count;
  bool tiled;
};

std::vector<DimPart> SplitForTiles(int64_t extent) {
  const int64_t full = extent - extent % kTile;
  std::vector<DimPart> parts = {{0, full, true}};
  if (full < extent) parts.push_back({full, extent - full, false});
  return parts;
}

// When the input's contiguous dim lands on output dim b other than the last
// output dim a, the plain copy reads with a large stride. Tiling a and b
// (kTile x kTile blocks, remainders as separate nests) keeps both the reads
// and the writes of a block within a few cache lines.
std::vector<AffineCopy> TiledTransposeCopies(const NodeContext& ctx,
                                             const std::vector<int>& perm) {
  AffineCopy plain = TransposeCopy(ctx, perm);
  const int rank = static_cast<int>(perm.size());
  const int a = rank - 1;
  int b = 0;
  while (b < rank && perm[b] != rank - 1) ++b;
  if (rank < 2 || b == a || plain.loops[a].extent < kTile || plain.loops[b].extent < kTile) {
    return {plain};
  }
  std::vector<AffineCopy> copies;
  for (const DimPart& pb : SplitForTiles(plain.loops[b].extent)) {
    for (const DimPart& pa : SplitForTiles(plain.loops[a].extent)) {
      AffineCopy copy = plain;
      copy.loops.clear();
      for (int k = 0; k < rank; ++k) {
        if (k != a && k != b) copy.loops.push_back(plain.loops[k]);
      }
      const CopyLoop lb = plain.loops[b], la = plain.loops[a];
      copy.in_base += pb.start * lb.in_stride + pa.start * la.in_stride;
      copy.out_base[b] = pb.start;
      copy.out_base[a] = pa.start;
      if (pb.tiled) copy.loops.push_back({pb.count / kTile, kTile * lb.in_stride, b, kTile});
      if (pa.tiled) copy.loops.push_back({pa.count / kTile, kTile * la.in_stride, a, kTile});
      copy.loops.push_back({pb.tiled ? kTile : pb.count, lb.in_stride, b, 1});
      copy.loops.push_back({pa.tiled ? kTile : pa.count, la.in_stride, a, 1});
      copies.push_back(std::move(copy));
    }
  }
  return copies;
}

class TransposeOp : public AffineCopyOp {
 public:
  std::string_view name() const override { return "TRANSPOSE"; }
  std::vector<int> builtin_codes() const override { return {39}; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int> perm, CheckedPerm(ctx));
    Shape out;
    for (int p : perm) out.push_back(ctx.input(0).dim(p));
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

 protected:
  StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int> perm, CheckedPerm(ctx));
    return TiledTransposeCopies(ctx, perm);
  }
};

}  // namespace

const OpDef& transpose_op() {
  static const TransposeOp op;
  return op;
}

}  // namespace jitlite::ops
