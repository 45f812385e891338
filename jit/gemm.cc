// The fp32 GEMM microkernel (see jit/gemm.h).
#include "jit/gemm.h"
#include "jit/vector_io.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "llvm/IR/Intrinsics.h"

namespace jitlite::jit {
namespace {

using llvm::Value;

// AVX-512: a tile of up to 12 rows x 2 panels (32 columns) keeps 24
// accumulators, 2 B vectors and a broadcast in the 32 zmm registers. Each k
// step then loads 12 + 2 vectors for 24 FMAs, so the two load ports keep up
// with the two FMA ports (14 x 1 panel needs 15 loads for 14 FMAs).
constexpr int64_t kMaxTileRows = 12;
constexpr int64_t kMaxTilePanels = 2;
// AVX2: 6 accumulators of two ymm each + B (2) + a broadcast fit 16 ymm; 14
// rows there spill accumulators (Zen 3: transformer_encoder 1.3x slower).
constexpr int64_t kMaxTileRowsAvx2 = 6;
constexpr int64_t kMaxTilePanelsAvx2 = 6;
// Rows (x 2 ymm accumulators) that cover the FMA latency x ports (4 x 2).
constexpr int64_t kMinFullRateRowsAvx2 = 4;
// Rows of A exactly a multiple of 4 KiB apart map to the same L1 sets: a
// taller tile would evict its own rows.
constexpr int64_t kAliasingTileRows = 8;
// Multiply-adds below which a GEMM runs on one thread (~20 us of work: less
// than that, waking another thread costs about as much as it saves).
constexpr int64_t kMinParallelMacs = 1 << 21;
// Packed B is prefetched this many k steps (16-float rows) ahead: in a
// model the weights of the next GEMM are rarely in L2 (transformer_encoder's
// are 12 MiB), and the first row tile over a panel would wait on L3 at each
// new line (~5% on its 128 x 256 x 1024 FCs; hot B loses nothing).
constexpr int64_t kPrefetchRows = 16;
// Packed B up to this size stays in L2 while row tiles sweep it.
constexpr size_t kRowTileOuterMaxBBytes = 512 << 10;

// The JIT target's (host or chosen CPU) register file sets the tile height;
// rows are then spread evenly over the tiles (49 rows: 5 tiles of 10, not
// 4 of 12 and one of 1).
int64_t TileRows(const TargetTraits& target, const GemmShape& s) {
  int64_t rows = target.avx512f ? kMaxTileRows : kMaxTileRowsAvx2;
  if ((s.a_row_stride * 4) % 4096 == 0) rows = std::min(rows, kAliasingTileRows);
  int64_t m = std::max<int64_t>(1, s.m);
  int64_t tiles = (m + rows - 1) / rows;
  int64_t spread = (m + tiles - 1) / tiles;
  if (target.avx512f || m <= kMaxTileRowsAvx2) return spread;
  // AVX2: a last tile under kMinFullRateRowsAvx2 rows waits on FMA latency
  // about as long as a full one takes (49 rows as 8 x 6 + 1 cost 9 full
  // tiles); take the height whose tiles, so counted, cost least.
  auto cost = [&](int64_t r) {
    return (m / r) * r + (m % r == 0 ? 0 : std::max(m % r, kMinFullRateRowsAvx2));
  };
  int64_t best = spread;
  for (int64_t r = spread - 1; r >= kMinFullRateRowsAvx2; --r) {
    if (cost(r) < cost(best)) best = r;
  }
  return best;
}

// AVX2 tiles of few rows (an FC on one row) take more panels instead, up to
// the same 6 x 2 ymm accumulators: a 1 x 1 panel tile is 2 FMA chains, each
// waiting on its FMA's latency (MobileNetV2's 1x1280->1000 FC ran at 5
// GFLOP/s on Zen 3).
int64_t TilePanels(const TargetTraits& target, int64_t tile_rows) {
  if (target.avx512f) return kMaxTilePanels;
  return std::clamp<int64_t>(kMaxTileRowsAvx2 / tile_rows, 1, kMaxTilePanelsAvx2);
}

class GemmEmitter {
 public:
  GemmEmitter(KernelEmitter& e, Value* a, Value* b_packed, const GemmShape& s,
              const GemmStoreFn& store, const GemmDirectStore* direct)
      : e_(e), b_(e.b()), a_(a), b_packed_(b_packed), s_(s), store_(store), direct_(direct),
        tile_rows_(TileRows(e.target(), s)), tile_panels_(TilePanels(e.target(), tile_rows_)),
        vec_(llvm::FixedVectorType::get(b_.getFloatTy(), 16)) {}

