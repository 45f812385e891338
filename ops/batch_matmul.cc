// BATCH_MATMUL: out[..., m, n] = sum_k x[..., m, k] * y[..., k, n],
// BatchMatMulOptions.adj_x / adj_y transposing the last two dims of x / y,
// batch dims (all but the last two) broadcast numpy-style. Inputs of rank 2..5,
// rhs constant or computed. FLOAT32; hybrid: a FLOAT32 x with an INT8 y (one
// scale, or one per output column n), each x row quantized at run time
// (symmetric, or asymmetric_quantize_inputs; ops/util/hybrid). Quantized as
// TFLite's reference kernels (per-tensor parameters): INT8 x INT8 -> INT8 with
// an i32 sum of (x - zx) * (y - zy) requantized by s_x * s_y / s_out;
// INT8 x INT8 -> INT32, the raw sum of x * y (TFLite applies no zero points
// there); INT16 x INT16 -> INT16, all zero points 0, an i64 sum and the int64
// MultiplyByQuantizedMultiplier.
//
// FLOAT32 runs each batch on the fp32 GEMM microkernel (jit/gemm.h), A = x
// read in place (adj_x: by its columns), B = y packed at allocate when
// constant, read in place when computed and not adj_y, else packed per
// invoke into scratch (adj_y rows are y's columns: a strided read per FMA
// step would waste the microkernel). Threads split batches x row tiles.
// Empty shapes (and k = 0) take the loop nest, which writes the zeros.
// A fused row epilogue (SOFTMAX of attention scores, jit/fusion.h) runs on
// each row tile right after it has met every column panel.
//
// INT8 x INT8 (-> INT8 or INT32) runs each batch on the int8 GEMM
// microkernel (jit/qgemm.h): y packed per invoke into scratch, x gathered as
// u8 (x + 128), and the exact i32 sum of (x - zx) * (y - zy) recovered from
// it by a per-column term, k * zx * zy - (128 + zx) * sum_k y, and a per-row
// one, -zy * sum_k x (both computed beside the packing and the gather).
// Threads split the batches. Other quantized kernels (INT16, and INT8 without
// the GEMM): a loop nest over the output elements with an inner dot product
// over k (integer sums vectorize as they are); the hybrid kernel quantizes
// each x row once, then takes its i32 dot products with every column of y.
#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "jit/emitters.h"
#include "jit/gemm.h"
#include "jit/qgemm.h"
#include "ops/op.h"
#include "ops/util/hybrid.h"
#include "ops/util/last_axis_rows.h"
#include "ops/util/loop_nest.h"
#include "ops/util/quantization.h"
#include "jit/vector_io.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct Adjoints {
  bool x = false;
  bool y = false;
};

Adjoints ReadAdjoints(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_BatchMatMulOptions();
  return opts ? Adjoints{opts->adj_x(), opts->adj_y()} : Adjoints{};
}

bool AsymmetricQuantizeInputs(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_BatchMatMulOptions();
  return opts && opts->asymmetric_quantize_inputs();
}

bool IsQuantized(const NodeContext& ctx) {
  const DType t = ctx.input(0).dtype;
  return t == DType::kInt8 || t == DType::kInt16;
}

// The quantized pairs of TFLite's kernel: INT8 x INT8 -> INT8 or INT32, INT16
// x INT16 -> INT16 (zero points 0), per-tensor parameters.
Status CheckQuantizedTypes(const NodeContext& ctx) {
  const DType t = ctx.input(0).dtype;
  const DType y = ctx.input(1).dtype;
  const DType out = ctx.output(0).dtype;
  if (y != t) {
    return InvalidArgument(std::string("input 1 has type ") + DTypeName(y) + "; BATCH_MATMUL of " +
                           DTypeName(t) + " needs input 1 of the same type");
  }
  if (out != t && !(t == DType::kInt8 && out == DType::kInt32)) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out) + "; BATCH_MATMUL of " +
                           DTypeName(t) + " outputs " + DTypeName(t) +
                           (t == DType::kInt8 ? " or INT32" : ""));
  }
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(0), "input 0"));
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(1), "input 1"));
  if (out == DType::kInt32) return Status::Ok();
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.output(0), "output"));
  if (t == DType::kInt16) {
    const TensorState* tensors[] = {&ctx.input(0), &ctx.input(1), &ctx.output(0)};
    const char* names[] = {"input 0", "input 1", "output"};
    for (int i = 0; i < 3; ++i) {
      if (ZeroPoint(*tensors[i]) != 0) {
        return InvalidArgument(std::string(names[i]) + " zero point is " +
                               std::to_string(ZeroPoint(*tensors[i])) +
                               "; INT16 BATCH_MATMUL needs 0");
      }
    }
  }
  return Status::Ok();
}

