// The int8 GEMM microkernels, AMX tiles, AVX-512 VNNI or AVX2 (see jit/qgemm.h).
// Environment: JITLITE_AMX=0 keeps VNNI on an AMX host (read when a JIT
// engine is made); JITLITE_INT8_GEMM_AVX2=0 turns the AVX2 kernel off.
#include "jit/qgemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

#include "jit/gemm.h"
#include "llvm/IR/IntrinsicsX86.h"
#include "llvm/IR/Module.h"

namespace jitlite::jit {
namespace {

using llvm::Value;

// Accumulators of one tile: rows x panels <= 24 of the 32 zmm registers,
// leaving room for the panels' weight vectors and the broadcast.
constexpr int64_t kMaxTilePanels = 4;
constexpr int64_t kMaxTileAccumulators = 24;
// Multiply-adds below which a GEMM runs on one thread (as jit/gemm.cc).
constexpr int64_t kMinParallelMacs = 1 << 21;

// AVX2 (16 ymm): a (row, panel) pair takes 4 <8 x i32> accumulators, so
// 2 rows x 1 panel = 8, leaving room for the weights, the broadcast rows
// and the products.
constexpr int64_t kMaxTilePanelsAvx2 = 1;
constexpr int64_t kMaxTilePairsAvx2 = 2;
// The <16 x i16> weight vectors of a panel's quad: 4 columns x 4 k each.
constexpr int64_t kAvx2VectorsPerQuad = 4;

// AMX: a tile is 16 rows of 64 bytes (16 quads of k); 2 x 2 A and B tiles
// fill the other 4 of the 8 tile registers with C.
constexpr int64_t kAmxTileRows = 16;
constexpr int64_t kAmxTileBytes = 64;
constexpr int64_t kAmxRowTiles = 2;
constexpr int64_t kAmxPanels = 2;
// Fewer rows waste most of each A tile (FULLY_CONNECTED's single row):
// VNNI broadcasts them better.
constexpr int64_t kMinAmxRows = 16;
// Below half a tile of k (the first 3x3x3 conv, k 27) most of each tdpbusd
// meets zeros and the tile loads wait on the byte-wise window gather:
// measured 1.35-1.4x slower than VNNI there, 0.9-1.0x at k 24-28 of a 1x1
// conv, 0.5-0.7x from k 64 on.
constexpr int64_t kMinAmxDepth = 32;
// The C tiles' stack copy, in <16 x i32> rows: the larger of both kernels'.
constexpr int64_t kCTileVectors =
    std::max(kMaxTileAccumulators, kAmxRowTiles * kAmxTileRows * kAmxPanels);

int64_t PanelCount(int64_t n) { return (n + kInt8PanelWidth - 1) / kInt8PanelWidth; }

enum class Int8Kernel { kVnni, kAvx2, kAmx };

// Rows per tile: as many as the widest panel group leaves accumulators for.
int64_t TileRows(const Int8GemmShape& s, int64_t max_panels, int64_t max_pairs) {
  int64_t panels = std::min(PanelCount(s.n), max_panels);
  return std::max<int64_t>(1, std::min(max_pairs / panels, s.m));
}

class Int8GemmEmitter {
 public:
  Int8GemmEmitter(KernelEmitter& e, Value* b_packed, const Int8GemmShape& s,
                  const Int8TileStoreFn& store, Int8Kernel kernel)
      : e_(e), b_(e.b()), b_packed_(b_packed), s_(s), store_(store), kernel_(kernel),
        avx2_(kernel == Int8Kernel::kAvx2), amx_(kernel == Int8Kernel::kAmx),
        max_panels_(avx2_ ? kMaxTilePanelsAvx2 : amx_ ? kAmxPanels : kMaxTilePanels),
        depth_(Int8GemmDepth(s.k)), quads_(depth_ / 4),
        panel_bytes_(Int8GemmPanelBytes(s.k)),
        tile_rows_(amx_ ? kAmxRowTiles * kAmxTileRows
                        : TileRows(s, max_panels_, avx2_ ? kMaxTilePairsAvx2 : kMaxTileAccumulators)),
        vec_(llvm::FixedVectorType::get(b_.getInt32Ty(), 16)),
        half_(llvm::FixedVectorType::get(b_.getInt32Ty(), 8)),
        words_(llvm::FixedVectorType::get(b_.getInt16Ty(), 16)) {}

