// RFFT2D: the 2-D FFT of the real FLOAT32 input's last two dims [..., H, W]
// for fft_length (INT32 [2], powers of two as TFLite's fft2d needs; a graph
// input is read at allocate time like other shape-giving inputs):
// each slice is cropped or zero-padded to fft_length, and the output is
// COMPLEX64 [..., fft_h, fft_w / 2 + 1] (the non-negative column
// frequencies). Computed in double like TFLite's kernel, rounded to float
// once: a radix-2 FFT over each row (bit-reversed on load), then over the
// kept columns (all at once, so the inner loops are contiguous), in a
// double-complex scratch slice. Twiddle factors are tables packed at
// allocate time. fft_w = 1 is refused: TFLite's fft2d gives no meaningful
// result for it.
#include <cmath>
#include <numbers>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/complex.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int kMaxRank = 8;
constexpr int64_t kMaxFftElements = int64_t{1} << 24;  // scratch: 16 bytes each

struct FftSize {
  int64_t height = 1;
  int64_t width = 2;
  int64_t kept_width() const { return width / 2 + 1; }
};

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

int Log2(int64_t n) { return std::countr_zero(static_cast<uint64_t>(n)); }

StatusOr<FftSize> ReadFftSize(const NodeContext& ctx) {
  const TensorState& t = ctx.input(1);
  if (t.dtype != DType::kInt32) {
    return InvalidArgument(std::string("fft_length (input 1) has type ") + DTypeName(t.dtype) +
                           "; TFLite's RFFT2D takes INT32");
  }
  if (t.shape != Shape{2}) {
    return InvalidArgument("fft_length (input 1) has shape " + ShapeToString(t.shape) +
                           "; expected [2]");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(t, "fft_length (input 1)"));
  for (int k = 0; k < 2; ++k) {
    if (!IsPowerOfTwo(v[k])) {
      return InvalidArgument("fft_length[" + std::to_string(k) + "] = " + std::to_string(v[k]) +
                             " is not a power of two, which TFLite's RFFT2D requires");
    }
  }
  if (v[1] < 2) {
    return Unimplemented("fft_length[1] = 1: TFLite's fft2d gives no meaningful result for an "
                         "FFT width of 1, so jitlite refuses it (use a width >= 2)");
  }
  if (v[0] * v[1] > kMaxFftElements) {
    return InvalidArgument("fft_length " + std::to_string(v[0]) + "x" + std::to_string(v[1]) +
                           " exceeds jitlite's limit of 2^24 points per slice");
  }
  return FftSize{v[0], v[1]};
}

// w_k = exp(-2 pi i k / n) for k < n / 2, as (re, im) doubles.
AlignedBuffer TwiddleTable(int64_t n) {
  AlignedBuffer table(static_cast<size_t>(n / 2) * 2 * sizeof(double));
  double* w = table.as<double>();
  for (int64_t k = 0; k < n / 2; ++k) {
    const double angle = -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
    w[2 * k] = std::cos(angle);
    w[2 * k + 1] = std::sin(angle);
  }
  return table;
}

// Complex doubles at element offsets of a (re, im) double array.
struct ComplexD {
  Value* re;
  Value* im;
};

class FftEmitter {
 public:
  FftEmitter(jit::KernelEmitter& e, Value* work) : e_(e), b_(e.b()), work_(work) {}

  ComplexD Load(Value* base, Value* k) {
    Value* at = b_.CreateShl(k, 1);
    return {b_.CreateLoad(b_.getDoubleTy(), b_.CreateInBoundsGEP(b_.getDoubleTy(), base, at)),
            b_.CreateLoad(b_.getDoubleTy(),
                          b_.CreateInBoundsGEP(b_.getDoubleTy(), base,
                                               b_.CreateAdd(at, e_.I64(1))))};
  }
  void Store(Value* base, Value* k, ComplexD v) {
    Value* at = b_.CreateShl(k, 1);
    b_.CreateStore(v.re, b_.CreateInBoundsGEP(b_.getDoubleTy(), base, at));
    b_.CreateStore(v.im, b_.CreateInBoundsGEP(b_.getDoubleTy(), base, b_.CreateAdd(at, e_.I64(1))));
  }
  void StoreWork(Value* k, ComplexD v) { Store(work_, k, v); }
  ComplexD LoadWork(Value* k) { return Load(work_, k); }

