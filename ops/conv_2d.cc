// CONV_2D: out[n, oh, ow, oc] = act(bias[oc] + sum over kh, kw, ic of
//   in[n, oh*sh - pad_top + kh*dh, ow*sw - pad_left + kw*dw, g*fc + ic] * filter[oc, kh, kw, ic])
// with NHWC input, OHWI filter (constant or a runtime tensor, always read
// through its pointer) and an optional bias (absent = zero). Grouped
// convolution: when the input depth is a multiple of the filter depth fc,
// groups = cin / fc and output channel oc reads input channels of group
// g = oc / (cout / groups), as TFLite does. Float32 here; the quantized
// types (INT8, UINT8, 16x8; INT4 filters too) take ops/util/quantized_conv,
// FLOAT32 input with an INT8 or INT4 filter (hybrid) EmitHybridConv below.
//
// Loop nest: n, oh, ow, [group], block of output channels; for each block a
// few accumulators run over the valid taps kh (runtime range, padding is
// never read) and an innermost loop that is contiguous in both input and
// filter: over ic, or over (kw, ic) merged when dilation_w is 1 and there is
// one group (then the kw taps of a filter row are adjacent in memory). The
// accumulating fadd/fmul allow reassociation + contraction so LLVM
// vectorizes that reduction; the block shares each input load between
// several output channels.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "jit/emitters.h"
#include "jit/gemm.h"
#include "ops/op.h"
#include "ops/util/conv_2d_window.h"
#include "ops/util/hybrid.h"
#include "ops/util/quantized_conv.h"
#include "jit/vector_io.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using conv_window::Add;
using conv_window::Axis;
using conv_window::Mul;
using llvm::Value;

// LiteRT's hybrid CONV_2D also takes INT4 filters (not INT2).
constexpr auto kHybridFilters = hybrid::SubByteFilters::kInt4;

struct ConvParams {
  Axis h{"height", 'h'};
  Axis w{"width", 'w'};
  int activation = 0;
  int64_t batch = 0, cin = 0, cout = 0;
  int64_t filter_depth = 0;  // input channels per group
  int64_t groups = 1;
  int64_t group_cout = 0;    // output channels per group
};

// Reads options and shapes and checks them; shared by Prepare and EmitKernel.
StatusOr<ConvParams> ResolveParams(const NodeContext& ctx) {
  if (qconv::IsQuantized(ctx, qconv::Form::kConv2D)) {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckWindowShapes(ctx));
    JITLITE_RETURN_IF_ERROR(qconv::CheckTypes(ctx, qconv::Form::kConv2D, "CONV_2D",
                                              ctx.input(1).dim(0)));
  } else if (hybrid::IsHybrid(ctx, kHybridFilters)) {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckWindowShapes(ctx));
    JITLITE_RETURN_IF_ERROR(hybrid::CheckTypes(ctx, "CONV_2D", ctx.input(1).dim(0), 0));
  } else {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckFloatOperands(ctx, "CONV_2D"));
  }
  const TensorState& in = ctx.input(0);
  const TensorState& filter = ctx.input(1);
  ConvParams p;
  p.batch = in.dim(0);
  p.cin = in.dim(3);
  p.cout = filter.dim(0);
  p.filter_depth = filter.dim(3);
  if (p.cin % p.filter_depth != 0) {
    return InvalidArgument("input 0 has " + std::to_string(p.cin) +
                           " channels but the filter (input 1, shape " +
                           ShapeToString(filter.shape) + ") has depth " +
                           std::to_string(p.filter_depth) +
                           "; the input depth must equal the filter depth (or be a multiple "
                           "of it for a grouped convolution)");
  }
  p.groups = p.cin / p.filter_depth;
  if (p.cout % p.groups != 0) {
    return InvalidArgument("grouped convolution with " + std::to_string(p.groups) +
                           " groups (input depth " + std::to_string(p.cin) + " / filter depth " +
                           std::to_string(p.filter_depth) + ") needs the output channel count " +
                           std::to_string(p.cout) + " to be a multiple of the group count");
  }
  p.group_cout = p.cout / p.groups;
  JITLITE_RETURN_IF_ERROR(conv_window::CheckBias(ctx, p.cout));
  if (p.groups != 1 && hybrid::IsHybrid(ctx, kHybridFilters) && !hybrid::HasDistinctScales(filter)) {
    // TFLite sends grouped hybrid convolutions to its per-channel kernel,
    // which needs one scale per output channel.
    return Unimplemented("grouped hybrid CONV_2D (" + std::to_string(p.groups) +
                         " groups) with a per-tensor filter scale is not supported; it needs "
                         "per-channel filter scales");
  }

  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_Conv2DOptions() : nullptr;
  int padding = opts ? static_cast<int>(opts->padding()) : 0;
  p.h.stride = opts ? opts->stride_h() : 0;
  p.w.stride = opts ? opts->stride_w() : 0;
  p.h.dilation = opts ? opts->dilation_h_factor() : 1;
  p.w.dilation = opts ? opts->dilation_w_factor() : 1;
  p.activation = opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  JITLITE_RETURN_IF_ERROR(conv_window::CheckActivation(p.activation));
  JITLITE_ASSIGN_OR_RETURN(bool same, conv_window::IsSamePadding(padding));
  p.h.in = in.dim(1);
  p.w.in = in.dim(2);
  p.h.kernel = filter.dim(1);
  p.w.kernel = filter.dim(2);
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, p.h));
  JITLITE_RETURN_IF_ERROR(conv_window::Resolve(same, p.w));
  return p;
}

