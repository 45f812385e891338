#include "ops/util/quantized_conv.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>

#include "jit/gemm.h"
#include "jit/qgemm.h"
#include "llvm/IR/IntrinsicsX86.h"
#include "ops/util/quantization.h"

namespace jitlite::ops::qconv {
namespace {

using conv_window::Add;
using conv_window::Mul;
using llvm::Value;

// The filter's per-channel axis in TFLite: OHWI / [units, k] -> 0,
// depthwise [1, H, W, cout] -> 3.
int ChannelAxis(Form form) { return form == Form::kDepthwise ? 3 : 0; }

bool Is16x8(const NodeContext& ctx, Form form) {
  return ctx.input(InputOperand(form)).dtype == DType::kInt16;
}

// Whether the reference kernel subtracts the filter's zero point: the UINT8
// kernels and per-tensor FULLY_CONNECTED do; the per-channel INT8/INT16
// conv kernels assume symmetric filters and ignore it.
bool UsesFilterZeroPoint(const NodeContext& ctx, Form form) {
  if (ctx.input(InputOperand(form)).dtype == DType::kUInt8) return true;
  return form == Form::kFullyConnected && !IsPerChannel(ctx.input(1));
}

// LiteRT's reference FULLY_CONNECTED kernels (INT8, UINT8, 16x8) rescale in
// double, round(acc * in_scale * w_scale / out_scale), instead of the
// fixed-point multiplier the conv kernels use; the two differ by one step on
// a few outputs of a wide layer.
bool RescalesInDouble(const NodeContext& ctx, Form form) {
  return form == Form::kFullyConnected;
}

double EffectiveScale(const NodeContext& ctx, Form form, int64_t c) {
  const TensorState& filter = ctx.input(1);
  const float w_scale = filter.quant->scales[IsPerChannel(filter) ? c : 0];
  // As TFLite: the float scales widened to double, then multiplied.
  return static_cast<double>(Scale(ctx.input(InputOperand(form)))) *
         static_cast<double>(w_scale) /
         static_cast<double>(Scale(ctx.output(0)));
}

// INT4 (and, for FULLY_CONNECTED, INT2) filters are unpacked to int8 bytes
// once at import (lib/constant_decoding), so the INT8 kernels run them; these
// are the combinations LiteRT's kernels accept. (Its 16x8 DEPTHWISE_CONV_2D
// accepts an INT4 filter but reads the packed bytes as int8, giving results
// unlike the same values as INT8; that one is refused.)
bool IsSubByteFilter(Form form, DType in, DType filter) {
  if (filter == DType::kInt4) {
    return form != Form::kTransposeConv && !(form == Form::kDepthwise && in == DType::kInt16);
  }
  return filter == DType::kInt2 && form == Form::kFullyConnected;
}

Status CheckFilterType(const NodeContext& ctx, Form form, const char* op) {
  const DType in = ctx.input(InputOperand(form)).dtype;
  const DType filter = ctx.input(1).dtype;
  const DType want = in == DType::kUInt8 ? DType::kUInt8 : DType::kInt8;
  if (filter == want || (want == DType::kInt8 && IsSubByteFilter(form, in, filter))) {
    return Status::Ok();
  }
  const char* also = want == DType::kUInt8 ? ""
                     : IsSubByteFilter(form, in, DType::kInt2) ? " (or INT4/INT2)"
                     : IsSubByteFilter(form, in, DType::kInt4) ? " (or INT4)"
                                                               : "";
  return InvalidArgument(std::string(op) + " with a " + DTypeName(in) + " input needs a " +
                         DTypeName(want) + also + " filter (input 1); got " + DTypeName(filter));
}

Status CheckFilter(const NodeContext& ctx, Form form, const char* op, int64_t cout) {
  const TensorState& in = ctx.input(InputOperand(form));
  const TensorState& filter = ctx.input(1);
  JITLITE_RETURN_IF_ERROR(CheckFilterType(ctx, form, op));
  if (!HasQuantization(filter)) {
    return InvalidArgument("filter (input 1) has type " + std::string(DTypeName(filter.dtype)) +
                           " but no quantization parameters");
  }
  const size_t scales = filter.quant->scales.size();
  if (filter.dtype != DType::kInt8 && filter.dtype != DType::kUInt8 &&
      UsesFilterZeroPoint(ctx, form) && ZeroPoint(filter) != 0) {
    return InvalidArgument(std::string(op) + " with a " + DTypeName(filter.dtype) +
                           " filter needs filter zero point 0 (as LiteRT); got " +
                           std::to_string(ZeroPoint(filter)));
  }
  if (scales == 1) return Status::Ok();
  if (in.dtype == DType::kUInt8) {
    return InvalidArgument(std::string(op) + " with UINT8 tensors takes a per-tensor filter; "
                           "the filter has " + std::to_string(scales) + " scales");
  }
  if (filter.quant->quantized_dimension != ChannelAxis(form) ||
      static_cast<int64_t>(scales) != cout) {
    return InvalidArgument("filter (input 1) has " + std::to_string(scales) +
                           " per-channel scales along dimension " +
                           std::to_string(filter.quant->quantized_dimension) + "; " + op +
                           " needs " + std::to_string(cout) + " along dimension " +
                           std::to_string(ChannelAxis(form)));
  }
  return Status::Ok();
}

Status CheckBiasType(const NodeContext& ctx, Form form, const char* op) {
  const int b = BiasOperand(form);
  if (!ctx.has_input(b)) return Status::Ok();
  DType bias = ctx.input(b).dtype;
  bool ok = bias == DType::kInt32 || (Is16x8(ctx, form) && bias == DType::kInt64);
  if (ok) return Status::Ok();
  return InvalidArgument("bias (input " + std::to_string(b) + ") has type " + DTypeName(bias) +
                         "; a " + DTypeName(ctx.input(InputOperand(form)).dtype) + " " + op +
                         " needs an INT32" + (Is16x8(ctx, form) ? " or INT64" : "") + " bias");
}

// The packed per-channel buffers hold whole vectors of channels.
constexpr int64_t kChannelVector = jit::kInt8PanelWidth;
int64_t PaddedChannels(int64_t cout) {
  return (cout + kChannelVector - 1) / kChannelVector * kChannelVector;
}

// Packed buffers of the int8 GEMM path.
constexpr int kFoldedBiasBuffer = 3;
constexpr int kGemmWeightsBuffer = 4;
// Window rows up to this many bytes (kw * cin) are gathered as one vector
// where the window lies inside the input.
constexpr int64_t kMaxWindowRowBytes = 512;
// Depthwise windows of at most this many taps keep a channel block's
// weights in registers (3x3 does; 5x5 would spill them).
constexpr int64_t kMaxHeldTaps = 16;
// Output pixels the VNNI depthwise kernel computes together at stride 1
// (half at larger strides, whose groups read about twice the columns): 8
// accumulators, a 3x3 filter's 6 weight pairs and the column being used fit
// the 32 vector registers.
constexpr int64_t kPairedGroupPixels = 8;
// The same kernel on AVX2 (vpmaddwd + vpaddd on ymm halves): an accumulator
// takes two of the 16 ymm registers and the 6 weight pairs twelve, so 2
// pixels (1 at stride 2); 4 and 8 spilled and measured slower on Zen 3.
constexpr int64_t kPairedGroupPixelsAvx2 = 2;
// An int8 activation x enters the GEMM as the u8 x ^ 0x80 = x + 128.
constexpr int32_t kActivationOffset = 128;

// The per-channel value(s) of a packed buffer for channel `index`: a scalar
// of `type`, or as many consecutive channels as `like` (a vector) has lanes.
// Packed buffers never change, so the load is marked invariant: LLVM may
// then hoist it, and the requantization constants computed from it, out of
// the pixel loops despite the output stores in them.
Value* LoadAt(llvm::IRBuilder<>& b, llvm::Type* type, Value* base, Value* index,
              Value* like = nullptr) {
  Value* ptr = b.CreateInBoundsGEP(type, base, index);
  auto* vec = like ? llvm::dyn_cast<llvm::FixedVectorType>(like->getType()) : nullptr;
  llvm::LoadInst* load =
      vec == nullptr ? b.CreateLoad(type, ptr)
                     : b.CreateAlignedLoad(llvm::FixedVectorType::get(type, vec->getNumElements()),
                                           ptr, llvm::Align(type->getPrimitiveSizeInBits() / 8));
  load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(b.getContext(), {}));
  return load;
}

// Whether the node takes the int8 GEMM (on a VNNI target): INT8 activations
// and constant weights without a zero point to subtract, one group, a
// constant bias (or none) and a depth whose tile fits the stack.
bool FitsInt8Gemm(const NodeContext& ctx, Form form) {
  if (form != Form::kConv2D && form != Form::kFullyConnected) return false;
  const TensorState& in = ctx.input(0);
  const TensorState& filter = ctx.input(1);
  const bool int8_bytes =
      filter.dtype == DType::kInt8 || IsSubByteFilter(form, in.dtype, filter.dtype);
  if (in.dtype != DType::kInt8 || !int8_bytes || !filter.is_constant()) {
    return false;
  }
  if (UsesFilterZeroPoint(ctx, form) && ZeroPoint(filter) != 0) return false;
  if (ctx.has_input(2) && !ctx.input(2).is_constant()) return false;
  if (form == Form::kConv2D && in.dim(3) != filter.dim(3)) return false;  // grouped
  const int64_t cout = filter.dim(0);
  return cout > 0 && filter.num_elements() / cout <= jit::kMaxInt8GemmK;
}

// Whether DEPTHWISE_CONV_2D packs buffer 3, bias[c] - zp_in * sum of
// w[., ., c] over the window (i32, wrapping), for the pixels whose window
// lies inside the input: INT8, one output channel per input channel and
// constant weights and bias.
bool FoldsDepthwiseZeroPoint(const NodeContext& ctx, Form form) {
  if (form != Form::kDepthwise || ctx.input(0).dtype != DType::kInt8) return false;
  const TensorState& filter = ctx.input(1);
  if (!filter.is_constant() || filter.dim(3) != ctx.input(0).dim(3)) return false;
  return !ctx.has_input(2) || ctx.input(2).is_constant();
}

void PackDepthwiseFoldedBias(const NodeContext& ctx, int64_t cout, std::vector<AlignedBuffer>& out) {
  const TensorState& filter = ctx.input(1);
  const int8_t* w = filter.const_as<int8_t>();
  const int64_t taps = filter.num_elements() / cout;
  const uint32_t zp = static_cast<uint32_t>(ZeroPoint(ctx.input(0)));
  AlignedBuffer bias(PaddedChannels(cout) * sizeof(int32_t));
  std::memset(bias.data(), 0, bias.size());
  for (int64_t c = 0; c < cout; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) sum += w[t * cout + c];
    uint32_t v = ctx.has_input(2) ? static_cast<uint32_t>(ctx.input(2).const_as<int32_t>()[c]) : 0u;
    bias.as<int32_t>()[c] = static_cast<int32_t>(v - zp * static_cast<uint32_t>(sum));
  }
  out.push_back(std::move(bias));
}

