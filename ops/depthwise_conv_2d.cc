// DEPTHWISE_CONV_2D: every input channel ic is convolved with its own M
// filters (M = depth multiplier): output channel oc = ic*M + m,
//   out[n, oh, ow, oc] = act(bias[oc] + sum over kh, kw of
//     in[n, oh*sh - pad_top + kh*dh, ow*sw - pad_left + kw*dw, oc / M] * filter[0, kh, kw, oc])
// NHWC input, filter [1, KH, KW, cin*M] (constant or runtime, read through
// its pointer), optional bias (absent = zero). Float32 here; the quantized
// types (INT8, UINT8, 16x8; INT4 filters too) take ops/util/quantized_conv (M from the shapes
// there too), FLOAT32 input with an INT8 filter (hybrid) EmitHybridDepthwise.
//
// M comes from the shapes (filter depth / input depth), as TFLite's float
// kernel does; options.depth_multiplier is not checked against it (LiteRT
// runs float models whose option disagrees).
//
// Explicit vector IR (LLVM's loop vectorizer reached a fraction of this on
// the per-channel loops). Output channels are contiguous in input, filter and
// output, so each step computes one block of up to 16 output channels
// (<16 x float>, masked at the tail) for a group of adjacent output pixels of
// one row:
//  - per filter row kh, the KW filter vectors are loaded once and serve every
//    pixel of the group, and each input column the group touches is loaded
//    once (adjacent pixels share columns);
//  - taps are unrolled where their range is a compile-time constant: the
//    columns whose window lies inside the input ("interior") and, when the
//    height needs no clamping and the group's window is small, the rows too;
//    border columns and clamped rows loop over the valid-tap range of
//    conv_2d_window.h, so padding is never read;
//  - groups narrower than 8 pixels (border columns, the interior's rest)
//    take several channel blocks at once (M = 1), so that 8 accumulators
//    still hide the FMA latency;
//  - M > 1: a block holds whole input channels (16 / M of them, each
//    replicated M times by a shuffle), or for M > 16 one input channel
//    broadcast to chunks of its M outputs.
// Accumulators start at zero and take the taps in TFLite's order (kh, then
// kw) with FMAs; the bias is added last. Without fused ops the block gets
// bias and clamp on whole vectors and is stored directly; otherwise its
// lanes go one by one to StoreOutput, which runs the fused epilogue.
//
// Fused expand conv (FusesProducer): when input 0 comes from a float 1x1
// stride-1 CONV_2D (MobileNetV2's expand layers) and is large, the kernel
// computes that conv itself, one input row at a time (the GEMM microkernel on
// the row, + bias and activation), into a ring of as many rows as the window
// is tall, just before the first output row that needs it. The expanded
// tensor (6x the block's channels) then never leaves L1/L2: without this it is
// written to and read back from memory. Each thread keeps its own ring on the
// stack; rows next to another thread's slice are computed by both.
#include <algorithm>
#include <map>
#include <vector>

#include "jit/emitters.h"
#include "jit/gemm.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Intrinsics.h"
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
using conv_window::Taps;
using llvm::Value;

// Channels per block: one zmm; 8 (one ymm) without AVX-512, where 8
// accumulators of 16 lanes took all 16 ymm registers and spilled.
constexpr int64_t kLanes = 16;
constexpr int64_t kLanesAvx2 = 8;
// Output pixels per group (fewer for wide filters): 8 independent FMA chains
// hide the FMA latency; for a 3x3 window the 8 accumulators, 3 filter and up
// to 17 input vectors (stride 2) about fill the 32 zmm registers.
constexpr int64_t kGroupPixels = 8;
// Largest number of FMAs per channel block emitted as straight-line code for
// one filter row (kw unrolled) or for the whole window (kh unrolled too; a
// larger limit only added compile time).
constexpr int64_t kMaxUnrolledRow = 64;
constexpr int64_t kMaxUnrolledWindow = 64;
// Border columns up to this many are emitted one by one at constant
// positions (more: a loop over them).
constexpr int64_t kMaxUnrolledBorder = 4;

// Fuse the expand conv only when its output is this big (smaller ones stay
// in L2 between the two kernels anyway) and the ring stays this small.
constexpr int64_t kMinFusedInputBytes = 1 << 20;
constexpr int64_t kMaxRingBytes = 256 << 10;
// Row GEMMs stay below gemm.cc's threading threshold (2^21 multiply-adds),
// so EmitGemm never splits them across threads inside our row loop.
constexpr int64_t kMaxRowGemmMacs = 1 << 21;