// Output channels computed together: each input load feeds this many
// accumulators. 4 keeps the vectorized reduction within the 16 AVX2
// registers with LLVM's interleaving.
int64_t ChannelBlock(int64_t group_cout) {
  for (int64_t b : {4, 2}) {
    if (group_cout % b == 0) return b;
  }
  return 1;
}

// Calls tap(input offset, filter offset) for the taps of one filter row (input
// and filter offsets of its first tap given): the valid kw range times the
// filter depth, as one loop over (kw, ic) when that is contiguous in input and
// filter (dilation_w 1, one group).
void ForEachRowTap(jit::KernelEmitter& e, const ConvParams& p, Value* in_tap, Value* f_tap,
                   const conv_window::Taps& tw,
                   const std::function<void(Value*, Value*)>& tap) {
  if (p.w.dilation == 1 && p.groups == 1) {
    e.For(Mul(e, tw.begin, p.cin), Mul(e, tw.end, p.cin), 1, [&](Value* t) {
      tap(Add(e, in_tap, t), Add(e, f_tap, t));
    }, "kwic");
    return;
  }
  e.For(tw.begin, tw.end, 1, [&](Value* kw) {
    Value* in_kw = Add(e, in_tap, Mul(e, kw, p.w.dilation * p.cin));
    Value* f_kw = Add(e, f_tap, Mul(e, kw, p.filter_depth));
    e.For(0, p.filter_depth, 1, [&](Value* ic) {
      tap(Add(e, in_kw, ic), Add(e, f_kw, ic));
    }, "ic");
  }, "kw");
}

class Conv2DEmitter {
 public:
  Conv2DEmitter(jit::KernelEmitter& e, const NodeContext& ctx, const ConvParams& p)
      : e_(e), ctx_(ctx), p_(p), block_(ChannelBlock(p.group_cout)) {
    // Input strides (NHWC) and filter strides (OHWI), in elements.
    in_row_ = p.w.in * p.cin;
    f_row_ = p.w.kernel * p.filter_depth;
    f_oc_ = p.h.kernel * f_row_;
  }

  void Emit() {
    for (int64_t j = 0; j < block_; ++j) acc_.push_back(e_.Alloca(e_.b().getFloatTy(), "acc"));
    conv_window::ForEachOutputPixel(e_, p_.batch, p_.h, p_.w, p_.cin,
                                    [&](const conv_window::OutputPixel& px) {
      Value* index[4] = {px.n, px.oh, px.ow, nullptr};
      if (p_.groups == 1) {
        EmitGroup(e_.I64(0), px, index);
      } else {
        e_.For(0, p_.groups, 1, [&](Value* g) { EmitGroup(g, px, index); }, "g");
      }
    });
  }

 private:
  // Output channels of group g, `block_` at a time.
  void EmitGroup(Value* g, const conv_window::OutputPixel& px, Value* (&index)[4]) {
    Value* in_group = Add(e_, px.input_offset, Mul(e_, g, p_.filter_depth));
    e_.For(0, p_.group_cout, block_, [&](Value* j) {
      Value* oc0 = Add(e_, Mul(e_, g, p_.group_cout), j);
      for (llvm::AllocaInst* a : acc_) e_.b().CreateStore(e_.F32(0.0f), a);
      e_.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
        Value* in_tap = Add(e_, in_group, Mul(e_, kh, p_.h.dilation * in_row_));
        Value* f_tap = Add(e_, Mul(e_, oc0, f_oc_), Mul(e_, kh, f_row_));
        EmitRow(in_tap, f_tap, px.w);
      }, "kh");
      for (int64_t k = 0; k < block_; ++k) {
        Value* oc = Add(e_, oc0, e_.I64(k));
        Value* v = e_.b().CreateLoad(e_.b().getFloatTy(), acc_[k]);
        if (ctx_.has_input(2)) v = e_.b().CreateFAdd(v, e_.LoadInput(2, oc));
        index[3] = oc;
        e_.StoreOutput(conv_window::ApplyActivation(e_, v, p_.activation), index);
      }
    }, "oc");
  }

  // The taps of one filter row: the valid kw range times all ic.
  void EmitRow(Value* in_tap, Value* f_tap, const conv_window::Taps& tw) {
    ForEachRowTap(e_, p_, in_tap, f_tap, tw,
                  [&](Value* in_off, Value* f_off) { EmitMultiplyAdd(in_off, f_off); });
  }

  // acc[k] += in[in_off] * filter[f_off + k * f_oc_] for the block.
  void EmitMultiplyAdd(Value* in_off, Value* f_off) {
    llvm::IRBuilder<>& b = e_.b();
    Value* x = e_.LoadInput(0, in_off);
    // Reassociation lets the loop vectorizer split the sum into vector
    // lanes; contraction allows FMA. Results differ from TFLite by float
    // rounding only.
    llvm::IRBuilder<>::FastMathFlagGuard guard(b);
    llvm::FastMathFlags fmf;
    fmf.setAllowReassoc();
    fmf.setAllowContract();
    b.setFastMathFlags(fmf);
    for (int64_t k = 0; k < block_; ++k) {
      Value* w = e_.LoadInput(1, Add(e_, f_off, e_.I64(k * f_oc_)));
      Value* sum = b.CreateFAdd(b.CreateLoad(b.getFloatTy(), acc_[k]), b.CreateFMul(x, w));
      b.CreateStore(sum, acc_[k]);
    }
  }

  jit::KernelEmitter& e_;
  const NodeContext& ctx_;
  const ConvParams& p_;
  int64_t block_;
  int64_t in_row_ = 0, f_row_ = 0, f_oc_ = 0;
  std::vector<llvm::AllocaInst*> acc_;
};

