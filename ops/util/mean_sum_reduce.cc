// Reduction shape rule and loop nests (see ops/util/mean_sum_reduce.h).
//
// Two loop forms:
//  - general: for each output element, a nest over the reduced dims (input
//    order, so the innermost reduced dim is the most contiguous one) into a
//    scalar accumulator; the float sum may reassociate so the loop vectorizes;
//  - kept innermost dims (e.g. MEAN over H, W of NHWC): the trailing kept dims
//    form a row of at most kMaxStackRow accumulators on the stack, and the
//    reduced dims are walked outside it, so every inner loop is a contiguous
//    row update `acc[c] += x[base + c]`.
// Both visit the elements of each output element in input (row-major) order,
// TFLite's order, which decides the result of MAX/MIN with NaNs.
//
// Quantized MEAN and SUM (INT8/UINT8/INT16) follow TFLite's reference
// QuantizedMeanOrSum: an int32 sum of the stored values, then
// MultiplyByQuantizedMultiplier(sum - zp_in * N, M, shift) + zp_out, clamped,
// with M, shift from s_in / s_out; MEAN folds 1/N into the multiplier
// (QuantizedMeanMultiplier). LiteRT's reference SUM kernel reads INT8/INT16
// data as bytes (a LiteRT bug: its results are garbage); jitlite computes the
// formula above for every quantized type, which is what its UINT8 reference
// and, to a rounding step, its optimized kernels give.
//
// Quantized REDUCE_MAX/MIN (INT8/UINT8/INT16) compare the stored values (the
// output shares the input's scale and zero point, which TFLite requires); an
// empty reduction gives the type's lowest/highest value. Quantized
// REDUCE_PROD (INT8/INT16) is TFLite's reference QuantizedReduceProd: the
// first centred value, then acc = MBQM64(acc * (x - zp_in)) per further
// element and once more at the end, with the multiplier of
// s_in / s_out^(1/N): each of the N factors carries one N-th of the scale.
#include "ops/util/mean_sum_reduce.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "ops/util/quantization.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// Longest accumulator row the second form keeps on the stack (16-32 KB).
constexpr int64_t kMaxStackRow = 4096;

// What one reduction accumulates in: float for FLOAT32, i1 for BOOL; for
// integers TFLite's types: MEAN sums int32 and int64 inputs in int64 before
// dividing, the others fold in the input type (int32 SUM and PROD wrap).
llvm::Type* AccType(llvm::LLVMContext& c, DType dtype, ReduceKind kind) {
  if (IsQuantizedDType(dtype)) return llvm::Type::getInt32Ty(c);  // TFLite's int32 temp_sum
  if (kind == ReduceKind::kMean && dtype != DType::kFloat32) return llvm::Type::getInt64Ty(c);
  return jit::ElementType(c, dtype);
}

// The combiner's identity, the accumulator's start value. Float MAX/MIN
// start from -inf/+inf, so that the first element always replaces it (as in
// TFLite's kernel, which starts from the first element).
Value* Init(llvm::Type* t, ReduceKind kind) {
  const bool is_float = t->isFloatingPointTy();
  unsigned bits = is_float ? 0 : t->getIntegerBitWidth();
  switch (kind) {
    case ReduceKind::kProd:
      return is_float ? llvm::ConstantFP::get(t, 1.0) : llvm::ConstantInt::get(t, 1);
    case ReduceKind::kMax:
      return is_float ? llvm::ConstantFP::getInfinity(t, /*Negative=*/true)
                      : llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(bits));
    case ReduceKind::kMin:
      return is_float ? llvm::ConstantFP::getInfinity(t, /*Negative=*/false)
                      : llvm::ConstantInt::get(t, llvm::APInt::getSignedMaxValue(bits));
    case ReduceKind::kAll:
      return llvm::ConstantInt::getTrue(t);
    default:  // kSum, kMean, kAny
      return llvm::Constant::getNullValue(t);
  }
}