// Buffers 3 and 4 of the int8 GEMM: bias[c] - (128 + zp_in) * sum_k w[c, k]
// (i32, wrapping like the reference's i32 accumulator) and the packed
// weights.
void PackInt8Gemm(const NodeContext& ctx, Form form, int64_t cout,
                  std::vector<AlignedBuffer>& out) {
  const TensorState& filter = ctx.input(1);
  const int8_t* w = filter.const_as<int8_t>();
  const int64_t k = filter.num_elements() / cout;
  const int64_t offset = kActivationOffset + ZeroPoint(ctx.input(InputOperand(form)));
  AlignedBuffer bias(PaddedChannels(cout) * sizeof(int32_t));
  std::memset(bias.data(), 0, bias.size());
  const bool has_bias = ctx.has_input(BiasOperand(form));
  for (int64_t c = 0; c < cout; ++c) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < k; ++kk) sum += w[c * k + kk];
    uint32_t v = has_bias ? static_cast<uint32_t>(ctx.input(BiasOperand(form)).const_as<int32_t>()[c])
                          : 0u;
    bias.as<int32_t>()[c] = static_cast<int32_t>(v - static_cast<uint32_t>(offset * sum));
  }
  AlignedBuffer weights(jit::PackedInt8GemmBytes(cout, k));
  jit::PackInt8GemmWeightsTransposed(w, cout, k, weights.as<int8_t>());
  out.push_back(std::move(bias));
  out.push_back(std::move(weights));
}

class Emitter {
 public:
  Emitter(jit::KernelEmitter& e, const NodeContext& ctx, const Geometry& g, const StoreFn& store)
      : e_(e), ctx_(ctx), g_(g), store_(store), b_(e.b()), rq_(e, ctx, g.form, g.activation),
        acc_type_(rq_.acc_type()) {}

  void Emit() {
    if (g_.form == Form::kDepthwise) {
      if (FitsVectorDepthwise()) {
        EmitVectorDepthwise();
      } else {
        EmitDepthwise();
      }
    } else if (jit::Int8GemmSupported(e_) && FitsInt8Gemm(ctx_, g_.form)) {
      EmitInt8Gemm();
    } else {
      EmitConv();
    }
  }

 private:
  Value* Term(Value* x_offset, Value* w_offset) {
    return rq_.Product(e_.LoadInput(0, x_offset), e_.LoadInput(1, w_offset));
  }
  void Accumulate(Value* slot, Value* term) { rq_.Accumulate(slot, term); }
  Value* Finish(Value* acc, Value* oc) { return rq_.Finish(acc, oc); }

