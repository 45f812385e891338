// Shared by RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: the NHWC input, the
// size input (a constant INT32 [2] tensor (new_height, new_width): jitlite
// fixes every shape at compile time), TFLite's per-axis scale, the IR for the
// source coordinate of an output row/column, and ResizeOp, the base with the
// ops' shared Prepare and loop nest.
//
// Scale (TFLite's float math, computed once at compile time): in / out, or
// (in - 1) / (out - 1) when align_corners and out > 1.
#pragma once

#include <cstdint>
#include <string_view>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops {

struct ResizeAxis {
  int32_t in = 0;
  int32_t out = 0;
  float scale = 0.0f;
};

struct ResizeParams {
  bool align_corners = false;
  bool half_pixel_centers = false;
  ResizeAxis h, w;
};

// Checks input 0 (rank 4 with rows and columns; the op checks its dtype) and
// input 1 (size) and returns the parameters. `min_size` is the smallest accepted new height or
// width (TFLite: 1 for bilinear, 0 for nearest neighbour).
StatusOr<ResizeParams> ReadResizeParams(const NodeContext& ctx, std::string_view op,
                                        bool align_corners, bool half_pixel_centers,
                                        int32_t min_size);

// [N, new_height, new_width, C] for input 0.
Shape ResizedShape(const NodeContext& ctx, const ResizeParams& p);

// (float(dst) + offset) * scale - shift for output index `dst` (i64), in
// TFLite's float operations and order: bilinear's source coordinate uses
// offset = shift = 0.5 with half-pixel centers, nearest neighbour offset 0.5
// and shift 0. Zero terms are left out (same bits: dst >= 0).
llvm::Value* EmitScaledCoordinate(jit::KernelEmitter& e, llvm::Value* dst, float scale,
                                  float offset, float shift);

// Where one output row or column reads from: taps lo and hi (i64 input
// indices) and their float weights; nearest neighbour uses lo only.
struct AxisSource {
  llvm::Value* lo = nullptr;
  llvm::Value* hi = nullptr;
  llvm::Value* lo_weight = nullptr;
  llvm::Value* hi_weight = nullptr;
};

// One output pixel (n, y, x) (i64 indices) and the sources of its row and
// column.
struct OutputPixel {
  llvm::Value* n;
  llvm::Value* y;
  llvm::Value* x;
  AxisSource row, col;
};

// Base of the two resize ops: Prepare sets the output to ResizedShape; the
// kernel loops n, y, x, computes each row's and column's source once, and
// the op emits the channels of one output pixel.
class ResizeOp : public OpDef {
 public:
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override;
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override;

 protected:
  // Checks the node (again at emit time) and returns its parameters.
  virtual StatusOr<ResizeParams> CheckedParams(const NodeContext& ctx) const = 0;
  // The source of output index `dst` along `axis`.
  virtual AxisSource EmitSource(jit::KernelEmitter& e, llvm::Value* dst, const ResizeAxis& axis,
                                const ResizeParams& p) const = 0;
  // The loop over the channels of one output pixel; `in` is input 0's shape.
  virtual void EmitPixel(jit::KernelEmitter& e, const Shape& in,
                         const OutputPixel& pixel) const = 0;
};

}  // namespace jitlite::ops