  // Each gathered tile of A rows meets every panel of B.
  void Emit(const Int8GatherFn& gather) {
    for (int64_t i = 0; i < kMaxTileAccumulators; ++i) {
      acc_.push_back(e_.Alloca(avx2_ ? half_ : vec_, "acc"));
    }
    c_tile_ = e_.Alloca(llvm::ArrayType::get(vec_, kCTileVectors), "c_tile");
    c_tile_->setAlignment(llvm::Align(64));
    // AMX reads whole tiles: up to 16 rows past the gathered ones and up to
    // 60 bytes past the depth of the last row (which meet zero weights).
    const int64_t slack = amx_ ? kAmxTileBytes : 0;
    llvm::AllocaInst* a_tile =
        e_.Alloca(llvm::ArrayType::get(b_.getInt8Ty(), tile_rows_ * depth_ + slack), "a_tile");
    a_tile->setAlignment(llvm::Align(64));
    if (!DeclareParallelColumns()) DeclareParallelTiles();
    if (amx_) LoadAmxConfig();
    ForEachRowTile([&](Value* row0, int64_t rows) {
      gather(a_tile, row0, rows);
      ForEachPanelGroup([&](Value* panel0, int64_t panels, int64_t last_cols) {
        EmitTile(a_tile, row0, rows, panel0, panels, last_cols);
      });
    });
    if (amx_) b_.CreateIntrinsic(llvm::Intrinsic::x86_tilerelease, {}, {});
  }

 private:
  int64_t RowTiles() const { return (s_.m + tile_rows_ - 1) / tile_rows_; }
  int64_t FullPanelGroups() const { return s_.n / kInt8PanelWidth / max_panels_; }
  // Full groups, plus the rest (the partial panel among them) if any.
  int64_t PanelGroups() const {
    return FullPanelGroups() + (PanelCount(s_.n) > FullPanelGroups() * max_panels_ ? 1 : 0);
  }

  // One row tile: threads split the panel groups instead, each streaming its
  // part of B (every thread gathers the same few rows of A).
  bool DeclareParallelColumns() {
    if (!s_.split_rows || RowTiles() != 1 || PanelGroups() < 2 ||
        PackedInt8GemmBytes(s_.n, s_.k) < kMinParallelStreamedBytes) {
      return false;
    }
    tiles_begin_ = e_.I64(0);
    tiles_end_ = e_.I64(1);
    std::tie(groups_begin_, groups_end_) = e_.ParallelRange(PanelGroups());
    return true;
  }

  // Threads split the row tiles: this call runs tiles [tiles_begin_, tiles_end_).
  void DeclareParallelTiles() {
    int64_t tiles = RowTiles();
    if (!s_.split_rows || tiles < 2 || s_.m * s_.n * s_.k < kMinParallelMacs) {
      tiles_begin_ = e_.I64(0);
      tiles_end_ = e_.I64(tiles);
      return;
    }
    std::tie(tiles_begin_, tiles_end_) = e_.ParallelRange(tiles);
  }

  // body(row0, rows): full tiles in a loop, then the short last one if this
  // call owns it.
  void ForEachRowTile(const std::function<void(Value*, int64_t)>& body) {
    int64_t full_tiles = s_.m / tile_rows_;
    Value* full_end = e_.Min(tiles_end_, e_.I64(full_tiles));
    e_.For(tiles_begin_, full_end, 1, [&](Value* t) {
      body(b_.CreateMul(t, e_.I64(tile_rows_)), tile_rows_);
    }, "tile");
    if (s_.m % tile_rows_ > 0) {
      e_.If(b_.CreateICmpSGT(tiles_end_, e_.I64(full_tiles)),
            [&] { body(e_.I64(full_tiles * tile_rows_), s_.m % tile_rows_); });
    }
  }