  // CONV_2D (grouped too) and FULLY_CONNECTED: per output element, one
  // reduction over the valid taps; the innermost loop is contiguous in input
  // and filter, so LLVM vectorizes it.
  void EmitConv() {
    const int64_t in_row = g_.w.in * g_.cin;
    const int64_t f_row = g_.w.kernel * g_.filter_depth;
    const int64_t f_oc = g_.h.kernel * f_row;
    llvm::AllocaInst* acc = e_.Alloca(acc_type_, "acc");
    conv_window::ForEachOutputPixel(e_, g_.batch, g_.h, g_.w, g_.cin,
                                    [&](const conv_window::OutputPixel& px) {
      e_.For(0, g_.groups, 1, [&](Value* group) {
        Value* in_group = Add(e_, px.input_offset, Mul(e_, group, g_.filter_depth));
        e_.For(0, g_.group_cout, 1, [&](Value* j) {
          Value* oc = Add(e_, Mul(e_, group, g_.group_cout), j);
          b_.CreateStore(llvm::ConstantInt::get(acc_type_, 0), acc);
          e_.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
            Value* in_tap = Add(e_, in_group, Mul(e_, kh, g_.h.dilation * in_row));
            Value* f_tap = Add(e_, Mul(e_, oc, f_oc), Mul(e_, kh, f_row));
            if (g_.w.dilation == 1 && g_.groups == 1) {
              e_.For(Mul(e_, px.w.begin, g_.cin), Mul(e_, px.w.end, g_.cin), 1, [&](Value* t) {
                Accumulate(acc, Term(Add(e_, in_tap, t), Add(e_, f_tap, t)));
              }, "kwic");
              return;
            }
            e_.For(px.w.begin, px.w.end, 1, [&](Value* kw) {
              Value* in_kw = Add(e_, in_tap, Mul(e_, kw, g_.w.dilation * g_.cin));
              Value* f_kw = Add(e_, f_tap, Mul(e_, kw, g_.filter_depth));
              e_.For(0, g_.filter_depth, 1, [&](Value* ic) {
                Accumulate(acc, Term(Add(e_, in_kw, ic), Add(e_, f_kw, ic)));
              }, "ic");
            }, "kw");
          }, "kh");
          store_(px.n, px.oh, px.ow, oc, Finish(b_.CreateLoad(acc_type_, acc), oc));
        }, "oc");
      }, "g");
    });
  }

  // DEPTHWISE_CONV_2D: per output pixel, an accumulator per output channel
  // (blocks of at most kMaxAccumulators); the tap loops run outside the
  // channel loop, which is contiguous in input, filter and accumulators.
  void EmitDepthwise() {
    const int64_t in_row = g_.w.in * g_.cin;
    const int64_t block = conv_window::LargestDivisorAtMost(g_.cout, conv_window::kMaxAccumulators);
    llvm::AllocaInst* acc = e_.Alloca(llvm::ArrayType::get(acc_type_, block), "acc");
    auto slot = [&](Value* c) { return b_.CreateInBoundsGEP(acc_type_, acc, c); };
    conv_window::ForEachOutputPixel(e_, g_.batch, g_.h, g_.w, g_.cin,
                                    [&](const conv_window::OutputPixel& px) {
      e_.For(0, g_.cout, block, [&](Value* c0) {
        e_.For(0, block, 1, [&](Value* c) {
          b_.CreateStore(llvm::ConstantInt::get(acc_type_, 0), slot(c));
        }, "c");
        e_.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
          e_.For(px.w.begin, px.w.end, 1, [&](Value* kw) {
            Value* x_base = Add(e_, Add(e_, px.input_offset, Mul(e_, kh, g_.h.dilation * in_row)),
                                Mul(e_, kw, g_.w.dilation * g_.cin));
            Value* f_base = Add(e_, Mul(e_, Add(e_, Mul(e_, kh, g_.w.kernel), kw), g_.cout), c0);
            e_.For(0, block, 1, [&](Value* c) {
              Value* oc = Add(e_, c0, c);
              Value* ic = g_.multiplier == 1 ? oc : b_.CreateUDiv(oc, e_.I64(g_.multiplier));
              Accumulate(slot(c), Term(Add(e_, x_base, ic), Add(e_, f_base, c)));
            }, "c");
          }, "kw");
        }, "kh");
        e_.For(0, block, 1, [&](Value* c) {
          Value* oc = Add(e_, c0, c);
          store_(px.n, px.oh, px.ow, oc, Finish(b_.CreateLoad(acc_type_, slot(c)), oc));
        }, "c");
      }, "cb");
    });
  }

  // INT8 with one output channel per input channel and a constant (or no)
  // bias: whole vectors of channels in registers.
  bool FitsVectorDepthwise() const {
    if (ctx_.input(0).dtype != DType::kInt8 || g_.multiplier != 1) return false;
    return !ctx_.has_input(2) || ctx_.input(2).is_constant();
  }

  // DEPTHWISE_CONV_2D per output pixel and block of 16 channels: i32 lanes
  // accumulate (x - zp_in) * w over the valid taps (the filter [1, kh, kw, c]
  // is contiguous in c like the input), then bias and the requantization
  // run on the vector. The last block is masked when 16 does not divide c.
  void EmitVectorDepthwise() {
    jit::UseWideVectors(*b_.GetInsertBlock()->getParent());
    const int64_t full = g_.cout / kChannelVector * kChannelVector;
    const bool paired = FitsPairedDepthwise();
    // Channel blocks outside the pixels: a block's weights stay in registers.
    auto block = [&](Value* c0, Value* mask) {
      if (paired) {
        EmitPairedDepthwiseBlock(c0, mask);
        return;
      }
      std::vector<Value*> weights;
      if (g_.h.kernel * g_.w.kernel <= kMaxHeldTaps) {
        for (int64_t t = 0; t < g_.h.kernel * g_.w.kernel; ++t) {
          weights.push_back(LoadChannels(1, Add(e_, e_.I64(t * g_.cout), c0), mask));
        }
      }
      conv_window::ForEachOutputPixel(e_, g_.batch, g_.h, g_.w, g_.cin,
                                      [&](const conv_window::OutputPixel& px) {
        Value* row = Add(e_, Mul(e_, Add(e_, Mul(e_, px.n, g_.h.out), px.oh), g_.w.out), px.ow);
        EmitDepthwiseBlock(px, row, c0, mask, weights);
      }, g_.batch * g_.h.out * g_.w.out * g_.cout * g_.h.kernel * g_.w.kernel);
    };
    if (full > 0) e_.For(0, full, kChannelVector, [&](Value* c0) { block(c0, nullptr); }, "cb");
    if (full < g_.cout) {
      std::vector<llvm::Constant*> lanes;
      for (int64_t c = 0; c < kChannelVector; ++c) lanes.push_back(b_.getInt1(full + c < g_.cout));
      block(e_.I64(full), llvm::ConstantVector::get(lanes));
    }
  }

  // The paired depthwise kernel: filter rows taken in pairs (2j, 2j + 1), so
  // one vpdpwssd (AVX2: vpmaddwd + vpaddd, DotPairs) multiplies and adds two
  // taps for 16 channels. An input
  // "column" is the bytes of the pair's two input rows at one input column,
  // interleaved per channel and widened to i16; it is built once and serves
  // every pixel of a group of adjacent output pixels that reads it. Taps in
  // the padding read the input zero point (masked loads), which the folded
  // bias (buffer 3) cancels, so border pixels take the same code.
  bool FitsPairedDepthwise() const {
    return (e_.target().avx512_vnni || e_.target().avx2) && FoldsDepthwiseZeroPoint(ctx_, g_.form);
  }

  // acc + the i16 pair dot products of x and w, lane by lane (<16 x i32>
  // each, every lane an i16 pair): vpdpwssd, or vpmaddwd and vpaddd on halves.
  Value* DotPairs(Value* acc, Value* x, Value* w) {
    if (e_.target().avx512_vnni) {
      return b_.CreateIntrinsic(acc->getType(), llvm::Intrinsic::x86_avx512_vpdpwssd_512,
                                {acc, x, w});
    }
    auto* words = llvm::FixedVectorType::get(b_.getInt16Ty(), 2 * kChannelVector);
    auto* half = llvm::FixedVectorType::get(b_.getInt32Ty(), kChannelVector / 2);
    Value* xw = b_.CreateBitCast(x, words);
    Value* ww = b_.CreateBitCast(w, words);
    std::vector<int> lo, hi, all;
    for (int i = 0; i < kChannelVector; ++i) lo.push_back(i);
    for (int i = 0; i < kChannelVector; ++i) hi.push_back(i + kChannelVector);
    for (int i = 0; i < kChannelVector; ++i) all.push_back(i);
    auto dot = [&](const std::vector<int>& part) {
      return b_.CreateIntrinsic(half, llvm::Intrinsic::x86_avx2_pmadd_wd,
                                {b_.CreateShuffleVector(xw, part), b_.CreateShuffleVector(ww, part)});
    };
    return b_.CreateAdd(acc, b_.CreateShuffleVector(dot(lo), dot(hi), all));
  }

  // The 16 input bytes at `offset` of a tap whose row or column may lie
  // outside the input (`valid`, a scalar i1, or null), zp where it does.
  // Without AVX-512 a masked byte load is 16 scalar loads: a whole channel
  // block reads a safe address and selects instead.
  Value* LoadTapBytes(Value* offset, Value* mask, Value* valid, Value* zp) {
    if (mask != nullptr || valid == nullptr || e_.target().avx512f) {
      return LoadBytes(e_.InputPtr(0), offset, AndLanes(mask, valid), zp);
    }
    Value* safe = b_.CreateSelect(valid, offset, e_.I64(0));
    return b_.CreateSelect(valid, LoadBytes(e_.InputPtr(0), safe, nullptr, zp), zp);
  }

  int64_t RowPairs() const { return (g_.h.kernel + 1) / 2; }

  // The weights of channel block c0 as vpdpwssd operands: for row pair j and
  // column kw, lane c holds (w[2j][kw][c], w[2j + 1][kw][c]) as i16 (the
  // second 0 past the last filter row).
  std::vector<Value*> PairedWeights(Value* c0, Value* mask) {
    std::vector<Value*> weights;
    auto* bytes = llvm::FixedVectorType::get(b_.getInt8Ty(), kChannelVector);
    Value* zero = llvm::ConstantAggregateZero::get(bytes);
    for (int64_t j = 0; j < RowPairs(); ++j) {
      for (int64_t kw = 0; kw < g_.w.kernel; ++kw) {
        auto row = [&](int64_t kh) -> Value* {
          if (kh >= g_.h.kernel) return zero;
          Value* offset = Add(e_, e_.I64((kh * g_.w.kernel + kw) * g_.cout), c0);
          return LoadBytes(e_.InputPtr(1), offset, mask, zero);
        };
        weights.push_back(InterleaveWiden(row(2 * j), row(2 * j + 1)));
      }
    }
    return weights;
  }

  // 16 bytes at base[offset], lanes off in `mask` (null = all on) taken from
  // `fill` and not read.
  Value* LoadBytes(Value* base, Value* offset, Value* mask, Value* fill) {
    auto* bytes = llvm::FixedVectorType::get(b_.getInt8Ty(), kChannelVector);
    Value* ptr = b_.CreateGEP(b_.getInt8Ty(), base, offset);
    if (mask == nullptr) return b_.CreateAlignedLoad(bytes, ptr, llvm::Align(1));
    return b_.CreateMaskedLoad(bytes, ptr, llvm::Align(1), mask, fill);
  }

  // Lane c of the result (as <16 x i32>) holds the i16 pair (a[c], b[c]).
  Value* InterleaveWiden(Value* a, Value* b) {
    std::vector<int> order;
    for (int c = 0; c < kChannelVector; ++c) {
      order.push_back(c);
      order.push_back(c + static_cast<int>(kChannelVector));
    }
    Value* pairs = b_.CreateShuffleVector(a, b, order);
    Value* wide = b_.CreateSExt(pairs, llvm::FixedVectorType::get(b_.getInt16Ty(), 2 * kChannelVector));
    return b_.CreateBitCast(wide, llvm::FixedVectorType::get(b_.getInt32Ty(), kChannelVector));
  }

  // The input operand of a pair whose second filter row is absent (its
  // weights are 0): a[c] sign-extended to i32 has a[c] as its low i16, and
  // the high i16 multiplies a zero weight.
  Value* WidenAlone(Value* a) {
    return b_.CreateSExt(a, llvm::FixedVectorType::get(b_.getInt32Ty(), kChannelVector));
  }

  // mask AND all lanes set to `on` (a scalar i1); null when both are "all".
  Value* AndLanes(Value* mask, Value* on) {
    if (on == nullptr) return mask;
    Value* splat = b_.CreateVectorSplat(kChannelVector, on);
    return mask == nullptr ? splat : b_.CreateAnd(mask, splat);
  }

  // Output columns [begin, end) whose window lies inside the input width.
  std::pair<int64_t, int64_t> InteriorColumns() const {
    const conv_window::Axis& a = g_.w;
    int64_t begin = std::min(a.out, (a.pad_before + a.stride - 1) / a.stride);
    int64_t room = a.in + a.pad_before - a.effective_kernel();
    int64_t end = room < 0 ? begin : std::min(a.out, room / a.stride + 1);
    return {begin, std::max(begin, end)};
  }

  // One filter row of the current output row: the input row's element
  // offset of (n, ih, 0, 0) and whether ih lies inside the input (null:
  // always).
  struct PairedRow {
    Value* offset = nullptr;
    Value* valid = nullptr;
  };

  void EmitPairedDepthwiseBlock(Value* c0, Value* mask) {
    const std::vector<Value*> weights = PairedWeights(c0, mask);
    Value* bias = LoadAt(b_, b_.getInt32Ty(), e_.PackedPtr(kFoldedBiasBuffer), c0,
                         llvm::ConstantAggregateZero::get(
                             llvm::FixedVectorType::get(b_.getInt32Ty(), kChannelVector)));
    auto [w_begin, w_end] = InteriorColumns();
    const int64_t widest = e_.target().avx512_vnni ? kPairedGroupPixels : kPairedGroupPixelsAvx2;
    const int64_t group = g_.w.stride == 1 ? widest : widest / 2;
    const int64_t groups = (w_end - w_begin) / group;
    const int64_t rest = (w_end - w_begin) % group;
    const int64_t border = g_.w.out - (w_end - w_begin);
    const int64_t macs = g_.batch * g_.h.out * g_.w.out * g_.cout * g_.h.kernel * g_.w.kernel;
    conv_window::ForEachOutputRow(e_, g_.batch, g_.h.out, macs, [&](Value* n, Value* oh) {
      std::vector<PairedRow> rows = PairedRows(n, oh);
      Value* row0 = Mul(e_, Add(e_, Mul(e_, n, g_.h.out), oh), g_.w.out);
      auto run = [&](Value* ow0, int64_t pixels, bool interior) {
        EmitPairedGroup(rows, row0, ow0, pixels, interior, c0, mask, weights, bias);
      };
      if (groups > 0) {
        e_.For(0, groups, 1, [&](Value* gi) {
          run(Add(e_, e_.I64(w_begin), Mul(e_, gi, group)), group, true);
        }, "group");
      }
      if (rest > 0) run(e_.I64(w_begin + groups * group), rest, true);
      if (border > 0) {
        e_.ForWithHints(e_.I64(0), e_.I64(border), jit::kNoUnroll, [&](Value* i) {
          Value* ow = b_.CreateSelect(b_.CreateICmpSLT(i, e_.I64(w_begin)), i,
                                      Add(e_, i, e_.I64(w_end - w_begin)));
          run(ow, 1, false);
        }, "border");
      }
    });
  }

  std::vector<PairedRow> PairedRows(Value* n, Value* oh) {
    std::vector<PairedRow> rows;
    Value* first = b_.CreateSub(Mul(e_, oh, g_.h.stride), e_.I64(g_.h.pad_before));
    for (int64_t kh = 0; kh < g_.h.kernel; ++kh) {
      Value* ih = Add(e_, first, e_.I64(kh * g_.h.dilation));
      PairedRow r;
      r.offset = Mul(e_, Add(e_, Mul(e_, n, g_.h.in), ih), g_.w.in * g_.cin);
      if (!g_.h.no_clamping()) {
        r.valid = b_.CreateAnd(b_.CreateICmpSGE(ih, e_.I64(0)), b_.CreateICmpSLT(ih, e_.I64(g_.h.in)));
      }
      rows.push_back(r);
    }
    return rows;
  }

  // Output pixels (row, ow0 + i), i < pixels, of channel block c0; with
  // `interior` every column they read lies inside the input.
  void EmitPairedGroup(const std::vector<PairedRow>& rows, Value* row0, Value* ow0, int64_t pixels,
                       bool interior, Value* c0, Value* mask, const std::vector<Value*>& weights,
                       Value* bias) {
    auto* bytes = llvm::FixedVectorType::get(b_.getInt8Ty(), kChannelVector);
    Value* zp = llvm::ConstantVector::getSplat(
        llvm::ElementCount::getFixed(kChannelVector),
        b_.getInt8(static_cast<uint8_t>(ZeroPoint(ctx_.input(0)))));
    Value* zero = llvm::ConstantAggregateZero::get(bytes);
    Value* iw0 = b_.CreateSub(Mul(e_, ow0, g_.w.stride), e_.I64(g_.w.pad_before));
    std::vector<Value*> acc(pixels, bias);
    // Input columns relative to iw0 -> the (pixel, kw) taps reading them.
    std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> readers;
    for (int64_t i = 0; i < pixels; ++i) {
      for (int64_t kw = 0; kw < g_.w.kernel; ++kw) {
        readers[i * g_.w.stride + kw * g_.w.dilation].push_back({i, kw});
      }
    }
    for (const auto& [column, taps] : readers) {
      Value* iw = Add(e_, iw0, e_.I64(column));
      Value* column_valid = nullptr;
      if (!interior) {
        column_valid = b_.CreateAnd(b_.CreateICmpSGE(iw, e_.I64(0)),
                                    b_.CreateICmpSLT(iw, e_.I64(g_.w.in)));
      }
      Value* x_column = Add(e_, Mul(e_, iw, g_.cin), c0);
      for (int64_t j = 0; j < RowPairs(); ++j) {
        auto row_bytes = [&](int64_t kh) -> Value* {
          if (kh >= g_.h.kernel) return zero;
          Value* valid = rows[kh].valid;
          if (column_valid != nullptr) valid = valid ? b_.CreateAnd(valid, column_valid) : column_valid;
          return LoadTapBytes(Add(e_, rows[kh].offset, x_column), mask, valid, zp);
        };
        Value* x = 2 * j + 1 < g_.h.kernel ? InterleaveWiden(row_bytes(2 * j), row_bytes(2 * j + 1))
                                           : WidenAlone(row_bytes(2 * j));
        for (auto [i, kw] : taps) {
          acc[i] = DotPairs(acc[i], x, weights[j * g_.w.kernel + kw]);
        }
      }
    }
    for (int64_t i = 0; i < pixels; ++i) {
      Value* ow = Add(e_, ow0, e_.I64(i));
      StoreChannels(Add(e_, row0, ow), c0, rq_.Requantize(acc[i], c0), mask);
    }
  }

  // 16 channels (lanes where `mask` is set, null = all) of i8 at `offset`
  // of input i, as i32.
  Value* LoadChannels(int input, Value* offset, Value* mask) {
    auto* bytes = llvm::FixedVectorType::get(b_.getInt8Ty(), kChannelVector);
    Value* ptr = b_.CreateInBoundsGEP(b_.getInt8Ty(), e_.InputPtr(input), offset);
    Value* v = nullptr;
    if (mask == nullptr) {
      v = b_.CreateAlignedLoad(bytes, ptr, llvm::Align(1));
    } else {
      v = b_.CreateMaskedLoad(bytes, ptr, llvm::Align(1), mask,
                              llvm::ConstantAggregateZero::get(bytes));
    }
    return b_.CreateSExt(v, llvm::FixedVectorType::get(b_.getInt32Ty(), kChannelVector));
  }

  // Channels c0 .. c0 + 15 of one output pixel; `weights` holds the
  // block's weights per tap (row-major kh, kw), or is empty.
  void EmitDepthwiseBlock(const conv_window::OutputPixel& px, Value* row, Value* c0, Value* mask,
                          const std::vector<Value*>& weights) {
    auto* vec = llvm::FixedVectorType::get(b_.getInt32Ty(), kChannelVector);
    const int64_t in_row = g_.w.in * g_.cin;
    Value* zp = b_.CreateVectorSplat(kChannelVector, e_.I32(ZeroPoint(ctx_.input(0))));
    if (dw_acc_ == nullptr) dw_acc_ = e_.Alloca(vec, "acc");
    const bool folded = FoldsDepthwiseZeroPoint(ctx_, g_.form);
    Value* bias = llvm::ConstantAggregateZero::get(vec);
    if (ctx_.has_input(2)) bias = LoadAt(b_, b_.getInt32Ty(), e_.PackedPtr(2), c0, bias);
    auto tap = [&](Value* kh, Value* kw, bool subtract_zp, Value* w) {
      Value* x_off = Add(e_, Add(e_, px.input_offset, Mul(e_, kh, g_.h.dilation * in_row)),
                         Add(e_, Mul(e_, kw, g_.w.dilation * g_.cin), c0));
      if (w == nullptr) {
        Value* w_off = Add(e_, Mul(e_, Add(e_, Mul(e_, kh, g_.w.kernel), kw), g_.cout), c0);
        w = LoadChannels(1, w_off, mask);
      }
      Value* x = LoadChannels(0, x_off, mask);
      if (subtract_zp) x = b_.CreateSub(x, zp);
      Value* term = b_.CreateMul(x, w);
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(vec, dw_acc_), term), dw_acc_);
    };
    // Pixels whose whole window is inside the input (most of them): the taps
    // unrolled, at constant offsets, and with constant weights the zero
    // point's share folded into the bias.
    Value* whole = b_.CreateAnd(
        b_.CreateAnd(b_.CreateICmpEQ(px.h.begin, e_.I64(0)),
                     b_.CreateICmpEQ(px.h.end, e_.I64(g_.h.kernel))),
        b_.CreateAnd(b_.CreateICmpEQ(px.w.begin, e_.I64(0)),
                     b_.CreateICmpEQ(px.w.end, e_.I64(g_.w.kernel))));
    e_.If(whole, [&] {
      Value* start = folded ? LoadAt(b_, b_.getInt32Ty(), e_.PackedPtr(kFoldedBiasBuffer), c0, bias)
                            : bias;
      b_.CreateStore(start, dw_acc_);
      for (int64_t kh = 0; kh < g_.h.kernel; ++kh) {
        for (int64_t kw = 0; kw < g_.w.kernel; ++kw) {
          Value* w = weights.empty() ? nullptr : weights[kh * g_.w.kernel + kw];
          tap(e_.I64(kh), e_.I64(kw), !folded, w);
        }
      }
    });
    e_.If(b_.CreateNot(whole), [&] {
      b_.CreateStore(bias, dw_acc_);
      e_.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
        e_.For(px.w.begin, px.w.end, 1, [&](Value* kw) { tap(kh, kw, true, nullptr); }, "kw");
      }, "kh");
    });
    Value* acc = b_.CreateLoad(vec, dw_acc_);
    StoreChannels(row, c0, rq_.Requantize(acc, c0), mask);
  }

  // CONV_2D / FULLY_CONNECTED on the int8 GEMM: rows = output pixels,
  // columns = output channels, k = (kh, kw, ic).
  void EmitInt8Gemm() {
    const int64_t k = g_.h.kernel * g_.w.kernel * g_.cin;
    jit::Int8GemmShape shape{g_.batch * g_.h.out * g_.w.out, g_.cout, k};
    shape.column_bias = e_.PackedPtr(kFoldedBiasBuffer);
    auto gather = [&](Value* tile, Value* row0, int64_t rows) { GatherWindows(tile, row0, rows); };
    auto store = [&](Value* row, Value* col0, Value* acc, Value* mask) {
      StoreChannels(row, col0, rq_.RequantizeColumns(acc, col0), mask);
    };
    jit::EmitInt8Gemm(e_, gather, e_.PackedPtr(kGemmWeightsBuffer), shape, store);
  }

  // The (n, oh, ow) of output pixel `row`.
  std::array<Value*, 3> PixelOf(Value* row) {
    int64_t pixels = g_.h.out * g_.w.out;
    Value* rem = b_.CreateURem(row, e_.I64(pixels));
    return {b_.CreateUDiv(row, e_.I64(pixels)), b_.CreateUDiv(rem, e_.I64(g_.w.out)),
            b_.CreateURem(rem, e_.I64(g_.w.out))};
  }

  Value* InputByte(Value* offset) {
    return b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), e_.InputPtr(0), offset));
  }

  // Rows [row0, row0 + rows) of the GEMM's A as u8: the input windows of
  // those output pixels, (kh, kw, ic) each, x ^ 0x80; taps in the padding
  // hold the input zero point (which the folded bias cancels exactly) and
  // the bytes up to the quad-rounded depth zeros.
  void GatherWindows(Value* tile, Value* row0, int64_t rows) {
    const int64_t k = g_.h.kernel * g_.w.kernel * g_.cin;
    const int64_t depth = jit::Int8GemmDepth(k);
    Value* flip = b_.getInt8(0x80);
    auto put = [&](Value* offset, Value* v) {
      b_.CreateStore(v, b_.CreateInBoundsGEP(b_.getInt8Ty(), tile, offset));
    };
    if (IsPlainRows() && depth == k) {
      // A is the input itself, rows already contiguous.
      Value* src = Mul(e_, row0, k);
      e_.For(0, rows * k, 1, [&](Value* i) { put(i, b_.CreateXor(InputByte(Add(e_, src, i)), flip)); },
             "copy");
      return;
    }
    Value* pad = b_.getInt8(static_cast<uint8_t>(ZeroPoint(ctx_.input(0)) + kActivationOffset));
    e_.ForWithHints(0, rows, jit::kNoVectorize, [&](Value* r) {
      auto [n, oh, ow] = PixelOf(b_.CreateAdd(row0, r));
      Value* ih0 = b_.CreateSub(b_.CreateMul(oh, e_.I64(g_.h.stride)), e_.I64(g_.h.pad_before));
      Value* iw0 = b_.CreateSub(b_.CreateMul(ow, e_.I64(g_.w.stride)), e_.I64(g_.w.pad_before));
      Value* dst_row = Mul(e_, r, depth);
      if (g_.w.dilation == 1 && g_.w.kernel * g_.cin <= kMaxWindowRowBytes) {
        Value* inside = WindowInside(ih0, iw0);
        e_.If(inside, [&] { CopyWindowRows(tile, dst_row, n, ih0, iw0); });
        e_.If(b_.CreateNot(inside), [&] { GatherWindowBytes(tile, dst_row, n, ih0, iw0, pad); });
      } else {
        GatherWindowBytes(tile, dst_row, n, ih0, iw0, pad);
      }
      for (int64_t t = k; t < depth; ++t) put(Add(e_, dst_row, e_.I64(t)), b_.getInt8(0));
    }, "r");
  }

  // Whether the window at input (ih0, iw0) lies wholly inside the input.
  Value* WindowInside(Value* ih0, Value* iw0) {
    Value* ih_last = Add(e_, ih0, e_.I64((g_.h.kernel - 1) * g_.h.dilation));
    Value* iw_last = Add(e_, iw0, e_.I64((g_.w.kernel - 1) * g_.w.dilation));
    return b_.CreateAnd(
        b_.CreateAnd(b_.CreateICmpSGE(ih0, e_.I64(0)), b_.CreateICmpSLT(ih_last, e_.I64(g_.h.in))),
        b_.CreateAnd(b_.CreateICmpSGE(iw0, e_.I64(0)), b_.CreateICmpSLT(iw_last, e_.I64(g_.w.in))));
  }

  // A window inside the input: each of its rows is kw * cin contiguous input
  // bytes (dilation 1 across), copied (^ 0x80) as one vector.
  void CopyWindowRows(Value* tile, Value* dst_row, Value* n, Value* ih0, Value* iw0) {
    const int64_t span = g_.w.kernel * g_.cin;
    auto* bytes = llvm::FixedVectorType::get(b_.getInt8Ty(), static_cast<unsigned>(span));
    Value* flip = llvm::ConstantInt::get(bytes, 0x80);
    for (int64_t kh = 0; kh < g_.h.kernel; ++kh) {
      Value* ih = Add(e_, ih0, e_.I64(kh * g_.h.dilation));
      Value* src = Mul(e_, Add(e_, Mul(e_, Add(e_, Mul(e_, n, g_.h.in), ih), g_.w.in), iw0), g_.cin);
      Value* row = b_.CreateAlignedLoad(
          bytes, b_.CreateInBoundsGEP(b_.getInt8Ty(), e_.InputPtr(0), src), llvm::Align(1));
      b_.CreateAlignedStore(b_.CreateXor(row, flip),
                            b_.CreateInBoundsGEP(b_.getInt8Ty(), tile,
                                                 Add(e_, dst_row, e_.I64(kh * span))),
                            llvm::Align(1));
    }
  }

  // Any window, byte by byte: taps in the padding hold `pad`.
  void GatherWindowBytes(Value* tile, Value* dst_row, Value* n, Value* ih0, Value* iw0,
                         Value* pad) {
    Value* flip = b_.getInt8(0x80);
    auto put = [&](Value* offset, Value* v) {
      b_.CreateStore(v, b_.CreateInBoundsGEP(b_.getInt8Ty(), tile, offset));
    };
    e_.ForWithHints(0, g_.h.kernel, jit::kNoVectorize, [&](Value* kh) {
      Value* ih = Add(e_, ih0, Mul(e_, kh, g_.h.dilation));
      e_.ForWithHints(0, g_.w.kernel, jit::kNoVectorize, [&](Value* kw) {
        Value* iw = Add(e_, iw0, Mul(e_, kw, g_.w.dilation));
        Value* inside = b_.CreateAnd(
            b_.CreateAnd(b_.CreateICmpSGE(ih, e_.I64(0)), b_.CreateICmpSLT(ih, e_.I64(g_.h.in))),
            b_.CreateAnd(b_.CreateICmpSGE(iw, e_.I64(0)), b_.CreateICmpSLT(iw, e_.I64(g_.w.in))));
        // Outside the input: read pixel (0, 0) of the image and keep the pad.
        Value* ih_in = b_.CreateSelect(inside, ih, e_.I64(0));
        Value* iw_in = b_.CreateSelect(inside, iw, e_.I64(0));
        Value* src = Mul(e_, Add(e_, Mul(e_, Add(e_, Mul(e_, n, g_.h.in), ih_in), g_.w.in), iw_in),
                         g_.cin);
        Value* dst = Add(e_, dst_row, Mul(e_, Add(e_, Mul(e_, kh, g_.w.kernel), kw), g_.cin));
        e_.For(0, g_.cin, 1, [&](Value* ic) {
          Value* v = b_.CreateXor(InputByte(Add(e_, src, ic)), flip);
          put(Add(e_, dst, ic), b_.CreateSelect(inside, v, pad));
        }, "ic");
      }, "kw");
    }, "kh");
  }

  // A 1x1 window with stride 1 (FULLY_CONNECTED too): GEMM row r is input
  // pixel r.
  bool IsPlainRows() const {
    return g_.h.kernel == 1 && g_.w.kernel == 1 && g_.h.stride == 1 && g_.w.stride == 1 &&
           g_.h.pad_before == 0 && g_.w.pad_before == 0 && g_.h.out == g_.h.in &&
           g_.w.out == g_.w.in;
  }

  // Output channels col0 .. col0 + 15 of GEMM row `row` (a pixel), as a
  // vector of the output's storage type; `mask` marks those below cout.
  void StoreChannels(Value* row, Value* col0, Value* q, Value* mask) {
    if (e_.stores_directly()) {
      Value* dst = b_.CreateInBoundsGEP(b_.getInt8Ty(), e_.OutputPtr(0),
                                        Add(e_, Mul(e_, row, g_.cout), col0));
      if (mask != nullptr) {
        b_.CreateMaskedStore(q, dst, llvm::Align(1), mask);
      } else {
        b_.CreateAlignedStore(q, dst, llvm::Align(1));
      }
      return;
    }
    auto [n, oh, ow] = PixelOf(row);
    if (e_.has_vector_epilogue() && g_.form != Form::kFullyConnected) {
      // Fused ops after the conv that take whole vectors (quantized ADD of
      // a residual): the NHWC output index of channel col0.
      std::array<Value*, 4> index{n, oh, ow, col0};
      e_.StoreOutputVector(q, index, mask);
      return;
    }
    // Other fused ops: their (scalar) epilogue per channel.
    if (lanes_ == nullptr) lanes_ = e_.Alloca(q->getType(), "lanes");
    b_.CreateStore(q, lanes_);
    Value* end = e_.Min(e_.I64(kChannelVector), b_.CreateSub(e_.I64(g_.cout), col0));
    e_.For(e_.I64(0), end, 1, [&](Value* c) {
      Value* v = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), lanes_, c));
      store_(n, oh, ow, Add(e_, col0, c), v);
    }, "c");
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const Geometry& g_;
  const StoreFn& store_;
  llvm::AllocaInst* lanes_ = nullptr;
  llvm::AllocaInst* dw_acc_ = nullptr;
  llvm::IRBuilder<>& b_;
  Requantizer rq_;
  llvm::Type* acc_type_;
};

}  // namespace

