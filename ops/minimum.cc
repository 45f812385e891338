// MINIMUM: out = a < b ? a : b, numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64. Float NaN propagates from either side
// and ties (+0 vs -0) give b, as in LiteRT. Quantized and float16 inputs come
// later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class MinimumOp : public OpDef {
 public:
  std::string_view name() const override { return "MINIMUM"; }
  std::vector<int> builtin_codes() const override { return {57}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "MINIMUM", {DType::kFloat32, DType::kInt32, DType::kInt64},
        {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat16}));
    return PrepareBinary(ctx, {DType::kFloat32, DType::kInt32, DType::kInt64}, 8);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    if (!IsFloat(v[0])) return b.CreateSelect(b.CreateICmpSLT(v[0], v[1]), v[0], v[1]);
    // a < b is false when b is NaN, which then comes out; a NaN a is kept
    // explicitly.
    llvm::Value* take_a = b.CreateOr(b.CreateFCmpOLT(v[0], v[1]), b.CreateFCmpUNO(v[0], v[0]));
    return b.CreateSelect(take_a, v[0], v[1]);
  }
};

}  // namespace

const OpDef& minimum_op() {
  static const MinimumOp op;
  return op;
}

}  // namespace jitlite::ops