  // A read in place. A packed B that fits in L2 is swept once per row tile,
  // so each A tile is read from memory once and C is written row by row;
  // a bigger B is read once, panel by panel, while the row tiles stream.
  void Emit() {
    AllocateTiles();
    if (!DeclareParallelColumns()) DeclareParallelTiles();
    if (s_.b_row_stride == 0 && PackedGemmBytes(s_.n, s_.k) <= kRowTileOuterMaxBBytes) {
      ForEachRowTile([&](Value* row0, int64_t rows) {
        Value* a_tile = b_.CreateInBoundsGEP(b_.getFloatTy(), a_,
                                             b_.CreateMul(row0, e_.I64(s_.a_row_stride)));
        ForEachPanel([&](Value* panel, int64_t cols) {
          EmitTile(a_tile, row0, rows, panel, cols);
        });
      });
      return;
    }
    ForEachPanel([&](Value* panel, int64_t cols) { EmitPanel(panel, cols); });
  }

  // Per batch: its operands, then its tiles, row tile by row tile when B fits
  // in L2 (as Emit: C is then written in whole rows; column strips of a big
  // C, attention scores 335 x 335 per batch, missed the cache on every line,
  // 4x slower); the parallel items are (batch, row tile) pairs, or whole
  // batches.
  void EmitBatched(int64_t batches, bool split_rows, const GemmOperandsFn& operands,
                   const GemmRowsDoneFn& rows_done) {
    AllocateTiles();
    const int64_t tiles = TileCount();
    const int64_t tiles_per_item = split_rows ? 1 : tiles;
    const int64_t items = batches * tiles / tiles_per_item;
    Value* begin = e_.I64(0);
    Value* end = e_.I64(items);
    if (items >= 2 && batches * s_.m * s_.n * s_.k >= kMinParallelMacs) {
      std::tie(begin, end) = e_.ParallelRange(items);
    }
    Value* t_begin = b_.CreateMul(begin, e_.I64(tiles_per_item));
    Value* t_end = b_.CreateMul(end, e_.I64(tiles_per_item));
    Value* first = b_.CreateUDiv(t_begin, e_.I64(tiles));
    Value* last = b_.CreateUDiv(b_.CreateAdd(t_end, e_.I64(tiles - 1)), e_.I64(tiles));
    e_.For(first, last, 1, [&](Value* batch) {
      Value* base = b_.CreateMul(batch, e_.I64(tiles));
      tiles_begin_ = e_.Max(b_.CreateSub(t_begin, base), e_.I64(0));
      tiles_end_ = e_.Min(b_.CreateSub(t_end, base), e_.I64(tiles));
      std::tie(a_, b_packed_) = operands(batch);
      row_base_ = b_.CreateMul(batch, e_.I64(s_.m));
      if (!BFitsL2()) {
        ForEachPanel([&](Value* panel, int64_t cols) { EmitPanel(panel, cols); });
        if (rows_done) {
          ForEachRowTile([&](Value* row0, int64_t rows) { rows_done(OutputRow(row0), rows); });
        }
        return;
      }
      ForEachRowTile([&](Value* row0, int64_t rows) {
        Value* a_tile = b_.CreateInBoundsGEP(b_.getFloatTy(), a_,
                                             b_.CreateMul(row0, e_.I64(s_.a_row_stride)));
        ForEachPanel([&](Value* panel, int64_t cols) { EmitTile(a_tile, row0, rows, panel, cols); });
        if (rows_done) rows_done(OutputRow(row0), rows);
      });
    }, "batch");
  }

  // A gathered one row tile at a time, which then meets every B panel.
  void EmitGathered(const GemmGatherFn& gather) {
    AllocateTiles();
    llvm::AllocaInst* a_tile =
        e_.Alloca(llvm::ArrayType::get(b_.getFloatTy(), tile_rows_ * s_.k), "a_tile");
    a_tile->setAlignment(llvm::Align(64));
    auto row_tile = [&](Value* row0, int64_t rows) {
      gather(a_tile, row0, rows);
      ForEachPanel([&](Value* panel, int64_t cols) { EmitTile(a_tile, row0, rows, panel, cols); });
    };
    DeclareParallelTiles();
    ForEachRowTile(row_tile);
  }