// An ungrouped convolution with constant weights is a GEMM with rows = output
// pixels, columns = output channels and k = kh*kw*cin (the OHWI filter is
// already [cout, k]). A 1x1 stride-1 one reads A straight from the input;
// others gather each row tile's windows first (im2col, one tile at a time,
// zeros for padding), as long as a tile fits the stack.
enum class GemmForm { kNone, kDirect, kGathered };

GemmForm GemmFormOf(const NodeContext& ctx, const ConvParams& p) {
  if (p.groups != 1 || !ctx.input(1).is_constant()) return GemmForm::kNone;
  if (p.h.kernel == 1 && p.w.kernel == 1 && p.h.stride == 1 && p.w.stride == 1) {
    return GemmForm::kDirect;
  }
  int64_t k = p.h.kernel * p.w.kernel * p.cin;
  return k <= jit::kMaxGatheredGemmK ? GemmForm::kGathered : GemmForm::kNone;
}

jit::GemmShape ConvGemmShape(const ConvParams& p) {
  int64_t k = p.h.kernel * p.w.kernel * p.cin;
  return {p.batch * p.h.out * p.w.out, p.cout, k, k};
}

// The (n, oh, ow) of output pixel `row`.
std::array<Value*, 3> PixelOf(jit::KernelEmitter& e, const ConvParams& p, Value* row) {
  llvm::IRBuilder<>& b = e.b();
  int64_t pixels = p.h.out * p.w.out;
  Value* rem = b.CreateURem(row, e.I64(pixels));
  return {b.CreateUDiv(row, e.I64(pixels)), b.CreateUDiv(rem, e.I64(p.w.out)),
          b.CreateURem(rem, e.I64(p.w.out))};
}

// Copies `count` contiguous floats from src to dst: whole 16-float vectors,
// then a masked one for the tail.
void CopyFloats(jit::KernelEmitter& e, Value* src, Value* dst, int64_t count) {
  llvm::IRBuilder<>& b = e.b();
  auto* vec = llvm::FixedVectorType::get(b.getFloatTy(), 16);
  auto at = [&](Value* base, Value* offset) {
    return b.CreateInBoundsGEP(b.getFloatTy(), base, offset);
  };
  e.For(0, count / 16, 1, [&](Value* i) {
    Value* offset = Mul(e, i, 16);
    b.CreateAlignedStore(b.CreateAlignedLoad(vec, at(src, offset), llvm::Align(4)), at(dst, offset),
                         llvm::Align(4));
  }, "copy");
  int64_t tail = count % 16;
  if (tail == 0) return;
  std::vector<llvm::Constant*> lanes;
  for (int64_t l = 0; l < 16; ++l) lanes.push_back(b.getInt1(l < tail));
  Value* mask = llvm::ConstantVector::get(lanes);
  Value* offset = e.I64(count - tail);
  Value* v = b.CreateMaskedLoad(vec, at(src, offset), llvm::Align(4), mask);
  b.CreateMaskedStore(v, at(dst, offset), llvm::Align(4), mask);
}