struct DepthwiseParams {
  Axis h{"height", 'h'};
  Axis w{"width", 'w'};
  int activation = 0;
  int64_t batch = 0, cin = 0, cout = 0;
  int64_t multiplier = 1;
};

StatusOr<DepthwiseParams> ResolveParams(const NodeContext& ctx) {
  if (qconv::IsQuantized(ctx, qconv::Form::kDepthwise)) {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckWindowShapes(ctx));
    JITLITE_RETURN_IF_ERROR(qconv::CheckTypes(ctx, qconv::Form::kDepthwise, "DEPTHWISE_CONV_2D",
                                              ctx.input(1).dim(3)));
  } else if (hybrid::IsHybrid(ctx)) {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckWindowShapes(ctx));
    JITLITE_RETURN_IF_ERROR(
        hybrid::CheckTypes(ctx, "DEPTHWISE_CONV_2D", ctx.input(1).dim(3), 3));
  } else {
    JITLITE_RETURN_IF_ERROR(conv_window::CheckFloatOperands(ctx, "DEPTHWISE_CONV_2D"));
  }
  const TensorState& in = ctx.input(0);
  const TensorState& filter = ctx.input(1);
  DepthwiseParams p;
  p.batch = in.dim(0);
  p.cin = in.dim(3);
  p.cout = filter.dim(3);
  if (filter.dim(0) != 1) {
    return InvalidArgument("filter (input 1) has shape " + ShapeToString(filter.shape) +
                           "; a depthwise filter must be [1, height, width, channels]");
  }
  if (p.cout % p.cin != 0) {
    return InvalidArgument("filter (input 1, shape " + ShapeToString(filter.shape) + ") has " +
                           std::to_string(p.cout) + " output channels, not a multiple of the " +
                           std::to_string(p.cin) + " input channels");
  }
  p.multiplier = p.cout / p.cin;
  JITLITE_RETURN_IF_ERROR(conv_window::CheckBias(ctx, p.cout));

  const auto* opts = ctx.op() ? ctx.op()->builtin_options_as_DepthwiseConv2DOptions() : nullptr;
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

// Output positions [begin, end) of axis a whose whole window lies inside the
// input (every tap valid); empty (begin == end) when there are none.
std::pair<int64_t, int64_t> InteriorRange(const Axis& a) {
  int64_t begin = std::min(a.out, (a.pad_before + a.stride - 1) / a.stride);
  int64_t room = a.in + a.pad_before - a.effective_kernel();  // last first-tap position
  int64_t end = room < 0 ? begin : std::min(a.out, room / a.stride + 1);
  return {begin, std::max(begin, end)};
}

// Output channels [oc0, oc0 + lanes) computed together. Lane l reads input
// channel ic0 + l / M; for M > 16 (in_lanes == 1) all lanes read ic0.
struct ChannelBlock {
  Value* ic0 = nullptr;
  Value* oc0 = nullptr;
  int64_t lanes = 0;     // valid output lanes
  int64_t in_lanes = 0;  // input channels read from ic0
};

// Adjacent channel blocks computed side by side (each its own accumulators).
using BlockRun = std::vector<ChannelBlock>;

// One output row (n, oh) with its valid filter rows and the linear offsets of
// input element (n, first input row, 0, 0) and output element (n, oh, 0, 0).
struct OutputRow {
  Value* n = nullptr;
  Value* oh = nullptr;
  Taps h;
  Value* in_offset = nullptr;
  Value* out_offset = nullptr;
  Value* flat_first = nullptr;  // n * input height + first input row
};

// e.For(begin, end, 1, body), with the loop marked so that LLVM's unroller
// leaves it alone: the bodies are already unrolled vector code, and unrolling
// the channel-block and tap loops on top multiplied compile time (3-4x on
// MobileNet's layers) for no speed-up we could measure.
void RolledFor(jit::KernelEmitter& e, Value* begin, Value* end,
               const std::function<void(Value*)>& body, const char* name) {
  e.ForWithHints(begin, end, jit::kNoUnroll, body, name);
}

