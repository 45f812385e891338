// FULLY_CONNECTED: out[b, u] = act(bias[u] + sum over k of in[b, k] * filter[u, k])
// with the input (any rank >= 1) read as [batch, input_size] rows, where
// input_size = filter dim 1 and batch = num_elements / input_size, the filter
// [units, input_size] (constant or a runtime tensor, always read through its
// pointer) and an optional bias (absent = zero). The output is [batch, units],
// or with keep_num_dims the input shape with its last dimension replaced by
// units. Float32 and the quantized types (INT8 per-tensor or per-channel,
// UINT8, 16x8: ops/util/quantized_conv) and hybrid FLOAT32 x INT8 weights
// (ops/util/hybrid, each input row quantized at run time, symmetric or with
// asymmetric_quantize_inputs) with the DEFAULT weights format; SHUFFLED4x16INT8
// weights are Unimplemented for now. INT4 and INT2 filters (unpacked to int8
// once at import) run the INT8 kernels, quantized and hybrid. A FLOAT32
// input with a blockwise-quantized INT4 filter (one scale per block of
// block_size inputs of a unit) takes EmitBlockwiseFc. Sparse filters are
// densified at import and run the dense kernels (CheckSparseFilter).
//
// Constant weights (the usual case) are packed at allocate time and run on
// the fp32 GEMM microkernel (jit/gemm.h): rows = batch, k = input_size.
// Runtime weights use the loop nest below.
//
// Loop nest: tiles of output units whose filter rows fit in L1, then the
// flattened rows 2 at a time, then blocks of 4 units of the tile (a
// remainder loop takes single rows and units). For each 2x4 block eight
// accumulators run over input_size, which is contiguous in both the input
// rows and the filter rows, so each loaded value feeds several of them. The
// accumulating fadd/fmul allow reassociation + contraction so LLVM
// vectorizes that reduction. A row's output multi-index (for the epilogue)
// comes from splitting the flattened row over the leading output dimensions.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "jit/gemm.h"
#include "ops/op.h"
#include "ops/util/conv_2d_window.h"
#include "ops/util/hybrid.h"
#include "ops/util/quantized_conv.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Add;
using conv_window::Mul;
using llvm::Value;

// Output units and rows computed together: each input load feeds kUnitBlock
// accumulators and each filter load kRowBlock (8 in all, which leaves room
// for the vectorizer's interleaving within the 16 AVX2 registers).
constexpr int64_t kUnitBlock = 4;
constexpr int64_t kRowBlock = 2;
// Filter bytes kept hot in L1 while the rows stream past.
constexpr int64_t kFilterTileBytes = 16 * 1024;

// LiteRT's hybrid FULLY_CONNECTED also takes INT4 and INT2 filters.
constexpr auto kHybridFilters = hybrid::SubByteFilters::kInt4AndInt2;

struct FullyConnectedParams {
  int activation = 0;
  bool asymmetric = false;  // hybrid: asymmetric_quantize_inputs
  int64_t batch = 0, input_size = 0, units = 0;
  int64_t block_size = 0;   // blockwise filter: inputs per scale; 0: none
  Shape out_shape;
};

// A FLOAT32 input with a blockwise-quantized filter (LiteRT's
// EvalBlockwise4Bit; XNNPACK's qd8 x qb4w GEMM).
bool IsBlockwise(const NodeContext& ctx) {
  return ctx.num_inputs() >= 2 && ctx.has_input(0) && ctx.has_input(1) &&
         ctx.input(0).dtype == DType::kFloat32 && ctx.input(1).quant->block_size > 0;
}

