// SOFTMAX: along the last axis, out_i = exp(beta * (x_i - max x)) /
// sum_j exp(beta * (x_j - max x)), SoftmaxOptions.beta (schema default 0).
// Any input rank >= 1, as TFLite. FLOAT32; INT8 -> INT8/INT16 and UINT8 ->
// UINT8/INT16 bit-exact with TFLite's reference fixed-point kernel (what
// BUILTIN_REF and TFLM run): diff = q - row max scaled by beta * s_in with 5
// integer bits, gemmlowp's exp_on_negative_values, a sum with 12 integer
// bits, its reciprocal, and each output = exp * reciprocal in the output's
// bits offset by the type's minimum (the output parameters are implied: scale
// 1/256 or 1/65536, zero point the minimum). Diffs below diff_min give the
// minimum. That kernel needs beta * s_in > 2^-26 (TFLite's aborts below);
// for smaller products (converter models with near-constant logits) the
// 8-bit types follow TFLite's optimized kernel instead, which the default
// resolver runs: a 256-entry float exp table built at allocate time, a float
// sum and scaling by 1 / (sum * s_out), rounding to the output.
// INT16 -> INT16 as TFLite's reference SoftmaxInt16: diffs scaled to
// [-10, 0] read a 513-entry exp table, the sum's reciprocal a 1/(1 + x)
// table (both built in double at allocate time and passed by pointer: they
// depend only on constants, and a kernel op reads packed buffers), output
// scale 1/32768 with zero point 0.
//
// Per row: a max pass, an exp + sum pass, and a scaling pass that hands each
// element to StoreOutput. Float rows up to kMaxStackRow keep their exps in a
// stack buffer; longer rows recompute them. The 8-bit reference kernel's
// exps take one of 256 values (one per diff): each invoke computes those
// into scratch tables first, and the rows read them.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "jit/gemm.h"
#include "ops/op.h"
#include "ops/util/fixed_point.h"
#include "ops/util/lookup_table.h"
#include "ops/util/quantization.h"
#include "jit/vector_io.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int64_t kMaxStackRow = 4096;  // floats (16 KB of stack)
constexpr int64_t kLanes = 16;          // floats per vector of the FLOAT32 rows
// exp's argument below which the FLOAT32 rows take 0 (as XNNPACK's softmax):
// exp(-86.5) is still a normal float, and so are the 2^n factors of exp's
// scaling, so no lane makes a subnormal (each costs a microcode assist on
// x86; attention logits masked with -FLT_MAX made SOFTMAX ~5x slower).
constexpr float kExpFlushBelow = -86.5f;

float Beta(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_SoftmaxOptions();
  return opts ? opts->beta() : 0.0f;  // missing table = zeroed defaults
}

// The reference kernel's compile-time parameters (TFLite's
// PreprocessSoftmaxScaling and CalculateInputRadius, 5 integer bits).
struct QuantizedSoftmaxParams {
  QuantizedMultiplier input;  // beta * s_in * 2^26, shift >= 0
  int32_t diff_min = 0;
};

constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

// beta * s_in * 2^26, capped as TFLite's PreprocessSoftmaxScaling does.
double ReferenceInputMultiplier(const NodeContext& ctx) {
  return std::min(static_cast<double>(Beta(ctx)) * static_cast<double>(Scale(ctx.input(0))) *
                      static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                  static_cast<double>((int64_t{1} << 31) - 1));
}

// 8-bit inputs whose beta * s_in is at most 2^-26: TFLite's reference kernel
// aborts on them (QuantizeMultiplierGreaterThanOne), its optimized kernel
// (what the default resolver runs) uses a float exp table. jitlite follows
// the optimized kernel there and the reference kernel everywhere else.
bool UsesExpTable(const NodeContext& ctx) {
  const DType t = ctx.input(0).dtype;
  return (t == DType::kInt8 || t == DType::kUInt8) && !(ReferenceInputMultiplier(ctx) > 1.0);
}

QuantizedSoftmaxParams QuantizedParams(const NodeContext& ctx) {
  QuantizedSoftmaxParams p;
  p.input = QuantizeMultiplier(ReferenceInputMultiplier(ctx));
  const double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                        static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)) /
                        static_cast<double>(int64_t{1} << p.input.shift);
  p.diff_min = -static_cast<int32_t>(std::floor(radius));
  return p;
}

