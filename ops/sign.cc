// SIGN: out = 1 for x > 0, -1 for x < 0, 0 otherwise; FLOAT32 and INT32. As
// in LiteRT, NaN stays NaN and both signed zeros give +0. TFLite's FLOAT64
// SIGN is not supported by jitlite yet; TFLite has no INT64 or quantized SIGN.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class SignOp : public OpDef {
 public:
  std::string_view name() const override { return "SIGN"; }
  std::vector<int> builtin_codes() const override { return {158}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "SIGN", {DType::kFloat32, DType::kInt32},
                                                  {DType::kFloat64}));
    return PrepareUnary(ctx, {DType::kFloat32, DType::kInt32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* x = v[0];
    llvm::Value* zero = ConstLike(x, 0);
    llvm::Value* positive = IsFloat(x) ? b.CreateFCmpOGT(x, zero) : b.CreateICmpSGT(x, zero);
    llvm::Value* negative = IsFloat(x) ? b.CreateFCmpOLT(x, zero) : b.CreateICmpSLT(x, zero);
    // Neither positive nor negative: 0, or NaN for a NaN input.
    llvm::Value* rest = IsFloat(x) ? b.CreateSelect(b.CreateFCmpUNO(x, x), x, zero) : zero;
    return b.CreateSelect(positive, ConstLike(x, 1),
                          b.CreateSelect(negative, ConstLike(x, -1), rest));
  }
};

}  // namespace

const OpDef& sign_op() {
  static const SignOp op;
  return op;
}

}  // namespace jitlite::ops