// Copies the input windows of output pixels [row0, row0 + rows) into `tile`,
// one row of k = (kh, kw, ic) values each; taps in the padding become zeros.
// A filter row whose taps all lie inside the input (dilation 1) is
// kernel_w * cin contiguous input floats, copied as vectors; rows touching
// the padding go tap by tap.
void GatherWindows(jit::KernelEmitter& e, const ConvParams& p, Value* tile, Value* row0,
                   int64_t rows) {
  llvm::IRBuilder<>& b = e.b();
  int64_t k = p.h.kernel * p.w.kernel * p.cin;
  const int64_t span = p.w.dilation == 1 ? p.w.kernel * p.cin : 0;
  // Scalar copies: vectorizing across rows or taps only makes gathers.
  e.ForWithHints(0, rows, jit::kNoVectorize, [&](Value* r) {
    auto [n, oh, ow] = PixelOf(e, p, b.CreateAdd(row0, r));
    Value* ih0 = b.CreateSub(b.CreateMul(oh, e.I64(p.h.stride)), e.I64(p.h.pad_before));
    Value* iw0 = b.CreateSub(b.CreateMul(ow, e.I64(p.w.stride)), e.I64(p.w.pad_before));
    Value* dst_row = Mul(e, r, k);
    Value* row_inside = b.CreateAnd(b.CreateICmpSGE(iw0, e.I64(0)),
                                    b.CreateICmpSLE(iw0, e.I64(p.w.in - p.w.kernel)));
    e.ForWithHints(0, p.h.kernel, jit::kNoVectorize, [&](Value* kh) {
      Value* ih = Add(e, ih0, Mul(e, kh, p.h.dilation));
      Value* ih_inside = b.CreateAnd(b.CreateICmpSGE(ih, e.I64(0)), b.CreateICmpSLT(ih, e.I64(p.h.in)));
      Value* whole_row = b.CreateAnd(ih_inside, row_inside);
      if (span == 0) whole_row = b.getFalse();
      e.If(whole_row, [&] {
        Value* src = Mul(e, Add(e, Mul(e, Add(e, Mul(e, n, p.h.in), ih), p.w.in), iw0), p.cin);
        Value* dst = Add(e, dst_row, Mul(e, kh, p.w.kernel * p.cin));
        CopyFloats(e, b.CreateInBoundsGEP(b.getFloatTy(), e.InputPtr(0), src),
                   b.CreateInBoundsGEP(b.getFloatTy(), tile, dst), span);
      });
      e.If(b.CreateNot(whole_row), [&] {
        e.ForWithHints(0, p.w.kernel, jit::kNoVectorize, [&](Value* kw) {
          Value* iw = Add(e, iw0, Mul(e, kw, p.w.dilation));
          Value* inside = b.CreateAnd(ih_inside, b.CreateAnd(b.CreateICmpSGE(iw, e.I64(0)),
                                                             b.CreateICmpSLT(iw, e.I64(p.w.in))));
          Value* dst = Add(e, dst_row, Mul(e, Add(e, Mul(e, kh, p.w.kernel), kw), p.cin));
          // Outside the input: read pixel (0, 0) of the image instead and keep zeros.
          Value* src = Mul(e, Add(e, Mul(e, Add(e, Mul(e, n, p.h.in), b.CreateSelect(inside, ih, e.I64(0))),
                                          p.w.in),
                                  b.CreateSelect(inside, iw, e.I64(0))),
                           p.cin);
          e.For(0, p.cin, 1, [&](Value* ic) {
            Value* v = b.CreateSelect(inside, e.LoadInput(0, Add(e, src, ic)), e.F32(0.0f));
            b.CreateStore(v, b.CreateInBoundsGEP(b.getFloatTy(), tile, Add(e, dst, ic)));
          }, "ic");
        }, "kw");
      });
    }, "kh");
  }, "r");
}

// A convolution with few input channels (a network's first layer: 3x3 s2 on
// RGB) is a poor gathered GEMM: k = 27 is short, so copying each window into
// the A tile costs about as much as the multiply-adds. This kernel reads the
// input in place instead: a register tile of up to 8 output pixels of one
// output row x 32 output channels (16 zmm accumulators: with 12 pixels the
// hoisted weight rows made LLVM spill them), every tap unrolled
// as a broadcast input value times the packed [tap][16 channels] weight rows
// (the gathered GEMM's packing). Pixels whose window touches the padding
// (the border) take one-pixel tiles with guarded loads.
constexpr int64_t kDirectMaxDepth = 4;
constexpr int64_t kDirectMaxTaps = 160;  // kh * kw * cin: 7x7 on RGB is 147
constexpr int64_t kDirectTileRows = 8;
constexpr int64_t kDirectTilePanels = 2;
// Without AVX-512 (16 ymm registers, a 16-channel panel takes two): 6 pixels
// x 16 channels, 12 accumulators.
constexpr int64_t kDirectTileRowsAvx2 = 6;
constexpr int64_t kDirectTilePanelsAvx2 = 1;
// As the GEMM's: less work than this stays on one thread.
constexpr int64_t kDirectMinParallelMacs = 1 << 21;