 private:
  // Threads split the row tiles: this call runs tiles [tiles_begin_, tiles_end_).
  // Small GEMMs stay on one thread: waking others costs more than they save.

  // Whether B (packed, or read in place) stays in L2 while row tiles sweep it.
  bool BFitsL2() const { return BBytes() <= kRowTileOuterMaxBBytes; }
  size_t BBytes() const {
    return s_.b_row_stride == 0 ? PackedGemmBytes(s_.n, s_.k)
                                : static_cast<size_t>(s_.k * s_.b_row_stride * 4);
  }
  int64_t TileCount() const { return s_.m / tile_rows_ + (s_.m % tile_rows_ > 0 ? 1 : 0); }

  // One row tile (an FC on a single row): threads split the column groups
  // instead, each streaming its part of B. Such a GEMM waits on B, not on
  // its multiply-adds, so B's size says whether that pays.
  bool DeclareParallelColumns() {
    const int64_t groups = (s_.n + TileWidth() - 1) / TileWidth();
    if (TileCount() != 1 || groups < 2 || BBytes() < kMinParallelStreamedBytes) return false;
    tiles_begin_ = e_.I64(0);
    tiles_end_ = e_.I64(1);
    std::tie(groups_begin_, groups_end_) = e_.ParallelRange(groups);
    return true;
  }

  void DeclareParallelTiles() {
    int64_t tiles = TileCount();
    if (tiles < 2 || s_.m * s_.n * s_.k < kMinParallelMacs) {
      tiles_begin_ = e_.I64(0);
      tiles_end_ = e_.I64(tiles);
      return;
    }
    std::tie(tiles_begin_, tiles_end_) = e_.ParallelRange(tiles);
  }

  // body(row0, rows) for this call's row tiles: full ones in a loop, then the
  // short last one if this call owns it.
  void ForEachRowTile(const std::function<void(Value*, int64_t)>& body) {
    int64_t full_tiles = s_.m / tile_rows_;
    Value* full_end = b_.CreateSelect(b_.CreateICmpSLT(tiles_end_, e_.I64(full_tiles)), tiles_end_,
                                      e_.I64(full_tiles));
    e_.For(tiles_begin_, full_end, 1, [&](Value* t) {
      body(b_.CreateMul(t, e_.I64(tile_rows_)), tile_rows_);
    }, "tile");
    if (s_.m % tile_rows_ > 0) {
      e_.If(b_.CreateICmpSGT(tiles_end_, e_.I64(full_tiles)),
            [&] { body(e_.I64(full_tiles * tile_rows_), s_.m % tile_rows_); });
    }
  }

  int64_t TileWidth() const { return tile_panels_ * kGemmPanelWidth; }

  // Accumulator of tile row r, panel p of the tile.
  llvm::AllocaInst* Acc(int64_t r, int64_t p) { return acc_[r * tile_panels_ + p]; }

  void AllocateTiles() {
    for (int64_t i = 0; i < tile_rows_ * tile_panels_; ++i) acc_.push_back(e_.Alloca(vec_, "acc"));
    tile_ = e_.Alloca(llvm::ArrayType::get(b_.getFloatTy(), tile_rows_ * TileWidth()), "tile");
    tile_->setAlignment(llvm::Align(64));
  }

  // body(first panel, cols) over column groups of up to tile_panels_ panels:
  // full groups in a loop, then the partial one (cols < TileWidth()).
  // When the column groups are split, only this call's [groups_begin_, groups_end_).
  void ForEachPanel(const std::function<void(Value*, int64_t)>& body) {
    int64_t full_groups = s_.n / TileWidth();
    int64_t last_cols = s_.n % TileWidth();
    Value* begin = groups_begin_ ? groups_begin_ : e_.I64(0);
    Value* full_end = groups_end_ ? e_.Min(groups_end_, e_.I64(full_groups)) : e_.I64(full_groups);
    e_.For(begin, full_end, 1, [&](Value* g) {
      body(b_.CreateMul(g, e_.I64(tile_panels_)), TileWidth());
    }, "panel");
    if (last_cols == 0) return;
    auto last = [&] { body(e_.I64(full_groups * tile_panels_), last_cols); };
    if (groups_end_ == nullptr) {
      last();
    } else {
      e_.If(b_.CreateICmpSGT(groups_end_, e_.I64(full_groups)), last);
    }
  }

