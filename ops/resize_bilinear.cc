// RESIZE_BILINEAR: resizes the H and W axes of an NHWC input to size (input 1,
// a constant INT32 [2] = (new_height, new_width), each >= 1) by bilinear
// interpolation. Per axis (ops/util/resize.h for the scale): source
// coordinate src = dst * scale, or (dst + 0.5) * scale - 0.5 with
// half_pixel_centers; taps lo = max(floor(src), 0), hi = min(ceil(src),
// in - 1), weight of hi = src - lo. ResizeBilinearOptions align_corners and
// half_pixel_centers exclude each other (TFLite rejects both).
// FLOAT32, UINT8, INT8 and INT16 (quantized: a copy of the stored values'
// interpolation, so the output must be quantized like the input, as for
// RESIZE_NEAREST_NEIGHBOR). A computed size tensor is Unimplemented.
//
// Kernel: ResizeOp's loops n, y, x (taps and weights once per row and per
// column), then per channel TFLite's reference expression in its order,
// v00*(1-fy)*(1-fx) + v10*fy*(1-fx) + v01*(1-fy)*fx + v11*fy*fx, so results
// match its reference kernel bit for bit. UINT8 runs that float expression
// on the stored values, adds 0.5 (in float) and truncates. INT8 and INT16 take
// TFLite's integer kernel: scale and coordinates in 1/1024 steps (scale =
// round(1024 * in / out), src = dst * scale (+ scale / 2 - 512 with
// half-pixel centers), taps src / 1024 truncated (>= 0) and rounded up
// (<= in - 1)), weights 1024 - frac and frac, the i64 sum rounded half away
// from zero at 2^20.
#include <string>
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

constexpr int32_t kOne10 = 1 << 10;  // 1.0 in the integer kernel's coordinates

// INT8 and INT16 interpolate in integers; FLOAT32 and UINT8 in float.
bool IntegerKernel(DType dtype) { return dtype == DType::kInt8 || dtype == DType::kInt16; }

// The integer kernel's scale: in / out (or (in - 1) / (out - 1) with
// align_corners) in 1/1024 steps, rounded half up.
int32_t Scale10(const ResizeAxis& axis, bool align_corners) {
  const bool aligned = align_corners && axis.out > 1;
  const int32_t in = aligned ? axis.in - 1 : axis.in;
  const int32_t out = aligned ? axis.out - 1 : axis.out;
  return out == 0 ? 0 : (kOne10 * in + out / 2) / out;
}

class ResizeBilinearOp : public ResizeOp {
 public:
  std::string_view name() const override { return "RESIZE_BILINEAR"; }
  std::vector<int> builtin_codes() const override { return {23}; }

 protected:
  StatusOr<ResizeParams> CheckedParams(const NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "RESIZE_BILINEAR", {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt16},
        {}));
    if (ctx.output(0).dtype != ctx.input(0).dtype) {
      return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                             " but input 0 has " + DTypeName(ctx.input(0).dtype));
    }
    JITLITE_RETURN_IF_ERROR(CheckCopyOutput(ctx, 0, 0, "RESIZE_BILINEAR"));
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
    if (IntegerKernel(e.node().input(0).dtype)) return EmitIntegerSource(e, dst, axis, p);
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

  // The integer kernel's taps and weights (i64, in 1/1024 steps); src / 1024
  // truncates toward zero like C's division (src < 0 only near dst = 0 with
  // half-pixel centers, where the clamp at 0 follows).
  AxisSource EmitIntegerSource(jit::KernelEmitter& e, Value* dst, const ResizeAxis& axis,
                               const ResizeParams& p) const {
    llvm::IRBuilder<>& b = e.b();
    const int32_t scale = Scale10(axis, p.align_corners);
    Value* src = b.CreateMul(b.CreateTrunc(dst, b.getInt32Ty()), e.I32(scale));
    if (p.half_pixel_centers) src = b.CreateAdd(src, e.I32(scale / 2 - kOne10 / 2));
    Value* lo = e.Max(b.CreateSDiv(src, e.I32(kOne10)), e.I32(0));
    Value* hi = e.Min(b.CreateSDiv(b.CreateAdd(src, e.I32(kOne10 - 1)), e.I32(kOne10)),
                      e.I32(axis.in - 1));
    Value* frac = b.CreateSub(src, b.CreateMul(lo, e.I32(kOne10)));
    auto wide = [&](Value* v) { return b.CreateSExt(v, b.getInt64Ty()); };
    return {wide(lo), wide(hi), wide(b.CreateSub(e.I32(kOne10), frac)), wide(frac)};
  }

  void EmitPixel(jit::KernelEmitter& e, const Shape& in, const OutputPixel& px) const override {
    const DType dtype = e.node().input(0).dtype;
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
      const bool integer = IntegerKernel(dtype);
      auto term = [&](Value* base, Value* wy, Value* wx) {
        Value* v = e.LoadInput(0, b.CreateAdd(base, ch));
        if (integer) {
          v = b.CreateSExt(v, b.getInt64Ty());
          return b.CreateMul(b.CreateMul(v, wy), wx);
        }
        if (dtype == DType::kUInt8) v = b.CreateUIToFP(v, b.getFloatTy());
        return b.CreateFMul(b.CreateFMul(v, wy), wx);
      };
      auto add = [&](Value* x, Value* y) {
        return integer ? b.CreateAdd(x, y) : b.CreateFAdd(x, y);
      };
      Value* sum = term(base00, r.lo_weight, c.lo_weight);
      sum = add(sum, term(base10, r.hi_weight, c.lo_weight));
      sum = add(sum, term(base01, r.lo_weight, c.hi_weight));
      sum = add(sum, term(base11, r.hi_weight, c.hi_weight));
      Value* index[] = {px.n, px.y, px.x, ch};
      e.StoreOutput(StoredResult(e, sum, dtype), index);
    }, "c");
  }

  // The interpolated sum as the output's stored value: FLOAT32 as is, UINT8
  // sum + 0.5f truncated (TFLite's rounding offset), INT8/INT16 from 2^20 steps
  // rounded half away from zero. A convex combination stays in range.
  static Value* StoredResult(jit::KernelEmitter& e, Value* sum, DType dtype) {
    llvm::IRBuilder<>& b = e.b();
    if (dtype == DType::kFloat32) return sum;
    if (dtype == DType::kUInt8) {
      return b.CreateFPToUI(b.CreateFAdd(sum, e.F32(0.5f)), b.getInt8Ty());
    }
    const int64_t half = int64_t{1} << 19;
    Value* positive = b.CreateICmpSGT(sum, e.I64(0));
    Value* rounded = b.CreateAdd(sum, b.CreateSelect(positive, e.I64(half), e.I64(-half)));
    rounded = b.CreateSDiv(rounded, e.I64(int64_t{1} << 20));
    return b.CreateTrunc(rounded, dtype == DType::kInt16 ? b.getInt16Ty() : b.getInt8Ty());
  }
};

}  // namespace

const OpDef& resize_bilinear_op() {
  static const ResizeBilinearOp op;
  return op;
}

}  // namespace jitlite::ops
