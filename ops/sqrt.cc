// SQRT: out = sqrt(x), FLOAT32, correctly rounded (llvm.sqrt); negative
// inputs give NaN and -0 gives -0, as in TFLite. INT8/INT16 (INT16
// symmetric): TFLite's float path, zp_out + int(sqrt(s_in * (x - zp_in)) /
// s_out) truncated, clamped; where its int conversion overflows (or the input
// is below the zero point, which TFLite refuses at invoke) the value is x86's
// INT32_MIN, clamped to the type's minimum. Float16 comes later.
#include <limits>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

class SqrtOp : public OpDef {
 public:
  std::string_view name() const override { return "SQRT"; }
  std::vector<int> builtin_codes() const override { return {75}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const DType dtype = ctx.input(0).dtype;
    if (dtype == DType::kInt8 || dtype == DType::kInt16) {
      return PrepareQuantizedUnary(ctx, "SQRT", /*int16_symmetric=*/true);
    }
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "SQRT", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (ctx.input(0).dtype == DType::kFloat32) return e.Sqrt(v[0]);
    return EmitQuantizedSqrt(e, ctx, v[0]);
  }

 private:
  static llvm::Value* EmitQuantizedSqrt(jit::ElementEmitter& e, const NodeContext& ctx,
                                        llvm::Value* q) {
    llvm::IRBuilder<>& b = e.b();
    const TensorState& in = ctx.input(0);
    const TensorState& out = ctx.output(0);
    llvm::Value* centred = b.CreateSub(EmitWidenQuantized(b, q, in.dtype), e.I32(ZeroPoint(in)));
    llvm::Value* x = b.CreateFMul(e.F32(Scale(in)), b.CreateSIToFP(centred, b.getFloatTy()));
    llvm::Value* y = b.CreateFDiv(e.Sqrt(x), e.F32(Scale(out)));
    // In range (and not NaN): the truncating conversion; else INT32_MIN.
    llvm::Value* in_range = b.CreateAnd(b.CreateFCmpOLT(y, e.F32(2147483648.0f)),
                                        b.CreateFCmpOGE(y, e.F32(-2147483648.0f)));
    llvm::Value* safe = b.CreateSelect(in_range, y, e.F32(0.0f));
    llvm::Value* r = b.CreateSelect(in_range, b.CreateFPToSI(safe, b.getInt32Ty()),
                                    e.I32(std::numeric_limits<int32_t>::min()));
    // zp_out + r wraps in TFLite's int arithmetic.
    r = b.CreateAdd(r, e.I32(ZeroPoint(out)));
    return EmitNarrowQuantized(b, EmitClampInt(b, r, DTypeRange(out.dtype)), out.dtype);
  }
};

}  // namespace

const OpDef& sqrt_op() {
  static const SqrtOp op;
  return op;
}

}  // namespace jitlite::ops
