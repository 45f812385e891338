// GELU: FLOAT32, GeluOptions.approximate selects the form (default false):
//  exact:       out = 0.5 * x * (1 + erf(x / sqrt(2)))
//  approximate: out = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
// with the engine's inline erf and tanh. TFLite's exact form uses erfc, which
// keeps relative accuracy for very negative x where the result is below ~1e-7;
// jitlite's absolute error there stays ~1e-7 * |x|. -inf gives NaN (as in
// TFLite: -inf * 0), +inf stays +inf. INT8/UINT8: TFLite's 256-entry table
// built in float at compile time from the same two formulas in TFLite's own
// float steps (std::erfc / std::tanh). INT16 (zero points 0): TFLite's
// 513-entry table built in float from the same functions, read with 7-bit
// linear interpolation. FLOAT16: TFLite's kernel evaluates the formula on
// Eigen::half, so every operation rounds to half; jitlite rounds after the
// same operations in the same order (EmitHalfSteps), which matches LiteRT's
// built-in kernels (BUILTIN_REF and the optimized resolver) on every float16
// input. XNNPACK, the default resolver, computes in float32 and differs.
#include <cmath>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class GeluOp : public OpDef {
 public:
  std::string_view name() const override { return "GELU"; }
  std::vector<int> builtin_codes() const override { return {150}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  // The FLOAT32 forms (Erf / Tanh on the emitter's lanes) take vectors, so a
  // GEMM's fused GELU runs on whole rows of columns.
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "GELU",
        {DType::kFloat32, DType::kFloat16, DType::kInt8, DType::kUInt8, DType::kInt16}, {}));
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
    }
    if (ctx.input(0).dtype == DType::kInt16 &&
        (ZeroPoint(ctx.input(0)) != 0 || ZeroPoint(ctx.output(0)) != 0)) {
      return InvalidArgument("INT16 GELU needs zero points 0 (symmetric quantization)");
    }
    return PrepareUnary(ctx, {DType::kFloat32, DType::kFloat16, DType::kInt8, DType::kUInt8,
                              DType::kInt16});
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (ctx.input(0).dtype == DType::kInt16) {
      llvm::IRBuilder<>& b = e.b();
      const Int16Table table =
          BuildInt16TableFloat(Approximate(ctx) ? &TableApproximate : &TableExact,
                               Scale(ctx.input(0)), 0, Scale(ctx.output(0)), 0);
      llvm::Value* r = EmitInt16TableLookup(b, EmitInt16TableGlobal(b, table, "gelu_table16"),
                                            b.CreateSExt(v[0], b.getInt32Ty()));
      return b.CreateTrunc(r, b.getInt16Ty());
    }
    if (ctx.input(0).dtype == DType::kFloat16) return EmitHalfSteps(e, v[0], Approximate(ctx));
    if (ctx.input(0).dtype != DType::kFloat32) {
      const ByteTable table = BuildQuantizedTable(
          ctx.input(0), ctx.output(0), Approximate(ctx) ? &TableApproximate : &TableExact);
      return EmitByteTableLookup(e.b(), table, v[0], "gelu_table");
    }
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* x = v[0];
    llvm::Value* gate;  // 1 + erf(...) or 1 + tanh(...), in [0, 2]
    if (Approximate(ctx)) {
      llvm::Value* cube = b.CreateFMul(b.CreateFMul(x, x), x);
      llvm::Value* inner = b.CreateFAdd(x, b.CreateFMul(e.F32(0.044715f), cube));
      gate = e.Tanh(b.CreateFMul(e.F32(0.797884561f), inner));  // sqrt(2 / pi)
    } else {
      gate = e.Erf(b.CreateFMul(x, e.F32(0.707106781f)));  // 1 / sqrt(2)
    }
    gate = b.CreateFAdd(e.F32(1.0f), gate);
    return b.CreateFMul(b.CreateFMul(e.F32(0.5f), x), gate);
  }

 private:
  // TFLite's Eigen::half evaluation: each product, sum, erfc and tanh rounded
  // to half (the constants too), in the expression's order
  //   exact:       (0.5 * x) * erfc(x * -sqrt(1/2))
  //   approximate: (0.5 * x) * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * (x * x * x))))
  // The caller's store rounds the final product.
  static llvm::Value* EmitHalfSteps(jit::ElementEmitter& e, llvm::Value* x, bool approximate) {
    llvm::IRBuilder<>& b = e.b();
    auto half = [&](llvm::Value* v) {  // round to float16 and widen back (scalar or vector)
      llvm::Type* h = b.getHalfTy();
      if (auto* vt = llvm::dyn_cast<llvm::VectorType>(v->getType())) {
        h = llvm::VectorType::get(h, vt->getElementCount());
      }
      return b.CreateFPExt(b.CreateFPTrunc(v, h), v->getType());
    };
    auto constant = [&](double c) { return half(e.F32(static_cast<float>(c))); };
    llvm::Value* half_x = half(b.CreateFMul(constant(0.5), x));
    llvm::Value* gate;
    if (approximate) {
      llvm::Value* cube = half(b.CreateFMul(half(b.CreateFMul(x, x)), x));
      llvm::Value* inner = half(b.CreateFAdd(x, half(b.CreateFMul(constant(0.044715), cube))));
      llvm::Value* t = half(e.Tanh(half(b.CreateFMul(constant(0.79788456080286535588), inner))));
      gate = half(b.CreateFAdd(constant(1.0), t));
    } else {
      gate = half(e.Erfc(half(b.CreateFMul(x, constant(-0.70710678118654752440)))));
    }
    return b.CreateFMul(half_x, gate);
  }

  // TFLite's float functions for the 8-bit table (erfc keeps the exact form
  // accurate for very negative x).
  static float TableExact(float x) {
    return 0.5f * x * std::erfc(x * static_cast<float>(-0.70710678118654752440));
  }
  static float TableApproximate(float x) {
    constexpr float kSqrt2OverPi = static_cast<float>(0.79788456080286535588);
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
  }

  static bool Approximate(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_GeluOptions();
    return opts && opts->approximate();
  }
};

}  // namespace

const OpDef& gelu_op() {
  static const GeluOp op;
  return op;
}

}  // namespace jitlite::ops