  // body(first panel, panels, valid columns of the group's last panel):
  // groups of kMaxTilePanels whole panels in a loop, then the rest (which
  // holds the partial panel, if any).
  // With a column split, only the groups [groups_begin_, groups_end_).
  void ForEachPanelGroup(const std::function<void(Value*, int64_t, int64_t)>& body) {
    const int64_t groups = FullPanelGroups();
    Value* begin = groups_begin_ ? groups_begin_ : e_.I64(0);
    Value* end = groups_begin_ ? e_.Min(groups_end_, e_.I64(groups)) : e_.I64(groups);
    if (groups > 0) {
      e_.For(begin, end, 1, [&](Value* g) {
        body(b_.CreateMul(g, e_.I64(max_panels_)), max_panels_, kInt8PanelWidth);
      }, "panels");
    }
    int64_t rest = PanelCount(s_.n) - groups * max_panels_;
    if (rest == 0) return;
    int64_t last_cols = s_.n % kInt8PanelWidth == 0 ? kInt8PanelWidth : s_.n % kInt8PanelWidth;
    auto emit_rest = [&] { body(e_.I64(groups * max_panels_), rest, last_cols); };
    if (!groups_begin_) return emit_rest();
    e_.If(b_.CreateICmpSGT(groups_end_, e_.I64(groups)), emit_rest);
  }

  // acc + dot products of a's and w's byte quads, lane by lane.
  Value* DotQuads(Value* acc, Value* a, Value* w) {
    return b_.CreateIntrinsic(vec_, llvm::Intrinsic::x86_avx512_vpdpbusd_512, {acc, a, w});
  }

  // C[row0 .. row0+rows, panels panel0 ..] in registers, then stored.
  void EmitTile(Value* a_tile, Value* row0, int64_t rows, Value* panel0, int64_t panels,
                int64_t last_cols) {
    Value* group = b_.CreateInBoundsGEP(b_.getInt8Ty(), b_packed_,
                                        b_.CreateMul(panel0, e_.I64(panel_bytes_)));
    Value* col0 = b_.CreateMul(panel0, e_.I64(kInt8PanelWidth));
    switch (kernel_) {
      case Int8Kernel::kAvx2: AccumulateAvx2(a_tile, group, rows, panels); break;
      case Int8Kernel::kVnni: AccumulateVnni(a_tile, group, col0, rows, panels); break;
      case Int8Kernel::kAmx: AccumulateAmx(a_tile, group, rows, panels); break;
    }
    // The accumulators went through the stack to one copy of the store (the
    // requantizing epilogue is long): unrolled per accumulator it would
    // dominate the code. Rows are the inner loop, so the per-column
    // constants of the epilogue (invariant loads) are hoisted out of it.
    const bool partial = last_cols < kInt8PanelWidth;
    e_.ForWithHints(e_.I64(0), e_.I64(panels), kNoUnroll, [&](Value* p) {
      Value* col = b_.CreateAdd(col0, b_.CreateMul(p, e_.I64(kInt8PanelWidth)));
      Value* mask = partial ? ColumnMask(col) : nullptr;
      e_.ForWithHints(e_.I64(0), e_.I64(rows), kNoUnroll, [&](Value* r) {
        Value* i = b_.CreateAdd(b_.CreateMul(r, e_.I64(panels)), p);
        Value* v = b_.CreateAlignedLoad(
            vec_, b_.CreateInBoundsGEP(c_tile_->getAllocatedType(), c_tile_, {e_.I64(0), i}),
            llvm::Align(64));
        if (s_.column_bias != nullptr && kernel_ != Int8Kernel::kVnni) {
          v = b_.CreateAdd(v, ColumnBias(col));
        }
        store_(b_.CreateAdd(row0, r), col, v, mask);
      }, "r");
    }, "p");
  }

  // The column bias of columns col .. col + 15.
  Value* ColumnBias(Value* col) {
    auto* load = b_.CreateAlignedLoad(
        vec_, b_.CreateInBoundsGEP(b_.getInt32Ty(), s_.column_bias, col), llvm::Align(4));
    load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(b_.getContext(), {}));
    return load;
  }