// The dtype rule: FLOAT32 x FLOAT32, hybrid FLOAT32 x INT8, or quantized.
Status CheckInputTypes(const NodeContext& ctx) {
  if (hybrid::IsHybrid(ctx)) return Status::Ok();  // the rest in CheckTypes
  if (IsQuantized(ctx)) return CheckQuantizedTypes(ctx);
  for (int i = 0; i < 2; ++i) {
    DType t = ctx.input(i).dtype;
    if (t != DType::kFloat32) {
      return InvalidArgument("input " + std::to_string(i) + " has type " + DTypeName(t) +
                             "; supported: FLOAT32, INT8, INT16, and a FLOAT32 input 0 with an "
                             "INT8 input 1 (hybrid)");
    }
  }
  return Status::Ok();
}

// Offset of a matrix operand's element (row, col of its stored layout) for
// the output batch index, broadcasting size-1 (or missing) batch dims.
Value* OperandOffset(jit::KernelEmitter& e, const Shape& shape, const Shape& out_shape,
                     const std::vector<Value*>& out_idx, Value* row, Value* col) {
  const int r = static_cast<int>(shape.size());
  const int out_r = static_cast<int>(out_shape.size());
  std::vector<Value*> idx(r, nullptr);
  for (int d = 0; d < r - 2; ++d) {
    int od = d + (out_r - r);
    idx[d] = shape[d] == 1 ? e.I64(0) : out_idx[od];
  }
  idx[r - 2] = row;
  idx[r - 1] = col;
  return e.LinearOffset(shape, idx);
}

// The float GEMM's dimensions, read from the prepared shapes.
struct FloatGemm {
  Adjoints adj;
  int64_t m = 0, n = 0, k = 0;
  int64_t batches = 0;    // output batch elements
  int64_t y_batches = 0;  // y's own batch elements (constant y: packed each)

  bool y_constant = false;
  // adj_y with a computed y: packed per invoke into scratch.
  bool packs_at_run_time() const { return adj.y && !y_constant; }
  int64_t panel_floats() const {
    return static_cast<int64_t>(jit::PackedGemmBytes(n, k) / sizeof(float));
  }
};

int64_t BatchElements(const Shape& shape) {
  int64_t count = 1;
  for (size_t d = 0; d + 2 < shape.size(); ++d) count *= shape[d];
  return count;
}

// Float32 with a non-empty GEMM: the microkernel path (else the loop nest).
bool UsesFloatGemm(const NodeContext& ctx, FloatGemm* gemm = nullptr) {
  if (ctx.input(0).dtype != DType::kFloat32 || ctx.input(1).dtype != DType::kFloat32) return false;
  FloatGemm g;
  g.adj = ReadAdjoints(ctx);
  const Shape& x = ctx.input(0).shape;
  const Shape& out = ctx.output(0).shape;
  g.m = out[out.size() - 2];
  g.n = out.back();
  g.k = g.adj.x ? x[x.size() - 2] : x.back();
  g.batches = BatchElements(out);
  g.y_batches = BatchElements(ctx.input(1).shape);
  g.y_constant = ctx.input(1).is_constant();
  if (gemm) *gemm = g;
  return g.m > 0 && g.n > 0 && g.k > 0 && g.batches > 0;
}

// The int8 GEMM's dimensions and the per-batch scratch slot it works in:
// y's packed panels, the per-column term, then the per-row term (i32).
struct Int8Gemm {
  Adjoints adj;
  int64_t m = 0, n = 0, k = 0;
  int64_t batches = 0;

  int64_t packed_bytes() const { return static_cast<int64_t>(jit::PackedInt8GemmBytes(n, k)); }
  int64_t padded_n() const { return (n + jit::kInt8PanelWidth - 1) / jit::kInt8PanelWidth * jit::kInt8PanelWidth; }
  int64_t column_terms_offset() const { return packed_bytes(); }
  int64_t row_terms_offset() const { return column_terms_offset() + padded_n() * 4; }
  int64_t slot_bytes() const { return (row_terms_offset() + m * 4 + 63) / 64 * 64; }
};