// The blockwise filter: INT4 [units, input_size], constant, one scale per
// block (the import read them from the scales tensor), zero points 0, whole
// blocks per unit; FLOAT32 bias and output.
Status CheckBlockwise(const NodeContext& ctx, const FullyConnectedParams& p) {
  const TensorState& filter = ctx.input(1);
  const QuantizationInfo& q = *filter.quant;
  if (filter.dtype != DType::kInt4) {
    return Unimplemented(std::string("blockwise-quantized filter (input 1) has type ") +
                         DTypeName(filter.dtype) + "; only INT4 is supported (as LiteRT)");
  }
  if (!filter.is_constant()) return Unimplemented("blockwise-quantized filter (input 1) is not a constant");
  if (q.scales.empty()) {
    return Unimplemented("the blockwise filter's scales (and zero points) must be constant "
                         "FLOAT16/FLOAT32 (INT32/INT64) tensors");
  }
  if (p.input_size % p.block_size != 0 || p.input_size % 2 != 0) {
    return InvalidArgument("blockwise filter rows of " + std::to_string(p.input_size) +
                           " inputs are not whole blocks of " + std::to_string(p.block_size) +
                           " (or are odd)");
  }
  const int64_t blocks = p.units * (p.input_size / p.block_size);
  if (static_cast<int64_t>(q.scales.size()) != blocks) {
    return InvalidArgument("blockwise filter " + ShapeToString(filter.shape) + " in blocks of " +
                           std::to_string(p.block_size) + " needs " + std::to_string(blocks) +
                           " scales; the scales tensor has " + std::to_string(q.scales.size()));
  }
  for (int64_t zp : q.zero_points) {
    if (zp != 0) return Unimplemented("blockwise filter with nonzero zero points");
  }
  if (ctx.output(0).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("output has type ") + DTypeName(ctx.output(0).dtype) +
                           "; a blockwise FULLY_CONNECTED outputs FLOAT32");
  }
  if (ctx.has_input(2) && ctx.input(2).dtype != DType::kFloat32) {
    return InvalidArgument(std::string("bias (input 2) has type ") +
                           DTypeName(ctx.input(2).dtype) + "; needs FLOAT32");
  }
  return Status::Ok();
}

// A sparse filter is densified at import (lib/constant_decoding.h), so the
// dense kernels run it; accepted are the cases LiteRT computes. FLOAT32 in
// any sparse format (its reference kernel densifies too; the optimized one
// takes random and 1x4-block sparsity). INT8 filters, quantized (INT8 in and
// out) or hybrid (FLOAT32 in), only as LiteRT's sparse kernels take them:
// 1x16 blocks and symmetric weights. LiteRT reads the other types' sparse
// filters as if they were dense, so they are refused.
bool IsBlock1x16(const SparsityInfo& sp) {
  const auto& dims = sp.dim_metadata;
  return sp.traversal_order == std::vector<int32_t>{0, 1, 2} &&
         sp.block_map == std::vector<int32_t>{1} && dims.size() == 3 && dims[0].format == 0 &&
         dims[1].format == 1 && dims[2].format == 0 && dims[2].dense_size == 16;
}

Status CheckSparseFilter(const NodeContext& ctx, bool quantized, bool is_hybrid) {
  const TensorState& filter = ctx.input(1);
  if (!filter.is_sparse()) return Status::Ok();
  const DType in = ctx.input(0).dtype;
  if (!quantized && !is_hybrid && in == DType::kFloat32) return Status::Ok();
  const bool int8_quantized = quantized && in == DType::kInt8 && ctx.output(0).dtype == DType::kInt8;
  if (filter.dtype != DType::kInt8 || !(int8_quantized || is_hybrid)) {
    return Unimplemented(std::string("a sparse ") + DTypeName(filter.dtype) + " filter with a " +
                         DTypeName(in) + " input and " + DTypeName(ctx.output(0).dtype) +
                         " output; sparse filters run as FLOAT32, INT8 x INT8 -> INT8 or hybrid "
                         "FLOAT32 x INT8 only (LiteRT reads the others as dense)");
  }
  if (!IsBlock1x16(*filter.sparsity)) {
    return Unimplemented("a sparse INT8 filter that is not 1x16 block-sparse (traversal_order "
                         "[0, 1, 2], block_map [1], dim_metadata DENSE, SPARSE_CSR, DENSE of 16), "
                         "the only INT8 sparse format LiteRT runs");
  }
  for (int64_t zp : filter.quant->zero_points) {
    if (zp != 0) {
      return Unimplemented("a sparse INT8 filter with a nonzero zero point; LiteRT's sparse "
                           "kernels take symmetric weights only");
    }
  }
  return Status::Ok();
}

