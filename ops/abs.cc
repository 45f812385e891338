// ABS: out = |x|, FLOAT32 (fabs: clears the sign bit, so -0 -> +0 and NaN
// stays NaN) and INT32 (wrapping: |INT32_MIN| = INT32_MIN, as TFLite's
// std::abs does in practice). TFLite has no INT64 ABS. Quantized INT8/INT16
// (symmetric): |x - zp_in|, rescaled by s_in/s_out (a float quotient) only
// when the scales differ, + zp_out, clamped: TFLite's kernel; INT16 without
// parameters wraps like INT32. Float16 comes later.
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

class AbsOp : public OpDef {
 public:
  std::string_view name() const override { return "ABS"; }
  std::vector<int> builtin_codes() const override { return {101}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const DType t = ctx.input(0).dtype;
    // INT16 without quantization parameters is a plain integer ABS in TFLite.
    if (t == DType::kInt16 && !HasQuantization(ctx.input(0))) {
      return PrepareUnary(ctx, {DType::kInt16});
    }
    if (t == DType::kInt8 || t == DType::kInt16) return PrepareQuantizedUnary(ctx, "ABS", true);
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "ABS", {DType::kFloat32, DType::kInt32},
                                                  {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32, DType::kInt32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsFloat(v[0])) return e.b().CreateUnaryIntrinsic(llvm::Intrinsic::fabs, v[0]);
    if (IsQuantizedDType(ctx.input(0).dtype) && HasQuantization(ctx.input(0))) {
      return EmitQuantizedAbs(e, ctx, v[0]);
    }
    return e.b().CreateBinaryIntrinsic(llvm::Intrinsic::abs, v[0], e.b().getFalse());
  }
};

}  // namespace

const OpDef& abs_op() {
  static const AbsOp op;
  return op;
}

}  // namespace jitlite::ops