// INT8 x INT8 with a non-empty GEMM whose A tile fits the stack.
bool UsesInt8Gemm(const NodeContext& ctx, Int8Gemm* gemm = nullptr) {
  if (ctx.input(0).dtype != DType::kInt8 || ctx.input(1).dtype != DType::kInt8) return false;
  if (hybrid::IsHybrid(ctx)) return false;
  Int8Gemm g;
  g.adj = ReadAdjoints(ctx);
  const Shape& x = ctx.input(0).shape;
  const Shape& out = ctx.output(0).shape;
  g.m = out[out.size() - 2];
  g.n = out.back();
  g.k = g.adj.x ? x[x.size() - 2] : x.back();
  g.batches = BatchElements(out);
  if (gemm) *gemm = g;
  return g.m > 0 && g.n > 0 && g.k > 0 && g.batches > 0 && g.k <= jit::kMaxInt8GemmK;
}

// Flattened batch index of an operand of shape `shape` (batch dims
// broadcast against the output's) for the flattened output batch `batch`.
Value* OperandBatch(jit::KernelEmitter& e, const Shape& shape, const Shape& out, Value* batch) {
  llvm::IRBuilder<>& b = e.b();
  const int r = static_cast<int>(shape.size()) - 2;
  const int out_r = static_cast<int>(out.size()) - 2;
  Value* result = e.I64(0);
  int64_t stride = 1;
  for (int d = out_r - 1; d >= 0; --d) {
    Value* idx = d == 0 ? batch : b.CreateURem(batch, e.I64(out[d]));
    if (d > 0) batch = b.CreateUDiv(batch, e.I64(out[d]));
    int od = d - (out_r - r);
    if (od < 0) continue;
    if (shape[od] != 1) result = b.CreateAdd(result, b.CreateMul(idx, e.I64(stride)));
    stride *= shape[od];
  }
  return result;
}

// The output multi-index of flattened row `row` (over all but the last
// dim), column `col`.
std::vector<Value*> RowIndex(jit::KernelEmitter& e, const Shape& out, Value* row, Value* col) {
  std::vector<Value*> index(out.size());
  for (size_t d = out.size() - 1; d-- > 0;) {
    index[d] = d == 0 ? row : e.b().CreateURem(row, e.I64(out[d]));
    if (d > 0) row = e.b().CreateUDiv(row, e.I64(out[d]));
  }
  index.back() = col;
  return index;
}

Value* FloatOffset(jit::KernelEmitter& e, Value* base, Value* elements) {
  return e.b().CreateInBoundsGEP(e.b().getFloatTy(), base, elements);
}

void EmitFloatGemm(jit::KernelEmitter& e, const NodeContext& ctx, const FloatGemm& g) {
  const Shape& x = ctx.input(0).shape;
  const Shape& y = ctx.input(1).shape;
  const Shape& out = ctx.output(0).shape;
  llvm::IRBuilder<>& b = e.b();
  jit::GemmShape shape{g.m, g.n, g.k, g.adj.x ? 1 : g.k, g.adj.x ? g.m : 1, 0};
  const bool in_place = !g.y_constant && !g.adj.y;
  if (in_place) shape.b_row_stride = g.n;
  auto operands = [&](Value* batch) -> std::pair<Value*, Value*> {
    Value* a = FloatOffset(e, e.InputPtr(0),
                           b.CreateMul(OperandBatch(e, x, out, batch), e.I64(g.m * g.k)));
    Value* y_batch = OperandBatch(e, y, out, batch);
    if (g.y_constant) {
      return {a, FloatOffset(e, e.PackedPtr(0), b.CreateMul(y_batch, e.I64(g.panel_floats())))};
    }
    Value* y_matrix = FloatOffset(e, e.InputPtr(1), b.CreateMul(y_batch, e.I64(g.k * g.n)));
    if (in_place) return {a, y_matrix};
    // One scratch slot per output batch: the threads own whole batches.
    Value* packed = FloatOffset(e, e.ScratchPtr(), b.CreateMul(batch, e.I64(g.panel_floats())));
    jit::EmitPackGemmPanels(e, y_matrix, g.n, g.k, /*transposed=*/true, packed);
    return {a, packed};
  };
  jit::GemmDirectStore direct{e.OutputPtr(0), g.n, nullptr, {}, {}};
  if (!e.stores_directly()) {
    direct.out = nullptr;
    direct.store_vector = [&](Value* row, Value* col0, Value* v, Value* mask) {
      e.StoreOutputVector(v, RowIndex(e, out, row, col0), mask);
    };
  }
  bool vector_epilogue = e.stores_directly() || e.has_vector_epilogue();
  jit::GemmRowsDoneFn rows_done;
  if (e.has_row_epilogue()) {
    rows_done = [&](Value* first_row, int64_t rows) { e.EmitRowsDone(first_row, rows); };
  }
  jit::EmitBatchedGemm(e, g.batches, !g.packs_at_run_time(), operands, shape,
                       [&](Value* row, Value* col, Value* v) {
                         e.StoreOutput(v, RowIndex(e, out, row, col));
                       },
                       vector_epilogue ? &direct : nullptr, rows_done);
}