// TFLite's FULLY_CONNECTED accepts only these fused activations (it rejects
// TANH and SIGN_BIT at prepare time).
Status CheckFullyConnectedActivation(int activation) {
  if (activation >= 0 && activation <= 3) return Status::Ok();
  return InvalidArgument("fused_activation_function " + std::to_string(activation) +
                         " is not supported by FULLY_CONNECTED; valid: 0 NONE, 1 RELU, "
                         "2 RELU_N1_TO_1, 3 RELU6");
}

Status ReadOptions(const NodeContext& ctx, FullyConnectedParams& p, bool& keep_num_dims) {
  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_FullyConnectedOptions() : nullptr;
  p.activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  keep_num_dims = opts && opts->keep_num_dims();
  p.asymmetric = opts && opts->asymmetric_quantize_inputs();
  JITLITE_RETURN_IF_ERROR(CheckFullyConnectedActivation(p.activation));
  auto format = opts ? opts->weights_format()
                     : tflite::FullyConnectedOptionsWeightsFormat::DEFAULT;
  if (format == tflite::FullyConnectedOptionsWeightsFormat::SHUFFLED4x16INT8) {
    return Unimplemented("FULLY_CONNECTED with weights_format SHUFFLED4x16INT8 is not "
                         "supported yet; only DEFAULT weights are");
  }
  if (format != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) {
    return InvalidArgument("weights_format " + std::to_string(static_cast<int>(format)) +
                           " is not a valid FullyConnectedOptionsWeightsFormat");
  }
  return Status::Ok();
}

// Reads options and shapes and checks them; shared by Prepare and EmitKernel.
StatusOr<FullyConnectedParams> ResolveParams(const NodeContext& ctx) {
  // Options first: shuffled weights come with quantized types and a second
  // output, and "not supported yet" is the useful message for them.
  FullyConnectedParams p;
  bool keep_num_dims = false;
  JITLITE_RETURN_IF_ERROR(ReadOptions(ctx, p, keep_num_dims));
  const bool quantized = qconv::IsQuantized(ctx, qconv::Form::kFullyConnected);
  const bool blockwise = IsBlockwise(ctx);
  const bool is_hybrid = !blockwise && hybrid::IsHybrid(ctx, kHybridFilters);
  if (quantized || is_hybrid || blockwise) {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
    JITLITE_RETURN_IF_ERROR(conv_window::ExpectOneOutput(ctx));
  } else {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckFloatTypes(ctx, "FULLY_CONNECTED"));
  }
  const TensorState& in = ctx.input(0);
  const TensorState& filter = ctx.input(1);
  if (in.rank() < 1) {
    return InvalidArgument("input 0 is a scalar; FULLY_CONNECTED needs an input of rank >= 1");
  }
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(1, 2, 2));
  p.units = filter.dim(0);
  p.input_size = filter.dim(1);
  if (p.units < 1 || p.input_size < 1) {
    return InvalidArgument("filter (input 1) has shape " + ShapeToString(filter.shape) +
                           "; both dimensions [units, input_size] must be >= 1");
  }
  if (in.num_elements() % p.input_size != 0) {
    return InvalidArgument("input 0 has shape " + ShapeToString(in.shape) + " (" +
                           std::to_string(in.num_elements()) +
                           " elements), not a multiple of the filter's input size " +
                           std::to_string(p.input_size) + " (filter shape " +
                           ShapeToString(filter.shape) + ")");
  }
  p.batch = in.num_elements() / p.input_size;
  JITLITE_RETURN_IF_ERROR(conv_window::CheckBias(ctx, p.units));
  if (quantized && filter.quant->block_size > 0) {
    return Unimplemented(std::string("a blockwise-quantized filter (input 1) with a ") +
                         DTypeName(in.dtype) + " input; only FLOAT32 inputs take one");
  }
  if (quantized) {
    JITLITE_RETURN_IF_ERROR(qconv::CheckTypes(ctx, qconv::Form::kFullyConnected,
                                              "FULLY_CONNECTED", p.units));
  }
  if (is_hybrid) {
    JITLITE_RETURN_IF_ERROR(hybrid::CheckTypes(ctx, "FULLY_CONNECTED", p.units, 0));
  }
  JITLITE_RETURN_IF_ERROR(CheckSparseFilter(ctx, quantized, is_hybrid));
  if (blockwise) {
    p.block_size = filter.quant->block_size;
    JITLITE_RETURN_IF_ERROR(CheckBlockwise(ctx, p));
  }
  if (keep_num_dims) {
    if (in.dim(in.rank() - 1) != p.input_size) {
      return InvalidArgument("keep_num_dims needs the last input dimension to equal the "
                             "filter's input size, but input 0 has shape " +
                             ShapeToString(in.shape) + " and the filter " +
                             ShapeToString(filter.shape));
    }
    p.out_shape = in.shape;
    p.out_shape.back() = static_cast<int32_t>(p.units);
  } else {
    p.out_shape = {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.units)};
  }
  return p;
}