  // Valid columns of panel p of a tile with `cols` columns (0: none).
  static int64_t PanelCols(int64_t cols, int64_t p) {
    return std::clamp<int64_t>(cols - p * kGemmPanelWidth, 0, kGemmPanelWidth);
  }

  // Packed: panel p's k x 16 block; in place: B's column 16p.
  Value* PanelPtr(Value* panel) {
    int64_t panel_stride = s_.b_row_stride > 0 ? kGemmPanelWidth : s_.k * kGemmPanelWidth;
    return b_.CreateInBoundsGEP(b_.getFloatTy(), b_packed_,
                                b_.CreateMul(panel, e_.I64(panel_stride)));
  }

  // B's 16 values at row kk of a panel (zero past n).
  Value* LoadPanelRow(Value* bp, Value* kk, int64_t cols) {
    if (s_.b_row_stride == 0) {
      Value* ptr = b_.CreateInBoundsGEP(b_.getFloatTy(), bp,
                                        b_.CreateMul(kk, e_.I64(kGemmPanelWidth)));
      PrefetchAhead(ptr);
      return b_.CreateAlignedLoad(vec_, ptr, llvm::Align(4));
    }
    Value* ptr = b_.CreateInBoundsGEP(b_.getFloatTy(), bp, b_.CreateMul(kk, e_.I64(s_.b_row_stride)));
    return LoadColumns(ptr, cols < kGemmPanelWidth ? ColumnMask(cols) : nullptr);
  }

  // Packed B's line kPrefetchRows k steps ahead, into L1 (a prefetch never
  // faults, so reading past the panel's end is harmless).
  void PrefetchAhead(Value* ptr) {
    Value* ahead = b_.CreateGEP(b_.getFloatTy(), ptr, e_.I64(kPrefetchRows * kGemmPanelWidth));
    b_.CreateIntrinsic(llvm::Intrinsic::prefetch, {ahead->getType()},
                       {ahead, b_.getInt32(0), b_.getInt32(3), b_.getInt32(1)});
  }

  // The flattened output row of tile row `row` (batched GEMMs stack batches).
  Value* OutputRow(Value* row) { return row_base_ ? b_.CreateAdd(row_base_, row) : row; }

  // All row tiles of one column group of `cols` valid columns.
  void EmitPanel(Value* panel, int64_t cols) {
    ForEachRowTile([&](Value* row0, int64_t rows) {
      Value* a_tile = b_.CreateInBoundsGEP(b_.getFloatTy(), a_,
                                           b_.CreateMul(row0, e_.I64(s_.a_row_stride)));
      EmitTile(a_tile, row0, rows, panel, cols);
    });
  }