// INT8 BATCH_MATMUL on the int8 GEMM (file comment): per batch of this
// call's share, pack y and its column terms, then the GEMM, whose gather
// also leaves each row's term and whose store requantizes.
class Int8GemmKernel {
 public:
  Int8GemmKernel(jit::KernelEmitter& e, const NodeContext& ctx, const Int8Gemm& g)
      : e_(e), ctx_(ctx), g_(g), b_(e.b()), raw_(ctx.output(0).dtype == DType::kInt32),
        zx_(raw_ ? 0 : ZeroPoint(ctx.input(0))), zy_(raw_ ? 0 : ZeroPoint(ctx.input(1))) {}

  void Emit() {
    Value* begin = e_.I64(0);
    Value* end = e_.I64(g_.batches);
    if (g_.batches > 1) std::tie(begin, end) = e_.ParallelRange(g_.batches);
    e_.ForWithHints(begin, end, jit::kNoUnroll, [&](Value* batch) { EmitBatch(batch); }, "batch");
  }

 private:
  static constexpr int32_t kActivationOffset = 128;  // x enters the GEMM as x ^ 0x80

  Value* Bytes(Value* base, Value* offset) { return b_.CreateInBoundsGEP(b_.getInt8Ty(), base, offset); }
  Value* Ints(Value* base, Value* offset) { return b_.CreateInBoundsGEP(b_.getInt32Ty(), base, offset); }
  Value* Mul(Value* a, int64_t c) { return b_.CreateMul(a, e_.I64(c)); }
  Value* Add(Value* a, Value* c) { return b_.CreateAdd(a, c); }

  void EmitBatch(Value* batch) {
    const Shape& x = ctx_.input(0).shape;
    const Shape& y = ctx_.input(1).shape;
    const Shape& out = ctx_.output(0).shape;
    slot_ = Bytes(e_.ScratchPtr(), Mul(batch, g_.slot_bytes()));
    column_terms_ = Bytes(slot_, e_.I64(g_.column_terms_offset()));
    row_terms_ = Bytes(slot_, e_.I64(g_.row_terms_offset()));
    x_base_ = Mul(OperandBatch(e_, x, out, batch), g_.m * g_.k);
    y_base_ = Mul(OperandBatch(e_, y, out, batch), g_.k * g_.n);
    out_row0_ = Mul(batch, g_.m);
    PackY();
    jit::Int8GemmShape shape{g_.m, g_.n, g_.k, /*split_rows=*/false};
    jit::EmitInt8Gemm(
        e_, [&](Value* tile, Value* row0, int64_t rows) { Gather(tile, row0, rows); }, slot_, shape,
        [&](Value* row, Value* col0, Value* acc, Value* mask) { Store(row, col0, acc, mask); });
  }

  // Element (kk, col) of this batch's y, widened to i32 (sign kept).
  Value* LoadY(Value* kk, Value* col) {
    Value* off = g_.adj.y ? Add(Mul(col, g_.k), kk) : Add(Mul(kk, g_.n), col);
    return b_.CreateSExt(e_.LoadInput(1, Add(y_base_, off)), b_.getInt32Ty());
  }
  // Element (row, kk) of this batch's x.
  Value* LoadX(Value* row, Value* kk) {
    Value* off = g_.adj.x ? Add(Mul(kk, g_.m), row) : Add(Mul(row, g_.k), kk);
    return b_.CreateSExt(e_.LoadInput(0, Add(x_base_, off)), b_.getInt32Ty());
  }