class DepthwiseEmitter {
 public:
  DepthwiseEmitter(jit::KernelEmitter& e, const NodeContext& ctx, const DepthwiseParams& p)
      : e_(e), b_(e.b()), ctx_(ctx), p_(p),
        lanes_(e.target().avx512f ? kLanes : kLanesAvx2),
        vec_(llvm::FixedVectorType::get(e.b().getFloatTy(), lanes_)) {
    in_row_ = p.w.in * p.cin;
    group_pixels_ = std::clamp<int64_t>(kMaxUnrolledRow / p.w.kernel, 1, kGroupPixels);
    in_ptr_ = e.InputPtr(0);
    ring_rows_ = e.producer() ? p.h.effective_kernel() : 0;
  }

  void Emit() {
    jit::UseWideVectors(*b_.GetInsertBlock()->getParent());
    for (int64_t i = 0; i < kGroupPixels; ++i) acc_.push_back(e_.Alloca(vec_, "acc"));
    if (!e_.stores_directly()) {
      tile_ = e_.Alloca(llvm::ArrayType::get(b_.getFloatTy(), group_pixels_ * lanes_), "tile");
      tile_->setAlignment(llvm::Align(64));
    }
    if (ring_rows_ > 0) AllocateRing();
    auto [w_begin, w_end] = InteriorRange(p_.w);
    int64_t interior = w_end - w_begin;
    int64_t groups = interior / group_pixels_;
    int64_t rest = interior % group_pixels_;
    int64_t border = p_.w.out - interior;
    Taps all_columns{nullptr, e_.I64(0), e_.I64(p_.w.kernel)};
    const int64_t macs = p_.batch * p_.h.out * p_.w.out * p_.cout * p_.h.kernel * p_.w.kernel;
    conv_window::ForEachOutputRow(e_, p_.batch, p_.h.out, macs, [&](Value* n, Value* oh) {
      OutputRow row{n, oh, conv_window::EmitTaps(e_, p_.h, oh)};
      row.in_offset = Add(e_, Mul(e_, n, p_.h.in * in_row_), Mul(e_, row.h.first, in_row_));
      row.out_offset = Mul(e_, Add(e_, Mul(e_, n, p_.h.out), oh), p_.w.out * p_.cout);
      row.flat_first = Add(e_, Mul(e_, n, p_.h.in), row.h.first);
      if (ring_rows_ > 0) FillRing(row);
      if (groups > 0) {
        e_.For(0, groups, 1, [&](Value* g) {
          EmitGroup(row, Add(e_, e_.I64(w_begin), Mul(e_, g, group_pixels_)), group_pixels_,
                    all_columns);
        }, "group");
      }
      if (rest > 0) EmitGroup(row, e_.I64(w_begin + groups * group_pixels_), rest, all_columns);
      if (border > kMaxUnrolledBorder) {
        // Columns left and right of the interior, one at a time with their
        // own tap ranges.
        RolledFor(e_, e_.I64(0), e_.I64(border), [&](Value* i) {
          Value* ow = b_.CreateSelect(b_.CreateICmpSLT(i, e_.I64(w_begin)), i,
                                      Add(e_, i, e_.I64(interior)));
          EmitGroup(row, ow, 1, conv_window::EmitTaps(e_, p_.w, ow));
        }, "border");
      } else {
        // Few border columns: each at its constant position, so its tap
        // range is constant too and its taps are unrolled.
        for (int64_t i = 0; i < border; ++i) {
          Value* ow = e_.I64(i < w_begin ? i : i + interior);
          EmitGroup(row, ow, 1, conv_window::EmitTaps(e_, p_.w, ow));
        }
      }
    }, ring_rows_ > 0 ? 1 : 0);  // each part refills its ring: one part per thread
  }

 private:
  // The ring of expanded input rows (flat row r in slot r % ring_rows_) and
  // the first flat row this call has not computed yet.
  void AllocateRing() {
    ring_ = e_.Alloca(llvm::ArrayType::get(b_.getFloatTy(), ring_rows_ * in_row_), "ring");
    ring_->setAlignment(llvm::Align(64));
    in_ptr_ = ring_;
    next_row_ = e_.Alloca(b_.getInt64Ty(), "next_row");
    b_.CreateStore(e_.I64(0), next_row_);
  }

