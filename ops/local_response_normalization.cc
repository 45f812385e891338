// LOCAL_RESPONSE_NORMALIZATION (float32, rank-4 input): along the last axis,
//   out[..., c] = in[..., c] * (bias + alpha * sum of in[..., j]^2
//                               for j in [c - radius, c + radius] inside the axis)^-beta
// (LocalResponseNormalizationOptions radius, bias, alpha, beta). This is the
// symmetric window of TFLite's default (optimized) kernel; its reference
// kernel stops at c + radius - 1. As TFLite, beta 1 and 0.5 use a division
// and a square root instead of the power. TFLite has no quantized variant.
//
// Per row of the last axis: for each channel, a sum-of-squares loop over its
// window, then the scaled input goes to StoreOutput.
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/last_axis_rows.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct LrnParams {
  int64_t radius = 0;
  float bias = 0, alpha = 0, beta = 0;
};

LrnParams ReadParams(const NodeContext& ctx) {
  LrnParams p;
  const auto* opts =
      ctx.op() ? ctx.op()->builtin_options_as_LocalResponseNormalizationOptions() : nullptr;
  if (opts != nullptr) {
    p.radius = opts->radius();
    p.bias = opts->bias();
    p.alpha = opts->alpha();
    p.beta = opts->beta();
  }
  return p;
}

// v^-beta, with TFLite's shortcuts for beta 1 and 0.5 (x^-0 is 1 for any x).
Value* InversePower(jit::ElementEmitter& e, Value* v, float beta) {
  llvm::IRBuilder<>& b = e.b();
  if (beta == 0.0f) return e.F32(1.0f);
  if (beta == 1.0f) return b.CreateFDiv(e.F32(1.0f), v);
  if (beta == 0.5f) return e.Rsqrt(v);
  return e.Exp(b.CreateFMul(e.F32(-beta), e.Log(v)));
}

class LocalResponseNormalizationOp : public OpDef {
 public:
  std::string_view name() const override { return "LOCAL_RESPONSE_NORMALIZATION"; }
  std::vector<int> builtin_codes() const override { return {13}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    // TFLite has no quantized variant: every other type is its rejection too.
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, name(), {DType::kFloat32}, {}));
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 4, 4));
    LrnParams p = ReadParams(ctx);
    if (p.radius < 0) {
      return InvalidArgument("radius is " + std::to_string(p.radius) + "; it must be >= 0");
    }
    ctx.SetOutput(0, DType::kFloat32, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    LrnParams p = ReadParams(ctx);
    return EmitRowKernel(e, ctx, [&](std::vector<Value*>& idx, Value* base) {
      EmitRow(e, shape, p, idx, base);
    });
  }

 private:
  static void EmitRow(jit::KernelEmitter& e, const Shape& shape, const LrnParams& p,
                      std::vector<Value*>& idx, Value* base) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* f32 = b.getFloatTy();
    const int64_t depth = shape.back();
    auto load = [&](Value* c) { return e.LoadInput(0, b.CreateAdd(base, c, "", true, true)); };
    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sumsq");
    e.For(0, depth, 1, [&](Value* c) {
      Value* lo = e.Max(b.CreateSub(c, e.I64(p.radius)), e.I64(0));
      Value* hi = e.Min(b.CreateAdd(c, e.I64(p.radius + 1)), e.I64(depth));
      b.CreateStore(e.F32(0.0f), sum_slot);
      e.For(lo, hi, 1, [&](Value* j) {
        Value* x = load(j);
        b.CreateStore(ReassociatingAdd(b, b.CreateLoad(f32, sum_slot), b.CreateFMul(x, x)),
                      sum_slot);
      }, "window");
      Value* scale = b.CreateFAdd(e.F32(p.bias),
                                  b.CreateFMul(e.F32(p.alpha), b.CreateLoad(f32, sum_slot)));
      idx[shape.size() - 1] = c;
      e.StoreOutput(b.CreateFMul(load(c), InversePower(e, scale, p.beta)), idx);
    }, "c");
  }
};

}  // namespace

const OpDef& local_response_normalization_op() {
  static const LocalResponseNormalizationOp op;
  return op;
}

}  // namespace jitlite::ops
