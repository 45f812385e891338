// fp32 GEMM, C[m, n] = A[m, k] * B[k, n], as explicit vector IR: the kernel
// behind 1x1 convolutions, FULLY_CONNECTED and BATCH_MATMUL. LLVM's loop vectorizer gets a
// small fraction of the FMA peak on such loops; a register-blocked
// microkernel gets most of it:
//  - B (the weights) is packed once at allocate time into panels of 16
//    columns: panel p holds, for each kk < k, the 16 values B[kk, 16p .. 16p+15]
//    (zero past n), so the inner loop reads one aligned <16 x float> per kk;
//    (or, for a B computed at run time, B is read in place, row by row);
//  - a tile of up to 12 rows x 32 columns (two panels) lives in 24 vector
//    accumulators (6 rows x 16 columns on AVX2, where each takes two of the
//    16 registers); each k step loads one B vector per panel and broadcasts
//    one A value per row, which feeds one FMA per panel;
//  - packed B is prefetched a few k steps ahead (a model's weights are
//    mostly in L3 when their GEMM starts);
//  - B that fits in L2 is swept once per row tile (A read once, C written
//    row by row); a bigger B is read once, panel by panel, under the tiles;
//  - the tile goes through a small stack buffer to the caller's per-element
//    store, where bias, activation and fused epilogue ops run (LLVM
//    vectorizes that short loop; it is O(m*n) next to the O(m*n*k) core).
// Shapes are compile-time constants; A and packed B are read by pointer.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "jit/emitters.h"

namespace jitlite::jit {

constexpr int64_t kGemmPanelWidth = 16;
// Packed B bytes from which a GEMM of a single row tile (an FC on one row)
// splits its column groups across threads, fp32 and int8 alike: such a GEMM
// waits on streaming B (~15 us of it from L3 at one core's ~16 GB/s).
constexpr size_t kMinParallelStreamedBytes = 256 << 10;

// Bytes of B packed for the microkernel.
size_t PackedGemmBytes(int64_t n, int64_t k);
// Packs B given transposed, as w[n][k] row-major (FULLY_CONNECTED weights
// [units, input], a 1x1 OHWI filter [cout, cin]).
void PackGemmWeightsTransposed(const float* w, int64_t n, int64_t k, float* out);
// Packs B given as w[k][n] row-major.
void PackGemmWeights(const float* w, int64_t n, int64_t k, float* out);

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  int64_t a_row_stride = 0;  // elements between rows of A (>= k, or 1 for A^T)
  int64_t a_k_stride = 1;    // elements between A[r, kk] and A[r, kk + 1]
  // 0: B is packed panels; else B is read in place as a row-major [k, n]
  // matrix whose rows are b_row_stride elements apart.
  int64_t b_row_stride = 0;
};

// Receives every valid element of C (row and col are i64, value is float).
using GemmStoreFn = std::function<void(llvm::Value* row, llvm::Value* col, llvm::Value* value)>;

// The vector epilogue: C + bias, then `finish` (a clamp) on whole vectors of
// a row's columns; stored straight to out[row * ldc + col] when `out` is set
// (no fused ops), else handed to `store_vector` (a vectorized fused epilogue;
// mask null = all 16 lanes valid).
struct GemmDirectStore {
  llvm::Value* out = nullptr;
  int64_t ldc = 0;
  llvm::Value* bias = nullptr;  // n floats, or null
  std::function<llvm::Value*(llvm::Value*)> finish;
  std::function<void(llvm::Value* row, llvm::Value* col0, llvm::Value* value, llvm::Value* mask)>
      store_vector;
};

// Emits the whole GEMM: a points to A[0, 0], b_packed to the packed panels.
// Elements go to `store`, or to `direct` when given.
void EmitGemm(KernelEmitter& e, llvm::Value* a, llvm::Value* b_packed, const GemmShape& shape,
              const GemmStoreFn& store, const GemmDirectStore* direct = nullptr);

// For GEMMs whose A is not a plain matrix (a convolution's input windows,
// im2col done one tile at a time): fills rows [row0, row0 + rows) of A into
// `tile` (row stride k). The tile then serves every column panel.
using GemmGatherFn = std::function<void(llvm::Value* tile, llvm::Value* row0, int64_t rows)>;

// The largest k a gathered GEMM takes: its A tile lives on the stack.
constexpr int64_t kMaxGatheredGemmK = 1024;

void EmitGatheredGemm(KernelEmitter& e, const GemmGatherFn& gather, llvm::Value* b_packed,
                      const GemmShape& shape, const GemmStoreFn& store,
                      const GemmDirectStore* direct = nullptr);

// C_i = A_i * B_i for i < batches; operands(i) gives A_i and B_i (packed or
// in place, as shape.b_row_stride says). Stores see the flattened row
// i * m + row (a row-major [batches, m, n] output has ldc n). Threads split
// batches x row tiles, or whole batches when `split_rows` is false (when
// operands() writes per-batch scratch, e.g. packs B).
// rows_done, when set, is called with (first flattened row, row count) once
// those whole rows of C are stored: right after each row tile when B fits
// in L2 (the rows are still in cache), else after the batch's tiles.
using GemmOperandsFn = std::function<std::pair<llvm::Value*, llvm::Value*>(llvm::Value* batch)>;
using GemmRowsDoneFn = std::function<void(llvm::Value* first_row, int64_t rows)>;
void EmitBatchedGemm(KernelEmitter& e, int64_t batches, bool split_rows,
                     const GemmOperandsFn& operands, const GemmShape& shape,
                     const GemmStoreFn& store, const GemmDirectStore* direct = nullptr,
                     const GemmRowsDoneFn& rows_done = {});

// Run-time packing of B into panels at dst (PackedGemmBytes(n, k)): src is
// w[k][n] row-major, or w[n][k] when `transposed`.
void EmitPackGemmPanels(KernelEmitter& e, llvm::Value* src, int64_t n, int64_t k, bool transposed,
                        llvm::Value* dst);

// Marks a function as using 512-bit vectors (where the target has them), so
// the backend does not split the microkernel's vectors in halves.
void UseWideVectors(llvm::Function& fn);

}  // namespace jitlite::jit