  // Computes the input rows of `row`'s window that are not in the ring yet.
  void FillRing(const OutputRow& row) {
    Value* image = Mul(e_, row.n, p_.h.in);
    Value* lo = Add(e_, image, e_.Max(row.h.first, e_.I64(0)));
    Value* end = Add(e_, image, e_.Min(Add(e_, row.h.first, e_.I64(p_.h.effective_kernel())),
                                       e_.I64(p_.h.in)));
    Value* start = e_.Max(b_.CreateLoad(b_.getInt64Ty(), next_row_), lo);
    RolledFor(e_, start, end, [&](Value* r) { ExpandRow(r); }, "expand");
    b_.CreateStore(e_.Max(b_.CreateLoad(b_.getInt64Ty(), next_row_), end), next_row_);
  }

  // Flat input row r of the producer (a 1x1 conv: one GEMM over the row's
  // pixels), with its bias and activation, into ring slot r % ring_rows_.
  void ExpandRow(Value* r) {
    const jit::FusedProducer& producer = *e_.producer();
    const NodeContext& conv = *producer.ctx;
    const int64_t k = conv.input(0).dim(3);
    const auto* opts = conv.op()->builtin_options_as_Conv2DOptions();
    const int activation = static_cast<int>(opts->fused_activation_function());
    Value* a = b_.CreateInBoundsGEP(b_.getFloatTy(), producer.input_ptrs[0],
                                    Mul(e_, r, p_.w.in * k));
    Value* slot = b_.CreateURem(r, e_.I64(ring_rows_));
    Value* dst = b_.CreateInBoundsGEP(b_.getFloatTy(), ring_, Mul(e_, slot, in_row_));
    Value* bias = conv.has_input(2) ? producer.input_ptrs[2] : nullptr;
    jit::GemmDirectStore direct{dst, p_.cin, bias, [&](Value* v) {
      return conv_window::ApplyActivation(e_, v, activation);
    }, {}};
    jit::GemmShape shape{p_.w.in, p_.cin, k, k};
    jit::EmitGemm(e_, a, producer.packed_ptrs.at(0), shape, [](Value*, Value*, Value*) {}, &direct);
  }

  // Offset in in_ptr_ of input row first + kh * dilation of `row`.
  Value* RowOffset(const OutputRow& row, Value* kh) {
    if (ring_rows_ == 0) return Add(e_, row.in_offset, Mul(e_, kh, p_.h.dilation * in_row_));
    Value* flat = Add(e_, row.flat_first, Mul(e_, kh, p_.h.dilation));
    return Mul(e_, b_.CreateURem(flat, e_.I64(ring_rows_)), in_row_);
  }

  // Calls body for every channel block of a group of `pixels` pixels, with
  // runs of adjacent whole blocks (M = 1) when the group is narrower than
  // kGroupPixels: a border pixel alone would be one FMA chain waiting on
  // each FMA's latency; 8 blocks side by side are 8 independent chains.
  void ForEachBlock(int64_t pixels, const std::function<void(const BlockRun&)>& body) {
    int64_t m = p_.multiplier;
    if (m <= lanes_) {
      int64_t per_block = lanes_ / m;  // whole input channels per block
      int64_t full = p_.cin / per_block;
      int64_t rest = p_.cin % per_block;
      auto block = [&](Value* ic0) {
        return ChannelBlock{ic0, Mul(e_, ic0, m), per_block * m, per_block};
      };
      auto run = [&](Value* first, int64_t blocks) {
        BlockRun r;
        for (int64_t j = 0; j < blocks; ++j) r.push_back(block(Add(e_, first, e_.I64(j * per_block))));
        body(r);
      };
      int64_t width = m == 1 ? std::max<int64_t>(1, std::min(kGroupPixels / pixels, full)) : 1;
      int64_t runs = full / width;
      if (runs > 0) {
        RolledFor(e_, e_.I64(0), e_.I64(runs), [&](Value* i) {
          run(Mul(e_, i, width * per_block), width);
        }, "cb");
      }
      if (full % width > 0) run(e_.I64(runs * width * per_block), full % width);
      if (rest > 0) {
        body({{e_.I64(full * per_block), e_.I64(full * per_block * m), rest * m, rest}});
      }
      return;
    }
    RolledFor(e_, e_.I64(0), e_.I64(p_.cin), [&](Value* ic) {
      Value* oc = Mul(e_, ic, m);
      int64_t full = m / lanes_;
      int64_t rest = m % lanes_;
      RolledFor(e_, e_.I64(0), e_.I64(full), [&](Value* j) {
        body({{ic, Add(e_, oc, Mul(e_, j, lanes_)), lanes_, 1}});
      }, "mb");
      if (rest > 0) body({{ic, Add(e_, oc, e_.I64(full * lanes_)), rest, 1}});
    }, "ic");
  }

