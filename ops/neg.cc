// NEG: out = -x, FLOAT32 (flips the sign bit: 0 -> -0, NaN stays NaN), INT32
// and INT64 (wrapping: -INT_MIN = INT_MIN). INT8 and INT16 as LiteRT's kernel
// does them: the stored value negated (wrapping), whatever the quantization
// parameters (they are not read). Float16 comes later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

constexpr std::initializer_list<DType> kSupported = {
    DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32,
    DType::kInt64,   DType::kInt8,    DType::kInt16};

class NegOp : public OpDef {
 public:
  std::string_view name() const override { return "NEG"; }
  std::vector<int> builtin_codes() const override { return {59}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "NEG", kSupported, {}));
    return PrepareUnary(ctx, kSupported);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsFloat(v[0])) return e.b().CreateFNeg(v[0]);
    return e.b().CreateNeg(v[0]);
  }
};

}  // namespace

const OpDef& neg_op() {
  static const NegOp op;
  return op;
}

}  // namespace jitlite::ops
