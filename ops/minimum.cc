// MINIMUM: out = a < b ? a : b, numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64. As in TFLite's kernel, a NaN in b
// propagates, a NaN in a does not, and ties (+0 vs -0) give b. Quantized and
// float16 inputs come later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class MinimumOp : public OpDef {
 public:
  std::string_view name() const override { return "MINIMUM"; }
  std::vector<int> builtin_codes() const override { return {57}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool vectorizable() const override { return true; }

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
    // TFLite's a < b ? a : b: the comparison is false when either side is
    // NaN, so b comes out then (NaN only when b is NaN).
    llvm::Value* take_a = IsFloat(v[0]) ? b.CreateFCmpOLT(v[0], v[1])
                                        : b.CreateICmpSLT(v[0], v[1]);
    return b.CreateSelect(take_a, v[0], v[1]);
  }
};

}  // namespace

const OpDef& minimum_op() {
  static const MinimumOp op;
  return op;
}

}  // namespace jitlite::ops