  // Output pixels (row, ow0 + i) for i < pixels, all with the filter columns
  // `tw` (pixels > 1 only for interior columns).
  void EmitGroup(const OutputRow& row, Value* ow0, int64_t pixels, const Taps& tw) {
    Value* first_column = b_.CreateSub(Mul(e_, ow0, p_.w.stride), e_.I64(p_.w.pad_before), "",
                                       false, true);
    Value* in_column = Mul(e_, first_column, p_.cin);
    Value* out_base = Add(e_, row.out_offset, Mul(e_, ow0, p_.cout));
    ForEachBlock(pixels, [&](const BlockRun& blocks) {
      const int64_t width = static_cast<int64_t>(blocks.size());
      Value* zero = llvm::ConstantAggregateZero::get(vec_);
      for (int64_t i = 0; i < pixels * width; ++i) b_.CreateStore(zero, acc_[i]);
      int64_t window_fmas = p_.h.kernel * p_.w.kernel * pixels * width;
      ForTaps(row.h, window_fmas <= kMaxUnrolledWindow, [&](Value* kh) {
        Value* in_kh = Add(e_, RowOffset(row, kh), in_column);
        Value* f_kh = Mul(e_, kh, p_.w.kernel * p_.cout);
        for (int64_t j = 0; j < width; ++j) {
          EmitFilterRow(Add(e_, in_kh, blocks[j].ic0), Add(e_, f_kh, blocks[j].oc0), blocks[j],
                        pixels, tw, j * pixels);
        }
      }, "kh");
      for (int64_t j = 0; j < width; ++j) {
        EmitStores(row, ow0, out_base, pixels, blocks[j], j * pixels);
      }
    });
  }

  // body(k) for each tap k in [t.begin, t.end): unrolled when the range is
  // constant and `unroll` allows, else a loop.
  void ForTaps(const Taps& t, bool unroll, const std::function<void(Value*)>& body,
               const char* name) {
    auto* begin = llvm::dyn_cast<llvm::ConstantInt>(t.begin);
    auto* end = llvm::dyn_cast<llvm::ConstantInt>(t.end);
    if (unroll && begin != nullptr && end != nullptr) {
      for (int64_t k = begin->getSExtValue(); k < end->getSExtValue(); ++k) body(e_.I64(k));
      return;
    }
    RolledFor(e_, t.begin, t.end, body, name);
  }

  // The taps of one filter row for every pixel of the group.
  // Pixel i accumulates into acc_[first_acc + i].
  void EmitFilterRow(Value* in_kh, Value* f_kh, const ChannelBlock& blk, int64_t pixels,
                     const Taps& tw, int64_t first_acc) {
    bool constant = llvm::isa<llvm::ConstantInt>(tw.begin) && llvm::isa<llvm::ConstantInt>(tw.end);
    if (!constant || p_.w.kernel * pixels > kMaxUnrolledRow) {
      RolledFor(e_, tw.begin, tw.end, [&](Value* kw) {  // pixels == 1
        Value* x = LoadInputs(Add(e_, in_kh, Mul(e_, kw, p_.w.dilation * p_.cin)), blk);
        Value* f = LoadFilter(Add(e_, f_kh, Mul(e_, kw, p_.cout)), blk);
        Accumulate(first_acc, x, f);
      }, "kw");
      return;
    }
    int64_t kw_begin = llvm::cast<llvm::ConstantInt>(tw.begin)->getSExtValue();
    int64_t kw_end = llvm::cast<llvm::ConstantInt>(tw.end)->getSExtValue();
    std::map<int64_t, Value*> columns;  // input column (from the group's first) -> vector
    for (int64_t kw = kw_begin; kw < kw_end; ++kw) {
      Value* f = LoadFilter(Add(e_, f_kh, e_.I64(kw * p_.cout)), blk);
      for (int64_t i = 0; i < pixels; ++i) {
        int64_t column = i * p_.w.stride + kw * p_.w.dilation;
        Value*& x = columns[column];
        if (x == nullptr) x = LoadInputs(Add(e_, in_kh, e_.I64(column * p_.cin)), blk);
        Accumulate(first_acc + i, x, f);
      }
    }
  }

  void Accumulate(int64_t acc, Value* x, Value* f) {
    Value* sum = b_.CreateIntrinsic(llvm::Intrinsic::fma, {vec_},
                                    {x, f, b_.CreateLoad(vec_, acc_[acc])});
    b_.CreateStore(sum, acc_[acc]);
  }