// The optimized kernel's table: exp(-s_in * beta * d) at index 255 - d for a
// diff d from the row maximum, in float as TFLite builds it.
std::vector<float> ExpTable(const NodeContext& ctx) {
  const float scale = -Scale(ctx.input(0)) * Beta(ctx);
  std::vector<float> table(256);
  for (int d = 0; d <= 255; ++d) table[255 - d] = std::exp(scale * static_cast<float>(d));
  return table;
}

// TFLite's Prepare checks these for INT8 -> INT8 only (both kernels).
Status CheckInt8Output(const TensorState& out) {
  if (ZeroPoint(out) != -128) {
    return InvalidArgument("output zero point is " + std::to_string(ZeroPoint(out)) +
                           "; INT8 SOFTMAX needs -128");
  }
  if (std::fabs(Scale(out) - 1.0f / 256) > 0.001f / 256) {
    return InvalidArgument("output scale is " + std::to_string(Scale(out)) +
                           "; INT8 SOFTMAX needs 1/256");
  }
  return Status::Ok();
}

// The quantized input/output pairs of TFLite's kernel.
Status CheckQuantizedTypes(const NodeContext& ctx) {
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  if (in.dtype == DType::kInt16) {
    if (out.dtype != DType::kInt16) {
      return InvalidArgument(std::string("output has type ") + DTypeName(out.dtype) +
                             "; SOFTMAX of INT16 outputs INT16");
    }
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(in, "input 0"));
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(out, "output"));
    if (ZeroPoint(out) != 0) {
      return InvalidArgument("output zero point is " + std::to_string(ZeroPoint(out)) +
                             "; INT16 SOFTMAX needs 0");
    }
    return Status::Ok();
  }
  if (out.dtype != in.dtype && out.dtype != DType::kInt16) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out.dtype) + "; SOFTMAX of " +
                           DTypeName(in.dtype) + " outputs " + DTypeName(in.dtype) + " or INT16");
  }
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(in, "input 0"));
  if (out.dtype == DType::kInt8) return CheckInt8Output(out);
  return Status::Ok();
}

class SoftmaxOp : public OpDef {
 public:
  std::string_view name() const override { return "SOFTMAX"; }
  std::vector<int> builtin_codes() const override { return {25}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType t = ctx.input(0).dtype;
    DType out = t;
    if (IsQuantizedDType(t)) {
      JITLITE_RETURN_IF_ERROR(CheckQuantizedTypes(ctx));
      out = ctx.output(0).dtype;
    } else if (t != DType::kFloat32 && t != DType::kFloat16) {
      return InvalidArgument(std::string("SOFTMAX of ") + DTypeName(t) +
                             ", which TFLite does not accept (supported: FLOAT32, FLOAT16, INT8, "
                             "UINT8, INT16)");
    }
    if (ctx.input(0).rank() < 1) {
      return InvalidArgument("input 0 is a scalar; SOFTMAX needs rank >= 1");
    }
    ctx.SetOutput(0, out, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    if (NumElements(shape) == 0) return Status::Ok();
    if (ctx.input(0).dtype == DType::kInt16) {
      // diff * s_in * beta rescaled so that [-65535, 0] covers [-10, 0].
      const QuantizedMultiplier m = QuantizeMultiplier(
          static_cast<double>(Scale(ctx.input(0))) * static_cast<double>(Beta(ctx)) /
          (10.0 / 65535.0));
      EmitRows(e, shape, 0, std::vector<Value*>(shape.size(), nullptr),
               [&](const std::vector<Value*>& idx) { EmitInt16Row(e, shape, idx, m); });
      return Status::Ok();
    }
    if (UsesExpTable(ctx)) {
      EmitRows(e, shape, 0, std::vector<Value*>(shape.size(), nullptr),
               [&](const std::vector<Value*>& idx) { EmitExpTableRow(e, ctx, shape, idx); });
      return Status::Ok();
    }
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      EmitQuantizedTables(e, QuantizedParams(ctx));
      EmitRows(e, shape, 0, std::vector<Value*>(shape.size(), nullptr),
               [&](const std::vector<Value*>& idx) { EmitQuantizedRow(e, ctx, shape, idx); });
      return Status::Ok();
    }
    const float beta = Beta(ctx);
    if (ctx.input(0).dtype == DType::kFloat32) {
      jit::UseWideVectors(*e.b().GetInsertBlock()->getParent());
      EmitRows(e, shape, 0, std::vector<Value*>(shape.size(), nullptr),
               [&](const std::vector<Value*>& idx) { EmitVectorRow(e, shape, idx, beta); });
      return Status::Ok();
    }
    EmitRows(e, shape, 0, std::vector<Value*>(shape.size(), nullptr),
             [&](const std::vector<Value*>& idx) { EmitRow(e, shape, idx, beta); });
    return Status::Ok();
  }

