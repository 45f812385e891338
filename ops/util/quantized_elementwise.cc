// Quantized elementwise arithmetic (see ops/util/quantized_elementwise.h).
#include "ops/util/quantized_elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

Status CheckQuantizedTensors(const NodeContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const std::string what = "input " + std::to_string(i);
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(i), what));
  }
  return ExpectPerTensorQuantization(ctx.output(0), "output");
}

Status ExpectOutputDType(const NodeContext& ctx, std::string_view op) {
  if (ctx.output(0).dtype != ctx.input(0).dtype) {
    return InvalidArgument(std::string("output type ") + DTypeName(ctx.output(0).dtype) +
                           " differs from input type " + DTypeName(ctx.input(0).dtype) +
                           "; quantized " + std::string(op) + " keeps the type");
  }
  return Status::Ok();
}

// The stored value minus its zero point, as i32.
llvm::Value* Centered(jit::ElementEmitter& e, llvm::Value* q, const TensorState& t) {
  return e.b().CreateSub(EmitWidenQuantized(e.b(), q, t.dtype), e.I32(ZeroPoint(t)));
}

llvm::Value* ClampAndNarrow(jit::ElementEmitter& e, llvm::Value* x, IntRange range, DType dtype) {
  return EmitNarrowQuantized(e.b(), EmitClampInt(e.b(), x, range), dtype);
}

}  // namespace

bool CheckedLog2(float scale, int* log2_rounded) {
  const float log2 = std::log(scale) * (1.0f / std::log(2.0f));
  const float rounded = std::round(log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::abs(log2 - rounded) < 1e-3f;
}

Status PrepareQuantizedArithmetic(NodeContext& ctx, std::string_view op, int activation,
                                  int max_rank, bool int16_symmetric) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckFusedActivation(activation));
  // Like TFLite, the output takes the inputs' type whatever the model declares.
  JITLITE_RETURN_IF_ERROR(
      PrepareBinary(ctx, {DType::kInt8, DType::kUInt8, DType::kInt16}, max_rank));
  JITLITE_RETURN_IF_ERROR(CheckQuantizedTensors(ctx));
  const bool zero_points_0 = ZeroPoint(ctx.input(0)) == 0 && ZeroPoint(ctx.input(1)) == 0 &&
                            ZeroPoint(ctx.output(0)) == 0;
  if (int16_symmetric && ctx.input(0).dtype == DType::kInt16 && !zero_points_0) {
    return InvalidArgument("INT16 " + std::string(op) +
                           " needs zero points 0 (symmetric quantization)");
  }
  return Status::Ok();
}

StatusOr<bool> UsesPotInt16Path(const NodeContext& ctx, bool pot_scale_int16) {
  const TensorState& in1 = ctx.input(0);
  const TensorState& in2 = ctx.input(1);
  const TensorState& out = ctx.output(0);
  if (out.dtype != DType::kInt16 || !pot_scale_int16) return false;
  int l1 = 0, l2 = 0, lo = 0;
  const bool pot = CheckedLog2(Scale(in1), &l1) && CheckedLog2(Scale(in2), &l2) &&
                   CheckedLog2(Scale(out), &lo);
  if (!pot || ZeroPoint(in1) != 0 || ZeroPoint(in2) != 0 || ZeroPoint(out) != 0) return false;
  const int s1 = l1 - lo, s2 = l2 - lo;
  if ((s1 != 0 && s2 != 0) || s1 > 0 || s2 > 0) {
    return InvalidArgument("INT16 power-of-two path: input scales 2^" + std::to_string(l1) +
                           " and 2^" + std::to_string(l2) + " with output 2^" +
                           std::to_string(lo) +
                           ": TFLite needs one input at the output scale and the other finer");
  }
  return true;
}

