// L2_NORMALIZATION (float32): along the last axis, out_i = x_i / max(sqrt(sum_j
// x_j^2), 1e-6), TFLite's epsilon rule. Input rank >= 1 (LiteRT runs ranks
// above TFLite's documented 4 too) and no fused activation, as TFLite
// requires. Quantized L2_NORMALIZATION comes with the quantized path.
//
// Per row: a sum-of-squares pass, then each element divided by the norm goes
// to StoreOutput.
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/last_axis_rows.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr float kEpsilon = 1e-6f;  // TFLite's, hard-coded in its kernel

class L2NormalizationOp : public OpDef {
 public:
  std::string_view name() const override { return "L2_NORMALIZATION"; }
  std::vector<int> builtin_codes() const override { return {11}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType t = ctx.input(0).dtype;
    if (t != DType::kFloat32) {
      if (t == DType::kInt8 || t == DType::kUInt8) {
        return Unimplemented(std::string("L2_NORMALIZATION of ") + DTypeName(t) +
                             " is not supported yet (supported: FLOAT32)");
      }
      return InvalidArgument(std::string("L2_NORMALIZATION of ") + DTypeName(t) +
                             ", which TFLite does not accept (supported: FLOAT32)");
    }
    if (ctx.input(0).rank() < 1) {
      return InvalidArgument("input 0 is a scalar; L2_NORMALIZATION needs rank >= 1");
    }
    const auto* opts = ctx.op()->builtin_options_as_L2NormOptions();
    if (opts && opts->fused_activation_function() != tflite::ActivationFunctionType::NONE) {
      return InvalidArgument(
          std::string("fused activation ") +
          tflite::EnumNameActivationFunctionType(opts->fused_activation_function()) +
          ": TFLite's L2_NORMALIZATION takes none");
    }
    ctx.SetOutput(0, t, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    return EmitRowKernel(e, ctx, [&](std::vector<Value*>& idx, Value* base) {
      EmitRow(e, shape, idx, base);
    });
  }

 private:
  static void EmitRow(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*>& idx,
                      Value* base) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = shape.back();
    auto load = [&](Value* i) { return e.LoadInput(0, b.CreateAdd(base, i, "", true, true)); };
    llvm::Type* f32 = b.getFloatTy();

    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sumsq");
    b.CreateStore(e.F32(0.0f), sum_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* x = load(i);
      Value* sq = b.CreateFMul(x, x);
      b.CreateStore(ReassociatingAdd(b, b.CreateLoad(f32, sum_slot), sq), sum_slot);
    }, "sumsq");
    // max(sqrt(s), eps) as TFLite's std::max: a NaN norm stays NaN.
    Value* norm = e.Sqrt(b.CreateLoad(f32, sum_slot));
    norm = b.CreateSelect(b.CreateFCmpOLT(norm, e.F32(kEpsilon)), e.F32(kEpsilon), norm);

    const size_t last = shape.size() - 1;
    e.For(0, n, 1, [&](Value* i) {
      idx[last] = i;
      e.StoreOutput(b.CreateFDiv(load(i), norm), idx);
    }, "out");
  }
};

}  // namespace

const OpDef& l2_normalization_op() {
  static const L2NormalizationOp op;
  return op;
}

}  // namespace jitlite::ops