Requantizer::Requantizer(jit::KernelEmitter& e, const NodeContext& ctx, Form form, int activation,
                         int packed_base)
    : e_(e), ctx_(ctx), form_(form), packed_base_(packed_base) {
  llvm::IRBuilder<>& b = e.b();
  const TensorState& in = ctx.input(InputOperand(form));
  in_dtype_ = in.dtype;
  wide_ = Is16x8(ctx, form);
  acc_type_ = wide_ ? b.getInt64Ty() : b.getInt32Ty();
  zp_in_ = ZeroPoint(in);
  zp_w_ = UsesFilterZeroPoint(ctx, form) ? ZeroPoint(ctx.input(1)) : 0;
  zp_out_ = ZeroPoint(ctx.output(0));
  range_ = QuantizedActivationRange(activation, ctx.output(0));
  in_float_ = CanRequantizeInFloat();
}

Value* Requantizer::Product(Value* x_raw, Value* w_raw) {
  llvm::IRBuilder<>& b = e_.b();
  Value* x = EmitWidenQuantized(b, x_raw, in_dtype_);
  Value* w = EmitWidenQuantized(b, w_raw, ctx_.input(1).dtype);
  if (zp_in_ != 0) x = b.CreateSub(x, e_.I32(zp_in_));
  if (zp_w_ != 0) w = b.CreateSub(w, e_.I32(zp_w_));
  Value* product = b.CreateMul(x, w);  // |product| < 2^23 for 16x8: no overflow
  return wide_ ? b.CreateSExt(product, acc_type_) : product;
}

