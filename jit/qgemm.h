// int8 GEMM, C[m, n] = A[m, k] * B[k, n] in exact i32 arithmetic, as
// explicit AVX-512 VNNI IR: the core of the quantized CONV_2D and
// FULLY_CONNECTED kernels on targets with avx512vnni (TargetTraits); an AVX2
// variant (vpmaddwd) runs on targets without it.
// vpdpbusd multiplies unsigned by signed bytes, 4 products per i32 lane, so
//  - A is unsigned: the caller gathers each tile of A rows as u8 (an int8
//    activation x becomes x ^ 0x80 = x + 128; the caller corrects for the
//    offset, e.g. by folding -128 * column sums of B into its bias);
//  - B (the int8 weights) is packed once at allocate time into panels of 16
//    columns with k in quads: panel p, quad q is one 64-byte vector whose
//    lane c holds B[4q .. 4q+3, 16p + c] (zero past k and n);
//  - a tile of rows x up to 4 panels lives in at most 24 vector
//    accumulators (6 rows x 4 panels, up to 24 rows x 1 panel for narrow
//    outputs); each step broadcasts 4 bytes of A per row and does one
//    vpdpbusd per row and panel;
//  - the gathered A tile serves every panel group; threads split the row
//    tiles, or the panel groups of a single row tile whose packed B is big
//    (an FC on one row streams B).
// The accumulators go through a stack tile to one loop calling the
// caller's store (the requantizing epilogue, too long to unroll per
// accumulator). Shapes are compile-time constants.
//
// With AMX (TargetTraits::amx_int8) a GEMM of at least 16 rows and k of at
// least 32 (jit/qgemm.cc: kMinAmxRows, kMinAmxDepth) runs on tiles instead, on the same packing and gather: a panel's 16 quads from
// quad 16t on are one B tile (16 rows of 64 bytes), 16 gathered rows at
// bytes 64t.. one A tile (row stride Int8GemmDepth(k)); tdpbusd is
// vpdpbusd's u8 x s8 on tiles. 2 A tiles x 2 B tiles make 4 C tiles (32
// rows x 32 columns), stored to the stack and fed to the same store. Each
// panel is zero-padded to whole B tiles, so the last k tile's A bytes past
// the depth (the next row's, or the tile's slack) meet zeros. Each call
// loads its tile config and releases it, so every thread chunk has its own.
// AMX needs the process's XTILEDATA permission (asked once, by
// AmxInt8Usable); JITLITE_AMX=0 keeps the VNNI kernel.
#pragma once

#include <cstdint>
#include <functional>

#include "jit/emitters.h"

namespace jitlite::jit {

constexpr int64_t kInt8PanelWidth = 16;
// The largest k the kernel takes: a tile of A rows lives on the stack.
constexpr int64_t kMaxInt8GemmK = 8192;

// k rounded up to whole quads: the row stride of a gathered A tile.
int64_t Int8GemmDepth(int64_t k);
// Bytes of one packed panel of B: the quads rounded up to whole AMX B
// tiles of 16 quads (zeros past k).
int64_t Int8GemmPanelBytes(int64_t k);
// Bytes of B packed for the kernel.
size_t PackedInt8GemmBytes(int64_t n, int64_t k);
// Packs B given transposed, as w[n][k] row-major (FULLY_CONNECTED weights
// [units, input], an OHWI filter [cout, kh * kw * cin]).
void PackInt8GemmWeightsTransposed(const int8_t* w, int64_t n, int64_t k, int8_t* out);

struct Int8GemmShape {
  int64_t m = 0, n = 0, k = 0;
  // False: this call runs every row tile (the caller splits its own work,
  // e.g. BATCH_MATMUL's batches, across threads).
  bool split_rows = true;
  // i32[n rounded up to 16] added to every row of C before the store, or
  // null. The VNNI kernel starts its accumulators from it (an add less per
  // output vector in the epilogue).
  llvm::Value* column_bias = nullptr;
};

// Fills rows [row0, row0 + rows) of A, as u8, into `tile`: row r at byte
// r * Int8GemmDepth(k), every byte of it (those past k meet zero weights).
using Int8GatherFn = std::function<void(llvm::Value* tile, llvm::Value* row0, int64_t rows)>;
// Receives acc = <16 x i32>, C[row, col0 .. col0 + 15] (row, col0: i64);
// mask (null = all 16) marks the columns below n.
using Int8TileStoreFn = std::function<void(llvm::Value* row, llvm::Value* col0, llvm::Value* acc,
                                           llvm::Value* mask)>;

// Whether EmitInt8Gemm can run on the JIT's target: with avx512vnni
// (vpdpbusd), else with avx2 (vpmaddwd of values widened to i16, on
// the same packing). JITLITE_INT8_GEMM_AVX2=0 turns the AVX2 kernel off.
bool Int8GemmSupported(KernelEmitter& e);

// Whether this process may use AMX tiles: not turned off by JITLITE_AMX=0,
// and the kernel granted XTILEDATA (requested on the first call; the answer
// is kept). Says nothing of the JIT's target.
bool AmxInt8Usable();

// Emits the whole GEMM (needs Int8GemmSupported(e)): b_packed points to
// the packed panels.
void EmitInt8Gemm(KernelEmitter& e, const Int8GatherFn& gather, llvm::Value* b_packed,
                  const Int8GemmShape& shape, const Int8TileStoreFn& store);

}  // namespace jitlite::jit