bool UsesDirectSmallDepth(const jit::KernelEmitter& e, const ConvParams& p) {
  // JITLITE_CONV_GATHERED=1 keeps the gathered GEMM (for A/B runs and tests).
  if (std::getenv("JITLITE_CONV_GATHERED") != nullptr) return false;
  return e.target().avx2 && p.cin <= kDirectMaxDepth &&
         p.h.kernel * p.w.kernel * p.cin <= kDirectMaxTaps &&
         (e.stores_directly() || e.has_vector_epilogue());
}

// [lo, hi): the output positions whose taps all lie inside the input.
std::pair<int64_t, int64_t> InteriorRange(const Axis& a) {
  int64_t lo = std::min((a.pad_before + a.stride - 1) / a.stride, a.out);
  int64_t last_start = a.in - a.effective_kernel() + a.pad_before;  // largest o*stride
  int64_t hi = last_start < 0 ? lo : std::clamp(last_start / a.stride + 1, lo, a.out);
  return {lo, hi};
}

class SmallDepthConvEmitter {
 public:
  SmallDepthConvEmitter(jit::KernelEmitter& e, const NodeContext& ctx, const ConvParams& p)
      : e_(e), b_(e.b()), ctx_(ctx), p_(p), vec_(llvm::FixedVectorType::get(b_.getFloatTy(), 16)),
        k_(p.h.kernel * p.w.kernel * p.cin),
        tile_rows_(e.target().avx512f ? kDirectTileRows : kDirectTileRowsAvx2),
        tile_panels_(e.target().avx512f ? kDirectTilePanels : kDirectTilePanelsAvx2) {}

  void Emit() {
    jit::UseWideVectors(*b_.GetInsertBlock()->getParent());
    const int64_t rows = p_.batch * p_.h.out;
    Value* begin = e_.I64(0);
    Value* end = e_.I64(rows);
    if (rows >= 2 && p_.batch * p_.h.out * p_.w.out * p_.cout * k_ >= kDirectMinParallelMacs) {
      std::tie(begin, end) = e_.ParallelRange(rows);
    }
    auto [oh_lo, oh_hi] = InteriorRange(p_.h);
    auto [ow_lo, ow_hi] = InteriorRange(p_.w);
    e_.For(begin, end, 1, [&](Value* row) {
      Value* n = b_.CreateUDiv(row, e_.I64(p_.h.out));
      Value* oh = b_.CreateURem(row, e_.I64(p_.h.out));
      Value* inside = b_.CreateAnd(b_.CreateICmpSGE(oh, e_.I64(oh_lo)),
                                   b_.CreateICmpSLT(oh, e_.I64(oh_hi)));
      e_.If(inside, [&] {
        EmitBorder(n, oh, 0, ow_lo);
        EmitInterior(n, oh, ow_lo, ow_hi);
        EmitBorder(n, oh, ow_hi, p_.w.out);
      });
      e_.If(b_.CreateNot(inside), [&] { EmitBorder(n, oh, 0, p_.w.out); });
    }, "row");
  }

 private:
  // Loads input value (pixel r of the tile, tap kh, kw, ic).
  using TapLoader = std::function<Value*(int64_t r, int64_t kh, int64_t kw, int64_t ic)>;

  // Output columns [ow_begin, ow_end) of a row whose taps are all inside
  // the input: full tiles in a loop, then one shorter tile.
  void EmitInterior(Value* n, Value* oh, int64_t ow_begin, int64_t ow_end) {
    const int64_t count = ow_end - ow_begin;
    if (count <= 0) return;
    Value* ih0 = b_.CreateSub(Mul(e_, oh, p_.h.stride), e_.I64(p_.h.pad_before));
    Value* row_base = Mul(e_, Add(e_, Mul(e_, n, p_.h.in), ih0), p_.w.in);
    auto tile = [&](Value* ow0, int64_t pixels) {
      Value* iw0 = b_.CreateSub(Mul(e_, ow0, p_.w.stride), e_.I64(p_.w.pad_before));
      Value* base = Mul(e_, Add(e_, row_base, iw0), p_.cin);
      EmitTile(n, oh, ow0, pixels, [&](int64_t r, int64_t kh, int64_t kw, int64_t ic) {
        int64_t offset = ((kh * p_.h.dilation * p_.w.in) + r * p_.w.stride + kw * p_.w.dilation) *
                             p_.cin + ic;
        return e_.LoadInput(0, Add(e_, base, e_.I64(offset)));
      });
    };
    const int64_t full = count / tile_rows_;
    e_.For(0, full, 1, [&](Value* t) {
      tile(Add(e_, Mul(e_, t, tile_rows_), e_.I64(ow_begin)), tile_rows_);
    }, "ow_tile");
    if (count % tile_rows_ > 0) {
      tile(e_.I64(ow_begin + full * tile_rows_), count % tile_rows_);
    }
  }