  // C[row0 .. row0+rows, 16 panel .. 16 panel + cols] in registers, then
  // stored; a_tile points to A's row row0 (row stride a_row_stride).
  void EmitTile(Value* a_tile, Value* row0, int64_t rows, Value* panel, int64_t cols) {
    const int64_t panels = (cols + kGemmPanelWidth - 1) / kGemmPanelWidth;
    Value* col0 = b_.CreateMul(panel, e_.I64(kGemmPanelWidth));
    std::vector<Value*> bp;
    for (int64_t p = 0; p < panels; ++p) bp.push_back(PanelPtr(b_.CreateAdd(panel, e_.I64(p))));
    Value* zero = llvm::ConstantAggregateZero::get(vec_);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t p = 0; p < panels; ++p) b_.CreateStore(zero, Acc(r, p));
    }
    e_.For(0, s_.k, 1, [&](Value* kk) {
      std::vector<Value*> bv;
      for (int64_t p = 0; p < panels; ++p) bv.push_back(LoadPanelRow(bp[p], kk, PanelCols(cols, p)));
      Value* a_k = b_.CreateMul(kk, e_.I64(s_.a_k_stride));
      for (int64_t r = 0; r < rows; ++r) {
        Value* off = b_.CreateAdd(a_k, e_.I64(r * s_.a_row_stride));
        Value* av = b_.CreateLoad(b_.getFloatTy(), b_.CreateInBoundsGEP(b_.getFloatTy(), a_tile, off));
        Value* splat = b_.CreateVectorSplat(16, av);
        for (int64_t p = 0; p < panels; ++p) {
          Value* sum = b_.CreateIntrinsic(llvm::Intrinsic::fma, {vec_},
                                          {splat, bv[p], b_.CreateLoad(vec_, Acc(r, p))});
          b_.CreateStore(sum, Acc(r, p));
        }
      }
    }, "k");
    if (direct_ != nullptr) {
      for (int64_t p = 0; p < panels; ++p) {
        StoreTileDirectly(row0, rows, b_.CreateAdd(col0, e_.I64(p * kGemmPanelWidth)),
                          PanelCols(cols, p), p);
      }
      return;
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t p = 0; p < panels; ++p) {
        Value* dst = b_.CreateConstInBoundsGEP1_64(b_.getFloatTy(), tile_,
                                                   r * TileWidth() + p * kGemmPanelWidth);
        b_.CreateAlignedStore(b_.CreateLoad(vec_, Acc(r, p)), dst, llvm::Align(64));
      }
    }
    e_.For(0, rows, 1, [&](Value* r) {
      Value* row = OutputRow(b_.CreateAdd(row0, r));
      Value* tile_row = b_.CreateMul(r, e_.I64(TileWidth()));
      e_.For(0, cols, 1, [&](Value* c) {
        Value* v = b_.CreateLoad(b_.getFloatTy(),
                                 b_.CreateInBoundsGEP(b_.getFloatTy(), tile_, b_.CreateAdd(tile_row, c)));
        store_(row, b_.CreateAdd(col0, c), v);
      }, "c");
    }, "r");
  }

  // Panel p of the tile's accumulators, `cols` valid columns from col0.
  void StoreTileDirectly(Value* row0, int64_t rows, Value* col0, int64_t cols, int64_t p) {
    Value* mask = cols < kGemmPanelWidth ? ColumnMask(cols) : nullptr;
    Value* bias = nullptr;
    if (direct_->bias != nullptr) {
      bias = LoadColumns(b_.CreateInBoundsGEP(b_.getFloatTy(), direct_->bias, col0), mask);
    }
    for (int64_t r = 0; r < rows; ++r) {
      Value* v = b_.CreateLoad(vec_, Acc(r, p));
      if (bias != nullptr) v = b_.CreateFAdd(v, bias);
      if (direct_->finish) v = direct_->finish(v);
      Value* row = OutputRow(b_.CreateAdd(row0, e_.I64(r)));
      if (direct_->out == nullptr) {
        direct_->store_vector(row, col0, v, mask);
        continue;
      }
      Value* offset = b_.CreateAdd(b_.CreateMul(row, e_.I64(direct_->ldc)), col0);
      Value* dst = b_.CreateInBoundsGEP(b_.getFloatTy(), direct_->out, offset);
      StoreLanes(b_, v, dst, mask, llvm::Align(4));
    }
  }

  // Lanes [0, cols) of a partial panel.
  Value* ColumnMask(int64_t cols) {
    std::vector<llvm::Constant*> lanes;
    for (int64_t c = 0; c < kGemmPanelWidth; ++c) lanes.push_back(b_.getInt1(c < cols));
    return llvm::ConstantVector::get(lanes);
  }

  Value* LoadColumns(Value* ptr, Value* mask) {
    if (mask == nullptr) return b_.CreateAlignedLoad(vec_, ptr, llvm::Align(4));
    return b_.CreateMaskedLoad(vec_, ptr, llvm::Align(4), mask,
                               llvm::ConstantAggregateZero::get(vec_));
  }

  KernelEmitter& e_;
  llvm::IRBuilder<>& b_;
  Value* a_;
  Value* b_packed_;
  const GemmShape& s_;
  const GemmStoreFn& store_;
  const GemmDirectStore* direct_;
  int64_t tile_rows_;
  int64_t tile_panels_;  // 16-column panels per register tile
  llvm::FixedVectorType* vec_;
  std::vector<llvm::AllocaInst*> acc_;
  llvm::AllocaInst* tile_ = nullptr;
  Value* groups_begin_ = nullptr;  // split column groups (DeclareParallelColumns), or null
  Value* groups_end_ = nullptr;
  Value* tiles_begin_ = nullptr;
  Value* tiles_end_ = nullptr;
  Value* row_base_ = nullptr;  // batched: batch * m
};

}  // namespace

size_t PackedGemmBytes(int64_t n, int64_t k) {
  int64_t panels = (n + kGemmPanelWidth - 1) / kGemmPanelWidth;
  return static_cast<size_t>(panels * k * kGemmPanelWidth) * sizeof(float);
}