  // The index whose log2n-bit reversal is i.
  Value* BitReversed(Value* i, int log2n) {
    if (log2n == 0) return e_.I64(0);
    Value* reversed = b_.CreateUnaryIntrinsic(llvm::Intrinsic::bitreverse, i);
    return b_.CreateLShr(reversed, e_.I64(64 - log2n));
  }

  // The FFTs run over n "points" at first + i * stride, each point a run of
  // `runs` contiguous elements transformed independently (the column pass
  // does every kept column at once, so its inner loops are contiguous).

  // In-place bit-reversal permutation of the points.
  void Permute(Value* first, int64_t stride, int64_t n, int64_t runs) {
    const int log2n = Log2(n);
    e_.For(0, n, 1, [&](Value* i) {
      Value* j = BitReversed(i, log2n);
      e_.If(b_.CreateICmpULT(i, j), [&] {
        Value* at_i = b_.CreateAdd(first, b_.CreateMul(i, e_.I64(stride)));
        Value* at_j = b_.CreateAdd(first, b_.CreateMul(j, e_.I64(stride)));
        e_.For(0, runs, 1, [&](Value* c) {
          ComplexD vi = LoadWork(b_.CreateAdd(at_i, c));
          ComplexD vj = LoadWork(b_.CreateAdd(at_j, c));
          StoreWork(b_.CreateAdd(at_i, c), vj);
          StoreWork(b_.CreateAdd(at_j, c), vi);
        }, "run");
      });
    }, "rev");
  }

  // Radix-2 butterflies over n bit-reversed points; `twiddles` holds w_k
  // for this n.
  void Butterflies(Value* first, int64_t stride, int64_t n, int64_t runs, Value* twiddles) {
    for (int64_t half = 1; half < n; half *= 2) {
      const int64_t twiddle_step = n / (2 * half);
      e_.For(0, n / (2 * half), 1, [&](Value* group) {
        e_.For(0, half, 1, [&](Value* k) {
          Value* i0 = b_.CreateAdd(b_.CreateMul(group, e_.I64(2 * half)), k);
          Value* at0 = b_.CreateAdd(first, b_.CreateMul(i0, e_.I64(stride)));
          Value* at1 = b_.CreateAdd(at0, e_.I64(half * stride));
          ComplexD w = Load(twiddles, b_.CreateMul(k, e_.I64(twiddle_step)));
          e_.For(0, runs, 1, [&](Value* c) {
            Value* p0 = b_.CreateAdd(at0, c);
            Value* p1 = b_.CreateAdd(at1, c);
            ComplexD x0 = LoadWork(p0);
            ComplexD x1 = LoadWork(p1);
            ComplexD t{b_.CreateFSub(b_.CreateFMul(w.re, x1.re), b_.CreateFMul(w.im, x1.im)),
                       b_.CreateFAdd(b_.CreateFMul(w.re, x1.im), b_.CreateFMul(w.im, x1.re))};
            StoreWork(p0, {b_.CreateFAdd(x0.re, t.re), b_.CreateFAdd(x0.im, t.im)});
            StoreWork(p1, {b_.CreateFSub(x0.re, t.re), b_.CreateFSub(x0.im, t.im)});
          }, "run");
        }, "k");
      }, "group");
    }
  }

 private:
  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  Value* work_;  // double[2 * fft_h * fft_w]
};