  // Lanes [0, lanes) of a vector, or null for all of them.
  Value* LaneMask(int64_t lanes) {
    if (lanes >= lanes_) return nullptr;
    std::vector<llvm::Constant*> bits;
    for (int64_t l = 0; l < lanes_; ++l) bits.push_back(b_.getInt1(l < lanes));
    return llvm::ConstantVector::get(bits);
  }

  // `lanes` floats from base[offset] (zeros past them).
  Value* LoadLanes(Value* base, Value* offset, int64_t lanes) {
    Value* ptr = b_.CreateInBoundsGEP(b_.getFloatTy(), base, offset);
    Value* mask = LaneMask(lanes);
    if (mask == nullptr) return b_.CreateAlignedLoad(vec_, ptr, llvm::Align(4));
    return b_.CreateMaskedLoad(vec_, ptr, llvm::Align(4), mask,
                               llvm::ConstantAggregateZero::get(vec_));
  }

  Value* LoadFilter(Value* offset, const ChannelBlock& blk) {
    return LoadLanes(e_.InputPtr(1), offset, blk.lanes);
  }

  // The block's input vector at one tap: lane l holds channel ic0 + l / M.
  Value* LoadInputs(Value* offset, const ChannelBlock& blk) {
    if (blk.in_lanes == 1) {
      Value* ptr = b_.CreateInBoundsGEP(b_.getFloatTy(), in_ptr_, offset);
      return b_.CreateVectorSplat(lanes_, b_.CreateLoad(b_.getFloatTy(), ptr));
    }
    Value* x = LoadLanes(in_ptr_, offset, blk.in_lanes);
    if (p_.multiplier == 1) return x;
    std::vector<int> spread;
    for (int64_t l = 0; l < lanes_; ++l) {
      spread.push_back(static_cast<int>(std::min(l / p_.multiplier, lanes_ - 1)));
    }
    return b_.CreateShuffleVector(x, spread);
  }

  void EmitStores(const OutputRow& row, Value* ow0, Value* out_base, int64_t pixels,
                  const ChannelBlock& blk, int64_t first_acc) {
    if (e_.stores_directly()) {
      StoreDirectly(out_base, pixels, blk, first_acc);
      return;
    }
    for (int64_t i = 0; i < pixels; ++i) {
      Value* dst = b_.CreateConstInBoundsGEP1_64(b_.getFloatTy(), tile_, i * lanes_);
      b_.CreateAlignedStore(b_.CreateLoad(vec_, acc_[first_acc + i]), dst, llvm::Align(64));
    }
    e_.For(0, pixels, 1, [&](Value* i) {
      Value* tile_row = Mul(e_, i, lanes_);
      e_.For(0, blk.lanes, 1, [&](Value* c) {
        Value* oc = Add(e_, blk.oc0, c);
        Value* v = b_.CreateLoad(b_.getFloatTy(),
                                 b_.CreateInBoundsGEP(b_.getFloatTy(), tile_, Add(e_, tile_row, c)));
        if (ctx_.has_input(2)) v = b_.CreateFAdd(v, e_.LoadInput(2, oc));
        Value* index[4] = {row.n, row.oh, Add(e_, ow0, i), oc};
        e_.StoreOutput(conv_window::ApplyActivation(e_, v, p_.activation), index);
      }, "c");
    }, "pixel");
  }

  // No fused ops: bias and clamp on whole vectors, stored to the output.
  void StoreDirectly(Value* out_base, int64_t pixels, const ChannelBlock& blk,
                     int64_t first_acc) {
    Value* bias = ctx_.has_input(2) ? LoadLanes(e_.InputPtr(2), blk.oc0, blk.lanes) : nullptr;
    Value* mask = LaneMask(blk.lanes);
    for (int64_t i = 0; i < pixels; ++i) {
      Value* v = b_.CreateLoad(vec_, acc_[first_acc + i]);
      if (bias != nullptr) v = b_.CreateFAdd(v, bias);
      v = conv_window::ApplyActivation(e_, v, p_.activation);
      Value* offset = Add(e_, out_base, Add(e_, blk.oc0, e_.I64(i * p_.cout)));
      Value* dst = b_.CreateInBoundsGEP(b_.getFloatTy(), e_.OutputPtr(0), offset);
      jit::StoreLanes(b_, v, dst, mask, llvm::Align(4));
    }
  }

