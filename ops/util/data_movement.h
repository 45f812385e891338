// Shared pieces of the data-movement ops (TRANSPOSE, SLICE, TILE, SPLIT,
// UNPACK, REVERSE_V2, BROADCAST_TO, SPACE_TO_DEPTH, ...): elements are only
// copied, never computed, so
//  - the type rule is one function: FLOAT32, INT32, INT64, BOOL (FLOAT16 and
//    BFLOAT16 where TFLite's kernel moves them), plus
//    INT8/UINT8/INT16 raw copies when input and output carry the same
//    quantization (a copy cannot requantize);
//  - most of these ops are an "affine copy": loops whose induction variables
//    step the input's linear offset and the output's multi-index by constant
//    amounts. One description (AffineCopy) drives both the emitted loop nest
//    and constant folding, so the two cannot disagree.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

// True when both tensors carry the same scales and zero points (or neither
// is quantized).
bool SameQuantization(const QuantizationInfo* a, const QuantizationInfo* b);

// Checks that input `data` has a type the copy ops move and that every
// output has the same type (and, for 8/16-bit integers, the same
// quantization). `op` names the op in messages. FLOAT16 and BFLOAT16 are
// moved only by the ops whose TFLite kernels take them (`half_floats`); the
// others reject them as TFLite does. COMPLEX64 likewise (`complex64`: moved
// as one 64-bit element).
Status CheckCopyTypes(const NodeContext& ctx, int data, std::string_view op,
                      bool half_floats = false, bool complex64 = false);
// The same check for one output only (ops whose other outputs are not copies).
Status CheckCopyOutput(const NodeContext& ctx, int data, int output, std::string_view op);

// axis in [-rank, rank) normalized to [0, rank); `what` names it in messages.
StatusOr<int> NormalizeAxis(int64_t axis, int rank, const std::string& what);

// Reads a constant scalar (or 1-element) INT32/INT64 tensor.
StatusOr<int64_t> ReadConstScalarInt(const TensorState& t, const std::string& what);

// Row-major element strides of a shape.
std::vector<int64_t> RowMajorStrides(const Shape& shape);

// One loop of an affine copy: per iteration, the input linear offset moves
// by in_stride and the output index along out_dim by out_step.
struct CopyLoop {
  int64_t extent = 1;
  int64_t in_stride = 0;
  int out_dim = 0;
  int64_t out_step = 1;
};

// Copies input `input` to output `output`: loops outer to inner; element
// (k...) goes from input offset in_base + sum k_j * in_stride_j to output
// index out_base + sum k_j * out_step_j (along out_dim_j).
struct AffineCopy {
  std::vector<CopyLoop> loops;
  int64_t in_base = 0;
  std::vector<int64_t> out_base;  // one per output dim
  int input = 0;
  int output = 0;
};

// The copy of an input viewed through the output's index space: one loop per
// output dim (last innermost, so stores are contiguous), output step 1, input
// strides given per output dim.
AffineCopy OutputOrderCopy(const Shape& out_shape, std::span<const int64_t> in_strides,
                           int64_t in_base = 0, int input = 0, int output = 0);

// Emits the loop nest of `copy`, handing each element to StoreOutput.
void EmitAffineCopy(jit::KernelEmitter& e, const AffineCopy& copy);

// Folds copies into output 0's bytes (every copy must target output 0; input
// offsets are checked against the constant's size). Elements no copy writes
// are zero, or a copy of the one element at `fill` when given.
Status FoldAffineCopies(const NodeContext& ctx, std::span<const AffineCopy> copies,
                        std::vector<uint8_t>& out, const uint8_t* fill = nullptr);

// SPLIT / SPLIT_V: output i gets the next sizes[i] entries of input `input`
// (of shape in_shape) along `axis`; emits one copy per output.
void EmitSplit(jit::KernelEmitter& e, const Shape& in_shape, int axis,
               std::span<const int64_t> sizes, int input);

// True when every present input of the node is a constant.
bool AllInputsConstant(const NodeContext& ctx);

// Base of the single-output ops that are a set of affine copies of input 0
// (TRANSPOSE, SLICE, TILE, ...): the op supplies Prepare and Plan (which
// re-validates the node, since it runs again at fold and emit time); folding
// a constant input 0 and the kernel both follow the plan.
class AffineCopyOp : public OpDef {
 public:
  OpKind kind() const override { return OpKind::kKernel; }
  bool CanFold(const NodeContext& ctx) const override { return ctx.input(0).is_constant(); }
  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override;
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override;

 protected:
  // The copies that make output 0 (shapes already set by Prepare).
  virtual StatusOr<std::vector<AffineCopy>> Plan(const NodeContext& ctx) const = 0;
};

}  // namespace jitlite::ops