  // y into the GEMM's panels (jit/qgemm.h: byte (kk, col) at panel col / 16,
  // quad kk / 4, lane col % 16, byte kk % 4; zeros past k and n), and the
  // column terms k * zx * zy - (128 + zx) * sum_k y[kk, col] (zero past n).
  void PackY() {
    e_.For(0, g_.packed_bytes() / 4, 1, [&](Value* i) {
      b_.CreateAlignedStore(e_.I32(0), Ints(slot_, i), llvm::Align(4));
    }, "zero");
    llvm::Type* i32 = b_.getInt32Ty();
    llvm::AllocaInst* sum = e_.Alloca(i32, "col_sum");
    const int32_t constant = static_cast<int32_t>(g_.k * zx_ * zy_);
    const int32_t offset = kActivationOffset + zx_;
    e_.For(0, g_.padded_n(), 1, [&](Value* col) {
      b_.CreateStore(e_.I32(0), Ints(column_terms_, col));
    }, "zero_terms");
    e_.For(0, g_.n, 1, [&](Value* col) {
      Value* panel = Bytes(slot_, Add(Mul(b_.CreateUDiv(col, e_.I64(jit::kInt8PanelWidth)),
                                          jit::Int8GemmPanelBytes(g_.k)),
                                      Mul(b_.CreateURem(col, e_.I64(jit::kInt8PanelWidth)), 4)));
      b_.CreateStore(e_.I32(0), sum);
      e_.For(0, g_.k, 1, [&](Value* kk) {
        Value* v = LoadY(kk, col);
        Value* dst = Add(Mul(b_.CreateUDiv(kk, e_.I64(4)), 64), b_.CreateURem(kk, e_.I64(4)));
        b_.CreateStore(b_.CreateTrunc(v, b_.getInt8Ty()), Bytes(panel, dst));
        b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i32, sum), v), sum);
      }, "k");
      Value* term = b_.CreateSub(e_.I32(constant), b_.CreateMul(b_.CreateLoad(i32, sum), e_.I32(offset)));
      b_.CreateStore(term, Ints(column_terms_, col));
    }, "col");
  }

  // GEMM rows row0 .. row0 + rows of this batch's x, as u8, into the tile
  // (zeros up to the quad-rounded depth), and their row terms -zy * sum_k x.
  void Gather(Value* tile, Value* row0, int64_t rows) {
    const int64_t depth = jit::Int8GemmDepth(g_.k);
    llvm::Type* i32 = b_.getInt32Ty();
    if (row_sum_ == nullptr) row_sum_ = e_.Alloca(i32, "row_sum");
    e_.ForWithHints(0, rows, jit::kNoUnroll, [&](Value* r) {
      Value* row = Add(row0, r);
      Value* dst = Bytes(tile, Mul(r, depth));
      b_.CreateStore(e_.I32(0), row_sum_);
      e_.For(0, g_.k, 1, [&](Value* kk) {
        Value* v = LoadX(row, kk);
        b_.CreateStore(b_.CreateXor(b_.CreateTrunc(v, b_.getInt8Ty()), b_.getInt8(0x80)), Bytes(dst, kk));
        b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i32, row_sum_), v), row_sum_);
      }, "k");
      for (int64_t t = g_.k; t < depth; ++t) b_.CreateStore(b_.getInt8(0), Bytes(dst, e_.I64(t)));
      Value* term = b_.CreateMul(b_.CreateLoad(i32, row_sum_), e_.I32(-zy_));
      b_.CreateStore(term, Ints(row_terms_, row));
    }, "r");
  }

  // C[row, col0 .. col0 + 15] from the GEMM's acc: the exact sum, then
  // TFLite's requantization (or the raw i32 for an INT32 output).
  void Store(Value* row, Value* col0, Value* acc, Value* mask) {
    auto* vec = llvm::cast<llvm::FixedVectorType>(acc->getType());
    Value* columns = b_.CreateAlignedLoad(vec, Ints(column_terms_, col0), llvm::Align(4));
    Value* row_term = b_.CreateLoad(b_.getInt32Ty(), Ints(row_terms_, row));
    Value* sum = Add(Add(acc, columns), b_.CreateVectorSplat(vec->getNumElements(), row_term));
    Value* q = raw_ ? sum : Requantize(sum);
    StoreVector(Add(out_row0_, row), col0, q, mask);
  }

  Value* Requantize(Value* sum) {
    const QuantizedMultiplier m = QuantizeMultiplier(
        static_cast<double>(Scale(ctx_.input(0))) * static_cast<double>(Scale(ctx_.input(1))) /
        static_cast<double>(Scale(ctx_.output(0))));
    const unsigned lanes = jit::kInt8PanelWidth;
    Value* scaled = EmitMultiplyByNonNegativeQuantizedMultiplier(
        b_, sum, b_.CreateVectorSplat(lanes, e_.I32(m.multiplier)),
        b_.CreateVectorSplat(lanes, e_.I32(m.shift)));
    Value* q = Add(scaled, b_.CreateVectorSplat(lanes, e_.I32(ZeroPoint(ctx_.output(0)))));
    return EmitNarrowQuantized(b_, EmitClampInt(b_, q, DTypeRange(DType::kInt8)), DType::kInt8);
  }

  // Output row `row` (flattened over all but the last dim), columns col0 ..:
  // a vector store, the vector epilogue, or the scalar one per lane.
  void StoreVector(Value* row, Value* col0, Value* q, Value* mask) {
    const Shape& out = ctx_.output(0).shape;
    if (e_.stores_directly()) {
      llvm::Type* elem = llvm::cast<llvm::VectorType>(q->getType())->getElementType();
      Value* dst = b_.CreateInBoundsGEP(elem, e_.OutputPtr(0), Add(Mul(row, g_.n), col0));
      jit::StoreLanes(b_, q, dst, mask, llvm::Align(1));
      return;
    }
    if (e_.has_vector_epilogue()) {
      e_.StoreOutputVector(q, RowIndex(e_, out, row, col0), mask);
      return;
    }
    if (lanes_ == nullptr) lanes_ = e_.Alloca(q->getType(), "lanes");
    b_.CreateStore(q, lanes_);
    llvm::Type* elem = llvm::cast<llvm::VectorType>(q->getType())->getElementType();
    Value* end = e_.Min(e_.I64(jit::kInt8PanelWidth), b_.CreateSub(e_.I64(g_.n), col0));
    e_.For(e_.I64(0), end, 1, [&](Value* c) {
      Value* v = b_.CreateLoad(elem, b_.CreateInBoundsGEP(elem, lanes_, c));
      e_.StoreOutput(v, RowIndex(e_, out, row, Add(col0, c)));
    }, "c");
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const Int8Gemm& g_;
  llvm::IRBuilder<>& b_;
  const bool raw_;
  const int32_t zx_, zy_;
  Value* slot_ = nullptr;
  Value* column_terms_ = nullptr;
  Value* row_terms_ = nullptr;
  Value* x_base_ = nullptr;
  Value* y_base_ = nullptr;
  Value* out_row0_ = nullptr;
  llvm::AllocaInst* row_sum_ = nullptr;
  llvm::AllocaInst* lanes_ = nullptr;
};

