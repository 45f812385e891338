// RESIZE_NEAREST_NEIGHBOR: resizes the H and W axes of an NHWC input to size
// (input 1, a constant INT32 [2] = (new_height, new_width), each >= 0) by
// copying the nearest input pixel. Per axis (ops/util/resize.h for the
// scale), with t = (dst + 0.5 if half_pixel_centers else dst) * scale:
// src = round(t) (half away from zero) with align_corners, floor(t)
// otherwise, then min(src, in - 1). Unlike bilinear, TFLite accepts both
// options at once. FLOAT32, INT32, BOOL and INT8/UINT8/INT16 raw copies (a
// copy cannot requantize, so a quantized output must match the input's
// quantization; LiteRT copies the bytes regardless). LiteRT also moves
// FLOAT16, Unimplemented here like in the other copy ops. A computed size
// tensor is Unimplemented.
//
// Kernel: ResizeOp's loops n, y, x (the source row and column once per output
// row and column), then a copy of one source pixel's contiguous channels.
#include <vector>

#include "llvm/IR/Intrinsics.h"
#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/resize.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

class ResizeNearestNeighborOp : public ResizeOp {
 public:
  std::string_view name() const override { return "RESIZE_NEAREST_NEIGHBOR"; }
  std::vector<int> builtin_codes() const override { return {97}; }

 protected:
  StatusOr<ResizeParams> CheckedParams(const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "RESIZE_NEAREST_NEIGHBOR",
        {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kBool,
         DType::kInt8, DType::kUInt8, DType::kInt16},
        {}));
    JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "RESIZE_NEAREST_NEIGHBOR", /*half_floats=*/true));
    const auto* opts = ctx.op()->builtin_options_as_ResizeNearestNeighborOptions();
    const bool align_corners = opts && opts->align_corners();
    const bool half_pixel_centers = opts && opts->half_pixel_centers();
    return ReadResizeParams(ctx, "RESIZE_NEAREST_NEIGHBOR", align_corners, half_pixel_centers,
                            /*min_size=*/0);
  }

  // The one source index (lo).
  AxisSource EmitSource(jit::KernelEmitter& e, Value* dst, const ResizeAxis& axis,
                        const ResizeParams& p) const override {
    llvm::IRBuilder<>& b = e.b();
    Value* t = EmitScaledCoordinate(e, dst, axis.scale, p.half_pixel_centers ? 0.5f : 0.0f,
                                    0.0f);
    t = b.CreateUnaryIntrinsic(p.align_corners ? llvm::Intrinsic::round : llvm::Intrinsic::floor,
                               t);
    // dst >= 0 and scale >= 0 make the index >= 0: TFLite's extra clamp at 0
    // (with half-pixel centers) never changes it.
    Value* src = e.Min(b.CreateFPToSI(t, b.getInt32Ty()), e.I32(axis.in - 1));
    AxisSource source;
    source.lo = b.CreateSExt(src, b.getInt64Ty());
    return source;
  }

  void EmitPixel(jit::KernelEmitter& e, const Shape& in, const OutputPixel& px) const override {
    Value* pixel[] = {px.n, px.row.lo, px.col.lo, e.I64(0)};
    Value* base = e.LinearOffset(in, pixel);
    e.For(0, in[3], 1, [&](Value* c) {
      Value* index[] = {px.n, px.y, px.x, c};
      e.StoreOutput(e.LoadInput(0, e.b().CreateAdd(base, c)), index);
    }, "c");
  }
};

}  // namespace

const OpDef& resize_nearest_neighbor_op() {
  static const ResizeNearestNeighborOp op;
  return op;
}

}  // namespace jitlite::ops
