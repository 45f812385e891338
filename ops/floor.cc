// FLOOR: out = floor(x), FLOAT32 (llvm.floor: exact, -0 stays -0, infinities
// and NaN pass through, floor(-tiny subnormal) = -1 as in TFLite's kernel).
// Float16 comes later; TFLite has no integer or quantized FLOOR.
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

constexpr std::initializer_list<DType> kTypes = {DType::kFloat32, DType::kFloat16,
                                                 DType::kBFloat16};

class FloorOp : public OpDef {
 public:
  std::string_view name() const override { return "FLOOR"; }
  std::vector<int> builtin_codes() const override { return {8}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "FLOOR", kTypes, {}));
    return PrepareUnary(ctx, kTypes);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateUnaryIntrinsic(llvm::Intrinsic::floor, v[0]);
  }
};

}  // namespace

const OpDef& floor_op() {
  static const FloorOp op;
  return op;
}

}  // namespace jitlite::ops
