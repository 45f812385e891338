// EXP: out = exp(x), FLOAT32, with the engine's inline polynomial exp (about
// 1 ulp). NaN stays NaN as in TFLite's kernel (LiteRT's XNNPACK path returns
// 0 for NaN), overflow gives +inf and underflow 0. INT8 and INT16: TFLite's
// lookup tables of exp built in float from the quantization parameters (256
// entries; 513 interpolated ones for INT16). Float16 comes later.
#include <cmath>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

class ExpOp : public OpDef {
 public:
  std::string_view name() const override { return "EXP"; }
  std::vector<int> builtin_codes() const override { return {47}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    const DType dtype = ctx.input(0).dtype;
    if (dtype == DType::kInt8 || dtype == DType::kInt16) {
      return PrepareQuantizedUnary(ctx, "EXP", /*int16_symmetric=*/true);
    }
    JITLITE_RETURN_IF_ERROR(
        CheckElementwiseDType(ctx, 0, "EXP", {DType::kFloat32}, {DType::kFloat16}));
    return PrepareUnary(ctx, {DType::kFloat32});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    const TensorState& in = ctx.input(0);
    const TensorState& out = ctx.output(0);
    llvm::IRBuilder<>& b = e.b();
    if (in.dtype == DType::kInt8) {
      return EmitByteTableLookup(b, BuildQuantizedTable(in, out, &Transform), v[0], "exp_i8");
    }
    if (in.dtype == DType::kInt16) {
      const Int16Table table =
          BuildInt16TableFloat(&Transform, Scale(in), ZeroPoint(in), Scale(out), ZeroPoint(out));
      llvm::Value* r = EmitInt16TableLookup(b, EmitInt16TableGlobal(b, table, "exp_i16"),
                                            b.CreateSExt(v[0], b.getInt32Ty()));
      return b.CreateTrunc(r, b.getInt16Ty());
    }
    return e.Exp(v[0]);
  }

 private:
  // TFLite's float function for the tables.
  static float Transform(float x) { return std::exp(x); }
};

}  // namespace

const OpDef& exp_op() {
  static const ExpOp op;
  return op;
}

}  // namespace jitlite::ops