void Requantizer::Accumulate(Value* slot, Value* term) {
  llvm::IRBuilder<>& b = e_.b();
  b.CreateStore(b.CreateAdd(b.CreateLoad(acc_type_, slot), term), slot);
}

Value* Requantizer::Finish(Value* acc, Value* oc) {
  llvm::IRBuilder<>& b = e_.b();
  const int bias_input = BiasOperand(form_);
  if (ctx_.has_input(bias_input)) {
    Value* v;
    if (ctx_.input(bias_input).is_constant()) {
      v = LoadAt(b, acc_type_, e_.PackedPtr(packed_base_ + 2), oc);
    } else {
      v = e_.LoadInput(bias_input, oc);
      if (v->getType() != acc_type_) v = b.CreateSExt(v, acc_type_);
    }
    acc = b.CreateAdd(acc, v);
  }
  return Requantize(acc, oc);
}

Value* Requantizer::Requantize(Value* acc, Value* oc) {
  return EmitNarrowQuantized(e_.b(), RequantizeExact(acc, oc), ctx_.output(0).dtype);
}

Value* Requantizer::RequantizeExact(Value* acc, Value* oc) {
  llvm::IRBuilder<>& b = e_.b();
  Value* q;
  if (RescalesInDouble(ctx_, form_)) {
    Value* scale = LoadAt(b, b.getDoubleTy(), e_.PackedPtr(packed_base_), oc, acc);
    Value* scaled = b.CreateUnaryIntrinsic(
        llvm::Intrinsic::round, b.CreateFMul(b.CreateSIToFP(acc, scale->getType()), scale));
    // Bounded so the conversion is defined; the clamp below is tighter.
    scaled = b.CreateMinNum(b.CreateMaxNum(scaled, llvm::ConstantFP::get(scaled->getType(), -2e9)),
                            llvm::ConstantFP::get(scaled->getType(), 2e9));
    llvm::Type* i32 = b.getInt32Ty();
    if (auto* v = llvm::dyn_cast<llvm::VectorType>(acc->getType())) {
      i32 = llvm::VectorType::get(i32, v->getElementCount());
    }
    q = b.CreateFPToSI(scaled, i32);
  } else {
    Value* multiplier = LoadAt(b, b.getInt32Ty(), e_.PackedPtr(packed_base_), oc, acc);
    Value* shift = LoadAt(b, b.getInt32Ty(), e_.PackedPtr(packed_base_ + 1), oc, acc);
    if (wide_) {
      q = EmitMultiplyByQuantizedMultiplier64(b, acc, multiplier, shift);
    } else if (acc->getType()->isVectorTy()) {
      q = EmitMultiplyByQuantizedMultiplierLanes(b, acc, multiplier, shift);
    } else {
      q = EmitMultiplyByQuantizedMultiplier(b, acc, multiplier, shift);
    }
  }
  return EmitClampInt(b, b.CreateAdd(q, llvm::ConstantInt::get(q->getType(), zp_out_, true)), range_);
}

