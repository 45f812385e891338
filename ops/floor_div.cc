// FLOOR_DIV: out = floor(a / b), numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32, INT16 and INT8 (TFLite has no INT64 FLOOR_DIV).
//  - float: as TFLite, the quotient of the operands widened to double is
//    floored, then rounded to float (a float quotient could round up to the
//    next integer first);
//  - integers: exact floor division (ops/util/floor_div_mod.h).
// TFLite fails the invoke on any zero divisor, float ones included: a
// constant divisor holding 0 is rejected at allocate time; a computed zero
// gives 0 for integers and IEEE floor(a / 0) (+-inf, NaN) for floats.
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/floor_div_mod.h"

namespace jitlite::ops {
namespace {

class FloorDivOp : public OpDef {
 public:
  std::string_view name() const override { return "FLOOR_DIV"; }
  std::vector<int> builtin_codes() const override { return {90}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    const std::initializer_list<DType> kTypes = {DType::kFloat32, DType::kInt32, DType::kInt16,
                                                 DType::kInt8};
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "FLOOR_DIV", kTypes, {}));
    JITLITE_RETURN_IF_ERROR(PrepareBinary(ctx, kTypes, 8));
    return CheckConstantDivisorNonZero(ctx.input(1), "FLOOR_DIV");
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (!IsFloat(v[0])) return EmitIntFloorDiv(e, v[0], v[1]);
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* q = b.CreateFDiv(b.CreateFPExt(v[0], b.getDoubleTy()),
                                  b.CreateFPExt(v[1], b.getDoubleTy()));
    q = b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, q);
    return b.CreateFPTrunc(q, b.getFloatTy());
  }
};

}  // namespace

const OpDef& floor_div_op() {
  static const FloorDivOp op;
  return op;
}

}  // namespace jitlite::ops