llvm::Value* EmitQuantizedAddSub(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* a,
                                 llvm::Value* b, int activation, bool pot_scale_int16,
                                 bool subtract) {
  llvm::IRBuilder<>& ir = e.b();
  const TensorState& in1 = ctx.input(0);
  const TensorState& in2 = ctx.input(1);
  const TensorState& out = ctx.output(0);
  const IntRange range = QuantizedActivationRange(activation, out);
  llvm::Value* x1 = Centered(e, a, in1);
  llvm::Value* x2 = Centered(e, b, in2);
  StatusOr<bool> pot = UsesPotInt16Path(ctx, pot_scale_int16);
  if (pot.ok() && *pot) {
    // Shift-only: the finer input is rounded onto the output's scale.
    int l1 = 0, l2 = 0, lo = 0;
    CheckedLog2(Scale(in1), &l1);
    CheckedLog2(Scale(in2), &l2);
    CheckedLog2(Scale(out), &lo);
    if (l1 < lo) x1 = EmitRoundingDivideByPOT(ir, x1, e.I32(lo - l1));
    if (l2 < lo) x2 = EmitRoundingDivideByPOT(ir, x2, e.I32(lo - l2));
    llvm::Value* r = subtract ? ir.CreateSub(x1, x2) : ir.CreateAdd(x1, x2);
    return ClampAndNarrow(e, r, range, out.dtype);
  }
  const int left_shift = out.dtype == DType::kInt16 ? 15 : 20;
  // In double from the float scales, as TFLite's Prepare.
  const double twice_max = 2.0 * std::max(Scale(in1), Scale(in2));
  QuantizedMultiplier m1 = QuantizeMultiplier(Scale(in1) / twice_max);
  QuantizedMultiplier m2 = QuantizeMultiplier(Scale(in2) / twice_max);
  const QuantizedMultiplier mo =
      QuantizeMultiplier(twice_max / (static_cast<double>(1 << left_shift) * Scale(out)));
  if (subtract) m2.multiplier = -m2.multiplier;
  llvm::Value* s1 = EmitMultiplyByQuantizedMultiplier(ir, ir.CreateShl(x1, left_shift), m1);
  llvm::Value* s2 = EmitMultiplyByQuantizedMultiplier(ir, ir.CreateShl(x2, left_shift), m2);
  llvm::Value* r = ir.CreateAdd(EmitMultiplyByQuantizedMultiplier(ir, ir.CreateAdd(s1, s2), mo),
                                e.I32(ZeroPoint(out)));
  return ClampAndNarrow(e, r, range, out.dtype);
}

llvm::Value* EmitQuantizedMul(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* a,
                              llvm::Value* b, int activation) {
  llvm::IRBuilder<>& ir = e.b();
  const TensorState& in1 = ctx.input(0);
  const TensorState& in2 = ctx.input(1);
  const TensorState& out = ctx.output(0);
  // In float, then widened: what LiteRT's MUL Prepare computes (a double
  // quotient differs in the last bits and moves some results by one).
  const double real = static_cast<double>(Scale(in1) * Scale(in2) / Scale(out));
  llvm::Value* product = ir.CreateMul(Centered(e, a, in1), Centered(e, b, in2));
  llvm::Value* scaled = EmitMultiplyByQuantizedMultiplier(ir, product, QuantizeMultiplier(real));
  llvm::Value* r = ir.CreateAdd(scaled, e.I32(ZeroPoint(out)));
  return ClampAndNarrow(e, r, QuantizedActivationRange(activation, out), out.dtype);
}

Status PrepareQuantizedUnary(NodeContext& ctx, std::string_view op, bool int16_symmetric) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
  JITLITE_RETURN_IF_ERROR(ExpectOutputDType(ctx, op));
  JITLITE_RETURN_IF_ERROR(CheckQuantizedTensors(ctx));
  if (int16_symmetric && ctx.input(0).dtype == DType::kInt16 &&
      (ZeroPoint(ctx.input(0)) != 0 || ZeroPoint(ctx.output(0)) != 0)) {
    return InvalidArgument(std::string("INT16 ") + std::string(op) +
                           " needs zero points 0 (symmetric quantization)");
  }
  ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
  return Status::Ok();
}

llvm::Value* EmitRequantize(jit::ElementEmitter& e, llvm::Value* q, const TensorState& in,
                            const TensorState& out, QuantizedMultiplier m, IntRange range) {
  llvm::Value* r = e.b().CreateAdd(EmitMultiplyByQuantizedMultiplier(e.b(), Centered(e, q, in), m),
                                   e.I32(ZeroPoint(out)));
  return ClampAndNarrow(e, r, range, out.dtype);
}

IntRange ReluXRange(const TensorState& out, float lo, float hi) {
  const IntRange full = DTypeRange(out.dtype);
  const float scale = Scale(out);
  const int32_t zp = ZeroPoint(out);
  IntRange r;
  r.lo = std::max(full.lo, zp + static_cast<int32_t>(std::round(lo / scale)));
  r.hi = std::isinf(hi) ? full.hi
                        : std::min(full.hi, zp + static_cast<int32_t>(std::round(hi / scale)));
  return r;
}

}  // namespace jitlite::ops

namespace jitlite::ops {

llvm::Value* EmitQuantizedReluX(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q,
                                float lo, float hi) {
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(Scale(in) / Scale(out)));
  return EmitRequantize(e, q, in, out, m, ReluXRange(out, lo, hi));
}