Value* Accumulate(llvm::IRBuilder<>& b, ReduceKind kind, Value* acc, Value* x) {
  const bool is_float = acc->getType()->isFloatingPointTy();
  switch (kind) {
    case ReduceKind::kProd:
      // Sequential, no reassociation: the order decides where a product overflows.
      return is_float ? b.CreateFMul(acc, x) : b.CreateMul(acc, x);
    // TFLite's `in < acc ? acc : in` (and mirrored for MIN): a NaN element is
    // taken, and the next element replaces it again.
    case ReduceKind::kMax:
      return b.CreateSelect(is_float ? b.CreateFCmpOLT(x, acc) : b.CreateICmpSLT(x, acc), acc, x);
    case ReduceKind::kMin:
      return b.CreateSelect(is_float ? b.CreateFCmpOLT(acc, x) : b.CreateICmpSLT(acc, x), acc, x);
    case ReduceKind::kAny:
      return b.CreateOr(acc, x);
    case ReduceKind::kAll:
      return b.CreateAnd(acc, x);
    default:
      break;
  }
  // kSum, kMean.
  if (x->getType() != acc->getType()) x = b.CreateSExt(x, acc->getType());
  if (!is_float) return b.CreateAdd(acc, x);
  // Reassociation lets the loop vectorizer split the sum into lanes; the
  // result differs from TFLite's sequential sum by rounding only.
  llvm::IRBuilder<>::FastMathFlagGuard guard(b);
  llvm::FastMathFlags f;
  f.setAllowReassoc();
  f.setAllowContract();
  b.setFastMathFlags(f);
  return b.CreateFAdd(acc, x);
}

// Input element `offset`, widened to the accumulator when quantized (UINT8
// zero-extends; the accumulator then holds the sum of the stored values).
Value* LoadSummand(jit::KernelEmitter& e, Value* offset, DType dtype) {
  Value* x = e.LoadInput(0, offset);
  return IsQuantizedDType(dtype) ? EmitWidenQuantized(e.b(), x, dtype) : x;
}

bool IsQuantizedProd(DType dtype, ReduceKind kind) {
  return kind == ReduceKind::kProd && IsQuantizedDType(dtype);
}

// TFLite's 64-bit MultiplyByQuantizedMultiplier with compile-time m: the
// multiplier rounded to 16 bits (saturating), one rounding shift; i32 result.
Value* EmitProdRescale(llvm::IRBuilder<>& b, Value* x_i64, QuantizedMultiplier m) {
  const int64_t reduced = m.multiplier < 0x7FFF0000 ? (int64_t{m.multiplier} + (1 << 15)) >> 16
                                                    : 0x7FFF;
  const int total_shift = 15 - m.shift;
  Value* sum = b.CreateAdd(b.CreateMul(x_i64, b.getInt64(reduced)),
                           b.getInt64(int64_t{1} << (total_shift - 1)));
  return b.CreateTrunc(b.CreateAShr(sum, total_shift), b.getInt32Ty());
}

// The per-factor multiplier of quantized REDUCE_PROD (GetQuantProdScaling).
QuantizedMultiplier ProdMultiplier(const NodeContext& ctx, int64_t count) {
  const double scaling = static_cast<double>(Scale(ctx.input(0))) /
                         std::pow(static_cast<double>(Scale(ctx.output(0))),
                                  1.0 / static_cast<double>(count));
  return QuantizeMultiplier(scaling);
}

// One quantized REDUCE_PROD step: the centred stored value x (i32) for the
// first element, MBQM64(acc * x) after it.
Value* AccumulateQuantizedProd(jit::KernelEmitter& e, Value* started, Value* acc, Value* stored,
                               int64_t count) {
  llvm::IRBuilder<>& b = e.b();
  Value* x = b.CreateSub(stored, e.I32(ZeroPoint(e.node().input(0))));
  Value* product = b.CreateMul(b.CreateSExt(acc, b.getInt64Ty()), b.CreateSExt(x, b.getInt64Ty()));
  Value* next = EmitProdRescale(b, product, ProdMultiplier(e.node(), count));
  return b.CreateSelect(started, next, x);
}

