// RSQRT: out = 1 / sqrt(x), FLOAT32, computed as TFLite's kernel does (a
// correctly rounded sqrt, then a division): negative inputs give NaN, +0 gives
// +inf and -0 gives -inf (LiteRT's XNNPACK path gives NaN for both zeros).
// Quantized and float16 variants come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class RsqrtOp : public OpDef {
 public:
  std::string_view name() const override { return "RSQRT"; }
  std::vector<int> builtin_codes() const override { return {76}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "RSQRT", {DType::kFloat32}, {DType::kInt8, DType::kInt16, DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.Rsqrt(v[0]);
  }
};

}  // namespace

const OpDef& rsqrt_op() {
  static const RsqrtOp op;
  return op;
}

}  // namespace jitlite::ops