class Rfft2dOp : public OpDef {
 public:
  std::string_view name() const override { return "RFFT2D"; }
  std::vector<int> builtin_codes() const override { return {131}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "RFFT2D", {DType::kFloat32}, {}));
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 2, kMaxRank));
    JITLITE_ASSIGN_OR_RETURN(FftSize fft, ReadFftSize(ctx));
    Shape out = ctx.input(0).shape;
    out[out.size() - 2] = fft.height;
    out[out.size() - 1] = fft.kept_width();
    ctx.SetOutput(0, DType::kComplex64, out);
    return Status::Ok();
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(FftSize fft, ReadFftSize(ctx));
    out.push_back(TwiddleTable(fft.width));
    out.push_back(TwiddleTable(fft.height));
    return Status::Ok();
  }

  int64_t ScratchBytes(const NodeContext& ctx) const override {
    auto fft = ReadFftSize(ctx);
    return fft.ok() ? fft->height * fft->width * 2 * static_cast<int64_t>(sizeof(double)) : 0;
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(FftSize fft, ReadFftSize(ctx));
    const Shape& in_shape = ctx.input(0).shape;
    const int rank = static_cast<int>(in_shape.size());
    const int64_t in_h = in_shape[rank - 2], in_w = in_shape[rank - 1];
    if (ctx.output(0).num_elements() == 0) return Status::Ok();
    std::vector<Value*> index;
    EmitSlices(e, ctx, fft, in_shape, in_h, in_w, index);
    return Status::Ok();
  }

 private:
  // One loop per leading dim, then the FFT of the slice at `index`.
  static void EmitSlices(jit::KernelEmitter& e, const NodeContext& ctx, const FftSize& fft,
                         const Shape& in_shape, int64_t in_h, int64_t in_w,
                         std::vector<Value*>& index) {
    const int lead = static_cast<int>(in_shape.size()) - 2;
    if (static_cast<int>(index.size()) == lead) {
      EmitSlice(e, fft, in_shape, in_h, in_w, index);
      return;
    }
    e.For(0, in_shape[index.size()], 1, [&](Value* i) {
      index.push_back(i);
      EmitSlices(e, ctx, fft, in_shape, in_h, in_w, index);
      index.pop_back();
    }, "slice");
  }

  static void EmitSlice(jit::KernelEmitter& e, const FftSize& fft, const Shape& in_shape,
                        int64_t in_h, int64_t in_w, std::span<Value* const> lead_index) {
    llvm::IRBuilder<>& b = e.b();
    FftEmitter f(e, e.ScratchPtr());
    const int64_t rows = std::min(in_h, fft.height), cols = std::min(in_w, fft.width);
    const int log2w = Log2(fft.width);
    // Slice base offset into the input (row-major over the leading dims).
    Value* in_base = e.I64(0);
    for (size_t d = 0; d < lead_index.size(); ++d) {
      in_base = b.CreateAdd(b.CreateMul(in_base, e.I64(in_shape[d])), lead_index[d]);
    }
    in_base = b.CreateMul(in_base, e.I64(in_h * in_w));
    Value* zero = llvm::ConstantFP::get(b.getDoubleTy(), 0.0);
    // Row pass: rows past the input are zero (and stay zero).
    e.For(0, fft.height, 1, [&](Value* r) {
      Value* row = b.CreateMul(r, e.I64(fft.width));
      e.For(0, fft.width, 1, [&](Value* c) {
        f.StoreWork(b.CreateAdd(row, c), {zero, zero});
      }, "clear");
    }, "row");
    e.For(0, rows, 1, [&](Value* r) {
      Value* row = b.CreateMul(r, e.I64(fft.width));
      Value* in_row = b.CreateAdd(in_base, b.CreateMul(r, e.I64(in_w)));
      e.For(0, cols, 1, [&](Value* c) {
        Value* x = b.CreateFPExt(e.LoadInput(0, b.CreateAdd(in_row, c)), b.getDoubleTy());
        f.StoreWork(b.CreateAdd(row, f.BitReversed(c, log2w)), {x, zero});
      }, "col");
      f.Butterflies(row, 1, fft.width, 1, e.PackedPtr(0));
    }, "row");
    // Column pass: all kept columns at once, rows as the points.
    f.Permute(e.I64(0), fft.width, fft.height, fft.kept_width());
    f.Butterflies(e.I64(0), fft.width, fft.height, fft.kept_width(), e.PackedPtr(1));
    std::vector<Value*> out_index(lead_index.begin(), lead_index.end());
    out_index.resize(lead_index.size() + 2);
    e.For(0, fft.height, 1, [&](Value* r) {
      e.For(0, fft.kept_width(), 1, [&](Value* c) {
        ComplexD v = f.LoadWork(b.CreateAdd(b.CreateMul(r, e.I64(fft.width)), c));
        out_index[lead_index.size()] = r;
        out_index[lead_index.size() + 1] = c;
        e.StoreOutput(JoinComplex(b, b.CreateFPTrunc(v.re, b.getFloatTy()),
                                  b.CreateFPTrunc(v.im, b.getFloatTy())),
                      out_index);
      }, "out_col");
    }, "out_row");
  }
};

}  // namespace

const OpDef& rfft2d_op() {
  static const Rfft2dOp op;
  return op;
}

}  // namespace jitlite::ops
