// The int8 VNNI GEMM microkernel (see jit/qgemm.h).
#include "jit/qgemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

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

int64_t PanelCount(int64_t n) { return (n + kInt8PanelWidth - 1) / kInt8PanelWidth; }

// Rows per tile: as many as the widest panel group leaves accumulators for.
int64_t TileRows(const Int8GemmShape& s, int64_t max_panels, int64_t max_pairs) {
  int64_t panels = std::min(PanelCount(s.n), max_panels);
  return std::max<int64_t>(1, std::min(max_pairs / panels, s.m));
}

class Int8GemmEmitter {
 public:
  Int8GemmEmitter(KernelEmitter& e, Value* b_packed, const Int8GemmShape& s,
                  const Int8TileStoreFn& store, bool avx2)
      : e_(e), b_(e.b()), b_packed_(b_packed), s_(s), store_(store), avx2_(avx2),
        max_panels_(avx2 ? kMaxTilePanelsAvx2 : kMaxTilePanels), depth_(Int8GemmDepth(s.k)),
        quads_(depth_ / 4),
        tile_rows_(TileRows(s, max_panels_, avx2 ? kMaxTilePairsAvx2 : kMaxTileAccumulators)),
        vec_(llvm::FixedVectorType::get(b_.getInt32Ty(), 16)),
        half_(llvm::FixedVectorType::get(b_.getInt32Ty(), 8)),
        words_(llvm::FixedVectorType::get(b_.getInt16Ty(), 16)) {}

  // Each gathered tile of A rows meets every panel of B.
  void Emit(const Int8GatherFn& gather) {
    for (int64_t i = 0; i < kMaxTileAccumulators; ++i) {
      acc_.push_back(e_.Alloca(avx2_ ? half_ : vec_, "acc"));
    }
    c_tile_ = e_.Alloca(llvm::ArrayType::get(vec_, kMaxTileAccumulators), "c_tile");
    c_tile_->setAlignment(llvm::Align(64));
    llvm::AllocaInst* a_tile =
        e_.Alloca(llvm::ArrayType::get(b_.getInt8Ty(), tile_rows_ * depth_), "a_tile");
    a_tile->setAlignment(llvm::Align(64));
    DeclareParallelTiles();
    ForEachRowTile([&](Value* row0, int64_t rows) {
      gather(a_tile, row0, rows);
      ForEachPanelGroup([&](Value* panel0, int64_t panels, int64_t last_cols) {
        EmitTile(a_tile, row0, rows, panel0, panels, last_cols);
      });
    });
  }

