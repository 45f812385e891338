// SPACE_TO_BATCH_ND: zero-pads the M = rank - 2 spatial dims of input 0
// ([N, H, C] or [N, H, W, C]) by paddings (input 2, constant INT32 [M, 2] of
// (before, after) pairs) and moves each block_shape (input 1, constant INT32
// [M]) block of the padded input into the batch:
//   out [N * prod(block), padded_d / block_d ..., C],
//   out[k*N + n, o_0.., c] = padded[n, o_0*b_0 + s_0, .., c]
// where (s_0, ..) is batch group k's block offset (ops/util/space_batch.h).
// Each padded dim must be a multiple of its block. FLOAT32, INT32, INT64,
// BOOL and INT8/UINT8/INT16 raw copies; the pad value is 0, or the output
// zero point for INT8/UINT8 (TFLite's rule).
//
// Plan, per block offset: one affine copy of the input elements that land in
// that batch group (a box of output rows/columns), and in the kernel the
// rest of the group filled with the pad value; nothing is written twice. A
// constant input is folded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "ops/util/space_batch.h"

namespace jitlite::ops {
namespace {

constexpr char kOp[] = "SPACE_TO_BATCH_ND";

// One batch group: the output box [begin, end) per dim that its copy fills,
// inside the group's whole box.
struct Group {
  std::vector<int64_t> group_begin, group_end;
  std::vector<int64_t> begin, end;
  AffineCopy copy;
};

StatusOr<Shape> CheckedOutputShape(const NodeContext& ctx, const SpaceBatchParams& p) {
  const Shape& in = ctx.input(0).shape;
  Shape out = in;
  int64_t batch = in[0];
  for (size_t d = 0; d < p.block.size(); ++d) {
    const int64_t padded = in[d + 1] + p.before[d] + p.after[d];
    if (padded % p.block[d] != 0) {
      return InvalidArgument("padded size " + std::to_string(padded) + " of input dim " +
                             std::to_string(d + 1) + " (size + paddings) is not a multiple of "
                             "block_shape[" + std::to_string(d) + "] = " +
                             std::to_string(p.block[d]));
    }
    batch *= p.block[d];
    if (padded > INT32_MAX || batch > INT32_MAX) {
      return InvalidArgument("output dims are larger than INT32_MAX");
    }
    out[d + 1] = static_cast<int32_t>(padded / p.block[d]);
  }
  out[0] = static_cast<int32_t>(batch);
  return out;
}

std::vector<Group> PlanGroups(const Shape& in, const Shape& out, const SpaceBatchParams& p) {
  const std::vector<int64_t> s = RowMajorStrides(in);
  const int m = static_cast<int>(p.block.size());
  std::vector<Group> groups;
  ForEachBlockOffset(p.block, [&](int64_t k, const std::vector<int64_t>& offset) {
    Group g;
    g.group_begin.assign(in.size(), 0);
    g.group_begin[0] = k * in[0];
    g.group_end.assign(out.begin(), out.end());
    g.group_end[0] = g.group_begin[0] + in[0];
    g.begin = g.group_begin;
    g.end = g.group_end;
    g.copy.loops.push_back({in[0], s[0], 0, 1});
    for (int d = 0; d < m; ++d) {
      // Output index o reads input position o * block + offset - before.
      const int64_t shift = offset[d] - p.before[d];
      auto [first, end] = IndicesInside(p.block[d], shift, in[d + 1], out[d + 1]);
      g.begin[d + 1] = first;
      g.end[d + 1] = end;
      g.copy.in_base += (first * p.block[d] + shift) * s[d + 1];
      g.copy.loops.push_back({end - first, p.block[d] * s[d + 1], d + 1, 1});
    }
    g.copy.loops.push_back({in[m + 1], 1, m + 1, 1});
    g.copy.out_base = g.begin;
    groups.push_back(std::move(g));
  });
  return groups;
}

bool IsEmpty(const AffineCopy& copy) {
  for (const CopyLoop& l : copy.loops) {
    if (l.extent == 0) return true;
  }
  return false;
}

int64_t PadValue(const TensorState& out) {
  const bool zp_pads = out.dtype == DType::kInt8 || out.dtype == DType::kUInt8;
  if (!zp_pads || out.quant == nullptr || out.quant->zero_points.empty()) return 0;
  return out.quant->zero_points[0];
}

// Stores `value` at every output index in the box [begin, end).
void EmitFill(jit::KernelEmitter& e, const std::vector<int64_t>& begin,
              const std::vector<int64_t>& end, llvm::Value* value) {
  Shape extents;
  for (size_t d = 0; d < begin.size(); ++d) {
    extents.push_back(static_cast<int32_t>(end[d] - begin[d]));
  }
  llvm::IRBuilder<>& b = e.b();
  EmitIndexLoops(e, extents, [&](const std::vector<llvm::Value*>& k) {
    std::vector<llvm::Value*> index;
    for (size_t d = 0; d < k.size(); ++d) index.push_back(b.CreateAdd(k[d], e.I64(begin[d])));
    e.StoreOutput(value, index);
  });
}

// Fills the group's box minus the copied box: per dim d, the parts before and
// after the copied range, with the dims before d inside the copied box and
// the dims after d whole. The pieces partition the difference, also when the
// copied box is empty.
void EmitGroupPadding(jit::KernelEmitter& e, const Group& g, llvm::Value* value) {
  for (size_t d = 0; d < g.begin.size(); ++d) {
    std::vector<int64_t> lo(g.begin.begin(), g.begin.begin() + d);
    std::vector<int64_t> hi(g.end.begin(), g.end.begin() + d);
    lo.insert(lo.end(), g.group_begin.begin() + d, g.group_begin.end());
    hi.insert(hi.end(), g.group_end.begin() + d, g.group_end.end());
    std::vector<int64_t> before_hi = hi, after_lo = lo;
    before_hi[d] = g.begin[d];
    after_lo[d] = g.end[d];
    EmitFill(e, lo, before_hi, value);
    EmitFill(e, after_lo, hi, value);
  }
}

class SpaceToBatchNdOp : public OpDef {
 public:
  std::string_view name() const override { return kOp; }
  std::vector<int> builtin_codes() const override { return {38}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SpaceBatchParams p, ReadSpaceBatchParams(ctx, kOp, "paddings"));
    JITLITE_ASSIGN_OR_RETURN(Shape out, CheckedOutputShape(ctx, p));
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return AllInputsConstant(ctx); }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<Group> groups, Plan(ctx));
    std::vector<AffineCopy> copies;
    for (const Group& g : groups) copies.push_back(g.copy);
    const TensorState& result = ctx.output(0);
    std::vector<uint8_t> fill(DTypeSize(result.dtype), 0);
    fill[0] = static_cast<uint8_t>(PadValue(result));  // one-byte types only pad with non-zero
    return FoldAffineCopies(ctx, copies, out, fill.data());
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<Group> groups, Plan(ctx));
    llvm::Value* pad = e.Const(ctx.output(0).dtype, static_cast<double>(PadValue(ctx.output(0))));
    for (const Group& g : groups) {
      if (!IsEmpty(g.copy)) EmitAffineCopy(e, g.copy);
      EmitGroupPadding(e, g, pad);
    }
    return Status::Ok();
  }

 private:
  // Re-validates the node (Plan runs again at fold and emit time).
  static StatusOr<std::vector<Group>> Plan(const NodeContext& ctx) {
    JITLITE_ASSIGN_OR_RETURN(SpaceBatchParams p, ReadSpaceBatchParams(ctx, kOp, "paddings"));
    JITLITE_ASSIGN_OR_RETURN(Shape out, CheckedOutputShape(ctx, p));
    return PlanGroups(ctx.input(0).shape, out, p);
  }
};

}  // namespace

const OpDef& space_to_batch_nd_op() {
  static const SpaceToBatchNdOp op;
  return op;
}

}  // namespace jitlite::ops