void PackGemmWeightsTransposed(const float* w, int64_t n, int64_t k, float* out) {
  int64_t panels = (n + kGemmPanelWidth - 1) / kGemmPanelWidth;
  for (int64_t p = 0; p < panels; ++p) {
    for (int64_t kk = 0; kk < k; ++kk) {
      float* dst = out + (p * k + kk) * kGemmPanelWidth;
      for (int64_t c = 0; c < kGemmPanelWidth; ++c) {
        int64_t col = p * kGemmPanelWidth + c;
        dst[c] = col < n ? w[col * k + kk] : 0.0f;
      }
    }
  }
}

void PackGemmWeights(const float* w, int64_t n, int64_t k, float* out) {
  int64_t panels = (n + kGemmPanelWidth - 1) / kGemmPanelWidth;
  for (int64_t p = 0; p < panels; ++p) {
    for (int64_t kk = 0; kk < k; ++kk) {
      float* dst = out + (p * k + kk) * kGemmPanelWidth;
      for (int64_t c = 0; c < kGemmPanelWidth; ++c) {
        int64_t col = p * kGemmPanelWidth + c;
        dst[c] = col < n ? w[kk * n + col] : 0.0f;
      }
    }
  }
}

void EmitPackGemmPanels(KernelEmitter& e, Value* src, int64_t n, int64_t k, bool transposed,
                        Value* dst) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Type* f32 = b.getFloatTy();
  int64_t panels = (n + kGemmPanelWidth - 1) / kGemmPanelWidth;
  // Panel p, its first `cols` columns from src, the rest zero.
  auto copy = [&](Value* p, int64_t cols) {
    e.For(0, k, 1, [&](Value* kk) {
      Value* row = b.CreateMul(b.CreateAdd(b.CreateMul(p, e.I64(k)), kk), e.I64(kGemmPanelWidth));
      for (int64_t c = 0; c < kGemmPanelWidth; ++c) {
        Value* v = e.F32(0.0f);
        if (c < cols) {
          Value* col = b.CreateAdd(b.CreateMul(p, e.I64(kGemmPanelWidth)), e.I64(c));
          Value* off = transposed ? b.CreateAdd(b.CreateMul(col, e.I64(k)), kk)
                                  : b.CreateAdd(b.CreateMul(kk, e.I64(n)), col);
          v = b.CreateLoad(f32, b.CreateInBoundsGEP(f32, src, off));
        }
        b.CreateStore(v, b.CreateInBoundsGEP(f32, dst, b.CreateAdd(row, e.I64(c))));
      }
    }, "pack_k");
  };
  e.For(0, n / kGemmPanelWidth, 1, [&](Value* p) { copy(p, kGemmPanelWidth); }, "pack_panel");
  if (n % kGemmPanelWidth > 0) copy(e.I64(panels - 1), n % kGemmPanelWidth);
}

void EmitBatchedGemm(KernelEmitter& e, int64_t batches, bool split_rows,
                     const GemmOperandsFn& operands, const GemmShape& shape,
                     const GemmStoreFn& store, const GemmDirectStore* direct,
                     const GemmRowsDoneFn& rows_done) {
  UseWideVectors(*e.b().GetInsertBlock()->getParent());
  GemmEmitter(e, nullptr, nullptr, shape, store, direct)
      .EmitBatched(batches, split_rows, operands, rows_done);
}

void EmitGemm(KernelEmitter& e, Value* a, Value* b_packed, const GemmShape& shape,
              const GemmStoreFn& store, const GemmDirectStore* direct) {
  UseWideVectors(*e.b().GetInsertBlock()->getParent());
  GemmEmitter(e, a, b_packed, shape, store, direct).Emit();
}

void EmitGatheredGemm(KernelEmitter& e, const GemmGatherFn& gather, Value* b_packed,
                      const GemmShape& shape, const GemmStoreFn& store,
                      const GemmDirectStore* direct) {
  UseWideVectors(*e.b().GetInsertBlock()->getParent());
  GemmEmitter(e, nullptr, b_packed, shape, store, direct).EmitGathered(gather);
}

void UseWideVectors(llvm::Function& fn) {
  fn.addFnAttr("min-legal-vector-width", "512");
  fn.addFnAttr("prefer-vector-width", "512");
}

}  // namespace jitlite::jit
