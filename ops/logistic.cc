// LOGISTIC: out = 1 / (1 + exp(-x)), FLOAT32, with the engine's inline
// polynomial exp (a few ulp from LiteRT's result); INT8/UINT8 through TFLite's
// 256-entry table built in float (output scale 1/256, which TFLite's kernel
// requires; LiteRT's XNNPACK path alone takes others). INT16 through TFLite's
// interpolated sigmoid table (ops/util/sigmoid_int16.h). Float16 comes later.
#include <cmath>
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"
#include "ops/util/sigmoid_int16.h"

namespace jitlite::ops {
namespace {

// FLOAT16 and BFLOAT16 compute in float32 (TFLite's kernel widens each
// element too), rounded once on store.
constexpr std::initializer_list<DType> kTypes = {DType::kFloat32, DType::kFloat16,
                                                 DType::kBFloat16, DType::kInt8, DType::kUInt8};

class LogisticOp : public OpDef {
 public:
  std::string_view name() const override { return "LOGISTIC"; }
  std::vector<int> builtin_codes() const override { return {14}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  // FLOAT32: Exp and a division, both lane-wise.
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (ctx.input(0).dtype == DType::kInt16) return PrepareInt16Sigmoid(ctx, name(), false);
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "LOGISTIC", kTypes, {}));
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
      if (Scale(ctx.output(0)) != 1.0f / 256) {
        return InvalidArgument("output scale is " + std::to_string(Scale(ctx.output(0))) +
                               "; TFLite's 8-bit LOGISTIC needs 1/256");
      }
    }
    return PrepareUnary(ctx, kTypes);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsFloat(v[0])) return e.Logistic(v[0]);
    if (ctx.input(0).dtype == DType::kInt16) return EmitInt16Logistic(e, ctx, v[0]);
    const ByteTable table = BuildQuantizedTable(ctx.input(0), ctx.output(0), &Transform);
    return EmitByteTableLookup(e.b(), table, v[0], "logistic_table");
  }

 private:
  // TFLite's float function for the 8-bit table.
  static float Transform(float x) { return 1.0f / (1.0f + std::exp(-x)); }
};

}  // namespace

const OpDef& logistic_op() {
  static const LogisticOp op;
  return op;
}

}  // namespace jitlite::ops
