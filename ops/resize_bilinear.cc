// RESIZE_BILINEAR: resizes the H and W axes of an NHWC input to size (input 1,
// a constant INT32 [2] = (new_height, new_width), each >= 1) by bilinear
// interpolation. Per axis (ops/util/resize.h for the scale): source
// coordinate src = dst * scale, or (dst + 0.5) * scale - 0.5 with
// half_pixel_centers; taps lo = max(floor(src), 0), hi = min(ceil(src),
// in - 1), weight of hi = src - lo. ResizeBilinearOptions align_corners and
// half_pixel_centers exclude each other (TFLite rejects both).
// FLOAT32; INT8/UINT8/INT16 (TFLite's integer interpolation) are not
// supported yet. A computed size tensor is Unimplemented.
//
// Kernel: ResizeOp's loops n, y, x (taps and weights once per row and per
// column), then per channel TFLite's reference expression in its order,
// v00*(1-fy)*(1-fx) + v10*fy*(1-fx) + v01*(1-fy)*fx + v11*fy*fx, so results
// match its reference kernel bit for bit.
#include <string>
#include <vector>

#include "llvm/IR/Intrinsics.h"
#include "ops/op.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/resize.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

class ResizeBilinearOp : public ResizeOp {
 public:
  std::string_view name() const override { return "RESIZE_BILINEAR"; }
  std::vector<int> builtin_codes() const override { return {23}; }

 protected:
  StatusOr<ResizeParams> CheckedParams(const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "RESIZE_BILINEAR", {DType::kFloat32},
                                                  {DType::kInt8, DType::kUInt8, DType::kInt16}));
    if (ctx.output(0).dtype != ctx.input(0).dtype) {
      return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                             " but input 0 has " + DTypeName(ctx.input(0).dtype));
    }
    const auto* opts = ctx.op()->builtin_options_as_ResizeBilinearOptions();
    const bool align_corners = opts && opts->align_corners();
    const bool half_pixel_centers = opts && opts->half_pixel_centers();
    if (align_corners && half_pixel_centers) {
      return InvalidArgument("ResizeBilinearOptions: half_pixel_centers and align_corners "
                             "cannot both be true");
    }
    return ReadResizeParams(ctx, "RESIZE_BILINEAR", align_corners, half_pixel_centers,
                            /*min_size=*/1);
  }

  // Taps lo = max(floor(src), 0) and hi = min(ceil(src), in - 1), weights
  // 1 - (src - lo) and src - lo.
  AxisSource EmitSource(jit::KernelEmitter& e, Value* dst, const ResizeAxis& axis,
                        const ResizeParams& p) const override {
    llvm::IRBuilder<>& b = e.b();
    const float half = p.half_pixel_centers ? 0.5f : 0.0f;
    Value* src = EmitScaledCoordinate(e, dst, axis.scale, half, half);
    Value* lo = b.CreateFPToSI(b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, src),
                               b.getInt32Ty());
    lo = e.Max(lo, e.I32(0));
    Value* hi = b.CreateFPToSI(b.CreateUnaryIntrinsic(llvm::Intrinsic::ceil, src),
                               b.getInt32Ty());
    hi = e.Min(hi, e.I32(axis.in - 1));
    Value* frac = b.CreateFSub(src, b.CreateSIToFP(lo, b.getFloatTy()));
    return {b.CreateSExt(lo, b.getInt64Ty()), b.CreateSExt(hi, b.getInt64Ty()),
            b.CreateFSub(e.F32(1.0f), frac), frac};
  }

  void EmitPixel(jit::KernelEmitter& e, const Shape& in, const OutputPixel& px) const override {
    llvm::IRBuilder<>& b = e.b();
    auto tap = [&](Value* y, Value* x) {
      Value* pixel[] = {px.n, y, x, e.I64(0)};
      return e.LinearOffset(in, pixel);
    };
    const AxisSource& r = px.row;
    const AxisSource& c = px.col;
    Value* base00 = tap(r.lo, c.lo);
    Value* base10 = tap(r.hi, c.lo);
    Value* base01 = tap(r.lo, c.hi);
    Value* base11 = tap(r.hi, c.hi);
    e.For(0, in[3], 1, [&](Value* ch) {
      // load * row weight * column weight, summed in TFLite's order.
      auto term = [&](Value* base, Value* wy, Value* wx) {
        Value* v = e.LoadInput(0, b.CreateAdd(base, ch));
        return b.CreateFMul(b.CreateFMul(v, wy), wx);
      };
      Value* sum = term(base00, r.lo_weight, c.lo_weight);
      sum = b.CreateFAdd(sum, term(base10, r.hi_weight, c.lo_weight));
      sum = b.CreateFAdd(sum, term(base01, r.lo_weight, c.hi_weight));
      sum = b.CreateFAdd(sum, term(base11, r.hi_weight, c.hi_weight));
      Value* index[] = {px.n, px.y, px.x, ch};
      e.StoreOutput(sum, index);
    }, "c");
  }
};

}  // namespace

const OpDef& resize_bilinear_op() {
  static const ResizeBilinearOp op;
  return op;
}

}  // namespace jitlite::ops