bool Requantizer::CanRequantizeInFloat() const {
  // vreduceps is AVX-512 DQ; conversions with a rounding mode AVX-512 F.
  const jit::TargetTraits& target = e_.target();
  if (!target.avx512f || !target.avx512dq || wide_ || RescalesInDouble(ctx_, form_) ||
      !ctx_.input(1).quant) {
    return false;
  }
  const int64_t channels = ctx_.input(1).quant->scales.size();
  for (int64_t c = 0; c < channels; ++c) {
    if (QuantizeMultiplier(EffectiveScale(ctx_, form_, c)).shift > 0) return false;
  }
  return true;
}

Value* Requantizer::RequantizeColumns(Value* acc, Value* oc) {
  auto* lanes = llvm::dyn_cast<llvm::FixedVectorType>(acc->getType());
  if (lanes == nullptr || lanes->getNumElements() != 16 || !in_float_) {
    return Requantize(acc, oc);
  }
  return EmitNarrowQuantized(e_.b(), RequantizeInFloat(acc, oc), ctx_.output(0).dtype);
}

// The fixed-point requantization with right shift n (no left shift) is one
// floor of the exact 64-bit product p = acc * M: SaturatingRoundingDoubling-
// HighMul's rounding at bit 31 and RoundingDivideByPOT's at bit 31 + n
// combine into floor((p + 2^30 + (2^(n-1) - [p < 0]) 2^31) / 2^(31+n)), that
// is floor(v + 1/2 + sign(p) 2^-(n+1)) with v = acc * M / 2^(31+n) (the sign
// term 0 when n = 0). Here v + zp_out + that offset, w, is computed in float
// (one FMA): |w| <= 385 before the clamp, so its error stays below 1e-4, and
// where w is 2^-12 or more from an integer its floor is the exact result.
// Vectors with a lane nearer an integer (a few per 10^4 lanes, and exact
// ties) take the fixed-point path. 14 instructions per 16 outputs in the
// znver4 assembly (with the branch, no clamps) instead of 19.
Value* Requantizer::RequantizeInFloat(Value* acc, Value* oc) {
  llvm::IRBuilder<>& b = e_.b();
  constexpr unsigned kLanes = 16;
  constexpr float kTieMargin = 1.0f / 4096;
  auto* ints = llvm::FixedVectorType::get(b.getInt32Ty(), kLanes);
  auto* floats = llvm::FixedVectorType::get(b.getFloatTy(), kLanes);
  auto int_splat = [&](int64_t v) { return llvm::ConstantInt::get(ints, v, /*IsSigned=*/true); };
  auto float_splat = [&](float v) { return llvm::ConstantFP::get(floats, v); };
  // Per-channel constants (loop-invariant in a GEMM tile's column).
  Value* multiplier = LoadAt(b, b.getInt32Ty(), e_.PackedPtr(packed_base_), oc, acc);
  Value* right = b.CreateNeg(LoadAt(b, b.getInt32Ty(), e_.PackedPtr(packed_base_ + 1), oc, acc));
  auto two_to_minus = [&](Value* e) {  // 2^-e as float, for 0 <= e <= 126
    return b.CreateBitCast(b.CreateShl(b.CreateSub(int_splat(127), e), int_splat(23)), floats);
  };
  Value* scale = b.CreateFMul(b.CreateSIToFP(multiplier, floats),
                              two_to_minus(b.CreateAdd(right, int_splat(31))));
  Value* half_step = b.CreateSelect(b.CreateICmpSGT(right, int_splat(0)),
                                    two_to_minus(b.CreateAdd(right, int_splat(1))), float_splat(0));
  // Per lane: acc's sign on the half step, then one FMA.
  Value* a = b.CreateSIToFP(acc, floats);
  Value* sign = b.CreateAnd(b.CreateBitCast(a, ints), int_splat(INT32_MIN));
  Value* step = b.CreateBitCast(b.CreateOr(sign, b.CreateBitCast(half_step, ints)), floats);
  Value* offset = b.CreateFAdd(float_splat(static_cast<float>(zp_out_) + 0.5f), step);
  Value* w = b.CreateIntrinsic(floats, llvm::Intrinsic::fma, {a, scale, offset});
  // Clamped to half past the range's ends: their floors are the ends, and
  // they are not near an integer. An end at the storage type's limit is
  // left to the saturating narrowing instead (most layers: RELU6 scaled to
  // the full int8 range, or no activation); lanes beyond 2^11 then have no
  // fraction bits to tell and take the exact path, and a conversion that
  // overflows gives INT32_MIN (w >= 2^31 needs n = 0 and acc near 2^31).
  const IntRange full = DTypeRange(ctx_.output(0).dtype);
  if (range_.lo > full.lo) {
    Value* lo = float_splat(static_cast<float>(range_.lo) + 0.5f);
    w = b.CreateSelect(b.CreateFCmpOGT(w, lo), w, lo);
  }
  if (range_.hi < full.hi) {
    Value* hi = float_splat(static_cast<float>(range_.hi) + 0.5f);
    w = b.CreateSelect(b.CreateFCmpOLT(w, hi), w, hi);
  }
  // w - round(w), by vreduceps (imm 8: to nearest, no precision exception).
  Value* frac = b.CreateIntrinsic(floats, llvm::Intrinsic::x86_avx512_mask_reduce_ps_512,
                                  {w, b.getInt32(8), llvm::UndefValue::get(floats),
                                   b.getInt16(0xFFFF), b.getInt32(4)});
  Value* near = b.CreateFCmpOLT(b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, frac),
                                float_splat(kTieMargin));
  Value* any_near = b.CreateICmpNE(b.CreateBitCast(near, b.getInt16Ty()), b.getInt16(0));
  // floor(w) by a conversion rounding down (9: toward -inf, no exceptions).
  Value* floored = b.CreateIntrinsic(ints, llvm::Intrinsic::x86_avx512_mask_cvtps2dq_512,
                                     {w, llvm::UndefValue::get(ints), b.getInt16(0xFFFF),
                                      b.getInt32(9)});
  if (float_result_ == nullptr) float_result_ = e_.Alloca(ints, "requantized");
  b.CreateStore(floored, float_result_);
  e_.If(any_near, [&] { b.CreateStore(RequantizeExact(acc, oc), float_result_); });
  Value* q = b.CreateLoad(ints, float_result_);
  // The unclamped ends: saturated to the storage type's range.
  return EmitClampInt(b, q, range_);
}