  // FLOAT32: the kernel can run as a GEMM's row epilogue, in place.
  bool runs_on_stored_rows(const NodeContext& ctx) const override {
    return ctx.input(0).dtype == DType::kFloat32 && ctx.output(0).dtype == DType::kFloat32 &&
           ctx.input(0).rank() >= 1 && NumElements(ctx.input(0).shape) > 0;
  }

  void EmitRowsInPlace(jit::KernelEmitter& e, const NodeContext& ctx, Value* data,
                       int64_t rows) const override {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = ctx.input(0).shape.back();
    jit::UseWideVectors(*b.GetInsertBlock()->getParent());
    e.For(0, rows, 1, [&](Value* r) {
      Value* row = b.CreateInBoundsGEP(b.getFloatTy(), data, b.CreateMul(r, e.I64(n)));
      EmitVectorRowAt(e, n, Beta(ctx), row, [&](Value* prob, Value* col, Value* mask, int64_t) {
        Value* ptr = b.CreateInBoundsGEP(b.getFloatTy(), row, col);
        jit::StoreLanes(b, prob, ptr, mask, llvm::Align(4));
      });
    }, "row");
  }

  // The reference 8-bit kernel's exp tables (EmitQuantizedTables).
  int64_t ScratchBytes(const NodeContext& ctx) const override {
    const DType t = ctx.input(0).dtype;
    if (t == DType::kInt16 || !IsQuantizedDType(t) || UsesExpTable(ctx)) return 0;
    return 2 * kDiffs * static_cast<int64_t>(sizeof(int32_t));
  }

