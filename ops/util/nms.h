// Non-max suppression shared by NON_MAX_SUPPRESSION_V4/V5 and the
// TFLite_Detection_PostProcess custom op: IR building blocks (while loops,
// typed arrays in the kernel's arena scratch, box IoU as TFLite computes it)
// and the whole V4/V5 kernel (one OpDef file each, same rule and lowering).
#pragma once

#include <cstdint>
#include <functional>

#include "jit/emitters.h"
#include "ops/node_context.h"

namespace jitlite::ops::nms {

// while (cond()) body(); the condition is re-evaluated before each pass.
void EmitWhile(jit::KernelEmitter& e, const std::function<llvm::Value*()>& cond,
               const std::function<void()>& body);

// A typed array carved out of the kernel's scratch (KernelEmitter::ScratchPtr)
// at a byte offset; i64 element indices.
class ScratchArray {
 public:
  ScratchArray() = default;
  ScratchArray(jit::KernelEmitter& e, llvm::Type* type, int64_t byte_offset);
  llvm::Value* Load(llvm::Value* i) const;
  void Store(llvm::Value* i, llvm::Value* v) const;
  llvm::Value* At(llvm::Value* i) const;

 private:
  jit::KernelEmitter* e_ = nullptr;
  llvm::Type* type_ = nullptr;
  llvm::Value* base_ = nullptr;
};

// std::partial_sort(a, a + middle, a + len, before) on an i32 array (i64
// len, middle), step for step as the C++ library does it (heap select, then
// heap sort), so equal keys end up where TFLite puts them. `before(x, y)`
// compares two element values (i32) and returns i1.
using Before = std::function<llvm::Value*(llvm::Value*, llvm::Value*)>;
void EmitPartialSort(jit::KernelEmitter& e, const ScratchArray& a, llvm::Value* len,
                     llvm::Value* middle, const Before& before);

// Bytes for `count` 4-byte elements, rounded to 64 so arrays stay aligned.
inline int64_t Bytes4(int64_t count) { return (count * 4 + 63) / 64 * 64; }

// A box as four f32 values; min <= max unless the caller says otherwise.
struct Box {
  llvm::Value* ymin;
  llvm::Value* xmin;
  llvm::Value* ymax;
  llvm::Value* xmax;
};

// Reads box i of a [N, 4] float input as (y1, x1, y2, x2) with each
// coordinate pair sorted, as TFLite's NMS accepts corners in any order.
Box LoadCornerBox(jit::KernelEmitter& e, int input, llvm::Value* i);

// TFLite's float IoU of two boxes with ordered corners: 0 when either area is
// <= 0 or the union is 0, else intersection / union (same operation order).
llvm::Value* Iou(jit::KernelEmitter& e, const Box& a, const Box& b);

// std::min / std::max on floats (the first operand wins ties and NaNs as in
// the C++ library), so edge cases match TFLite.
llvm::Value* StdMin(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y);
llvm::Value* StdMax(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y);

// NON_MAX_SUPPRESSION_V4 (soft = false: 5 inputs, outputs indices + count)
// and V5 (soft = true: 6 inputs with soft_nms_sigma, outputs indices, scores,
// count).
Status PrepareNms(NodeContext& ctx, bool soft);
int64_t NmsScratchBytes(const NodeContext& ctx);
Status EmitNms(jit::KernelEmitter& e, const NodeContext& ctx, bool soft);

}  // namespace jitlite::ops::nms