// The stored value of a quantized MEAN/SUM output from the int32 sum of N
// stored inputs (file comment).
Value* FinishQuantized(jit::KernelEmitter& e, Value* sum, ReduceKind kind, int64_t count) {
  const TensorState& in = e.node().input(0);
  const TensorState& out = e.node().output(0);
  llvm::IRBuilder<>& b = e.b();
  if (count == 0) return EmitNarrowQuantized(b, e.I32(0), out.dtype);  // TFLite writes 0s
  QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(Scale(in)) /
                                             static_cast<double>(Scale(out)));
  if (kind == ReduceKind::kMean) m = QuantizedMeanMultiplier(m, count);
  // sum - zp_in * N in int32, wrapping as TFLite's cast of the int64 difference does.
  const auto offset = static_cast<int32_t>(static_cast<uint32_t>(
      static_cast<uint64_t>(static_cast<int64_t>(ZeroPoint(in)) * count)));
  Value* x = EmitMultiplyByQuantizedMultiplier(b, b.CreateSub(sum, e.I32(offset)), m);
  x = b.CreateAdd(x, e.I32(ZeroPoint(out)));
  return EmitNarrowQuantized(b, EmitClampInt(b, x, DTypeRange(out.dtype)), out.dtype);
}

// The output value from the accumulator.
Value* Finish(jit::KernelEmitter& e, Value* acc, DType dtype, ReduceKind kind, int64_t count) {
  if (IsQuantizedDType(dtype) && (kind == ReduceKind::kMax || kind == ReduceKind::kMin)) {
    // Empty: TFLite's initial value, the type's lowest (MAX) or highest (MIN).
    const IntRange r = DTypeRange(dtype);
    if (count == 0) acc = e.I32(kind == ReduceKind::kMax ? r.lo : r.hi);
    return EmitNarrowQuantized(e.b(), acc, dtype);
  }
  if (IsQuantizedProd(dtype, kind)) {
    // Empty: TFLite leaves the output alone; jitlite writes 0s.
    if (count == 0) return EmitNarrowQuantized(e.b(), e.I32(0), dtype);
    const TensorState& out = e.node().output(0);
    Value* x = EmitProdRescale(e.b(), e.b().CreateSExt(acc, e.b().getInt64Ty()),
                               ProdMultiplier(e.node(), count));
    x = e.b().CreateAdd(x, e.I32(ZeroPoint(out)));
    return EmitNarrowQuantized(e.b(), EmitClampInt(e.b(), x, DTypeRange(dtype)), dtype);
  }
  if (IsQuantizedDType(dtype)) return FinishQuantized(e, acc, kind, count);
  const bool is_float = dtype == DType::kFloat32;
  if ((kind == ReduceKind::kMax || kind == ReduceKind::kMin) && is_float && count == 0) {
    // TFLite writes its initial value, the lowest/highest finite float.
    float big = std::numeric_limits<float>::max();
    return e.F32(kind == ReduceKind::kMax ? -big : big);
  }
  if (kind != ReduceKind::kMean) return acc;
  llvm::IRBuilder<>& b = e.b();
  if (is_float) {
    // Sum, then divide (TFLite's order); an empty reduction gives 0/0 = NaN,
    // which is also what TFLite writes for an empty input.
    return b.CreateFDiv(acc, e.F32(static_cast<float>(count)));
  }
  // Integer mean: C++ division of the 64-bit sum (truncates toward zero).
  // Empty input: TFLite fills the output with T's "quiet NaN", i.e. 0.
  if (count == 0) return e.Const(dtype, 0);
  Value* q = b.CreateSDiv(acc, e.I64(count));
  return dtype == DType::kInt32 ? b.CreateTrunc(q, b.getInt32Ty()) : q;
}