  // 8-bit inputs in the optimized kernel's regime: its float exp table.
  // INT16: the exp and reciprocal tables (TFLite's parameters: exp on
  // [-10, 0] from inputs of scale 10/65535, zero point 32767; 1/(1 + x) on
  // [0, 1]; both to outputs of scale 2/65535).
  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    if (UsesExpTable(ctx)) {
      const std::vector<float> table = ExpTable(ctx);
      AlignedBuffer buffer(table.size() * sizeof(float));
      std::memcpy(buffer.data(), table.data(), table.size() * sizeof(float));
      out.push_back(std::move(buffer));
      return Status::Ok();
    }
    if (ctx.input(0).dtype != DType::kInt16) return Status::Ok();
    const Int16Table tables[] = {
        BuildInt16Table([](double x) { return std::exp(x); }, 10.0 / 65535.0, 32767,
                        2.0 / 65535.0, 0),
        BuildInt16Table([](double x) { return 1.0 / (1.0 + x); }, 1.0 / 65535.0, -32768,
                        2.0 / 65535.0, -32768)};
    for (const Int16Table& t : tables) {
      AlignedBuffer buffer(sizeof(t));
      std::memcpy(buffer.data(), t.data(), sizeof(t));
      out.push_back(std::move(buffer));
    }
    return Status::Ok();
  }

 private:
  using RowFn = std::function<void(const std::vector<Value*>&)>;

  // The largest of load(0 .. n-1) (i32 values), starting from `lowest`.
  static Value* EmitIntRowMax(jit::KernelEmitter& e, int64_t n, int32_t lowest,
                              const std::function<Value*(Value*)>& load) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* i32 = b.getInt32Ty();
    llvm::AllocaInst* slot = e.Alloca(i32, "max");
    b.CreateStore(e.I32(lowest), slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* m = b.CreateLoad(i32, slot);
      Value* x = load(i);
      b.CreateStore(b.CreateSelect(b.CreateICmpSGT(x, m), x, m), slot);
    }, "max");
    return b.CreateLoad(i32, slot);
  }

  // One INT16 row (TFLite's SoftmaxInt16; file comment).
  static void EmitInt16Row(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*> idx,
                           QuantizedMultiplier m) {
    llvm::IRBuilder<>& b = e.b();
    const size_t last = shape.size() - 1;
    idx[last] = e.I64(0);
    Value* base = e.LinearOffset(shape, idx);
    auto load = [&](Value* i) {
      return b.CreateSExt(e.LoadInput(0, b.CreateAdd(base, i, "", true, true)), b.getInt32Ty());
    };
    llvm::Type* i32 = b.getInt32Ty();
    llvm::Type* i64 = b.getInt64Ty();
    const IntRange int16 = DTypeRange(DType::kInt16);
    Value* max = EmitIntRowMax(e, shape.back(), int16.lo, load);
    // exp(diff) in Q0.15 from the table, the diff recentred to int16.
    auto exp_of = [&](Value* i) {
      Value* scaled = EmitMultiplyByQuantizedMultiplier(b, b.CreateSub(load(i), max), m);
      Value* centred = EmitClampInt(b, b.CreateAdd(scaled, e.I32(32767)), int16);
      return EmitInt16TableLookup(b, e.PackedPtr(0), centred);
    };

    llvm::AllocaInst* sum_slot = e.Alloca(i32, "sum");
    b.CreateStore(e.I32(0), sum_slot);
    e.For(0, shape.back(), 1, [&](Value* i) {
      b.CreateStore(b.CreateAdd(b.CreateLoad(i32, sum_slot), exp_of(i)), sum_slot);
    }, "exp");
    // 1 / sum: the sum normalized to [1, 2) in Q1.15, minus 1, recentred.
    Value* sum = b.CreateLoad(i32, sum_slot);
    Value* headroom = b.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, sum, b.getFalse());
    Value* shifted = b.CreateAShr(
        b.CreateAdd(b.CreateShl(b.CreateSExt(sum, i64),
                                b.CreateZExt(b.CreateSub(headroom, e.I32(1)), i64)),
                    e.I64(1 << 13)),
        e.I64(14));
    Value* centred = EmitClampInt(
        b, b.CreateAdd(b.CreateTrunc(shifted, i32), e.I32(-((1 << 15) + (1 << 16)))), int16);
    Value* reciprocal = b.CreateSExt(EmitInt16TableLookup(b, e.PackedPtr(1), centred), i64);
    Value* right_shift = b.CreateZExt(b.CreateSub(e.I32(31), headroom), i64);
    Value* round = b.CreateShl(e.I64(1), b.CreateSub(right_shift, e.I64(1)));

    e.For(0, shape.back(), 1, [&](Value* i) {
      Value* product = b.CreateMul(b.CreateSExt(exp_of(i), i64), reciprocal);
      Value* r = b.CreateTrunc(b.CreateAShr(b.CreateAdd(product, round), right_shift), i32);
      idx[last] = i;
      e.StoreOutput(EmitNarrowQuantized(b, EmitClampInt(b, r, {0, int16.hi}), DType::kInt16),
                    idx);
    }, "norm");
  }

  // Loops over the outer dims, then emits the row at that index.
  static void EmitRows(jit::KernelEmitter& e, const Shape& shape, size_t d,
                       std::vector<Value*> idx, const RowFn& row) {
    if (d + 1 == shape.size()) {
      row(idx);
      return;
    }
    e.For(0, shape[d], 1, [&](Value* iv) {
      idx[d] = iv;
      EmitRows(e, shape, d + 1, idx, row);
    }, "row");
  }

  // The reference kernel's exps depend only on d = max - x, in [0, 255]
  // for 8-bit types: once per invoke, two tables of i32 in scratch hold
  // exp(scaled -d) (0 integer bits) and its share of the sum (12 integer
  // bits), both 0 for diffs below diff_min, which then count nothing and
  // give the output's minimum.
  static constexpr int64_t kDiffs = 256;
  static constexpr int64_t kSumTable = kDiffs;  // the second table's first entry

  static void EmitQuantizedTables(jit::KernelEmitter& e, const QuantizedSoftmaxParams& p) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* i32 = b.getInt32Ty();
    Value* tables = e.ScratchPtr();
    e.For(0, kDiffs, 1, [&](Value* d) {
      Value* diff = b.CreateNeg(b.CreateTrunc(d, i32));
      Value* in_range = b.CreateICmpSGE(diff, e.I32(p.diff_min));
      Value* scaled = EmitSaturatingRoundingDoublingHighMul(
          b, b.CreateShl(diff, p.input.shift), e.I32(p.input.multiplier));
      Value* ex = EmitExpOnNegativeValues(b, scaled, kScaledDiffIntegerBits);
      Value* share = EmitRoundingDivideByPOT(b, ex, e.I32(kAccumulationIntegerBits));
      b.CreateStore(b.CreateSelect(in_range, ex, e.I32(0)), b.CreateInBoundsGEP(i32, tables, d));
      b.CreateStore(b.CreateSelect(in_range, share, e.I32(0)),
                    b.CreateInBoundsGEP(i32, tables, b.CreateAdd(d, e.I64(kSumTable))));
    }, "diff");
  }

  // One row of the reference fixed-point kernel (file comment), its exps
  // read from the tables of EmitQuantizedTables.
  static void EmitQuantizedRow(jit::KernelEmitter& e, const NodeContext& ctx, const Shape& shape,
                               std::vector<Value*> idx) {
    llvm::IRBuilder<>& b = e.b();
    const DType in_type = ctx.input(0).dtype;
    const DType out_type = ctx.output(0).dtype;
    const IntRange out_range = DTypeRange(out_type);
    const int out_bits = out_type == DType::kInt16 ? 16 : 8;
    const size_t last = shape.size() - 1;
    idx[last] = e.I64(0);
    Value* base = e.LinearOffset(shape, idx);
    auto load = [&](Value* i) {
      return EmitWidenQuantized(b, e.LoadInput(0, b.CreateAdd(base, i, "", true, true)), in_type);
    };
    llvm::Type* i32 = b.getInt32Ty();

    // Pass 1: row maximum, from the type's minimum as TFLite.
    Value* max = EmitIntRowMax(e, shape.back(), DTypeRange(in_type).lo, load);
    auto table = [&](Value* i, int64_t first) {
      Value* d = b.CreateZExt(b.CreateSub(max, load(i)), b.getInt64Ty());
      return b.CreateLoad(i32, b.CreateInBoundsGEP(i32, e.ScratchPtr(),
                                                  b.CreateAdd(d, e.I64(first))));
    };

    // Pass 2: the sum of exps with 12 integer bits.
    llvm::AllocaInst* sum_slot = e.Alloca(i32, "sum");
    b.CreateStore(e.I32(0), sum_slot);
    e.For(0, shape.back(), 1, [&](Value* i) {
      b.CreateStore(b.CreateAdd(b.CreateLoad(i32, sum_slot), table(i, kSumTable)), sum_slot);
    }, "exp");
    // Its reciprocal: the sum normalized to [1, 2) (TFLite's GetReciprocal).
    Value* sum = b.CreateLoad(i32, sum_slot);
    Value* headroom = b.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, sum, b.getFalse());
    Value* bits_over_unit = b.CreateSub(e.I32(kAccumulationIntegerBits), headroom);
    Value* shifted_minus_one = b.CreateSub(b.CreateShl(sum, headroom), e.I32(INT32_MIN));
    Value* reciprocal = EmitOneOverOnePlusX(b, shifted_minus_one);
    Value* exponent = b.CreateAdd(bits_over_unit, e.I32(31 - out_bits));

    // Pass 3: each probability in the output's bits, offset by its minimum
    // (an exp of 0, a diff out of range, gives the minimum).
    e.For(0, shape.back(), 1, [&](Value* i) {
      Value* prob = EmitRoundingDivideByPOT(
          b, EmitSaturatingRoundingDoublingHighMul(b, reciprocal, table(i, 0)), exponent);
      Value* q = EmitClampInt(b, b.CreateAdd(prob, e.I32(out_range.lo)), out_range);
      idx[last] = i;
      e.StoreOutput(EmitNarrowQuantized(b, q, out_type), idx);
    }, "norm");
  }

  // One row of TFLite's optimized 8-bit kernel (UsesExpTable): exps read
  // from the table at 255 - (max - x), summed in order in float, each
  // probability exp / (sum * s_out) rounded (UINT8: + 0.5 and truncated,
  // without the zero point, as TFLite's x86 build), offset and clamped.
  static void EmitExpTableRow(jit::KernelEmitter& e, const NodeContext& ctx, const Shape& shape,
                              std::vector<Value*> idx) {
    llvm::IRBuilder<>& b = e.b();
    const DType in_type = ctx.input(0).dtype;
    const DType out_type = ctx.output(0).dtype;
    const size_t last = shape.size() - 1;
    idx[last] = e.I64(0);
    Value* base = e.LinearOffset(shape, idx);
    auto load = [&](Value* i) {
      return EmitWidenQuantized(b, e.LoadInput(0, b.CreateAdd(base, i, "", true, true)), in_type);
    };
    llvm::Type* f32 = b.getFloatTy();
    Value* max = EmitIntRowMax(e, shape.back(), DTypeRange(in_type).lo, load);
    Value* top = b.CreateSub(e.I32(255), max);
    auto exp_of = [&](Value* i) {
      Value* index = b.CreateSExt(b.CreateAdd(top, load(i)), b.getInt64Ty());
      return b.CreateLoad(f32, b.CreateInBoundsGEP(f32, e.PackedPtr(0), index));
    };

    // Strict float adds: TFLite's sum is sequential, and its rounding shows.
    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sum");
    b.CreateStore(e.F32(0.0f), sum_slot);
    e.For(0, shape.back(), 1, [&](Value* i) {
      b.CreateStore(b.CreateFAdd(b.CreateLoad(f32, sum_slot), exp_of(i)), sum_slot);
    }, "exp");
    Value* inv = b.CreateFDiv(
        e.F32(1.0f), b.CreateFMul(b.CreateLoad(f32, sum_slot), e.F32(Scale(ctx.output(0)))));

    const bool is_uint8 = out_type == DType::kUInt8;
    Value* zero_point = e.I32(is_uint8 ? 0 : ZeroPoint(ctx.output(0)));
    e.For(0, shape.back(), 1, [&](Value* i) {
      Value* prob = b.CreateFMul(exp_of(i), inv);
      Value* rounded = is_uint8 ? b.CreateFAdd(prob, e.F32(0.5f))
                                : b.CreateUnaryIntrinsic(llvm::Intrinsic::round, prob);
      Value* q = b.CreateAdd(b.CreateFPToSI(rounded, b.getInt32Ty()), zero_point);
      idx[last] = i;
      e.StoreOutput(EmitNarrowQuantized(b, EmitClampInt(b, q, DTypeRange(out_type)), out_type),
                    idx);
    }, "norm");
  }

  // FLOAT32 rows of whole <16 x float> vectors (the last one masked): the
  // same three passes as EmitRow, explicitly vectorized (LLVM leaves the
  // maxnum chain of EmitRow's max pass scalar). Lanes past n load -inf for
  // the max and count 0 in the sum.
  static void EmitVectorRow(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*> idx,
                            float beta) {
    llvm::IRBuilder<>& b = e.b();
    idx[shape.size() - 1] = e.I64(0);
    Value* in = b.CreateInBoundsGEP(b.getFloatTy(), e.InputPtr(0), e.LinearOffset(shape, idx));
    EmitVectorRowAt(e, shape.back(), beta, in,
                    [&](Value* prob, Value* col, Value* mask, int64_t count) {
                      StoreRowVector(e, idx, prob, col, mask, count);
                    });
  }

  // store(prob, first column, mask or null, valid lanes) for each vector.
  using RowVectorStoreFn = std::function<void(Value*, Value*, Value*, int64_t)>;

  // The three passes on the n floats at `in`; each vector of probabilities
  // goes to `store` after its exps are read (so `in` may be the output).
  static void EmitVectorRowAt(jit::KernelEmitter& e, int64_t n, float beta, Value* in,
                              const RowVectorStoreFn& store) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t full = n / kLanes;
    const int64_t tail = n % kLanes;
    const int64_t vectors = full + (tail > 0 ? 1 : 0);
    llvm::Type* f32 = b.getFloatTy();
    auto* vec = llvm::FixedVectorType::get(f32, kLanes);
    jit::ElementEmitter math(b, kLanes);
    std::vector<llvm::Constant*> lanes;
    for (int64_t c = 0; c < kLanes; ++c) lanes.push_back(b.getInt1(c < tail));
    Value* tail_mask = llvm::ConstantVector::get(lanes);
    auto load = [&](Value* v, bool partial, float pass) -> Value* {
      Value* ptr = b.CreateInBoundsGEP(f32, in, b.CreateMul(v, e.I64(kLanes)));
      if (!partial) return b.CreateAlignedLoad(vec, ptr, llvm::Align(4));
      return b.CreateMaskedLoad(vec, ptr, llvm::Align(4), tail_mask, math.F32(pass));
    };
    const float lowest = -std::numeric_limits<float>::infinity();
    // body(v, partial) for each vector of the row.
    auto for_each_vector = [&](const std::function<void(Value*, bool)>& body, const char* name) {
      if (full > 0) e.For(0, full, 1, [&](Value* v) { body(v, false); }, name);
      if (tail > 0) body(e.I64(full), true);
    };

    // Pass 1: row maximum.
    llvm::AllocaInst* max_slot = e.Alloca(vec, "max");
    b.CreateStore(math.F32(lowest), max_slot);
    for_each_vector([&](Value* v, bool partial) {
      Value* x = load(v, partial, lowest);
      b.CreateStore(b.CreateMaxNum(b.CreateLoad(vec, max_slot), x), max_slot);
    }, "max");
    Value* max = SplatMax(b, b.CreateLoad(vec, max_slot));
    auto exp_of = [&](Value* v, bool partial) {
      return FlushedExp(math,
                        b.CreateFMul(b.CreateFSub(load(v, partial, lowest), max), math.F32(beta)));
    };

    // Pass 2: exps (kept when the row fits the stack) and their sum.
    llvm::AllocaInst* buf =
        n <= kMaxStackRow ? e.Alloca(llvm::ArrayType::get(vec, vectors), "exps") : nullptr;
    auto slot = [&](Value* v) { return b.CreateInBoundsGEP(vec, buf, v); };
    llvm::AllocaInst* sum_slot = e.Alloca(vec, "sum");
    b.CreateStore(math.F32(0.0f), sum_slot);
    for_each_vector([&](Value* v, bool partial) {
      Value* ex = exp_of(v, partial);
      if (partial) ex = b.CreateSelect(tail_mask, ex, math.F32(0.0f));
      if (buf) b.CreateAlignedStore(ex, slot(v), llvm::Align(64));
      b.CreateStore(b.CreateFAdd(b.CreateLoad(vec, sum_slot), ex), sum_slot);
    }, "exp");
    llvm::IRBuilder<>::FastMathFlagGuard guard(b);
    llvm::FastMathFlags f;
    f.setAllowReassoc();  // a tree sum of the lanes; rounding-level difference
    b.setFastMathFlags(f);
    Value* sum = b.CreateFAddReduce(e.F32(0.0f), b.CreateLoad(vec, sum_slot));
    b.clearFastMathFlags();
    // TFLite multiplies by the sum's inverse rather than dividing each element.
    Value* inv = b.CreateVectorSplat(kLanes, b.CreateFDiv(e.F32(1.0f), sum));

    // Pass 3: normalize and store whole vectors (or hand them to the epilogue).
    for_each_vector([&](Value* v, bool partial) {
      Value* ex = buf ? b.CreateAlignedLoad(vec, slot(v), llvm::Align(64)) : exp_of(v, partial);
      Value* prob = b.CreateFMul(ex, inv);
      store(prob, b.CreateMul(v, e.I64(kLanes)), partial ? tail_mask : nullptr,
            partial ? tail : kLanes);
    }, "norm");
  }

  // exp(x), but 0 below kExpFlushBelow (results under 3e-38, which no
  // probability of a row whose sum is >= 1 can tell from 0).
  static Value* FlushedExp(jit::ElementEmitter& math, Value* x) {
    llvm::IRBuilder<>& b = math.b();
    Value* below = b.CreateFCmpOLT(x, math.F32(kExpFlushBelow));  // false for NaN: it stays NaN
    Value* ex = math.Exp(b.CreateSelect(below, math.F32(kExpFlushBelow), x));
    return b.CreateSelect(below, math.F32(0.0f), ex);
  }

  // The largest lane of v (maxnum semantics) in every lane: a tree of
  // whole-vector maxnums over lane rotations (the reduction intrinsic lowers
  // to a serial scalar chain).
  static Value* SplatMax(llvm::IRBuilder<>& b, Value* v) {
    for (int64_t half = kLanes / 2; half >= 1; half /= 2) {
      std::vector<int> rotate;
      for (int64_t c = 0; c < kLanes; ++c) rotate.push_back(static_cast<int>((c + half) % kLanes));
      v = b.CreateMaxNum(v, b.CreateShuffleVector(v, rotate));
    }
    return v;
  }

  // prob = elements col .. col + count - 1 of the row at idx (idx's last
  // entry is replaced): a vector store, the vector epilogue, or per lane.
  static void StoreRowVector(jit::KernelEmitter& e, std::vector<Value*>& idx, Value* prob,
                             Value* col, Value* mask, int64_t count) {
    llvm::IRBuilder<>& b = e.b();
    const size_t last = idx.size() - 1;
    idx[last] = col;
    if (e.stores_directly()) {
      Value* ptr = b.CreateInBoundsGEP(b.getFloatTy(), e.OutputPtr(0),
                                       e.LinearOffset(e.node().output(0).shape, idx));
      jit::StoreLanes(b, prob, ptr, mask, llvm::Align(4));
      return;
    }
    if (e.has_vector_epilogue()) {
      e.StoreOutputVector(prob, idx, mask);
      return;
    }
    for (int64_t c = 0; c < count; ++c) {
      idx[last] = b.CreateAdd(col, e.I64(c));
      e.StoreOutput(b.CreateExtractElement(prob, c), idx);
    }
  }

  static void EmitRow(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*> idx,
                      float beta) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = shape.back();
    const size_t last = shape.size() - 1;
    idx[last] = e.I64(0);
    Value* base = e.LinearOffset(shape, idx);
    auto load = [&](Value* i) { return e.LoadInput(0, b.CreateAdd(base, i, "", true, true)); };
    llvm::Type* f32 = b.getFloatTy();

    // Pass 1: row maximum (keeps exp's argument <= 0).
    llvm::AllocaInst* max_slot = e.Alloca(f32, "max");
    b.CreateStore(load(e.I64(0)), max_slot);
    e.For(1, n, 1, [&](Value* i) {
      b.CreateStore(b.CreateMaxNum(b.CreateLoad(f32, max_slot), load(i)), max_slot);
    }, "max");
    Value* max = b.CreateLoad(f32, max_slot);
    // exp((x - max) * beta), TFLite's order of operations.
    auto exp_of = [&](Value* i) {
      return e.Exp(b.CreateFMul(b.CreateFSub(load(i), max), e.F32(beta)));
    };

    // Pass 2: exps (kept when the row fits the stack) and their sum.
    llvm::AllocaInst* buf =
        n <= kMaxStackRow ? e.Alloca(llvm::ArrayType::get(f32, n), "exps") : nullptr;
    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sum");
    b.CreateStore(e.F32(0.0f), sum_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* ex = exp_of(i);
      if (buf) b.CreateStore(ex, b.CreateInBoundsGEP(f32, buf, i));
      llvm::IRBuilder<>::FastMathFlagGuard guard(b);
      llvm::FastMathFlags f;
      f.setAllowReassoc();  // lets the sum vectorize; rounding-level difference
      f.setAllowContract();
      b.setFastMathFlags(f);
      b.CreateStore(b.CreateFAdd(b.CreateLoad(f32, sum_slot), ex), sum_slot);
    }, "exp");
    // TFLite multiplies by the sum's inverse rather than dividing each element.
    Value* inv = b.CreateFDiv(e.F32(1.0f), b.CreateLoad(f32, sum_slot));

    // Pass 3: normalize and hand each element to the epilogue.
    e.For(0, n, 1, [&](Value* i) {
      Value* ex = buf ? b.CreateLoad(f32, b.CreateInBoundsGEP(f32, buf, i)) : exp_of(i);
      idx[last] = i;
      e.StoreOutput(b.CreateFMul(ex, inv), idx);
    }, "norm");
  }
};

}  // namespace

const OpDef& softmax_op() {
  static const SoftmaxOp op;
  return op;
}

}  // namespace jitlite::ops
