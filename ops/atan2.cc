// ATAN2: out = atan2(y, x) (input 0 is y, input 1 is x), the angle of (x, y)
// in [-pi, pi]. FLOAT32, and FLOAT16/BFLOAT16 computed in float32; FLOAT64
// comes later. TFLite's ATAN2 does
// not broadcast (it walks both inputs by the flat index of y, after checking
// only that the ranks agree), so the shapes must be equal here.
// Computed inline in float (no libm call): atan of min(|x|,|y|) / max(|x|,|y|)
// in [0, 1] by Cephes' atanf reduction and polynomial (a few ulp), then placed
// in its octant. Special values follow C's atan2: signed zeros pick 0 or pi
// (atan2(+-0, -0) = +-pi), infinities give multiples of pi/4, NaN propagates.
#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr float kPi = 3.14159265358979f;
constexpr float kPiOver2 = 1.57079632679490f;
constexpr float kPiOver4 = 0.785398163397448f;

// atan(t) for t in [0, 1]: above tan(pi/8), atan(t) = pi/4 + atan((t-1)/(t+1)).
Value* Atan2AtanUnit(jit::ElementEmitter& e, Value* t) {
  llvm::IRBuilder<>& b = e.b();
  Value* upper = b.CreateFCmpOGT(t, e.F32(0.414213562373095f));
  Value* reduced = b.CreateSelect(
      upper, b.CreateFDiv(b.CreateFSub(t, e.F32(1.0f)), b.CreateFAdd(t, e.F32(1.0f))), t);
  Value* z = b.CreateFMul(reduced, reduced);
  Value* p = e.F32(8.05374449538e-2f);
  for (float c : {-1.38776856032e-1f, 1.99777106478e-1f, -3.33329491539e-1f}) {
    p = b.CreateFAdd(b.CreateFMul(p, z), e.F32(c));
  }
  Value* atan = b.CreateFAdd(b.CreateFMul(b.CreateFMul(p, z), reduced), reduced);
  return b.CreateSelect(upper, b.CreateFAdd(atan, e.F32(kPiOver4)), atan);
}

Value* Atan2(jit::ElementEmitter& e, Value* y, Value* x) {
  llvm::IRBuilder<>& b = e.b();
  Value* ax = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  Value* ay = b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, y);
  Value* y_steeper = b.CreateFCmpOGT(ay, ax);
  Value* lo = b.CreateSelect(y_steeper, ax, ay);
  Value* hi = b.CreateSelect(y_steeper, ay, ax);
  // 0/0 (both zero) -> 0 and inf/inf (both infinite) -> 1.
  Value* ratio = b.CreateFDiv(lo, hi);
  ratio = b.CreateSelect(b.CreateFCmpOEQ(hi, e.F32(0.0f)), e.F32(0.0f), ratio);
  Value* inf = llvm::ConstantFP::getInfinity(b.getFloatTy());
  ratio = b.CreateSelect(b.CreateFCmpOEQ(lo, inf), e.F32(1.0f), ratio);
  Value* angle = Atan2AtanUnit(e, ratio);
  angle = b.CreateSelect(y_steeper, b.CreateFSub(e.F32(kPiOver2), angle), angle);
  // x with its sign bit set (including -0): the left half-plane.
  Value* x_sign = b.CreateICmpSLT(b.CreateBitCast(x, b.getInt32Ty()), e.I32(0));
  angle = b.CreateSelect(x_sign, b.CreateFSub(e.F32(kPi), angle), angle);
  angle = b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, angle, y);
  Value* nan = b.CreateOr(b.CreateFCmpUNO(x, x), b.CreateFCmpUNO(y, y));
  return b.CreateSelect(nan, llvm::ConstantFP::getNaN(b.getFloatTy()), angle);
}

class Atan2Op : public OpDef {
 public:
  std::string_view name() const override { return "ATAN2"; }
  std::vector<int> builtin_codes() const override { return {156}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "ATAN2", {DType::kFloat32, DType::kFloat16, DType::kBFloat16},
                              {DType::kFloat64}));
    if (ctx.input(0).shape != ctx.input(1).shape) {
      return InvalidArgument("input shapes differ: " + ShapeToString(ctx.input(0).shape) +
                             " and " + ShapeToString(ctx.input(1).shape) +
                             " (TFLite's ATAN2 does not broadcast)");
    }
    return PrepareBinary(ctx, {DType::kFloat32, DType::kFloat16, DType::kBFloat16},
                         ctx.input(0).rank());
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return Atan2(e, v[0], v[1]);
  }
};

}  // namespace

const OpDef& atan2_op() {
  static const Atan2Op op;
  return op;
}

}  // namespace jitlite::ops
