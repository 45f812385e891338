// LOG_SOFTMAX: along the last axis, out_i = x_i - max x - log(sum_j
// exp(x_j - max x)), TFLite's order of operations. Any input rank >= 1.
// FLOAT32; INT8 and UINT8 bit-exact with TFLite's reference fixed-point
// kernel: diff = q - row max scaled by s_in with 5 integer bits (diffs below
// diff_min skipped), gemmlowp's exp_on_negative_values summed with 12
// integer bits, its fixed-point log (5 integer bits), and each output
// (scaled diff - log) in 1/16 steps + the zero point; diffs at or below a
// per-row threshold (where the result would leave the output range) give
// the type's minimum. The output must be scale 16/256 with zero point 127
// (INT8) or 255 (UINT8), as TFLite requires.
//
// Per row: a max pass, an exp + sum pass, then each element goes to
// StoreOutput. The one log per row is ElementEmitter::Log (inline, no libm)
// for floats.
#include <cmath>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/fixed_point.h"
#include "ops/util/last_axis_rows.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;
constexpr int kOutputIntegerBits = 4;

// TFLite's Prepare for the reference kernel (PreprocessLogSoftmaxScalingExp
// with beta 1 and CalculateInputRadius).
struct QuantizedLogSoftmaxParams {
  QuantizedMultiplier input;    // s_in * 2^26, shift >= 0
  QuantizedMultiplier reverse;  // 2^(31 - shift) / multiplier, below 1
  int32_t diff_min = 0;
};

StatusOr<QuantizedLogSoftmaxParams> QuantizedParams(const TensorState& in) {
  const double real = std::min(static_cast<double>(Scale(in)) *
                                   static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                               static_cast<double>((int64_t{1} << 31) - 1));
  if (!(real > 1.0)) {  // TFLite's QuantizeMultiplierGreaterThanOne aborts then
    return InvalidArgument("input scale " + std::to_string(Scale(in)) +
                           " is too small for quantized LOG_SOFTMAX (needs above 2^-26)");
  }
  QuantizedLogSoftmaxParams p;
  p.input = QuantizeMultiplier(real);
  p.reverse = QuantizeMultiplier(static_cast<double>(int64_t{1} << (31 - p.input.shift)) /
                                 static_cast<double>(p.input.multiplier));
  const double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                        static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)) /
                        static_cast<double>(int64_t{1} << p.input.shift);
  p.diff_min = -static_cast<int32_t>(std::floor(radius));
  return p;
}

// The output parameters TFLite's kernel requires.
Status CheckQuantizedOutput(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
  const TensorState& out = ctx.output(0);
  const int32_t zero_point = DTypeRange(out.dtype).hi;
  if (Scale(out) != 16.0f / 256 || ZeroPoint(out) != zero_point) {
    return InvalidArgument("output has scale " + std::to_string(Scale(out)) + " and zero point " +
                           std::to_string(ZeroPoint(out)) + "; quantized LOG_SOFTMAX needs 16/256 "
                           "and " + std::to_string(zero_point));
  }
  return QuantizedParams(ctx.input(0)).status();
}

class LogSoftmaxOp : public OpDef {
 public:
  std::string_view name() const override { return "LOG_SOFTMAX"; }
  std::vector<int> builtin_codes() const override { return {50}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType t = ctx.input(0).dtype;
    if (t == DType::kInt8 || t == DType::kUInt8) {
      JITLITE_RETURN_IF_ERROR(CheckQuantizedOutput(ctx));
    } else if (t != DType::kFloat32) {
      return InvalidArgument(std::string("LOG_SOFTMAX of ") + DTypeName(t) +
                             ", which TFLite does not accept (supported: FLOAT32, INT8, UINT8)");
    }
    if (ctx.input(0).rank() < 1) {
      return InvalidArgument("input 0 is a scalar; LOG_SOFTMAX needs rank >= 1");
    }
    ctx.SetOutput(0, t, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    if (ctx.input(0).dtype != DType::kFloat32) {
      JITLITE_ASSIGN_OR_RETURN(QuantizedLogSoftmaxParams p, QuantizedParams(ctx.input(0)));
      return EmitRowKernel(e, ctx, [&](std::vector<Value*>& idx, Value* base) {
        EmitQuantizedRow(e, ctx.input(0).dtype, shape, idx, base, p);
      });
    }
    return EmitRowKernel(e, ctx, [&](std::vector<Value*>& idx, Value* base) {
      EmitRow(e, shape, idx, base);
    });
  }

 private:
  // One row of the reference fixed-point kernel (file comment).
  static void EmitQuantizedRow(jit::KernelEmitter& e, DType dtype, const Shape& shape,
                               std::vector<Value*>& idx, Value* base,
                               const QuantizedLogSoftmaxParams& p) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = shape.back();
    const IntRange range = DTypeRange(dtype);
    llvm::Type* i32 = b.getInt32Ty();
    auto load = [&](Value* i) {
      return EmitWidenQuantized(b, e.LoadInput(0, b.CreateAdd(base, i, "", true, true)), dtype);
    };

    // Pass 1: the row maximum, from the type's minimum as TFLite.
    llvm::AllocaInst* max_slot = e.Alloca(i32, "max");
    b.CreateStore(e.I32(range.lo), max_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* m = b.CreateLoad(i32, max_slot);
      Value* x = load(i);
      b.CreateStore(b.CreateSelect(b.CreateICmpSGT(x, m), x, m), max_slot);
    }, "max");
    Value* max = b.CreateLoad(i32, max_slot);
    auto diff_of = [&](Value* i) { return b.CreateSub(load(i), max); };
    auto scaled = [&](Value* diff) { return EmitMultiplyByQuantizedMultiplier(b, diff, p.input); };