class BatchMatMulOp : public OpDef {
 public:
  std::string_view name() const override { return "BATCH_MATMUL"; }
  std::vector<int> builtin_codes() const override { return {126}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckInputTypes(ctx));
    for (int i = 0; i < 2; ++i) JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(i, 2, 5));
    const Shape& x = ctx.input(0).shape;
    const Shape& y = ctx.input(1).shape;
    Adjoints adj = ReadAdjoints(ctx);
    const size_t xr = x.size(), yr = y.size();
    int32_t m = adj.x ? x[xr - 1] : x[xr - 2];
    int32_t kx = adj.x ? x[xr - 2] : x[xr - 1];
    int32_t ky = adj.y ? y[yr - 1] : y[yr - 2];
    int32_t n = adj.y ? y[yr - 2] : y[yr - 1];
    if (kx != ky) {
      return InvalidArgument("contraction dims differ: input 0 " + ShapeToString(x) +
                             " gives " + std::to_string(kx) + ", input 1 " + ShapeToString(y) +
                             " gives " + std::to_string(ky) + " (adj_x " +
                             std::to_string(adj.x) + ", adj_y " + std::to_string(adj.y) + ")");
    }
    JITLITE_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(Shape(x.begin(), x.end() - 2),
                                                          Shape(y.begin(), y.end() - 2)));
    batch.push_back(m);
    batch.push_back(n);
    if (hybrid::IsHybrid(ctx)) {
      // y's columns n are its output channels.
      int n_axis = static_cast<int>(yr) - (adj.y ? 2 : 1);
      JITLITE_RETURN_IF_ERROR(hybrid::CheckTypes(ctx, "BATCH_MATMUL", n, n_axis));
    }
    ctx.SetOutput(0, IsQuantized(ctx) ? ctx.output(0).dtype : DType::kFloat32, batch);
    return Status::Ok();
  }

  // A dot product over the contraction dim of x per output element.
  int64_t MultiplyAdds(const NodeContext& ctx) const override {
    const Shape& x = ctx.input(0).shape;
    if (x.size() < 2) return 0;
    int64_t k = ReadAdjoints(ctx).x ? x[x.size() - 2] : x.back();
    return ctx.output(0).num_elements() * k;
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    if (hybrid::IsHybrid(ctx)) {
      hybrid::PackFilterScales(ctx, ctx.output(0).shape.back(), out);
      return Status::Ok();
    }
    FloatGemm g;
    if (!UsesFloatGemm(ctx, &g) || !g.y_constant) return Status::Ok();
    // Every batch of y, packed one after another.
    out.emplace_back(static_cast<size_t>(g.y_batches * g.panel_floats()) * sizeof(float));
    const float* y = ctx.input(1).const_as<float>();
    for (int64_t i = 0; i < g.y_batches; ++i) {
      const float* matrix = y + i * g.k * g.n;
      float* panels = out.back().as<float>() + i * g.panel_floats();
      if (g.adj.y) {
        jit::PackGemmWeightsTransposed(matrix, g.n, g.k, panels);
      } else {
        jit::PackGemmWeights(matrix, g.n, g.k, panels);
      }
    }
    return Status::Ok();
  }

  int64_t ScratchBytes(const NodeContext& ctx) const override {
    Int8Gemm q;
    if (UsesInt8Gemm(ctx, &q)) return q.batches * q.slot_bytes();
    FloatGemm g;
    if (!UsesFloatGemm(ctx, &g) || !g.packs_at_run_time()) return 0;
    return g.batches * g.panel_floats() * static_cast<int64_t>(sizeof(float));
  }

  bool takes_row_epilogue(const NodeContext& ctx) const override { return UsesFloatGemm(ctx); }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    if (hybrid::IsHybrid(ctx)) {
      EmitHybrid(e, ctx);
      return Status::Ok();
    }
    Int8Gemm q;
    if (UsesInt8Gemm(ctx, &q) && jit::Int8GemmSupported(e)) {
      Int8GemmKernel(e, ctx, q).Emit();
      return Status::Ok();
    }
    if (IsQuantized(ctx)) {
      EmitQuantized(e, ctx);
      return Status::Ok();
    }
    FloatGemm g;
    if (UsesFloatGemm(ctx, &g)) {
      EmitFloatGemm(e, ctx, g);
      return Status::Ok();
    }
    llvm::IRBuilder<>& b = e.b();
    EmitDotProducts(
        e, ctx, b.getFloatTy(), e.F32(0.0f),
        [&](Value* acc, Value* xv, Value* yv) {
          return ReassociatingAdd(b, acc, b.CreateFMul(xv, yv));
        },
        [](Value* acc) { return acc; });
    return Status::Ok();
  }

 private:
  using Accumulate = std::function<Value*(Value* acc, Value* x, Value* y)>;

  // For every output element: acc = init, acc = add(acc, x, y) over k (the
  // loaded elements of x and y), then the element finish(acc).
  static void EmitDotProducts(jit::KernelEmitter& e, const NodeContext& ctx, llvm::Type* acc_type,
                              Value* init, const Accumulate& add,
                              const std::function<Value*(Value*)>& finish) {
    const Shape& x = ctx.input(0).shape;
    const Shape& y = ctx.input(1).shape;
    const Shape& out = ctx.output(0).shape;
    Adjoints adj = ReadAdjoints(ctx);
    const int64_t k_size = adj.x ? x[x.size() - 2] : x.back();
    llvm::IRBuilder<>& b = e.b();
    llvm::AllocaInst* acc = e.Alloca(acc_type, "acc");
    const size_t r = out.size();
    EmitIndexLoops(e, out, [&](const std::vector<Value*>& idx) {
      Value* m = idx[r - 2];
      Value* n = idx[r - 1];
      b.CreateStore(init, acc);
      e.For(0, k_size, 1, [&](Value* k) {
        Value* xv = e.LoadInput(0, adj.x ? OperandOffset(e, x, out, idx, k, m)
                                         : OperandOffset(e, x, out, idx, m, k));
        Value* yv = e.LoadInput(1, adj.y ? OperandOffset(e, y, out, idx, n, k)
                                         : OperandOffset(e, y, out, idx, k, n));
        b.CreateStore(add(b.CreateLoad(acc_type, acc), xv, yv), acc);
      }, "k");
      e.StoreOutput(finish(b.CreateLoad(acc_type, acc)), idx);
    });
  }

  // TFLite's reference quantized kernels (file comment).
  static void EmitQuantized(jit::KernelEmitter& e, const NodeContext& ctx) {
    llvm::IRBuilder<>& b = e.b();
    const DType t = ctx.input(0).dtype;
    const DType out_type = ctx.output(0).dtype;
    const bool raw = out_type == DType::kInt32;  // no zero points, no rescale
    llvm::Type* acc_type = t == DType::kInt16 ? b.getInt64Ty() : b.getInt32Ty();
    auto widen = [&](Value* v, int input) {
      Value* w = EmitWidenQuantized(b, v, t);
      if (!raw) w = b.CreateSub(w, e.I32(ZeroPoint(ctx.input(input))));
      return b.CreateSExt(w, acc_type);  // no-op for i32
    };
    auto add = [&](Value* acc, Value* xv, Value* yv) {
      return b.CreateAdd(acc, b.CreateMul(widen(xv, 0), widen(yv, 1)));
    };
    if (raw) {
      EmitDotProducts(e, ctx, acc_type, llvm::ConstantInt::get(acc_type, 0), add,
                      [](Value* acc) { return acc; });
      return;
    }
    const QuantizedMultiplier m = QuantizeMultiplier(
        static_cast<double>(Scale(ctx.input(0))) * static_cast<double>(Scale(ctx.input(1))) /
        static_cast<double>(Scale(ctx.output(0))));
    auto finish = [&](Value* acc) {
      Value* scaled = t == DType::kInt16
                          ? EmitMultiplyByQuantizedMultiplier64(b, acc, e.I32(m.multiplier),
                                                                e.I32(m.shift))
                          : EmitMultiplyByQuantizedMultiplier(b, acc, m);
      Value* q = b.CreateAdd(scaled, e.I32(ZeroPoint(ctx.output(0))));
      return EmitNarrowQuantized(b, EmitClampInt(b, q, DTypeRange(out_type)), out_type);
    };
    EmitDotProducts(e, ctx, acc_type, llvm::ConstantInt::get(acc_type, 0), add, finish);
  }

  // As TFLite's hybrid BatchMatMul: out = (row_scale * y_scale[n]) * acc with
  // acc = sum_k y[k, n] * (q[k] - zp) over the quantized x row.
  static void EmitHybrid(jit::KernelEmitter& e, const NodeContext& ctx) {
    const Shape& x = ctx.input(0).shape;
    const Shape& y = ctx.input(1).shape;
    const Shape& out = ctx.output(0).shape;
    Adjoints adj = ReadAdjoints(ctx);
    const int64_t k_size = adj.x ? x[x.size() - 2] : x.back();
    // With adj_x a row of x (fixed m, running k) is strided by x's last dim.
    hybrid::RowQuantizer row(e, k_size, adj.x ? x.back() : 1, AsymmetricQuantizeInputs(ctx));
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* i32 = b.getInt32Ty();
    llvm::AllocaInst* acc = e.Alloca(i32, "acc");
    const size_t r = out.size();
    EmitIndexLoops(e, Shape(out.begin(), out.end() - 1), [&](const std::vector<Value*>& rows) {
      std::vector<Value*> idx = rows;
      idx.push_back(nullptr);
      Value* m = idx[r - 2];
      Value* zero = e.I64(0);
      row.Quantize(adj.x ? OperandOffset(e, x, out, idx, zero, m)
                         : OperandOffset(e, x, out, idx, m, zero));
      e.For(0, out.back(), 1, [&](Value* n) {
        b.CreateStore(e.I32(0), acc);
        e.For(0, k_size, 1, [&](Value* k) {
          Value* yv = e.LoadInput(1, adj.y ? OperandOffset(e, y, out, idx, n, k)
                                           : OperandOffset(e, y, out, idx, k, n));
          Value* term = b.CreateMul(b.CreateSExt(yv, i32), row.LoadCentered(k));
          b.CreateStore(b.CreateAdd(b.CreateLoad(i32, acc), term), acc);
        }, "k");
        idx[r - 1] = n;
        e.StoreOutput(hybrid::EmitOutput(e, b.CreateLoad(i32, acc), row.scale(),
                                         hybrid::FilterScale(e, 0, n),
                                         hybrid::ScaleOrder::kAccTimesCombined, nullptr),
                      idx);
      }, "n");
    });
  }
};

}  // namespace

const OpDef& batch_matmul_op() {
  static const BatchMatMulOp op;
  return op;
}

}  // namespace jitlite::ops