// Nested loops over `dims` of `shape` (outer to inner), setting idx[d].
void Nest(jit::KernelEmitter& e, const std::vector<int>& dims, const Shape& shape,
          std::vector<Value*>& idx, const std::function<void()>& leaf, size_t k = 0) {
  if (k == dims.size()) {
    leaf();
    return;
  }
  int d = dims[k];
  e.For(0, shape[d], 1, [&](Value* iv) {
    idx[d] = iv;
    Nest(e, dims, shape, idx, leaf, k + 1);
  }, "r");
}

// Output multi-index of the input index's kept dims.
std::vector<Value*> OutIndex(jit::KernelEmitter& e, const ReducePlan& plan,
                             const std::vector<Value*>& in_idx) {
  std::vector<Value*> out;
  for (size_t d = 0; d < plan.reduced.size(); ++d) {
    if (!plan.reduced[d]) {
      out.push_back(in_idx[d]);
    } else if (plan.keep_dims) {
      out.push_back(e.I64(0));
    }
  }
  return out;
}

// First dim of the trailing run of kept dims whose product fits the stack
// row; rank when there is none (the innermost dim is reduced or too long).
int StackRowStart(const ReducePlan& plan, const Shape& in_shape) {
  int r = static_cast<int>(in_shape.size());
  int k = r;
  int64_t row = 1;
  while (k > 0 && !plan.reduced[k - 1] && row * in_shape[k - 1] <= kMaxStackRow) {
    row *= in_shape[k - 1];
    --k;
  }
  return k;
}

void EmitGeneral(jit::KernelEmitter& e, const ReducePlan& plan, DType dtype, ReduceKind kind) {
  llvm::IRBuilder<>& b = e.b();
  const Shape& in_shape = e.node().input(0).shape;
  std::vector<int> kept, red;
  for (int d = 0; d < static_cast<int>(in_shape.size()); ++d) {
    (plan.reduced[d] ? red : kept).push_back(d);
  }
  llvm::Type* acc_ty = AccType(e.context(), dtype, kind);
  llvm::AllocaInst* acc = e.Alloca(acc_ty, "acc");
  // Quantized PROD treats its first element apart: whether one was seen.
  llvm::AllocaInst* started = e.Alloca(b.getInt1Ty(), "started");
  std::vector<Value*> idx(in_shape.size(), nullptr);
  Nest(e, kept, in_shape, idx, [&] {
    b.CreateStore(Init(acc_ty, kind), acc);
    b.CreateStore(b.getFalse(), started);
    Nest(e, red, in_shape, idx, [&] {
      Value* x = LoadSummand(e, e.LinearOffset(in_shape, idx), dtype);
      Value* prev = b.CreateLoad(acc_ty, acc);
      Value* next = IsQuantizedProd(dtype, kind)
                        ? AccumulateQuantizedProd(e, b.CreateLoad(b.getInt1Ty(), started), prev,
                                                  x, plan.count)
                        : Accumulate(b, kind, prev, x);
      b.CreateStore(next, acc);
      b.CreateStore(b.getTrue(), started);
    });
    Value* v = Finish(e, b.CreateLoad(acc_ty, acc), dtype, kind, plan.count);
    e.StoreOutput(v, OutIndex(e, plan, idx));
  });
}