  // Output columns [ow_begin, ow_end) one at a time; taps in the padding read zero.
  void EmitBorder(Value* n, Value* oh, int64_t ow_begin, int64_t ow_end) {
    if (ow_end <= ow_begin) return;
    Value* ih0 = b_.CreateSub(Mul(e_, oh, p_.h.stride), e_.I64(p_.h.pad_before));
    e_.ForWithHints(ow_begin, ow_end, jit::kNoVectorize, [&](Value* ow) {
      Value* iw0 = b_.CreateSub(Mul(e_, ow, p_.w.stride), e_.I64(p_.w.pad_before));
      EmitTile(n, oh, ow, 1, [&](int64_t, int64_t kh, int64_t kw, int64_t ic) {
        Value* ih = Add(e_, ih0, e_.I64(kh * p_.h.dilation));
        Value* iw = Add(e_, iw0, e_.I64(kw * p_.w.dilation));
        Value* in_h = b_.CreateICmpULT(ih, e_.I64(p_.h.in));  // unsigned: negative is outside
        Value* in_w = b_.CreateICmpULT(iw, e_.I64(p_.w.in));
        Value* inside = b_.CreateAnd(in_h, in_w);
        Value* pixel = Add(e_, Mul(e_, Add(e_, Mul(e_, n, p_.h.in), ih), p_.w.in), iw);
        Value* offset = b_.CreateSelect(inside, Add(e_, Mul(e_, pixel, p_.cin), e_.I64(ic)),
                                        e_.I64(0));
        return b_.CreateSelect(inside, e_.LoadInput(0, offset), e_.F32(0.0f));
      });
    }, "ow_border");
  }

  // `pixels` output pixels from (n, oh, ow0), all output channels, a tile's
  // panels (32 channels, 16 on AVX2) at a time.
  void EmitTile(Value* n, Value* oh, Value* ow0, int64_t pixels, const TapLoader& load) {
    const int64_t group = tile_panels_ * jit::kGemmPanelWidth;
    auto columns = [&](Value* col0, int64_t cols) {
      const int64_t panels = (cols + jit::kGemmPanelWidth - 1) / jit::kGemmPanelWidth;
      Value* panel0 = b_.CreateUDiv(col0, e_.I64(jit::kGemmPanelWidth));
      std::vector<Value*> acc(pixels * panels, llvm::ConstantAggregateZero::get(vec_));
      int64_t tap = 0;
      for (int64_t kh = 0; kh < p_.h.kernel; ++kh) {
        for (int64_t kw = 0; kw < p_.w.kernel; ++kw) {
          for (int64_t ic = 0; ic < p_.cin; ++ic, ++tap) {
            std::vector<Value*> w;
            for (int64_t q = 0; q < panels; ++q) w.push_back(LoadWeights(Add(e_, panel0, e_.I64(q)), tap));
            for (int64_t r = 0; r < pixels; ++r) {
              Value* x = b_.CreateVectorSplat(16, load(r, kh, kw, ic));
              for (int64_t q = 0; q < panels; ++q) {
                Value*& a = acc[r * panels + q];
                a = b_.CreateIntrinsic(llvm::Intrinsic::fma, {vec_}, {x, w[q], a});
              }
            }
          }
        }
      }
      for (int64_t q = 0; q < panels; ++q) {
        int64_t valid = std::min<int64_t>(cols - q * jit::kGemmPanelWidth, jit::kGemmPanelWidth);
        Value* col = Add(e_, col0, e_.I64(q * jit::kGemmPanelWidth));
        for (int64_t r = 0; r < pixels; ++r) {
          Store(acc[r * panels + q], n, oh, Add(e_, ow0, e_.I64(r)), col, valid);
        }
      }
    };
    e_.For(0, p_.cout / group, 1, [&](Value* g) { columns(Mul(e_, g, group), group); }, "oc_group");
    if (p_.cout % group > 0) columns(e_.I64(p_.cout - p_.cout % group), p_.cout % group);
  }

  // The packed filter's 16 channels of `panel` at tap `tap` (zero past cout).
  Value* LoadWeights(Value* panel, int64_t tap) {
    Value* offset = Add(e_, Mul(e_, panel, k_ * jit::kGemmPanelWidth), e_.I64(tap * jit::kGemmPanelWidth));
    return b_.CreateAlignedLoad(vec_, b_.CreateInBoundsGEP(b_.getFloatTy(), e_.PackedPtr(0), offset),
                                llvm::Align(64));
  }