  jit::KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  const NodeContext& ctx_;
  const DepthwiseParams& p_;
  const int64_t lanes_;  // channels per block
  llvm::FixedVectorType* vec_;
  int64_t in_row_ = 0;
  int64_t group_pixels_ = 1;
  std::vector<llvm::AllocaInst*> acc_;
  llvm::AllocaInst* tile_ = nullptr;
  Value* in_ptr_ = nullptr;  // input 0, or the ring
  int64_t ring_rows_ = 0;    // 0: input 0 is in memory
  llvm::AllocaInst* ring_ = nullptr;
  llvm::AllocaInst* next_row_ = nullptr;
};

// A float 1x1 stride-1 CONV_2D with constant filter (conv_2d.cc's direct GEMM
// form, whose packed buffer 0 holds the filter as GEMM panels).
bool IsPointwiseGemmConv(const NodeContext& conv) {
  const Node& node = conv.node();
  if (FindOp(node) == nullptr || FindOp(node)->name() != "CONV_2D") return false;
  const auto* opts = conv.op() ? conv.op()->builtin_options_as_Conv2DOptions() : nullptr;
  if (opts == nullptr || opts->stride_h() != 1 || opts->stride_w() != 1 ||
      opts->dilation_h_factor() != 1 || opts->dilation_w_factor() != 1) {
    return false;
  }
  if (!conv_window::CheckActivation(static_cast<int>(opts->fused_activation_function())).ok()) {
    return false;
  }
  const TensorState& in = conv.input(0);
  const TensorState& filter = conv.input(1);
  if (in.dtype != DType::kFloat32 || filter.dtype != DType::kFloat32 || !filter.is_constant()) {
    return false;
  }
  if (in.shape.size() != 4 || filter.shape.size() != 4) return false;
  if (filter.dim(1) != 1 || filter.dim(2) != 1 || filter.dim(3) != in.dim(3)) return false;
  if (conv.has_input(2) && conv.input(2).dtype != DType::kFloat32) return false;
  return conv.output(0).dtype == DType::kFloat32;
}

qconv::Geometry QuantizedGeometry(const DepthwiseParams& p) {
  qconv::Geometry g;
  g.form = qconv::Form::kDepthwise;
  g.batch = p.batch;
  g.cin = p.cin;
  g.cout = p.cout;
  g.h = p.h;
  g.w = p.w;
  g.multiplier = p.multiplier;
  g.activation = p.activation;
  return g;
}

// The hybrid kernel, as TFLite's DepthwiseConvHybridPerChannel: each batch
// image is quantized asymmetrically as one row; per output pixel an i32
// accumulator per output channel (blocks of at most kMaxAccumulators) takes
// w * (q - zp) over the valid taps, then out = act(bias + acc * (w_scale[oc] *
// row_scale)). A single filter scale serves every channel (TFLite itself
// needs one per channel there).
void EmitHybridDepthwise(jit::KernelEmitter& e, const NodeContext& ctx, const DepthwiseParams& p) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* i32 = b.getInt32Ty();
  const int64_t in_row = p.w.in * p.cin;
  const int64_t image = p.h.in * in_row;
  const int64_t block = conv_window::LargestDivisorAtMost(p.cout, conv_window::kMaxAccumulators);
  hybrid::RowQuantizer rows(e, image, 1, /*asymmetric=*/true);
  llvm::AllocaInst* acc = e.Alloca(llvm::ArrayType::get(i32, block), "acc");
  auto slot = [&](Value* c) { return b.CreateInBoundsGEP(i32, acc, c); };
  e.For(0, p.batch, 1, [&](Value* n) {
    rows.Quantize(Mul(e, n, image));
    conv_window::ForEachOutputPixel(e, 1, p.h, p.w, p.cin, [&](const conv_window::OutputPixel& px) {
      e.For(0, p.cout, block, [&](Value* c0) {
        e.For(0, block, 1, [&](Value* c) { b.CreateStore(e.I32(0), slot(c)); }, "c");
        e.For(px.h.begin, px.h.end, 1, [&](Value* kh) {
          e.For(px.w.begin, px.w.end, 1, [&](Value* kw) {
            Value* x_base = Add(e, Add(e, px.input_offset, Mul(e, kh, p.h.dilation * in_row)),
                                Mul(e, kw, p.w.dilation * p.cin));
            Value* f_base = Add(e, Mul(e, Add(e, Mul(e, kh, p.w.kernel), kw), p.cout), c0);
            e.For(0, block, 1, [&](Value* c) {
              Value* oc = Add(e, c0, c);
              Value* ic = p.multiplier == 1 ? oc : b.CreateUDiv(oc, e.I64(p.multiplier));
              Value* w = b.CreateSExt(e.LoadInput(1, Add(e, f_base, c)), i32);
              Value* term = b.CreateMul(w, rows.LoadCentered(Add(e, x_base, ic)));
              b.CreateStore(b.CreateAdd(b.CreateLoad(i32, slot(c)), term), slot(c));
            }, "c");
          }, "kw");
        }, "kh");
        e.For(0, block, 1, [&](Value* c) {
          Value* oc = Add(e, c0, c);
          Value* bias = ctx.has_input(2) ? e.LoadInput(2, oc) : nullptr;
          Value* v = hybrid::EmitOutput(e, b.CreateLoad(i32, slot(c)), rows.scale(),
                                        hybrid::FilterScale(e, 0, oc),
                                        hybrid::ScaleOrder::kAccTimesCombined, bias);
          Value* index[4] = {n, px.oh, px.ow, oc};
          e.StoreOutput(conv_window::ApplyActivation(e, v, p.activation), index);
        }, "c");
      }, "cb");
    });
  }, "n");
}