// The output multi-index of flattened row r, unit `unit`: r split over the
// output's leading dimensions.
std::vector<Value*> FcOutputIndex(jit::KernelEmitter& e, const Shape& out_shape, Value* r,
                                  Value* unit) {
  size_t row_dims = out_shape.size() - 1;
  std::vector<Value*> index(out_shape.size());
  for (size_t d = row_dims; d-- > 0;) {
    Value* dim = e.I64(out_shape[d]);
    index[d] = d == 0 ? r : e.b().CreateURem(r, dim);
    if (d > 0) r = e.b().CreateUDiv(r, dim);
  }
  index[row_dims] = unit;
  return index;
}

class FullyConnectedEmitter {
 public:
  FullyConnectedEmitter(jit::KernelEmitter& e, const NodeContext& ctx,
                        const FullyConnectedParams& p)
      : e_(e), ctx_(ctx), p_(p) {}

  void Emit() {
    for (int64_t j = 0; j < kRowBlock * kUnitBlock; ++j) {
      acc_.push_back(e_.Alloca(e_.b().getFloatTy(), "acc"));
    }
    int64_t blocked = p_.units / kUnitBlock * kUnitBlock;
    if (blocked > 0) {
      // Tiles of units whose filter rows stay in L1 while every input row
      // passes by.
      int64_t tile = std::max<int64_t>(
          kUnitBlock, kFilterTileBytes / (p_.input_size * 4) / kUnitBlock * kUnitBlock);
      e_.For(0, blocked, tile, [&](Value* t) {
        Value* end = tile >= blocked ? e_.I64(blocked)
                                     : e_.Min(Add(e_, t, e_.I64(tile)), e_.I64(blocked));
        EmitRows(t, end, kUnitBlock);
      }, "tile");
    }
    if (blocked < p_.units) EmitRows(e_.I64(blocked), e_.I64(p_.units), 1);
  }

 private:
  // Every row, `kRowBlock` at a time, times the units [u_begin, u_end).
  void EmitRows(Value* u_begin, Value* u_end, int64_t units) {
    int64_t blocked = p_.batch / kRowBlock * kRowBlock;
    auto emit = [&](int64_t begin, int64_t end, int64_t rows) {
      if (begin >= end) return;
      e_.For(begin, end, rows, [&](Value* r0) {
        EmitUnits(r0, rows, u_begin, u_end, units);
      }, "row");
    };
    emit(0, blocked, kRowBlock);
    emit(blocked, p_.batch, 1);
  }