 private:
  // Threads split the row tiles: this call runs tiles [tiles_begin_, tiles_end_).
  void DeclareParallelTiles() {
    int64_t tiles = (s_.m + tile_rows_ - 1) / tile_rows_;
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
  void ForEachPanelGroup(const std::function<void(Value*, int64_t, int64_t)>& body) {
    int64_t full_panels = s_.n / kInt8PanelWidth;
    int64_t groups = full_panels / max_panels_;
    if (groups > 0) {
      e_.For(0, groups, 1, [&](Value* g) {
        body(b_.CreateMul(g, e_.I64(max_panels_)), max_panels_, kInt8PanelWidth);
      }, "panels");
    }
    int64_t rest = PanelCount(s_.n) - groups * max_panels_;
    if (rest == 0) return;
    int64_t last_cols = s_.n % kInt8PanelWidth == 0 ? kInt8PanelWidth : s_.n % kInt8PanelWidth;
    body(e_.I64(groups * max_panels_), rest, last_cols);
  }

  // acc + dot products of a's and w's byte quads, lane by lane.
  Value* DotQuads(Value* acc, Value* a, Value* w) {
    return b_.CreateIntrinsic(vec_, llvm::Intrinsic::x86_avx512_vpdpbusd_512, {acc, a, w});
  }

  // C[row0 .. row0+rows, panels panel0 ..] in registers, then stored.
  void EmitTile(Value* a_tile, Value* row0, int64_t rows, Value* panel0, int64_t panels,
                int64_t last_cols) {
    Value* group = b_.CreateInBoundsGEP(b_.getInt8Ty(), b_packed_,
                                        b_.CreateMul(panel0, e_.I64(quads_ * 64)));
    if (avx2_) {
      AccumulateAvx2(a_tile, group, rows, panels);
    } else {
      AccumulateVnni(a_tile, group, rows, panels);
    }
    // The accumulators went through the stack to one copy of the store (the
    // requantizing epilogue is long): unrolled per accumulator it would
    // dominate the code. Rows are the inner loop, so the per-column
    // constants of the epilogue (invariant loads) are hoisted out of it.
    Value* col0 = b_.CreateMul(panel0, e_.I64(kInt8PanelWidth));
    const bool partial = last_cols < kInt8PanelWidth;
    e_.ForWithHints(e_.I64(0), e_.I64(panels), kNoUnroll, [&](Value* p) {
      Value* col = b_.CreateAdd(col0, b_.CreateMul(p, e_.I64(kInt8PanelWidth)));
      Value* mask = partial ? ColumnMask(col) : nullptr;
      e_.ForWithHints(e_.I64(0), e_.I64(rows), kNoUnroll, [&](Value* r) {
        Value* i = b_.CreateAdd(b_.CreateMul(r, e_.I64(panels)), p);
        Value* v = b_.CreateAlignedLoad(
            vec_, b_.CreateInBoundsGEP(c_tile_->getAllocatedType(), c_tile_, {e_.I64(0), i}),
            llvm::Align(64));
        store_(b_.CreateAdd(row0, r), col, v, mask);
      }, "r");
    }, "p");
  }

  void AccumulateVnni(Value* a_tile, Value* group, int64_t rows, int64_t panels) {
    Value* zero = llvm::ConstantAggregateZero::get(vec_);
    auto acc = [&](int64_t r, int64_t p) { return acc_[r * panels + p]; };
    for (int64_t i = 0; i < rows * panels; ++i) b_.CreateStore(zero, acc_[i]);
    e_.ForWithHints(e_.I64(0), e_.I64(quads_), kNoUnroll, [&](Value* q) {
      std::vector<Value*> w;
      for (int64_t p = 0; p < panels; ++p) {
        Value* off = b_.CreateAdd(b_.CreateMul(q, e_.I64(64)), e_.I64(p * quads_ * 64));
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
                                    e_.I64(p * quads_ * 64 + v * 16));
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
  bool avx2_;
  int64_t max_panels_;
  int64_t depth_, quads_;
  int64_t tile_rows_;
  llvm::FixedVectorType* vec_;   // <16 x i32>: a panel's columns
  llvm::FixedVectorType* half_;  // <8 x i32>: an AVX2 accumulator
  llvm::FixedVectorType* words_;  // <16 x i16>: widened weights
  std::vector<llvm::AllocaInst*> acc_;
  llvm::AllocaInst* c_tile_ = nullptr;
  Value* tiles_begin_ = nullptr;
  Value* tiles_end_ = nullptr;
};

}  // namespace

int64_t Int8GemmDepth(int64_t k) { return (k + 3) / 4 * 4; }

size_t PackedInt8GemmBytes(int64_t n, int64_t k) {
  return static_cast<size_t>(PanelCount(n) * Int8GemmDepth(k) * kInt8PanelWidth);
}

void PackInt8GemmWeightsTransposed(const int8_t* w, int64_t n, int64_t k, int8_t* out) {
  const int64_t quads = Int8GemmDepth(k) / 4;
  std::memset(out, 0, PackedInt8GemmBytes(n, k));
  for (int64_t col = 0; col < n; ++col) {
    int8_t* panel = out + col / kInt8PanelWidth * quads * 64 + col % kInt8PanelWidth * 4;
    for (int64_t kk = 0; kk < k; ++kk) panel[kk / 4 * 64 + kk % 4] = w[col * k + kk];
  }
}

void EmitInt8Gemm(KernelEmitter& e, const Int8GatherFn& gather, Value* b_packed,
                  const Int8GemmShape& shape, const Int8TileStoreFn& store) {
  UseWideVectors(*e.b().GetInsertBlock()->getParent());
  const bool avx2 = !e.target().avx512_vnni;
  Int8GemmEmitter(e, b_packed, shape, store, avx2).Emit(gather);
}

bool Int8GemmSupported(KernelEmitter& e) {
  if (e.target().avx512_vnni) return true;
  const char* avx2_kernel = std::getenv("JITLITE_INT8_GEMM_AVX2");
  if (avx2_kernel && std::string(avx2_kernel) == "0") return false;
  return e.target().avx2;
}

}  // namespace jitlite::jit