int InputOperand(Form form) { return form == Form::kTransposeConv ? 2 : 0; }
int BiasOperand(Form form) { return form == Form::kTransposeConv ? 3 : 2; }

bool IsQuantized(const NodeContext& ctx, Form form) {
  const int i = InputOperand(form);
  return ctx.num_inputs() > i && ctx.has_input(i) && IsQuantizedDType(ctx.input(i).dtype);
}

Status CheckTypes(const NodeContext& ctx, Form form, const char* op, int64_t cout) {
  const TensorState& in = ctx.input(InputOperand(form));
  const TensorState& out = ctx.output(0);
  if (out.dtype != in.dtype) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out.dtype) + "; a " +
                           DTypeName(in.dtype) + " " + op + " outputs " + DTypeName(in.dtype));
  }
  JITLITE_RETURN_IF_ERROR(
      ExpectPerTensorQuantization(in, "input " + std::to_string(InputOperand(form))));
  JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(out, "output"));
  if (in.dtype == DType::kInt16 && (ZeroPoint(in) != 0 || ZeroPoint(out) != 0)) {
    return InvalidArgument(std::string("INT16 ") + op + " needs zero points 0; input 0 has " +
                           std::to_string(ZeroPoint(in)) + ", the output " +
                           std::to_string(ZeroPoint(out)));
  }
  JITLITE_RETURN_IF_ERROR(CheckFilter(ctx, form, op, cout));
  return CheckBiasType(ctx, form, op);
}