  // Units [begin, end), `units` at a time, for the rows r0 .. r0 + rows - 1.
  void EmitUnits(Value* r0, int64_t rows, Value* begin, Value* end, int64_t units) {
    e_.For(begin, end, units, [&](Value* u0) {
      for (int64_t j = 0; j < rows * units; ++j) e_.b().CreateStore(e_.F32(0.0f), acc_[j]);
      Value* in_row = Mul(e_, r0, p_.input_size);
      Value* f_row = Mul(e_, u0, p_.input_size);
      e_.For(0, p_.input_size, 1, [&](Value* k) {
        EmitMultiplyAdd(Add(e_, in_row, k), Add(e_, f_row, k), rows, units);
      }, "k");
      for (int64_t i = 0; i < rows; ++i) {
        std::vector<Value*> index = OutputIndex(Add(e_, r0, e_.I64(i)));
        for (int64_t j = 0; j < units; ++j) {
          Value* u = Add(e_, u0, e_.I64(j));
          Value* v = e_.b().CreateLoad(e_.b().getFloatTy(), acc_[i * units + j]);
          if (ctx_.has_input(2)) v = e_.b().CreateFAdd(v, e_.LoadInput(2, u));
          index.back() = u;
          e_.StoreOutput(conv_window::ApplyActivation(e_, v, p_.activation), index);
        }
      }
    }, "u");
  }

  // acc[i][j] += in[in_off + i*input_size] * filter[f_off + j*input_size]:
  // each loaded input and filter value feeds several accumulators.
  void EmitMultiplyAdd(Value* in_off, Value* f_off, int64_t rows, int64_t units) {
    llvm::IRBuilder<>& b = e_.b();
    std::vector<Value*> x, w;
    for (int64_t i = 0; i < rows; ++i) {
      x.push_back(e_.LoadInput(0, Add(e_, in_off, e_.I64(i * p_.input_size))));
    }
    for (int64_t j = 0; j < units; ++j) {
      w.push_back(e_.LoadInput(1, Add(e_, f_off, e_.I64(j * p_.input_size))));
    }
    // Reassociation lets the loop vectorizer split the sum into vector
    // lanes; contraction allows FMA. Results differ from TFLite by float
    // rounding only.
    llvm::IRBuilder<>::FastMathFlagGuard guard(b);
    llvm::FastMathFlags fmf;
    fmf.setAllowReassoc();
    fmf.setAllowContract();
    b.setFastMathFlags(fmf);
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < units; ++j) {
        llvm::AllocaInst* acc = acc_[i * units + j];
        b.CreateStore(b.CreateFAdd(b.CreateLoad(b.getFloatTy(), acc), b.CreateFMul(x[i], w[j])),
                      acc);
      }
    }
  }

  // The output multi-index of flattened row r (its last entry, the unit, is
  // filled in by the caller).
  std::vector<Value*> OutputIndex(Value* r) {
    return FcOutputIndex(e_, p_.out_shape, r, nullptr);
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const FullyConnectedParams& p_;
  std::vector<llvm::AllocaInst*> acc_;
};

void EmitFcGemm(jit::KernelEmitter& e, const NodeContext& ctx, const FullyConnectedParams& p) {
  auto activation = [&](Value* v) { return conv_window::ApplyActivation(e, v, p.activation); };
  jit::GemmDirectStore direct{e.OutputPtr(0), p.units, ctx.has_input(2) ? e.InputPtr(2) : nullptr,
                              activation, {}};
  if (!e.stores_directly()) {
    direct.out = nullptr;
    direct.store_vector = [&](Value* row, Value* col0, Value* v, Value* mask) {
      e.StoreOutputVector(v, FcOutputIndex(e, p.out_shape, row, col0), mask);
    };
  }
  bool vector_epilogue = e.stores_directly() || e.has_vector_epilogue();
  jit::GemmShape shape{p.batch, p.units, p.input_size, p.input_size};
  jit::EmitGemm(e, e.InputPtr(0), e.PackedPtr(0), shape, [&](Value* row, Value* col, Value* v) {
    if (ctx.has_input(2)) v = e.b().CreateFAdd(v, e.LoadInput(2, col));
    e.StoreOutput(activation(v), FcOutputIndex(e, p.out_shape, row, col));
  }, vector_epilogue ? &direct : nullptr);
}

