// LOG: out = ln(x), FLOAT32, with the engine's inline polynomial log (within
// a few 1e-8 of libm): -inf for +-0, NaN for x < 0, +inf stays +inf, exact
// on subnormal inputs as TFLite's kernel (XNNPACK flushes them to 0, -inf).
// INT8: TFLite's 256-entry table built in float at compile time from
// std::log, with every input at or below 0 mapped to the output's minimum
// (TFLite's table function returns the real value of that minimum there).
// INT16 (zero points 0): TFLite's 513-entry table built in float from the
// same function, read with 7-bit linear interpolation. Float16 comes later.
#include <cmath>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

class LogOp : public OpDef {
 public:
  std::string_view name() const override { return "LOG"; }
  std::vector<int> builtin_codes() const override { return {73}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "LOG", {DType::kFloat32, DType::kInt8, DType::kInt16}, {DType::kFloat16}));
    if (ctx.input(0).dtype != DType::kFloat32) {
      JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
    }
    if (ctx.input(0).dtype == DType::kInt16 &&
        (ZeroPoint(ctx.input(0)) != 0 || ZeroPoint(ctx.output(0)) != 0)) {
      return InvalidArgument("INT16 LOG needs zero points 0 (symmetric quantization)");
    }
    return PrepareUnary(ctx, {DType::kFloat32, DType::kInt8, DType::kInt16});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (ctx.input(0).dtype == DType::kInt8) {
      return EmitByteTableLookup(e.b(), Int8Table(ctx.input(0), ctx.output(0)), v[0],
                                 "log_table");
    }
    if (ctx.input(0).dtype == DType::kInt16) {
      llvm::IRBuilder<>& b = e.b();
      llvm::Value* table = EmitInt16TableGlobal(b, Int16Table(ctx.input(0), ctx.output(0)),
                                                "log_table16");
      llvm::Value* r = EmitInt16TableLookup(b, table, b.CreateSExt(v[0], b.getInt32Ty()));
      return b.CreateTrunc(r, b.getInt16Ty());
    }
    return e.Log(v[0]);
  }

 private:
  // The table of std::log; inputs whose real value is <= 0 give the minimum
  // (what TFLite's rounding of the minimum's real value gives back).
  static ByteTable Int8Table(const TensorState& in, const TensorState& out) {
    ByteTable table = BuildQuantizedTable(in, out, [](float x) {
      return x > 0.0f ? std::log(x) : 0.0f;
    });
    const IntRange r = DTypeRange(in.dtype);
    for (int32_t q = r.lo; q <= r.hi; ++q) {
      if (Scale(in) * static_cast<float>(q - ZeroPoint(in)) <= 0.0f) {
        table[static_cast<uint8_t>(q)] = static_cast<uint8_t>(r.lo);
      }
    }
    return table;
  }

  // std::log, and the output minimum's real value at inputs <= 0.
  static jitlite::ops::Int16Table Int16Table(const TensorState& in, const TensorState& out) {
    const float out_min = static_cast<float>(-32768 - ZeroPoint(out)) * Scale(out);
    return BuildInt16TableFloat(
        [out_min](float x) { return x <= 0.0f ? out_min : std::log(x); }, Scale(in),
        ZeroPoint(in), Scale(out), ZeroPoint(out));
  }
};

}  // namespace

const OpDef& log_op() {
  static const LogOp op;
  return op;
}

}  // namespace jitlite::ops