  // Bias, activation and the store (or the fused vector epilogue) of one
  // pixel's channels [col, col + valid).
  void Store(Value* v, Value* n, Value* oh, Value* ow, Value* col, int64_t valid) {
    Value* mask = nullptr;
    if (valid < jit::kGemmPanelWidth) {
      std::vector<llvm::Constant*> lanes;
      for (int64_t c = 0; c < jit::kGemmPanelWidth; ++c) lanes.push_back(b_.getInt1(c < valid));
      mask = llvm::ConstantVector::get(lanes);
    }
    if (ctx_.has_input(2)) {
      Value* ptr = b_.CreateInBoundsGEP(b_.getFloatTy(), e_.InputPtr(2), col);
      Value* bias = mask ? static_cast<Value*>(b_.CreateMaskedLoad(
                                 vec_, ptr, llvm::Align(4), mask, llvm::ConstantAggregateZero::get(vec_)))
                         : b_.CreateAlignedLoad(vec_, ptr, llvm::Align(4));
      v = b_.CreateFAdd(v, bias);
    }
    v = conv_window::ApplyActivation(e_, v, p_.activation);
    if (!e_.stores_directly()) {
      Value* index[4] = {n, oh, ow, col};
      e_.StoreOutputVector(v, index, mask);
      return;
    }
    Value* pixel = Add(e_, Mul(e_, Add(e_, Mul(e_, n, p_.h.out), oh), p_.w.out), ow);
    Value* dst = b_.CreateInBoundsGEP(b_.getFloatTy(), e_.OutputPtr(0),
                                      Add(e_, Mul(e_, pixel, p_.cout), col));
    jit::StoreLanes(b_, v, dst, mask, llvm::Align(4));
  }

  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  const NodeContext& ctx_;
  const ConvParams& p_;
  llvm::FixedVectorType* vec_;
  int64_t k_;
  int64_t tile_rows_;    // output pixels per register tile
  int64_t tile_panels_;  // 16-channel panels per register tile
};

void EmitConvGemm(jit::KernelEmitter& e, const NodeContext& ctx, const ConvParams& p,
                  GemmForm form) {
  if (form == GemmForm::kGathered && UsesDirectSmallDepth(e, p)) {
    SmallDepthConvEmitter(e, ctx, p).Emit();
    return;
  }
  llvm::IRBuilder<>& b = e.b();
  auto activation = [&](Value* v) { return conv_window::ApplyActivation(e, v, p.activation); };
  jit::GemmDirectStore direct{e.OutputPtr(0), p.cout, ctx.has_input(2) ? e.InputPtr(2) : nullptr,
                              activation, {}};
  if (!e.stores_directly()) {
    direct.out = nullptr;
    direct.store_vector = [&](Value* row, Value* col0, Value* v, Value* mask) {
      auto [n, oh, ow] = PixelOf(e, p, row);
      Value* index[4] = {n, oh, ow, col0};
      e.StoreOutputVector(v, index, mask);
    };
  }
  bool vector_epilogue = e.stores_directly() || e.has_vector_epilogue();
  const jit::GemmDirectStore* fast = vector_epilogue ? &direct : nullptr;
  auto store = [&](Value* row, Value* col, Value* v) {
    if (ctx.has_input(2)) v = b.CreateFAdd(v, e.LoadInput(2, col));
    auto [n, oh, ow] = PixelOf(e, p, row);
    Value* index[4] = {n, oh, ow, col};
    e.StoreOutput(activation(v), index);
  };
  if (form == GemmForm::kDirect) {
    jit::EmitGemm(e, e.InputPtr(0), e.PackedPtr(0), ConvGemmShape(p), store, fast);
    return;
  }
  auto gather = [&](Value* tile, Value* row0, int64_t rows) { GatherWindows(e, p, tile, row0, rows); };
  jit::EmitGatheredGemm(e, gather, e.PackedPtr(0), ConvGemmShape(p), store, fast);
}

qconv::Geometry QuantizedGeometry(const ConvParams& p) {
  qconv::Geometry g;
  g.form = qconv::Form::kConv2D;
  g.batch = p.batch;
  g.cin = p.cin;
  g.cout = p.cout;
  g.h = p.h;
  g.w = p.w;
  g.filter_depth = p.filter_depth;
  g.groups = p.groups;
  g.group_cout = p.group_cout;
  g.activation = p.activation;
  return g;
}