// The quantized kernel: a 1x1 convolution over [batch, 1, 1, input_size].
void EmitQuantizedFc(jit::KernelEmitter& e, const NodeContext& ctx,
                     const FullyConnectedParams& p) {
  qconv::Geometry g;
  g.form = qconv::Form::kFullyConnected;
  g.batch = p.batch;
  g.cin = g.filter_depth = p.input_size;
  g.cout = g.group_cout = p.units;
  for (conv_window::Axis* a : {&g.h, &g.w}) {
    a->in = a->kernel = a->stride = a->dilation = 1;
    (void)conv_window::Resolve(false, *a);  // 1x1 VALID: always valid
  }
  g.activation = p.activation;
  qconv::Emit(e, ctx, g, [&](Value* row, Value*, Value*, Value* unit, Value* v) {
    e.StoreOutput(v, FcOutputIndex(e, p.out_shape, row, unit));
  });
}

// The hybrid kernel: per row, quantize the input row (hybrid::RowQuantizer),
// then per unit an i32 dot product with the INT8 filter row, contiguous in
// both, and out = act(bias + acc * (row_scale * filter_scale)), the order of
// TFLite's MatrixBatchVectorMultiplyAccumulate onto the bias.
void EmitHybridFc(jit::KernelEmitter& e, const NodeContext& ctx, const FullyConnectedParams& p) {
  llvm::IRBuilder<>& b = e.b();
  hybrid::RowQuantizer row(e, p.input_size, 1, p.asymmetric);
  llvm::AllocaInst* acc = e.Alloca(b.getInt32Ty(), "acc");
  e.For(0, p.batch, 1, [&](Value* r) {
    row.Quantize(Mul(e, r, p.input_size));
    e.For(0, p.units, 1, [&](Value* u) {
      b.CreateStore(e.I32(0), acc);
      Value* f_row = Mul(e, u, p.input_size);
      e.For(0, p.input_size, 1, [&](Value* k) {
        Value* w = b.CreateSExt(e.LoadInput(1, Add(e, f_row, k)), b.getInt32Ty());
        Value* term = b.CreateMul(w, row.LoadCentered(k));
        b.CreateStore(b.CreateAdd(b.CreateLoad(b.getInt32Ty(), acc), term), acc);
      }, "k");
      Value* bias = ctx.has_input(2) ? e.LoadInput(2, u) : nullptr;
      Value* v = hybrid::EmitOutput(e, b.CreateLoad(b.getInt32Ty(), acc), row.scale(),
                                    hybrid::FilterScale(e, 0, u),
                                    hybrid::ScaleOrder::kAccTimesCombined, bias);
      e.StoreOutput(conv_window::ApplyActivation(e, v, p.activation),
                    FcOutputIndex(e, p.out_shape, r, u));
    }, "u");
  }, "row");
}

// Units the blockwise kernel computes together, one per vector lane.
constexpr int64_t kBlockwiseLanes = 16;

