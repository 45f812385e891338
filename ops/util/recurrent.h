// Pieces shared by the float recurrent ops (LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM,
// UNIDIRECTIONAL_SEQUENCE_RNN): operand checks, the (batch, time) layout of a
// sequence and TFLite's step order over it, and the row dot products that the
// gate matrix-vector products are made of.
//
// State tensors are TFLite variable tensors: the interpreter keeps their
// buffers for the whole run (zeroed at allocate and reset_all_variables), and
// the kernel reads and rewrites them in place through InputPtr.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"

namespace jitlite::ops::recurrent {

// Float32 scratch the kernels keep on the stack, per op (their gate rows):
// larger layers are Unimplemented rather than risking the thread's stack.
constexpr int64_t kMaxScratchFloats = 64 * 1024;

// Input i must be float32. INT8/UINT8/INT16 (variants of TFLite's kernels
// not handled where this is called) are Unimplemented naming the type; other
// types InvalidArgument.
Status CheckFloat(const NodeContext& ctx, int i, const std::string& what);
// Refuses UINT8 weights (input i, if present) of a hybrid cell (FLOAT32
// input): TFLite's hybrid kernels (LSTM, RNN and SVDF alike) accept them but
// read their bytes as INT8 and ignore the zero point, so LiteRT's result is
// not the model's. `op` names the kernel in the message.
Status RefuseUInt8HybridWeights(const NodeContext& ctx, int i, const std::string& what,
                                const std::string& op);
// Input i (if present) must have exactly `shape`.
Status CheckShape(const NodeContext& ctx, int i, const std::string& what, const Shape& shape);
// Input i is a variable tensor of `dtype` (float32 unless an integer kernel
// says otherwise) with `elements` elements (TFLite accepts any shape of that
// size for the LSTM states).
Status CheckState(const NodeContext& ctx, int i, const std::string& what, int64_t elements,
                  DType dtype = DType::kFloat32);

// A sequence input [time, batch, features] (time_major) or [batch, time,
// features], or for the single-step ops a [batch, features] input.
struct Sequence {
  int64_t batch = 0;
  int64_t time = 1;
  bool time_major = false;
  bool has_time_axis = true;

  // Reads batch/time from a rank-3 (or, without a time axis, rank-2) shape.
  static Sequence Of(const Shape& shape, bool time_major, bool has_time_axis);
  // Row of element (b, t) in the input viewed as [rows, features].
  llvm::Value* Row(jit::KernelEmitter& e, llvm::Value* b, llvm::Value* t) const;
  // Multi-index of feature f of (b, t) in the output shape.
  std::vector<llvm::Value*> OutputIndex(llvm::Value* b, llvm::Value* t, llvm::Value* f) const;
};

// TFLite's step order: time-major inputs run one step per time index over all
// batch rows at once (they are contiguous), batch-major inputs one step per
// (batch, time) with a single row. step(t, first batch row, row count); with
// `reverse` t runs from the last time step down.
using StepFn = std::function<void(llvm::Value* t, llvm::Value* b0, int64_t rows)>;
void EmitSteps(jit::KernelEmitter& e, const Sequence& seq, const StepFn& step,
               bool reverse = false);

// For each weight matrix w (row-major, `len` columns): the dot product of
// its row `row` with v[v_offset .. v_offset + len), all in one loop over the
// columns so every loaded v element feeds each of them. The sums may be
// reassociated and contracted (LLVM vectorizes them; the result differs from
// TFLite's by float rounding only).
std::vector<llvm::Value*> EmitRowDots(jit::KernelEmitter& e, std::span<llvm::Value* const> weights,
                                      llvm::Value* row, llvm::Value* v, llvm::Value* v_offset,
                                      int64_t len);

// float loads and stores at base[offset] (i64 offset).
llvm::Value* LoadF32(jit::KernelEmitter& e, llvm::Value* base, llvm::Value* offset);
void StoreF32(jit::KernelEmitter& e, llvm::Value* value, llvm::Value* base, llvm::Value* offset);
// A stack array of n floats in the kernel's entry block.
llvm::Value* ScratchF32(jit::KernelEmitter& e, int64_t n, const char* name);
// i64 arithmetic without wrap (offsets are small and non-negative).
llvm::Value* AddI(jit::KernelEmitter& e, llvm::Value* a, llvm::Value* b);
llvm::Value* MulI(jit::KernelEmitter& e, llvm::Value* a, int64_t k);

}  // namespace jitlite::ops::recurrent