  void AccumulateVnni(Value* a_tile, Value* group, Value* col0, int64_t rows, int64_t panels) {
    auto acc = [&](int64_t r, int64_t p) { return acc_[r * panels + p]; };
    for (int64_t p = 0; p < panels; ++p) {
      Value* start = s_.column_bias == nullptr
                         ? llvm::ConstantAggregateZero::get(vec_)
                         : ColumnBias(b_.CreateAdd(col0, e_.I64(p * kInt8PanelWidth)));
      for (int64_t r = 0; r < rows; ++r) b_.CreateStore(start, acc(r, p));
    }
    e_.ForWithHints(e_.I64(0), e_.I64(quads_), kNoUnroll, [&](Value* q) {
      std::vector<Value*> w;
      for (int64_t p = 0; p < panels; ++p) {
        Value* off = b_.CreateAdd(b_.CreateMul(q, e_.I64(64)), e_.I64(p * panel_bytes_));
        w.push_back(b_.CreateAlignedLoad(vec_, b_.CreateInBoundsGEP(b_.getInt8Ty(), group, off),
                                         llvm::Align(64)));
      }
      for (int64_t r = 0; r < rows; ++r) {
        Value* off = b_.CreateAdd(b_.CreateMul(q, e_.I64(4)), e_.I64(r * depth_));
        Value* quad = b_.CreateAlignedLoad(
            b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), a_tile, off), llvm::Align(4));
        Value* a = b_.CreateVectorSplat(16, quad);
        for (int64_t p = 0; p < panels; ++p) {
          b_.CreateStore(DotQuads(b_.CreateLoad(vec_, acc(r, p)), a, w[p]), acc(r, p));
        }
      }
    }, "k");
    for (int64_t i = 0; i < rows * panels; ++i) {
      b_.CreateAlignedStore(b_.CreateLoad(vec_, acc_[i]), CTile(i), llvm::Align(64));
    }
  }

  // AVX2 without VNNI: vpmaddwd of s8 weights and u8 activations, both
  // widened to i16, sums pairs of products exactly (unlike vpmaddubsw,
  // which saturates). The weights keep the VNNI packing: a panel's quad is
  // 4 vectors of 4 columns x 4 k; a row's quad of A, widened, is repeated
  // across the 16 words, so accumulator v of a (row, panel) holds two
  // partial sums (k pairs 0-1 and 2-3) of each of columns 4v .. 4v+3.
  void AccumulateAvx2(Value* a_tile, Value* group, int64_t rows, int64_t panels) {
    Value* zero = llvm::ConstantAggregateZero::get(half_);
    auto acc = [&](int64_t r, int64_t p, int64_t v) {
      return acc_[(r * panels + p) * kAvx2VectorsPerQuad + v];
    };
    const int64_t count = rows * panels * kAvx2VectorsPerQuad;
    for (int64_t i = 0; i < count; ++i) b_.CreateStore(zero, acc_[i]);
    auto* bytes16 = llvm::FixedVectorType::get(b_.getInt8Ty(), 16);
    auto* bytes4 = llvm::FixedVectorType::get(b_.getInt8Ty(), 4);
    const std::vector<int> repeat{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
    e_.ForWithHints(e_.I64(0), e_.I64(quads_), kNoUnroll, [&](Value* q) {
      std::vector<Value*> a;
      for (int64_t r = 0; r < rows; ++r) {
        Value* off = b_.CreateAdd(b_.CreateMul(q, e_.I64(4)), e_.I64(r * depth_));
        Value* quad = b_.CreateAlignedLoad(
            bytes4, b_.CreateInBoundsGEP(b_.getInt8Ty(), a_tile, off), llvm::Align(4));
        Value* wide = b_.CreateZExt(quad, llvm::FixedVectorType::get(b_.getInt16Ty(), 4));
        a.push_back(b_.CreateShuffleVector(wide, repeat));
      }
      for (int64_t p = 0; p < panels; ++p) {
        for (int64_t v = 0; v < kAvx2VectorsPerQuad; ++v) {
          Value* off = b_.CreateAdd(b_.CreateMul(q, e_.I64(64)),
                                    e_.I64(p * panel_bytes_ + v * 16));
          Value* w = b_.CreateSExt(
              b_.CreateAlignedLoad(bytes16, b_.CreateInBoundsGEP(b_.getInt8Ty(), group, off),
                                   llvm::Align(16)),
              words_);
          for (int64_t r = 0; r < rows; ++r) {
            Value* dot = b_.CreateIntrinsic(half_, llvm::Intrinsic::x86_avx2_pmadd_wd, {w, a[r]});
            Value* sum = b_.CreateAdd(b_.CreateLoad(half_, acc(r, p, v)), dot);
            b_.CreateStore(sum, acc(r, p, v));
          }
        }
      }
    }, "k");
    // Each column's two partial sums are adjacent lanes of the 32.
    std::vector<int> lo, even, odd;
    for (int i = 0; i < 16; ++i) lo.push_back(i);
    for (int i = 0; i < 16; ++i) even.push_back(2 * i);
    for (int i = 0; i < 16; ++i) odd.push_back(2 * i + 1);
    for (int64_t i = 0; i < rows * panels; ++i) {
      auto v = [&](int64_t j) { return b_.CreateLoad(half_, acc_[i * kAvx2VectorsPerQuad + j]); };
      Value* first = b_.CreateShuffleVector(v(0), v(1), lo);
      Value* second = b_.CreateShuffleVector(v(2), v(3), lo);
      Value* all = b_.CreateShuffleVector(first, second, [] {
        std::vector<int> m;
        for (int j = 0; j < 32; ++j) m.push_back(j);
        return m;
      }());
      Value* cols = b_.CreateAdd(b_.CreateShuffleVector(all, even), b_.CreateShuffleVector(all, odd));
      b_.CreateAlignedStore(cols, CTile(i), llvm::Align(64));
    }
  }

  // Every tile register 16 rows x 64 bytes (palette 1): the shapes are
  // whole tiles, their tails never stored or meeting zeros.
  void LoadAmxConfig() {
    std::vector<uint8_t> config(64, 0);
    config[0] = 1;  // palette
    for (int t = 0; t < 8; ++t) {
      config[16 + 2 * t] = kAmxTileBytes;  // colsb, u16 little-endian
      config[48 + t] = kAmxTileRows;
    }
    auto* type = llvm::ArrayType::get(b_.getInt8Ty(), config.size());
    llvm::AllocaInst* slot = e_.Alloca(type, "tile_config");
    slot->setAlignment(llvm::Align(64));
    b_.CreateAlignedStore(llvm::ConstantDataArray::get(b_.getContext(), config), slot,
                          llvm::Align(64));
    b_.CreateIntrinsic(llvm::Intrinsic::x86_ldtilecfg, {}, {slot});
  }

  // Tile registers: C of (A tile h, panel p) in h * 2 + p, A tile h in
  // 4 + h, panel p's B tile in 6 + p. A second A tile only when the rows
  // reach it. C goes to c_tile_ as row r, panel p = vector r * panels + p.
  void AccumulateAmx(Value* a_tile, Value* group, int64_t rows, int64_t panels) {
    const int64_t row_tiles = (rows + kAmxTileRows - 1) / kAmxTileRows;
    auto c_reg = [&](int64_t h, int64_t p) { return b_.getInt8(h * kAmxPanels + p); };
    auto a_reg = [&](int64_t h) { return b_.getInt8(4 + h); };
    auto b_reg = [&](int64_t p) { return b_.getInt8(6 + p); };
    for (int64_t h = 0; h < row_tiles; ++h) {
      for (int64_t p = 0; p < panels; ++p) {
        b_.CreateIntrinsic(llvm::Intrinsic::x86_tilezero, {}, {c_reg(h, p)});
      }
    }
    const int64_t k_tiles = panel_bytes_ / (kAmxTileRows * kAmxTileBytes);
    e_.ForWithHints(e_.I64(0), e_.I64(k_tiles), kNoUnroll, [&](Value* t) {
      for (int64_t h = 0; h < row_tiles; ++h) {
        Value* off = b_.CreateAdd(b_.CreateMul(t, e_.I64(kAmxTileBytes)),
                                  e_.I64(h * kAmxTileRows * depth_));
        TileLoad(a_reg(h), b_.CreateInBoundsGEP(b_.getInt8Ty(), a_tile, off), depth_);
      }
      for (int64_t p = 0; p < panels; ++p) {
        Value* off = b_.CreateAdd(b_.CreateMul(t, e_.I64(kAmxTileRows * kAmxTileBytes)),
                                  e_.I64(p * panel_bytes_));
        TileLoad(b_reg(p), b_.CreateInBoundsGEP(b_.getInt8Ty(), group, off), kAmxTileBytes);
      }
      for (int64_t h = 0; h < row_tiles; ++h) {
        for (int64_t p = 0; p < panels; ++p) {
          b_.CreateIntrinsic(llvm::Intrinsic::x86_tdpbusd, {}, {c_reg(h, p), a_reg(h), b_reg(p)});
        }
      }
    }, "k");
    for (int64_t h = 0; h < row_tiles; ++h) {
      for (int64_t p = 0; p < panels; ++p) {
        b_.CreateIntrinsic(llvm::Intrinsic::x86_tilestored64, {},
                           {c_reg(h, p), CTile(h * kAmxTileRows * panels + p),
                            e_.I64(panels * kAmxTileBytes)});
      }
    }
  }

  void TileLoad(Value* reg, Value* ptr, int64_t stride) {
    b_.CreateIntrinsic(llvm::Intrinsic::x86_tileloadd64, {}, {reg, ptr, e_.I64(stride)});
  }

  Value* CTile(int64_t i) {
    return b_.CreateConstInBoundsGEP2_64(c_tile_->getAllocatedType(), c_tile_, 0, i);
  }

  // The lanes of the panel starting at column col that are below n.
  Value* ColumnMask(Value* col) {
    std::vector<llvm::Constant*> lanes;
    for (int64_t c = 0; c < kInt8PanelWidth; ++c) lanes.push_back(b_.getInt64(c));
    Value* left = b_.CreateVectorSplat(kInt8PanelWidth, b_.CreateSub(e_.I64(s_.n), col));
    return b_.CreateICmpSLT(llvm::ConstantVector::get(lanes), left);
  }

  KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  Value* b_packed_;
  const Int8GemmShape& s_;
  const Int8TileStoreFn& store_;
  Int8Kernel kernel_;
  bool avx2_, amx_;
  int64_t max_panels_;
  int64_t depth_, quads_;
  int64_t panel_bytes_;  // one packed panel of B
  int64_t tile_rows_;
  llvm::FixedVectorType* vec_;   // <16 x i32>: a panel's columns
  llvm::FixedVectorType* half_;  // <8 x i32>: an AVX2 accumulator
  llvm::FixedVectorType* words_;  // <16 x i16>: widened weights
  std::vector<llvm::AllocaInst*> acc_;
  llvm::AllocaInst* c_tile_ = nullptr;
  Value* tiles_begin_ = nullptr;
  Value* tiles_end_ = nullptr;
  Value* groups_begin_ = nullptr;  // split panel groups (DeclareParallelColumns), or null
  Value* groups_end_ = nullptr;
};

}  // namespace