Status Pack(const NodeContext& ctx, Form form, int64_t cout, std::vector<AlignedBuffer>& out) {
  // Buffer 0 holds the double scales instead where the kernel rescales in
  // double.
  const bool in_double = RescalesInDouble(ctx, form);
  const int64_t padded = PaddedChannels(cout);
  AlignedBuffer multipliers(padded * (in_double ? sizeof(double) : sizeof(int32_t)));
  AlignedBuffer shifts(padded * sizeof(int32_t));
  std::memset(multipliers.data(), 0, multipliers.size());
  std::memset(shifts.data(), 0, shifts.size());
  for (int64_t c = 0; c < cout; ++c) {
    if (in_double) {
      multipliers.as<double>()[c] = EffectiveScale(ctx, form, c);
      shifts.as<int32_t>()[c] = 0;
      continue;
    }
    QuantizedMultiplier m = QuantizeMultiplier(EffectiveScale(ctx, form, c));
    multipliers.as<int32_t>()[c] = m.multiplier;
    shifts.as<int32_t>()[c] = m.shift;
  }
  const bool wide = Is16x8(ctx, form);
  AlignedBuffer bias(padded * (wide ? sizeof(int64_t) : sizeof(int32_t)));
  std::memset(bias.data(), 0, bias.size());
  if (ctx.has_input(BiasOperand(form)) && ctx.input(BiasOperand(form)).is_constant()) {
    const TensorState& b = ctx.input(BiasOperand(form));
    for (int64_t c = 0; c < cout; ++c) {
      int64_t v = b.dtype == DType::kInt64 ? b.const_as<int64_t>()[c] : b.const_as<int32_t>()[c];
      if (wide) {
        bias.as<int64_t>()[c] = v;
      } else {
        bias.as<int32_t>()[c] = static_cast<int32_t>(v);
      }
    }
  }
  out.push_back(std::move(multipliers));
  out.push_back(std::move(shifts));
  out.push_back(std::move(bias));
  if (FitsInt8Gemm(ctx, form)) PackInt8Gemm(ctx, form, cout, out);
  if (FoldsDepthwiseZeroPoint(ctx, form)) PackDepthwiseFoldedBias(ctx, cout, out);
  return Status::Ok();
}

void Emit(jit::KernelEmitter& e, const NodeContext& ctx, const Geometry& g, const StoreFn& store) {
  Emitter(e, ctx, g, store).Emit();
}

}  // namespace jitlite::ops::qconv
