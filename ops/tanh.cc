// TANH: out = tanh(x), FLOAT32, with the engine's inline polynomial tanh (a
// few ulp from LiteRT's result); INT8/UINT8 through TFLite's 256-entry table
// built in float; INT16 through TFLite's interpolated sigmoid table
// (ops/util/sigmoid_int16.h). Float16 comes later.
#include <cmath>
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"
#include "ops/util/sigmoid_int16.h"

namespace jitlite::ops {
namespace {

// FLOAT16 and BFLOAT16 compute in float32, rounded once on store.
constexpr std::initializer_list<DType> kTypes = {DType::kFloat32, DType::kFloat16,
                                                 DType::kBFloat16, DType::kInt8, DType::kUInt8};

class TanhOp : public OpDef {
 public:
  std::string_view name() const override { return "TANH"; }
  std::vector<int> builtin_codes() const override { return {28}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (ctx.input(0).dtype == DType::kInt16) return PrepareInt16Sigmoid(ctx, name(), true);
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "TANH", kTypes, {}));
    if (IsQuantizedDType(ctx.input(0).dtype)) JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
    return PrepareUnary(ctx, kTypes);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsFloat(v[0])) return e.Tanh(v[0]);
    if (ctx.input(0).dtype == DType::kInt16) return EmitInt16Tanh(e, ctx, v[0]);
    const ByteTable table = BuildQuantizedTable(ctx.input(0), ctx.output(0), &Transform);
    return EmitByteTableLookup(e.b(), table, v[0], "tanh_table");
  }

 private:
  // TFLite's float function for the 8-bit table.
  static float Transform(float x) { return std::tanh(x); }
};

}  // namespace

const OpDef& tanh_op() {
  static const TanhOp op;
  return op;
}

}  // namespace jitlite::ops