void EmitStackRow(jit::KernelEmitter& e, const ReducePlan& plan, DType dtype, ReduceKind kind,
                  int k) {
  llvm::IRBuilder<>& b = e.b();
  const Shape& in_shape = e.node().input(0).shape;
  int r = static_cast<int>(in_shape.size());
  std::vector<int> outer_kept, red, tail;
  for (int d = 0; d < r; ++d) {
    if (d >= k) {
      tail.push_back(d);
    } else {
      (plan.reduced[d] ? red : outer_kept).push_back(d);
    }
  }
  Shape tail_shape(in_shape.begin() + k, in_shape.end());
  int64_t row = NumElements(tail_shape);
  llvm::Type* acc_ty = AccType(e.context(), dtype, kind);
  llvm::AllocaInst* buf = e.Alloca(llvm::ArrayType::get(acc_ty, row), "row");
  auto slot = [&](Value* c) { return b.CreateInBoundsGEP(acc_ty, buf, c); };

  // Every slot sees its first reduced element in the same row pass.
  llvm::AllocaInst* started = e.Alloca(b.getInt1Ty(), "started");
  std::vector<Value*> idx(r, nullptr);
  Nest(e, outer_kept, in_shape, idx, [&] {
    e.For(0, row, 1, [&](Value* c) {
      b.CreateStore(Init(acc_ty, kind), slot(c));
    }, "init");
    b.CreateStore(b.getFalse(), started);
    Nest(e, red, in_shape, idx, [&] {
      for (int d : tail) idx[d] = e.I64(0);
      Value* base = e.LinearOffset(in_shape, idx);
      Value* seen = b.CreateLoad(b.getInt1Ty(), started);
      e.For(0, row, 1, [&](Value* c) {
        Value* x = LoadSummand(e, b.CreateAdd(base, c, "", true, true), dtype);
        Value* p = slot(c);
        Value* prev = b.CreateLoad(acc_ty, p);
        Value* next = IsQuantizedProd(dtype, kind)
                          ? AccumulateQuantizedProd(e, seen, prev, x, plan.count)
                          : Accumulate(b, kind, prev, x);
        b.CreateStore(next, p);
      }, "c");
      b.CreateStore(b.getTrue(), started);
    });
    Nest(e, tail, in_shape, idx, [&] {
      std::vector<Value*> tail_idx(idx.begin() + k, idx.end());
      Value* c = jit::LinearOffsetOf(b, tail_shape, tail_idx);
      Value* v = Finish(e, b.CreateLoad(acc_ty, slot(c)), dtype, kind, plan.count);
      e.StoreOutput(v, OutIndex(e, plan, idx));
    });
  });
}

// TFLite's checks for quantized MEAN/SUM: per-tensor parameters, an output of
// the input's type, zero points of 0 for INT16.
Status CheckQuantizedMeanOrSum(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  if (in.dtype == DType::kInt16 && (ZeroPoint(in) != 0 || ZeroPoint(out) != 0)) {
    return InvalidArgument("INT16 input and output need zero points of 0 (got " +
                           std::to_string(ZeroPoint(in)) + " and " +
                           std::to_string(ZeroPoint(out)) + ")");
  }
  return Status::Ok();
}