// The blockwise kernel: per row, quantize the input row asymmetrically to
// int8 (LiteRT's BatchQuantizeFloats, as XNNPACK's qd8); then per tile of
// kBlockwiseLanes units and per block, an i32 dot product of (q - zp) with
// the INT4 weights (unpacked to int8), one unit per lane, scaled by the
// block's scales and summed in float; out = act(bias + sum * row_scale).
// LiteRT subtracts zp * sum(scale * sum w) after the blocks instead; the
// results agree up to float rounding. Lanes past the last unit hold zero
// weights and scales and are not stored.
void EmitBlockwiseFc(jit::KernelEmitter& e, const NodeContext& ctx,
                     const FullyConnectedParams& p) {
  llvm::IRBuilder<>& b = e.b();
  const int64_t blocks = p.input_size / p.block_size;
  const int64_t tiles = (p.units + kBlockwiseLanes - 1) / kBlockwiseLanes;
  const auto lanes = static_cast<unsigned>(kBlockwiseLanes);
  auto* acc_type = llvm::FixedVectorType::get(b.getInt32Ty(), lanes);
  auto* sum_type = llvm::FixedVectorType::get(b.getFloatTy(), lanes);
  auto* weights_type = llvm::FixedVectorType::get(b.getInt8Ty(), lanes);
  hybrid::RowQuantizer row(e, p.input_size, 1, /*asymmetric=*/true);
  llvm::AllocaInst* acc = e.Alloca(acc_type, "acc");
  llvm::AllocaInst* sum = e.Alloca(sum_type, "sum");
  llvm::AllocaInst* results = e.Alloca(llvm::ArrayType::get(b.getFloatTy(), lanes), "results");
  e.For(0, p.batch, 1, [&](Value* r) {
    row.Quantize(Mul(e, r, p.input_size));
    e.For(0, tiles, 1, [&](Value* t) {
      b.CreateStore(llvm::Constant::getNullValue(sum_type), sum);
      e.For(0, blocks, 1, [&](Value* blk) {
        b.CreateStore(llvm::Constant::getNullValue(acc_type), acc);
        Value* k0 = Mul(e, blk, p.block_size);
        e.For(0, p.block_size, 1, [&](Value* k) {
          Value* in_k = Add(e, k0, k);
          Value* offset = Mul(e, Add(e, Mul(e, t, p.input_size), in_k), kBlockwiseLanes);
          Value* w = b.CreateAlignedLoad(
              weights_type, b.CreateInBoundsGEP(b.getInt8Ty(), e.PackedPtr(1), offset),
              llvm::Align(kBlockwiseLanes));
          Value* term = b.CreateMul(b.CreateSExt(w, acc_type),
                                    b.CreateVectorSplat(lanes, row.LoadCentered(in_k)));
          b.CreateStore(b.CreateAdd(b.CreateLoad(acc_type, acc), term), acc);
        }, "k");
        Value* scale_offset = Mul(e, Add(e, Mul(e, t, blocks), blk), kBlockwiseLanes);
        Value* scales = b.CreateAlignedLoad(
            sum_type, b.CreateInBoundsGEP(b.getFloatTy(), e.PackedPtr(0), scale_offset),
            llvm::Align(4 * kBlockwiseLanes));
        Value* block = b.CreateFMul(b.CreateSIToFP(b.CreateLoad(acc_type, acc), sum_type), scales);
        b.CreateStore(b.CreateFAdd(b.CreateLoad(sum_type, sum), block), sum);
      }, "block");
      Value* scaled = b.CreateFMul(b.CreateLoad(sum_type, sum),
                                   b.CreateVectorSplat(lanes, row.scale()));
      b.CreateStore(scaled, results);
      Value* u0 = Mul(e, t, kBlockwiseLanes);
      Value* count = e.Min(e.I64(kBlockwiseLanes), b.CreateSub(e.I64(p.units), u0));
      e.For(e.I64(0), count, 1, [&](Value* j) {
        Value* u = Add(e, u0, j);
        Value* v = b.CreateLoad(b.getFloatTy(),
                                b.CreateInBoundsGEP(b.getFloatTy(), results, j));
        if (ctx.has_input(2)) v = b.CreateFAdd(v, e.LoadInput(2, u));
        e.StoreOutput(conv_window::ApplyActivation(e, v, p.activation),
                      FcOutputIndex(e, p.out_shape, r, u));
      }, "lane");
    }, "tile");
  }, "row");
}

