// BATCH_MATMUL (float32): out[..., m, n] = sum_k x[..., m, k] * y[..., k, n],
// BatchMatMulOptions.adj_x / adj_y transposing the last two dims of x / y,
// batch dims (all but the last two) broadcast numpy-style. Inputs of rank 2..5,
// rhs constant or computed. Hybrid: a FLOAT32 x with an INT8 y (one scale, or
// one per output column n), each x row quantized at run time (symmetric, or
// asymmetric_quantize_inputs; ops/util/hybrid). Quantized BATCH_MATMUL comes
// later.
//
// A loop nest over the output elements with an inner dot product over k
// (reassociating sum, so it can vectorize); the hybrid kernel quantizes each
// x row once, then takes its i32 dot products with every column of y.
#include <algorithm>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/hybrid.h"
#include "ops/util/last_axis_rows.h"
#include "ops/util/loop_nest.h"
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

// The dtype rule: FLOAT32 x FLOAT32, or hybrid FLOAT32 x INT8.
Status CheckInputTypes(const NodeContext& ctx) {
  if (hybrid::IsHybrid(ctx)) return Status::Ok();  // the rest in CheckTypes
  for (int i = 0; i < 2; ++i) {
    DType t = ctx.input(i).dtype;
    if (t == DType::kInt8 || t == DType::kInt16) {
      return Unimplemented(std::string("BATCH_MATMUL of ") + DTypeName(t) +
                           " is not supported yet (supported: FLOAT32, and a FLOAT32 input 0 "
                           "with an INT8 input 1 (hybrid))");
    }
    if (t != DType::kFloat32) {
      return InvalidArgument("input " + std::to_string(i) + " has type " + DTypeName(t) +
                             "; supported: FLOAT32");
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
    ctx.SetOutput(0, DType::kFloat32, batch);
    return Status::Ok();
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    if (!hybrid::IsHybrid(ctx)) return Status::Ok();
    hybrid::PackFilterScales(ctx, ctx.output(0).shape.back(), out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    if (hybrid::IsHybrid(ctx)) {
      EmitHybrid(e, ctx);
      return Status::Ok();
    }
    const Shape& x = ctx.input(0).shape;
    const Shape& y = ctx.input(1).shape;
    const Shape& out = ctx.output(0).shape;
    Adjoints adj = ReadAdjoints(ctx);
    const int64_t k_size = adj.x ? x[x.size() - 2] : x.back();
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* f32 = b.getFloatTy();
    llvm::AllocaInst* acc = e.Alloca(f32, "acc");
    const size_t r = out.size();
    EmitIndexLoops(e, out, [&](const std::vector<Value*>& idx) {
      Value* m = idx[r - 2];
      Value* n = idx[r - 1];
      b.CreateStore(e.F32(0.0f), acc);
      e.For(0, k_size, 1, [&](Value* k) {
        Value* xv = e.LoadInput(0, adj.x ? OperandOffset(e, x, out, idx, k, m)
                                         : OperandOffset(e, x, out, idx, m, k));
        Value* yv = e.LoadInput(1, adj.y ? OperandOffset(e, y, out, idx, n, k)
                                         : OperandOffset(e, y, out, idx, k, n));
        b.CreateStore(ReassociatingAdd(b, b.CreateLoad(f32, acc), b.CreateFMul(xv, yv)), acc);
      }, "k");
      e.StoreOutput(b.CreateLoad(f32, acc), idx);
    });
    return Status::Ok();
  }

 private:
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