llvm::Value* EmitQuantizedLeakyRelu(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q,
                                    float alpha) {
  llvm::IRBuilder<>& b = e.b();
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  const QuantizedMultiplier identity =
      QuantizeMultiplier(static_cast<double>(Scale(in) / Scale(out)));
  const QuantizedMultiplier scaled =
      QuantizeMultiplier(static_cast<double>(Scale(in) * alpha / Scale(out)));
  llvm::Value* x = b.CreateSub(EmitWidenQuantized(b, q, in.dtype), e.I32(ZeroPoint(in)));
  // A negative alpha: LiteRT's result is the negated product by |multiplier|
  // (so ties of the positive result round down, not up), found by comparing
  // every int16 and int8 input with BUILTIN_REF.
  llvm::Value* negative_side;
  if (scaled.multiplier < 0) {
    const QuantizedMultiplier magnitude{-scaled.multiplier, scaled.shift};
    negative_side = b.CreateNeg(EmitMultiplyByQuantizedMultiplier(b, x, magnitude));
  } else {
    negative_side = EmitMultiplyByQuantizedMultiplier(b, x, scaled);
  }
  llvm::Value* r = b.CreateSelect(b.CreateICmpSGE(x, e.I32(0)),
                                  EmitMultiplyByQuantizedMultiplier(b, x, identity), negative_side);
  r = b.CreateAdd(r, e.I32(ZeroPoint(out)));
  return EmitNarrowQuantized(b, EmitClampInt(b, r, DTypeRange(out.dtype)), out.dtype);
}

llvm::Value* EmitStoredCompare(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y, DType dtype,
                               bool greater) {
  if (x->getType()->isFPOrFPVectorTy()) {
    return greater ? b.CreateFCmpOGT(x, y) : b.CreateFCmpOLT(x, y);
  }
  if (dtype == DType::kUInt8) return greater ? b.CreateICmpUGT(x, y) : b.CreateICmpULT(x, y);
  return greater ? b.CreateICmpSGT(x, y) : b.CreateICmpSLT(x, y);
}

llvm::Value* EmitQuantizedAbs(jit::ElementEmitter& e, const NodeContext& ctx, llvm::Value* q) {
  llvm::IRBuilder<>& b = e.b();
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  llvm::Value* x = b.CreateBinaryIntrinsic(llvm::Intrinsic::abs, Centered(e, q, in), b.getFalse());
  if (Scale(in) != Scale(out)) {
    x = EmitMultiplyByQuantizedMultiplier(
        b, x, QuantizeMultiplier(static_cast<double>(Scale(in) / Scale(out))));
  }
  return ClampAndNarrow(e, b.CreateAdd(x, e.I32(ZeroPoint(out))), DTypeRange(out.dtype),
                        out.dtype);
}

llvm::Value* EmitQuantizedSquaredDifference(jit::ElementEmitter& e, const NodeContext& ctx,
                                            llvm::Value* a, llvm::Value* b) {
  llvm::IRBuilder<>& ir = e.b();
  const TensorState& in1 = ctx.input(0);
  const TensorState& in2 = ctx.input(1);
  const TensorState& out = ctx.output(0);
  constexpr int kLeftShift = 7;
  const double twice_max = 2.0 * std::max(Scale(in1), Scale(in2));
  const QuantizedMultiplier m1 = QuantizeMultiplier(Scale(in1) / twice_max);
  const QuantizedMultiplier m2 = QuantizeMultiplier(Scale(in2) / twice_max);
  const QuantizedMultiplier mo = QuantizeMultiplier(
      twice_max * twice_max / (static_cast<double>(1 << (2 * kLeftShift)) * Scale(out)));
  llvm::Value* x1 = ir.CreateShl(Centered(e, a, in1), kLeftShift);
  llvm::Value* x2 = ir.CreateShl(Centered(e, b, in2), kLeftShift);
  llvm::Value* s1 = EmitMultiplyByQuantizedMultiplier(ir, x1, m1);
  llvm::Value* s2 = EmitMultiplyByQuantizedMultiplier(ir, x2, m2);
  llvm::Value* d = ir.CreateSub(s1, s2);
  llvm::Value* r = ir.CreateAdd(EmitMultiplyByQuantizedMultiplier(ir, ir.CreateMul(d, d), mo),
                                e.I32(ZeroPoint(out)));
  return ClampAndNarrow(e, r, DTypeRange(out.dtype), out.dtype);
}

llvm::Value* EmitTableLookup8(jit::ElementEmitter& e, llvm::Value* q, DType dtype,
                              const std::array<uint8_t, 256>& table, const char* name) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Module* module = b.GetInsertBlock()->getModule();
  llvm::Constant* data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(table));
  auto* global = new llvm::GlobalVariable(*module, data->getType(), /*isConstant=*/true,
                                          llvm::GlobalValue::PrivateLinkage, data, name);
  llvm::Value* index = dtype == DType::kUInt8
                           ? b.CreateZExt(q, b.getInt64Ty())
                           : b.CreateAdd(b.CreateSExt(q, b.getInt64Ty()), b.getInt64(128));
  llvm::Value* ptr = b.CreateInBoundsGEP(data->getType(), global, {b.getInt64(0), index});
  return b.CreateLoad(b.getInt8Ty(), ptr);
}

}  // namespace jitlite::ops