class DepthwiseConv2DOp : public OpDef {
 public:
  std::string_view name() const override { return "DEPTHWISE_CONV_2D"; }
  std::vector<int> builtin_codes() const override { return {4}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(DepthwiseParams p, ResolveParams(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype,
                  {static_cast<int32_t>(p.batch), static_cast<int32_t>(p.h.out),
                   static_cast<int32_t>(p.w.out), static_cast<int32_t>(p.cout)});
    return Status::Ok();
  }

  bool FusesProducer(const NodeContext& producer, const NodeContext& ctx) const override {
    if (qconv::IsQuantized(ctx, qconv::Form::kDepthwise) || hybrid::IsHybrid(ctx)) return false;
    if (ctx.input(0).dtype != DType::kFloat32 || !IsPointwiseGemmConv(producer)) return false;
    StatusOr<DepthwiseParams> p = ResolveParams(ctx);
    if (!p.ok() || p->h.stride > p->h.effective_kernel()) return false;
    const int64_t row_floats = p->w.in * p->cin;
    return ctx.input(0).num_elements() * 4 >= kMinFusedInputBytes &&
           p->h.effective_kernel() * row_floats * 4 <= kMaxRingBytes &&
           row_floats * producer.input(0).dim(3) < kMaxRowGemmMacs;
  }

  // Filter [1, kh, kw, cout]: one kh*kw window per output.
  int64_t MultiplyAdds(const NodeContext& ctx) const override {
    const TensorState& filter = ctx.input(1);
    return ctx.output(0).num_elements() * filter.dim(1) * filter.dim(2);
  }

  Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const override {
    if (hybrid::IsHybrid(ctx)) {
      JITLITE_ASSIGN_OR_RETURN(DepthwiseParams p, ResolveParams(ctx));
      hybrid::PackFilterScales(ctx, p.cout, out);
      return Status::Ok();
    }
    if (!qconv::IsQuantized(ctx, qconv::Form::kDepthwise)) return Status::Ok();
    JITLITE_ASSIGN_OR_RETURN(DepthwiseParams p, ResolveParams(ctx));
    return qconv::Pack(ctx, qconv::Form::kDepthwise, p.cout, out);
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(DepthwiseParams p, ResolveParams(ctx));
    if (qconv::IsQuantized(ctx, qconv::Form::kDepthwise)) {
      qconv::Emit(e, ctx, QuantizedGeometry(p), [&](llvm::Value* n, llvm::Value* oh,
                                                    llvm::Value* ow, llvm::Value* oc,
                                                    llvm::Value* v) {
        llvm::Value* index[4] = {n, oh, ow, oc};
        e.StoreOutput(v, index);
      });
      return Status::Ok();
    }
    if (hybrid::IsHybrid(ctx)) {
      EmitHybridDepthwise(e, ctx, p);
      return Status::Ok();
    }
    DepthwiseEmitter(e, ctx, p).Emit();
    return Status::Ok();
  }
};

}  // namespace

const OpDef& depthwise_conv_2d_op() {
  static const DepthwiseConv2DOp op;
  return op;
}

}  // namespace jitlite::ops