// The hybrid kernel, as TFLite's: each batch image is quantized as one row,
// symmetric with a per-tensor filter scale (HybridConv), asymmetric when the
// channel scales differ (HybridConvPerChannel, which also takes grouped
// convolutions). Taps in the padding are skipped (they add nothing), the
// integer reduction runs like the float loop nest's and the float result is
// bias + acc * (row_scale * w_scale), or bias + (acc * w_scale[oc]) * row_scale
// per channel.
void EmitHybridConv(jit::KernelEmitter& e, const NodeContext& ctx, const ConvParams& p) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* i32 = b.getInt32Ty();
  const bool per_channel = hybrid::HasDistinctScales(ctx.input(1));
  const auto order = per_channel ? hybrid::ScaleOrder::kFilterThenRow
                                 : hybrid::ScaleOrder::kAccTimesCombined;
  const int64_t in_row = p.w.in * p.cin;
  const int64_t image = p.h.in * in_row;
  const int64_t f_row = p.w.kernel * p.filter_depth;
  const int64_t f_oc = p.h.kernel * f_row;
  // A block of output channels shares each quantized input value (i32
  // accumulators are half the registers of the float kernel's: 8 of them).
  const int64_t block = p.group_cout % 8 == 0 ? 8 : ChannelBlock(p.group_cout);
  hybrid::RowQuantizer rows(e, image, 1, per_channel);
  std::vector<llvm::AllocaInst*> acc;
  for (int64_t k = 0; k < block; ++k) acc.push_back(e.Alloca(i32, "acc"));
  auto accumulate = [&](Value* in_off, Value* f_off) {
    Value* x = rows.LoadCentered(in_off);
    for (int64_t k = 0; k < block; ++k) {
      Value* w = b.CreateSExt(e.LoadInput(1, Add(e, f_off, e.I64(k * f_oc))), i32);
      b.CreateStore(b.CreateAdd(b.CreateLoad(i32, acc[k]), b.CreateMul(w, x)), acc[k]);
    }
  };
  e.For(0, p.batch, 1, [&](Value* n) {
    rows.Quantize(Mul(e, n, image));
    // Offsets below are within the image (the pixel loop runs on batch 0).
    conv_window::ForEachOutputPixel(e, 1, p.h, p.w, p.cin, [&](const conv_window::OutputPixel& px) {
      e.For(0, p.groups, 1, [&](Value* g) {
        Value* in_group = Add(e, px.input_offset, Mul(e, g, p.filter_depth));
        e.For(0, p.group_cout, block, [&](Value* j) {
          Value* oc0 = Add(e, Mul(e, g, p.group_cout), j);
          for (llvm::AllocaInst* a : acc) b.CreateStore(e.I32(0), a);
          e.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
            Value* in_tap = Add(e, in_group, Mul(e, kh, p.h.dilation * in_row));
            Value* f_tap = Add(e, Mul(e, oc0, f_oc), Mul(e, kh, f_row));
            ForEachRowTap(e, p, in_tap, f_tap, px.w, accumulate);
          }, "kh");
          for (int64_t k = 0; k < block; ++k) {
            Value* oc = Add(e, oc0, e.I64(k));
            Value* bias = ctx.has_input(2) ? e.LoadInput(2, oc) : nullptr;
            Value* v = hybrid::EmitOutput(e, b.CreateLoad(i32, acc[k]), rows.scale(),
                                          hybrid::FilterScale(e, 0, oc), order, bias);
            Value* index[4] = {n, px.oh, px.ow, oc};
            e.StoreOutput(conv_window::ApplyActivation(e, v, p.activation), index);
          }
        }, "oc");
      }, "g");
    });
  }, "n");
}

class Conv2DOp : public OpDef {
 public:
  std::string_view name() const override { return "CONV_2D"; }
  std::vector<int> builtin_codes() const override { return {3}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ConvParams p, ResolveParams(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype,
                  {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.h.out),
                   static_cast<int32_t>(p.w.out), static_cast<int32_t>(p.cout)});
    return Status::Ok();
  }

  // Filter [cout, kh, kw, depth]: one window of kh*kw*depth per output.
  int64_t MultiplyAdds(const NodeContext& ctx) const override {
    const TensorState& filter = ctx.input(1);
    return ctx.output(0).num_elements() * filter.dim(1) * filter.dim(2) * filter.dim(3);
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(ConvParams p, ResolveParams(ctx));
    if (qconv::IsQuantized(ctx, qconv::Form::kConv2D)) {
      return qconv::Pack(ctx, qconv::Form::kConv2D, p.cout, out);
    }
    if (hybrid::IsHybrid(ctx, kHybridFilters)) {
      hybrid::PackFilterScales(ctx, p.cout, out);
      return Status::Ok();
    }
    if (GemmFormOf(ctx, p) == GemmForm::kNone) return Status::Ok();
    int64_t k = ConvGemmShape(p).k;
    out.emplace_back(jit::PackedGemmBytes(p.cout, k));
    jit::PackGemmWeightsTransposed(ctx.input(1).const_as<float>(), p.cout, k,
                                   out.back().as<float>());
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(ConvParams p, ResolveParams(ctx));
    if (qconv::IsQuantized(ctx, qconv::Form::kConv2D)) {
      qconv::Emit(e, ctx, QuantizedGeometry(p), [&](Value* n, Value* oh, Value* ow, Value* oc,
                                                    Value* v) {
        Value* index[4] = {n, oh, ow, oc};
        e.StoreOutput(v, index);
      });
      return Status::Ok();
    }
    if (hybrid::IsHybrid(ctx, kHybridFilters)) {
      EmitHybridConv(e, ctx, p);
      return Status::Ok();
    }
    if (GemmForm form = GemmFormOf(ctx, p); form != GemmForm::kNone) {
      EmitConvGemm(e, ctx, p, form);
    } else {
      Conv2DEmitter(e, ctx, p).Emit();
    }
    return Status::Ok();
  }
};

}  // namespace

const OpDef& conv_2d_op() {
  static const Conv2DOp op;
  return op;
}

}  // namespace jitlite::ops