    // Pass 2: the sum of exps (12 integer bits) over diffs >= diff_min.
    llvm::AllocaInst* sum_slot = e.Alloca(i32, "sum");
    b.CreateStore(e.I32(0), sum_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* diff = diff_of(i);
      Value* ex = EmitExpOnNegativeValues(b, scaled(diff), kScaledDiffIntegerBits);
      ex = EmitRoundingDivideByPOT(b, ex, e.I32(kAccumulationIntegerBits));
      Value* sum = b.CreateLoad(i32, sum_slot);
      b.CreateStore(b.CreateSelect(b.CreateICmpSGE(diff, e.I32(p.diff_min)),
                                   b.CreateAdd(sum, ex), sum),
                    sum_slot);
    }, "exp");
    Value* log_sum = EmitLogXGreaterOrEqualOne(b, b.CreateLoad(i32, sum_slot),
                                               kAccumulationIntegerBits, kScaledDiffIntegerBits);
    // Diffs at or below this give the minimum: the smallest Q5.26 value
    // plus the log, mapped back to input steps.
    Value* threshold = EmitMultiplyByQuantizedMultiplier(
        b, b.CreateAdd(log_sum, e.I32(INT32_MIN)), p.reverse);
    threshold = b.CreateSelect(b.CreateICmpSGT(threshold, e.I32(p.diff_min - 1)), threshold,
                               e.I32(p.diff_min - 1));

    // Pass 3: (scaled diff - log) in the output's 1/16 steps + zero point.
    const size_t last = shape.size() - 1;
    e.For(0, n, 1, [&](Value* i) {
      Value* diff = diff_of(i);
      Value* out = EmitRoundingDivideByPOT(
          b, b.CreateSub(scaled(diff), log_sum),
          e.I32(31 - kScaledDiffIntegerBits - kOutputIntegerBits));
      out = EmitClampInt(b, b.CreateAdd(out, e.I32(range.hi)), range);
      out = b.CreateSelect(b.CreateICmpSGT(diff, threshold), out, e.I32(range.lo));
      idx[last] = i;
      e.StoreOutput(EmitNarrowQuantized(b, out, dtype), idx);
    }, "out");
  }

  static void EmitRow(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*>& idx,
                      Value* base) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = shape.back();
    auto load = [&](Value* i) { return e.LoadInput(0, b.CreateAdd(base, i, "", true, true)); };
    llvm::Type* f32 = b.getFloatTy();

    llvm::AllocaInst* max_slot = e.Alloca(f32, "max");
    b.CreateStore(load(e.I64(0)), max_slot);
    e.For(1, n, 1, [&](Value* i) {
      b.CreateStore(b.CreateMaxNum(b.CreateLoad(f32, max_slot), load(i)), max_slot);
    }, "max");
    Value* max = b.CreateLoad(f32, max_slot);

    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sum");
    b.CreateStore(e.F32(0.0f), sum_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* ex = e.Exp(b.CreateFSub(load(i), max));
      b.CreateStore(ReassociatingAdd(b, b.CreateLoad(f32, sum_slot), ex), sum_slot);
    }, "exp");
    Value* log_sum = e.Log(b.CreateLoad(f32, sum_slot));

    const size_t last = shape.size() - 1;
    e.For(0, n, 1, [&](Value* i) {
      idx[last] = i;
      e.StoreOutput(b.CreateFSub(b.CreateFSub(load(i), max), log_sum), idx);
    }, "out");
  }
};

}  // namespace

const OpDef& log_softmax_op() {
  static const LogSoftmaxOp op;
  return op;
}

}  // namespace jitlite::ops
