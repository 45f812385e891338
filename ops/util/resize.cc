// Size input, scales and source coordinates of the resize ops (see
// ops/util/resize.h).
#include "ops/util/resize.h"

#include <string>
#include <vector>

namespace jitlite::ops {
namespace {

// TFLite's scale, in float as its kernels compute it.
float AxisScale(int32_t in, int32_t out, bool align_corners) {
  if (out == 0) return 0.0f;  // empty output: no coordinate is ever computed
  if (align_corners && out > 1) {
    return static_cast<float>(in - 1) / static_cast<float>(out - 1);
  }
  return static_cast<float>(in) / static_cast<float>(out);
}

}  // namespace

StatusOr<ResizeParams> ReadResizeParams(const NodeContext& ctx, std::string_view op,
                                        bool align_corners, bool half_pixel_centers,
                                        int32_t min_size) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 4, 4));
  const TensorState& in = ctx.input(0);
  if (in.dim(1) == 0 || in.dim(2) == 0) {
    return InvalidArgument("input 0 " + ShapeToString(in.shape) +
                           " has no rows or columns to resize from");
  }
  const TensorState& size = ctx.input(1);
  if (size.dtype != DType::kInt32) {
    return InvalidArgument(std::string("input 1 (size) has type ") + DTypeName(size.dtype) +
                           "; " + std::string(op) + " needs INT32");
  }
  if (size.rank() != 1 || size.dim(0) != 2) {
    return InvalidArgument("input 1 (size) has shape " + ShapeToString(size.shape) +
                           "; expected [2] (new_height, new_width)");
  }
  if (!size.is_constant()) {
    return Unimplemented("input 1 (size) is not a constant tensor; jitlite needs a constant "
                         "size because the output shape must be known at compile time");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> hw, ReadConstInts(size, "size (input 1)"));
  for (int i = 0; i < 2; ++i) {
    if (hw[i] < min_size) {
      return InvalidArgument(std::string(i == 0 ? "new height " : "new width ") +
                             std::to_string(hw[i]) + " (input 1) must be >= " +
                             std::to_string(min_size));
    }
  }
  ResizeParams p;
  p.align_corners = align_corners;
  p.half_pixel_centers = half_pixel_centers;
  const int32_t out_h = static_cast<int32_t>(hw[0]), out_w = static_cast<int32_t>(hw[1]);
  p.h = {in.dim(1), out_h, AxisScale(in.dim(1), out_h, align_corners)};
  p.w = {in.dim(2), out_w, AxisScale(in.dim(2), out_w, align_corners)};
  return p;
}

Shape ResizedShape(const NodeContext& ctx, const ResizeParams& p) {
  const Shape& in = ctx.input(0).shape;
  return {in[0], p.h.out, p.w.out, in[3]};
}

llvm::Value* EmitScaledCoordinate(jit::KernelEmitter& e, llvm::Value* dst, float scale,
                                  float offset, float shift) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* v = b.CreateSIToFP(dst, b.getFloatTy());
  if (offset != 0.0f) v = b.CreateFAdd(v, e.F32(offset));
  v = b.CreateFMul(v, e.F32(scale));
  if (shift != 0.0f) v = b.CreateFSub(v, e.F32(shift));
  return v;
}

Status ResizeOp::Prepare(NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(ResizeParams p, CheckedParams(ctx));
  ctx.SetOutput(0, ctx.input(0).dtype, ResizedShape(ctx, p));
  return Status::Ok();
}

Status ResizeOp::EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const {
  JITLITE_ASSIGN_OR_RETURN(ResizeParams p, CheckedParams(ctx));
  const Shape& in = ctx.input(0).shape;
  e.For(0, in[0], 1, [&](llvm::Value* n) {
    e.For(0, p.h.out, 1, [&](llvm::Value* y) {
      const AxisSource row = EmitSource(e, y, p.h, p);
      e.For(0, p.w.out, 1, [&](llvm::Value* x) {
        EmitPixel(e, in, {n, y, x, row, EmitSource(e, x, p.w, p)});
      }, "x");
    }, "y");
  }, "n");
  return Status::Ok();
}

}  // namespace jitlite::ops
