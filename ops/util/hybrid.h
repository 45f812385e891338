// Hybrid (dynamic-range quantized) FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D
// and BATCH_MATMUL: FLOAT32 activations with INT8 weights (one scale, or one
// per output channel), as TFLite's converter writes them for dynamic-range
// quantization (ops-reference.md §3 "Hybrid"). Like TFLite's kernels, each
// float input row is quantized at run time:
//  - symmetric: scale = max|x| / 127, q = round(x * (127 / max|x|)) clamped
//    to [-127, 127], zero point 0;
//  - asymmetric (AsymmetricQuantizeFloats): the range [min(0, min x),
//    max(0, max x)] over 255 steps (in double), the nudged zero point in
//    [-128, 127], q = round(zp + x * (1 / scale)) clamped to [-128, 127];
//  an all-zero row gets scale 1 and q = 0. Then
//    acc = sum w * (q - zp)  (i32)
//    out = act(bias + acc * row_scale * filter_scale[c])  (float)
// where the grouping of the float product follows each TFLite kernel
// (ScaleOrder). The filter zero points are ignored, as TFLite does.
//
// A row (an FC/BATCH_MATMUL input row, or a whole batch image of a
// convolution) is quantized into a stack scratch buffer when it fits
// kMaxScratchBytes; a larger one is quantized again at each load (the same
// values, computed from the row's scale and zero point), so invoke never
// allocates.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jit/emitters.h"
#include "lib/aligned_buffer.h"
#include "ops/op.h"

namespace jitlite::ops::hybrid {

// Largest quantized row kept in a stack buffer.
constexpr int64_t kMaxScratchBytes = 64 * 1024;

// The packed filter types an op's hybrid kernel also takes, as LiteRT's
// does: INT4/INT2 constants are unpacked to int8 bytes once at import
// (lib/constant_decoding), so the INT8 kernels run them unchanged.
enum class SubByteFilters { kNone, kInt4, kInt4AndInt2 };

// True for a FLOAT32 input 0 with an INT8 input 1 (the filter / rhs), or an
// input 1 of the sub-byte types `also` allows.
bool IsHybrid(const NodeContext& ctx, SubByteFilters also = SubByteFilters::kNone);

// Checks the dtypes of a hybrid node: FLOAT32 output, a filter (input 1)
// with quantization parameters, either one scale or `cout` scales along
// `channel_axis`, and a FLOAT32 bias (input 2) if there is one. `op` names the
// op in messages.
Status CheckTypes(const NodeContext& ctx, const char* op, int64_t cout, int channel_axis);

// True when the filter has several scales that are not all equal (TFLite's
// CONV_2D takes its per-channel kernel only then).
bool HasDistinctScales(const TensorState& filter);

// Packs the filter scales as f32[cout] (a single scale repeated), read by
// FilterScale from packed buffer `k`.
void PackFilterScales(const NodeContext& ctx, int64_t cout, std::vector<AlignedBuffer>& out);
llvm::Value* FilterScale(jit::KernelEmitter& e, int packed_buffer, llvm::Value* channel);

// How a kernel groups acc * row_scale * filter_scale (float products do not
// associate): FULLY_CONNECTED, BATCH_MATMUL, per-tensor CONV_2D and
// DEPTHWISE_CONV_2D compute acc * (row_scale * filter_scale), per-channel
// CONV_2D (acc * filter_scale) * row_scale.
enum class ScaleOrder { kAccTimesCombined, kFilterThenRow };

// The float result of one output element before its activation: acc (i32)
// scaled as above, plus `bias` (f32, may be null).
llvm::Value* EmitOutput(jit::KernelEmitter& e, llvm::Value* acc, llvm::Value* row_scale,
                        llvm::Value* filter_scale, ScaleOrder order, llvm::Value* bias);

// Quantizes float32 rows of `size` elements `stride` apart, read from input 0
// or, when `source` is given, from that f32 pointer (another input, such as a
// recurrent state, or a stack row; it must dominate every Quantize call).
class RowQuantizer {
 public:
  RowQuantizer(jit::KernelEmitter& e, int64_t size, int64_t stride, bool asymmetric,
               llvm::Value* source = nullptr);

  // Emits the range reduction and the scale and zero point of the row
  // starting at element `base` (i64) of the source, and its quantization into
  // the scratch buffer when there is one. The values below are valid in the
  // code emitted after this call inside the same loop body.
  void Quantize(llvm::Value* base);

  // The row's scale (f32).
  llvm::Value* scale() const { return scale_; }
  // q - zero_point (i32) of row element `index` (i64, 0 <= index < size).
  llvm::Value* LoadCentered(llvm::Value* index);

 private:
  void EmitSymmetricParams(llvm::Value* base);
  void EmitAsymmetricParams(llvm::Value* base);
  llvm::Value* LoadRow(llvm::Value* index);
  // round(zp + x * inv) (or round(x * inv)) clamped, as i32.
  llvm::Value* QuantizeValue(llvm::Value* x);

  jit::KernelEmitter& e_;
  int64_t size_, stride_;
  bool asymmetric_;
  llvm::Value* source_;                // f32 pointer, or null: input 0
  llvm::AllocaInst* scratch_ = nullptr;  // i8[size], or null: quantize at each load
  llvm::Value* base_ = nullptr;
  llvm::Value* scale_ = nullptr;
  llvm::Value* inverse_ = nullptr;     // f32 multiplier from x to the q grid
  llvm::Value* zero_point_ = nullptr;  // i32
};

// For each INT8 weight matrix (row-major, `len` columns): the i32 dot product
// of its row `row` with the row `q` last quantized, q - zero_point (exact, so
// TFLite's dot(w, q) - zp * rowsum(w) gives the same), in one loop over the
// columns so every quantized element feeds each of them. The recurrent ops'
// gate and projection products.
std::vector<llvm::Value*> EmitRowDots(jit::KernelEmitter& e, std::span<llvm::Value* const> weights,
                                      llvm::Value* row, RowQuantizer& q, int64_t len);

}  // namespace jitlite::ops::hybrid