int64_t Int8GemmDepth(int64_t k) { return (k + 3) / 4 * 4; }

int64_t Int8GemmPanelBytes(int64_t k) {
  constexpr int64_t tile_quads = kAmxTileRows;
  const int64_t quads = Int8GemmDepth(k) / 4;
  return (quads + tile_quads - 1) / tile_quads * tile_quads * kAmxTileBytes;
}

size_t PackedInt8GemmBytes(int64_t n, int64_t k) {
  return static_cast<size_t>(PanelCount(n) * Int8GemmPanelBytes(k));
}

void PackInt8GemmWeightsTransposed(const int8_t* w, int64_t n, int64_t k, int8_t* out) {
  std::memset(out, 0, PackedInt8GemmBytes(n, k));
  for (int64_t col = 0; col < n; ++col) {
    int8_t* panel = out + col / kInt8PanelWidth * Int8GemmPanelBytes(k) + col % kInt8PanelWidth * 4;
    for (int64_t kk = 0; kk < k; ++kk) panel[kk / 4 * 64 + kk % 4] = w[col * k + kk];
  }
}

void EmitInt8Gemm(KernelEmitter& e, const Int8GatherFn& gather, Value* b_packed,
                  const Int8GemmShape& shape, const Int8TileStoreFn& store) {
  UseWideVectors(*e.b().GetInsertBlock()->getParent());
  Int8Kernel kernel = Int8Kernel::kAvx2;
  if (e.target().amx_int8 && shape.m >= kMinAmxRows && Int8GemmDepth(shape.k) >= kMinAmxDepth) {
    kernel = Int8Kernel::kAmx;
  } else if (e.target().avx512_vnni) {
    kernel = Int8Kernel::kVnni;
  }
  Int8GemmEmitter(e, b_packed, shape, store, kernel).Emit(gather);
}

bool AmxInt8Usable() {
  const char* env = std::getenv("JITLITE_AMX");
  if (env && std::string(env) == "0") return false;
  // Without the permission the first tile load faults (SIGILL).
  static const bool permitted = [] {
#if defined(__linux__) && defined(__x86_64__)
    constexpr long kArchReqXcompPerm = 0x1023;
    constexpr long kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
    return false;
#endif
  }();
  return permitted;
}

bool Int8GemmSupported(KernelEmitter& e) {
  if (e.target().avx512_vnni) return true;
  const char* avx2_kernel = std::getenv("JITLITE_INT8_GEMM_AVX2");
  if (avx2_kernel && std::string(avx2_kernel) == "0") return false;
  return e.target().avx2;
}

}  // namespace jitlite::jit
