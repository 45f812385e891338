// SQUARED_DIFFERENCE: out = (a - b) * (a - b), numpy broadcasting up to rank 8
// (what LiteRT accepts). FLOAT32 and INT32 (integers wrap around like
// TFLite's kernel; TFLite has no INT64 variant). INT8: TFLite's integer path
// (both inputs rescaled to a common 2*max(s1, s2) grid after a left shift of
// 7, the difference squared, rescaled to the output). Float16 comes later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

class SquaredDifferenceOp : public OpDef {
 public:
  std::string_view name() const override { return "SQUARED_DIFFERENCE"; }
  std::vector<int> builtin_codes() const override { return {99}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    if (ctx.input(0).dtype == DType::kInt8) {
      return PrepareQuantizedArithmetic(ctx, "SQUARED_DIFFERENCE", /*activation=*/0, 8);
    }
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "SQUARED_DIFFERENCE",
                                                  {DType::kFloat32, DType::kInt32},
                                                  {DType::kFloat16}));
    return PrepareBinary(ctx, {DType::kFloat32, DType::kInt32}, 8);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    if (ctx.input(0).dtype == DType::kInt8) {
      return EmitQuantizedSquaredDifference(e, ctx, v[0], v[1]);
    }
    if (IsFloat(v[0])) {
      llvm::Value* d = b.CreateFSub(v[0], v[1]);
      return b.CreateFMul(d, d);
    }
    llvm::Value* d = b.CreateSub(v[0], v[1]);
    return b.CreateMul(d, d);
  }
};

}  // namespace

const OpDef& squared_difference_op() {
  static const SquaredDifferenceOp op;
  return op;
}

}  // namespace jitlite::ops
