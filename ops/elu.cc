// ELU: out = x < 0 ? exp(x) - 1 : x (alpha 1), FLOAT32, with the engine's
// inline expm1 (no cancellation near 0, so tiny negative inputs keep their
// value as in TFLite's kernel). -0 stays -0, -inf gives -1, NaN stays NaN.
// INT8: TFLite's 256-entry table built in float at compile time from
// x < 0 ? expm1(x) : x (std::expm1). Float16 comes later.
#include <cmath>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

class EluOp : public OpDef {
 public:
  std::string_view name() const override { return "ELU"; }
  std::vector<int> builtin_codes() const override { return {111}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "ELU", {DType::kFloat32, DType::kInt8}, {DType::kFloat16}));
    if (ctx.input(0).dtype == DType::kInt8) {
      JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
    }
    return PrepareUnary(ctx, {DType::kFloat32, DType::kInt8});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (ctx.input(0).dtype == DType::kInt8) {
      const ByteTable table = BuildQuantizedTable(ctx.input(0), ctx.output(0), &TableElu);
      return EmitByteTableLookup(e.b(), table, v[0], "elu_table");
    }
    llvm::IRBuilder<>& b = e.b();
    return b.CreateSelect(b.CreateFCmpOLT(v[0], e.F32(0.0f)), e.Expm1(v[0]), v[0]);
  }

 private:
  // TFLite's float function for the INT8 table.
  static float TableElu(float x) { return x < 0.0f ? std::expm1(x) : x; }
};

}  // namespace

const OpDef& elu_op() {
  static const EluOp op;
  return op;
}

}  // namespace jitlite::ops