// The blockwise kernel's buffers, by tiles of kBlockwiseLanes units (zeros
// past the last unit): 0 the block scales, f32[tile][block][lane]; 1 the
// weights, i8[tile][input][lane], so each input's weights for a tile are one
// vector.
void PackBlockwise(const NodeContext& ctx, const FullyConnectedParams& p,
                   std::vector<AlignedBuffer>& out) {
  const int64_t blocks = p.input_size / p.block_size;
  const int64_t tiles = (p.units + kBlockwiseLanes - 1) / kBlockwiseLanes;
  const std::vector<float>& scales = ctx.input(1).quant->scales;
  const int8_t* w = ctx.input(1).const_as<int8_t>();
  AlignedBuffer packed_scales(tiles * blocks * kBlockwiseLanes * sizeof(float));
  AlignedBuffer packed_weights(tiles * p.input_size * kBlockwiseLanes);
  std::memset(packed_scales.data(), 0, packed_scales.size());
  std::memset(packed_weights.data(), 0, packed_weights.size());
  for (int64_t u = 0; u < p.units; ++u) {
    const int64_t t = u / kBlockwiseLanes, lane = u % kBlockwiseLanes;
    for (int64_t blk = 0; blk < blocks; ++blk) {
      packed_scales.as<float>()[(t * blocks + blk) * kBlockwiseLanes + lane] =
          scales[u * blocks + blk];
    }
    for (int64_t k = 0; k < p.input_size; ++k) {
      packed_weights.as<int8_t>()[(t * p.input_size + k) * kBlockwiseLanes + lane] =
          w[u * p.input_size + k];
    }
  }
  out.push_back(std::move(packed_scales));
  out.push_back(std::move(packed_weights));
}

class FullyConnectedOp : public OpDef {
 public:
  std::string_view name() const override { return "FULLY_CONNECTED"; }
  std::vector<int> builtin_codes() const override { return {9}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(FullyConnectedParams p, ResolveParams(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, p.out_shape);
    return Status::Ok();
  }

  // Filter [units, input_size]: a dot product of input_size per output.
  int64_t MultiplyAdds(const NodeContext& ctx) const override {
    const TensorState& filter = ctx.input(1);
    return filter.shape.size() == 2 ? ctx.output(0).num_elements() * filter.dim(1) : 0;
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(FullyConnectedParams p, ResolveParams(ctx));
    if (qconv::IsQuantized(ctx, qconv::Form::kFullyConnected)) {
      return qconv::Pack(ctx, qconv::Form::kFullyConnected, p.units, out);
    }
    if (p.block_size > 0) {
      PackBlockwise(ctx, p, out);
      return Status::Ok();
    }
    if (hybrid::IsHybrid(ctx, kHybridFilters)) {
      hybrid::PackFilterScales(ctx, p.units, out);
      return Status::Ok();
    }
    if (!ctx.input(1).is_constant() || p.batch == 0) return Status::Ok();
    out.emplace_back(jit::PackedGemmBytes(p.units, p.input_size));
    jit::PackGemmWeightsTransposed(ctx.input(1).const_as<float>(), p.units, p.input_size,
                                   out.back().as<float>());
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(FullyConnectedParams p, ResolveParams(ctx));
    if (qconv::IsQuantized(ctx, qconv::Form::kFullyConnected)) {
      if (p.batch > 0) EmitQuantizedFc(e, ctx, p);
      return Status::Ok();
    }
    if (p.block_size > 0) {
      if (p.batch > 0) EmitBlockwiseFc(e, ctx, p);
      return Status::Ok();
    }
    if (hybrid::IsHybrid(ctx, kHybridFilters)) {
      if (p.batch > 0) EmitHybridFc(e, ctx, p);
      return Status::Ok();
    }
    if (ctx.input(1).is_constant() && p.batch > 0) {
      EmitFcGemm(e, ctx, p);
    } else {
      FullyConnectedEmitter(e, ctx, p).Emit();
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& fully_connected_op() {
  static const FullyConnectedOp op;
  return op;
}

}  // namespace jitlite::ops
