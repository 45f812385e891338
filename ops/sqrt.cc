// SQRT: out = sqrt(x), FLOAT32, correctly rounded (llvm.sqrt); negative
// inputs give NaN and -0 gives -0, as in TFLite. INT8 and INT16 as TFLite's
// quantized kernel, in float per element: s_in * (q - zp_in), sqrt, divided
// by s_out, truncated toward zero (out of int range: INT_MIN, as x86's
// conversion gives), + zp_out, clamped. A negative real input fails TFLite's
// invoke; jitlite takes its square root as 0 (the output's zero point).
// Float16 comes later.
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

class SqrtOp : public OpDef {
 public:
  std::string_view name() const override { return "SQRT"; }
  std::vector<int> builtin_codes() const override { return {75}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "SQRT", {DType::kFloat32, DType::kInt8, DType::kInt16},
                              {DType::kFloat16}));
    if (ctx.input(0).dtype != DType::kFloat32) {
      JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
      if (ctx.input(0).dtype == DType::kInt16 &&
          (ZeroPoint(ctx.input(0)) != 0 || ZeroPoint(ctx.output(0)) != 0)) {
        return InvalidArgument("INT16 SQRT needs zero points 0 (symmetric quantization)");
      }
    }
    return PrepareUnary(ctx, {DType::kFloat32, DType::kInt8, DType::kInt16});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (ctx.input(0).dtype == DType::kFloat32) return e.Sqrt(v[0]);
    return EmitQuantized(e, ctx.input(0), ctx.output(0), v[0]);
  }

 private:
  static llvm::Value* EmitQuantized(jit::ElementEmitter& e, const TensorState& in,
                                    const TensorState& out, llvm::Value* q) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* centered = b.CreateSub(EmitWidenQuantized(b, q, in.dtype), e.I32(ZeroPoint(in)));
    llvm::Value* x = b.CreateFMul(e.F32(Scale(in)), b.CreateSIToFP(centered, b.getFloatTy()));
    x = b.CreateSelect(b.CreateFCmpOLT(x, e.F32(0.0f)), e.F32(0.0f), x);
    llvm::Value* f = b.CreateFDiv(e.Sqrt(x), e.F32(Scale(out)));
    // f >= 0: beyond INT32_MAX the conversion gives INT_MIN, as cvttss2si.
    llvm::Value* fits = b.CreateFCmpOLT(f, e.F32(2147483648.0f));
    llvm::Value* in_range = b.CreateFPToSI(b.CreateSelect(fits, f, e.F32(0.0f)), b.getInt32Ty());
    llvm::Value* r = b.CreateSelect(fits, in_range, e.I32(INT32_MIN));
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