// TFLite's checks for quantized REDUCE_MAX/MIN (the output keeps the input's
// parameters; INT16 symmetric) and REDUCE_PROD (INT8/INT16; INT16 symmetric).
Status CheckQuantizedReduce(const NodeContext& ctx, const char* op_name, ReduceKind kind) {
  JITLITE_RETURN_IF_ERROR(ExpectSameTypePerTensorQuantized(ctx));
  const TensorState& in = ctx.input(0);
  const TensorState& out = ctx.output(0);
  if (kind == ReduceKind::kProd && in.dtype == DType::kUInt8) {
    return InvalidArgument(std::string("quantized ") + op_name +
                           " of UINT8: TFLite's kernel takes INT8 and INT16 only");
  }
  if (in.dtype == DType::kInt16 && (ZeroPoint(in) != 0 || ZeroPoint(out) != 0)) {
    return InvalidArgument("INT16 input and output need zero points of 0 (got " +
                           std::to_string(ZeroPoint(in)) + " and " +
                           std::to_string(ZeroPoint(out)) + ")");
  }
  if (kind != ReduceKind::kProd && (Scale(in) != Scale(out) || ZeroPoint(in) != ZeroPoint(out))) {
    return InvalidArgument(std::string("quantized ") + op_name +
                           " needs the output's scale and zero point equal to the input's "
                           "(TFLite's kernel does not rescale)");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ReducePlan> PlanReduce(const NodeContext& ctx) {
  const TensorState& in = ctx.input(0);
  const TensorState& axes_t = ctx.input(1);
  // TFLite's reducers take INT32 axes only (an INT64 axes tensor fails to prepare there).
  if (axes_t.dtype != DType::kInt32) {
    return InvalidArgument(std::string("input 1 (axes) has type ") + DTypeName(axes_t.dtype) +
                           "; TFLite's reductions take INT32 axes");
  }
  // An empty axes tensor has no data to be constant with (the converter writes an empty
  // buffer): it is an empty list, whatever its allocation.
  std::vector<int64_t> axes;
  if (axes_t.num_elements() > 0) {
    if (!axes_t.is_constant()) {
      return Unimplemented("input 1 (axes) is not a constant tensor; computed reduction axes "
                           "are not supported yet");
    }
    JITLITE_ASSIGN_OR_RETURN(axes, ReadConstInts(axes_t, "axes"));
  }
  const auto* opts = ctx.op()->builtin_options_as_ReducerOptions();
  ReducePlan plan;
  plan.keep_dims = opts != nullptr && opts->keep_dims();
  const int r = in.rank();
  plan.reduced.assign(r, false);
  // A scalar input is its own reduction: TFLite ignores the axes then.
  if (r > 0) {
    for (int64_t a : axes) {
      if (a < -r || a >= r) {
        return InvalidArgument("axis " + std::to_string(a) + " is out of range for input 0 " +
                               ShapeToString(in.shape) + " (valid: " + std::to_string(-r) +
                               ".." + std::to_string(r - 1) + ")");
      }
      plan.reduced[a < 0 ? a + r : a] = true;  // duplicates reduce once
    }
  }
  for (int d = 0; d < r; ++d) {
    if (plan.reduced[d]) {
      plan.count *= in.dim(d);
      if (plan.keep_dims) plan.out_shape.push_back(1);
    } else {
      plan.out_shape.push_back(in.dim(d));
    }
  }
  return plan;
}

Status PrepareReduce(NodeContext& ctx, const char* op_name, ReduceKind kind) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  DType t = ctx.input(0).dtype;
  if (kind == ReduceKind::kAny || kind == ReduceKind::kAll) {
    if (t != DType::kBool) {
      return InvalidArgument(std::string(op_name) + " of " + DTypeName(t) +
                             ": TFLite's REDUCE_ANY/REDUCE_ALL take BOOL input only");
    }
  } else if (IsQuantizedDType(t) && (kind == ReduceKind::kMean || kind == ReduceKind::kSum)) {
    JITLITE_RETURN_IF_ERROR(CheckQuantizedMeanOrSum(ctx));
  } else if (IsQuantizedDType(t)) {
    JITLITE_RETURN_IF_ERROR(CheckQuantizedReduce(ctx, op_name, kind));
  } else if (t != DType::kFloat32 && t != DType::kInt32 && t != DType::kInt64) {
    return Unimplemented(std::string(op_name) + " of " + DTypeName(t) +
                         " is not supported yet (supported: FLOAT32, INT32, INT64)");
  }
  JITLITE_ASSIGN_OR_RETURN(ReducePlan plan, PlanReduce(ctx));
  ctx.SetOutput(0, t, plan.out_shape);
  return Status::Ok();
}

Status EmitReduce(jit::KernelEmitter& e, const NodeContext& ctx, ReduceKind kind) {
  JITLITE_ASSIGN_OR_RETURN(ReducePlan plan, PlanReduce(ctx));
  if (NumElements(plan.out_shape) == 0) return Status::Ok();  // nothing to write
  const Shape& in_shape = ctx.input(0).shape;
  DType dtype = ctx.input(0).dtype;
  int k = StackRowStart(plan, in_shape);
  bool any_reduced = std::find(plan.reduced.begin(), plan.reduced.end(), true) != plan.reduced.end();
  if (k < static_cast<int>(in_shape.size()) && any_reduced) {
    EmitStackRow(e, plan, dtype, kind, k);
  } else {
    EmitGeneral(e, plan, dtype, kind);
  }
  return Status::Ok();
}

}  // namespace jitlite::ops
