// What ops see while lowering: ElementEmitter for the scalar expression of an
// elementwise op, KernelEmitter for ops that emit their own loop nest. Both
// wrap one llvm::IRBuilder positioned inside the kernel function being built;
// jit/lowering.cc owns the function, its loops and the fused epilogue.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "jit/parallel_split.h"
#include "jit/target_traits.h"
#include "jitlite/dtype.h"
#include "llvm/IR/IRBuilder.h"
#include "ops/node_context.h"

namespace jitlite::jit {

// LLVM type of one element of dtype in registers (bool is i1 in registers,
// i8 in memory; FLOAT16 constants are converted on load to float).
llvm::Type* ElementType(llvm::LLVMContext& c, DType dtype);
llvm::Type* StorageType(llvm::LLVMContext& c, DType dtype);

// Hints for LLVM's loop passes, for loops whose body is already the code we
// want (explicit vectors, unrolled taps): transforming them again only costs
// compile time or picks a worse form (e.g. gathers for a strided copy).
enum LoopHint : unsigned { kLoopDefault = 0, kNoUnroll = 1, kNoVectorize = 2 };

// Control flow helpers used by kernels and by jit/lowering.cc.
void EmitFor(llvm::IRBuilder<>& b, llvm::Value* begin, llvm::Value* end,
             int64_t step, const std::function<void(llvm::Value*)>& body,
             const char* name, unsigned hints = kLoopDefault);
void EmitIf(llvm::IRBuilder<>& b, llvm::Value* cond,
            const std::function<void()>& then_body);
// An entry-block alloca, aligned to at least 64 bytes.
llvm::AllocaInst* EmitEntryAlloca(llvm::IRBuilder<>& b, llvm::Type* type,
                                  const char* name);
// Loads one element of `dtype` at base[offset] and converts it to its
// register type; StoreElement converts back.
llvm::Value* LoadElement(llvm::IRBuilder<>& b, DType dtype, llvm::Value* base,
                         llvm::Value* offset);
void StoreElement(llvm::IRBuilder<>& b, DType dtype, llvm::Value* value,
                  llvm::Value* base, llvm::Value* offset);
// Row-major linear offset of `index` in `shape` (constant strides).
llvm::Value* LinearOffsetOf(llvm::IRBuilder<>& b, const Shape& shape,
                            std::span<llvm::Value* const> index);

// Scalar math helpers shared by elementwise ops and kernel epilogues. All are
// emitted inline (no calls): polynomial exp, tanh, logistic, etc.
class ElementEmitter {
 public:
  explicit ElementEmitter(llvm::IRBuilder<>& b, unsigned lanes = 0) : b_(b), lanes_(lanes) {}
  llvm::IRBuilder<>& b() { return b_; }
  llvm::LLVMContext& context() { return b_.getContext(); }

  // Constants: scalars, or splats of `lanes` when the emitter works on
  // vectors (a vectorized epilogue).
  llvm::Value* F32(float v);
  llvm::Value* I32(int32_t v);
  llvm::Value* I64(int64_t v);
  llvm::Value* Const(DType dtype, double v);  // typed constant
  unsigned lanes() const { return lanes_; }

  // Where the element being computed is, for ops whose expression depends on
  // it (per-channel QUANTIZE): the loop's output multi-index, or its flat
  // offset when every tensor of the loop has the output's element count.
  void set_position(std::span<llvm::Value* const> index, llvm::Value* linear) {
    index_.assign(index.begin(), index.end());
    linear_ = linear;
  }
  // The current element's coordinate (i64) along dimension `axis` of a
  // tensor of `shape` (right-aligned against the loop's index); null when
  // the position is not known (constant folding, vector epilogues).
  llvm::Value* Coordinate(const Shape& shape, int axis);

  // Float math (f32 scalars).
  llvm::Value* Exp(llvm::Value* x);
  // exp for arguments clamped to [-87, 88] (results normal floats); no NaN handling.
  llvm::Value* ExpNormalRange(llvm::Value* t);
  llvm::Value* Tanh(llvm::Value* x);
  llvm::Value* Logistic(llvm::Value* x);
  llvm::Value* Sqrt(llvm::Value* x);
  llvm::Value* Rsqrt(llvm::Value* x);  // 1 / sqrt(x), exact division
  // exp(x) - 1 without the cancellation near 0 (ELU).
  llvm::Value* Expm1(llvm::Value* x);
  // Natural log: -inf for +-0, NaN below 0, exact on subnormal inputs.
  llvm::Value* Log(llvm::Value* x);
  // sin/cos with the argument reduced in double: within ~1e-7 of libm for
  // |x| < 1e6, degrading slowly beyond (no Payne-Hanek reduction).
  llvm::Value* Sin(llvm::Value* x);
  llvm::Value* Cos(llvm::Value* x);
  // Error function, absolute error ~1e-7; NaN stays NaN.
  llvm::Value* Erf(llvm::Value* x);
  // 1 - erf(x) without the cancellation for large x: relative error ~1e-7 for
  // x <= 4, 0 beyond 4 (where erfc < 1.6e-8); NaN stays NaN.
  llvm::Value* Erfc(llvm::Value* x);
  // max/min that work for float and integer values (signed ints).
  llvm::Value* Max(llvm::Value* a, llvm::Value* b);
  llvm::Value* Min(llvm::Value* a, llvm::Value* b);
  llvm::Value* Clamp(llvm::Value* x, llvm::Value* lo, llvm::Value* hi);
  // Applies a TFLite ActivationFunctionType (0 NONE, 1 RELU, 2 RELU_N1_TO_1,
  // 3 RELU6, 4 TANH, 5 SIGN_BIT) to a float value, or to an integer value for
  // NONE/RELU/RELU6/RELU_N1_TO_1 (clamps). The clamps also take float vectors.
  llvm::Value* Activation(llvm::Value* x, int activation);

 private:
  llvm::Value* Splat(llvm::Constant* c);

  llvm::IRBuilder<>& b_;
  unsigned lanes_ = 0;
  std::vector<llvm::Value*> index_;
  llvm::Value* linear_ = nullptr;
};

// A kernel op's view of its function: typed buffer pointers, loops, loads,
// and StoreOutput (which runs the fused epilogue).
// A kernel node whose output (the anchor's input 0) the anchor's kernel
// computes itself (FusionGroup::anchor, OpDef::FusesProducer): its context
// and buffers, as its own KernelEmitter would give them.
struct FusedProducer {
  const ops::NodeContext* ctx = nullptr;
  std::vector<llvm::Value*> input_ptrs;   // null for omitted inputs
  std::vector<llvm::Value*> packed_ptrs;  // its OpDef::PackConstants buffers
};

class KernelEmitter : public ElementEmitter {
 public:
  using Body = std::function<void(llvm::Value* iv)>;
  // Epilogue: given the value computed for output element `index` of
  // `output`, stores it (after the fused elementwise ops). Set by lowering.
  using StoreFn = std::function<void(int output, llvm::Value* value,
                                     std::span<llvm::Value* const> index)>;
  // Vector epilogue: `value` holds output 0's elements index, index + 1, ...
  // along the last dimension; `mask` (null = all lanes) marks the valid ones.
  using VectorStoreFn = std::function<void(llvm::Value* value, std::span<llvm::Value* const> index,
                                           llvm::Value* mask)>;

  KernelEmitter(llvm::IRBuilder<>& b, const ops::NodeContext& node,
                std::vector<llvm::Value*> input_ptrs,
                std::vector<llvm::Value*> output_ptrs, std::vector<llvm::Value*> packed_ptrs,
                StoreFn store)
      : ElementEmitter(b), node_(node), input_ptrs_(std::move(input_ptrs)),
        output_ptrs_(std::move(output_ptrs)), packed_ptrs_(std::move(packed_ptrs)),
        store_(std::move(store)) {}

  const ops::NodeContext& node() const { return node_; }
  const TargetTraits& target() const { return target_; }
  void set_target(const TargetTraits& target) { target_ = target; }

  // Base pointer (ptr in address space 0) of a node input/output buffer.
  // Constants (weights) are passed by pointer too, never baked into IR.
  llvm::Value* InputPtr(int i) const { return input_ptrs_.at(i); }
  llvm::Value* OutputPtr(int i) const { return output_ptrs_.at(i); }
  // Buffer k that the op made in OpDef::PackConstants (64-byte aligned).
  llvm::Value* PackedPtr(int k) const { return packed_ptrs_.at(k); }
  // Ops with output_shape_from_data: int64[num_outputs], where the kernel
  // stores each output's actual leading dim (it follows the packed buffers).
  llvm::Value* DataDimsPtr() const { return packed_ptrs_.back(); }

  // The kernel's working memory (OpDef::ScratchBytes; 64-byte aligned, in
  // the arena, contents undefined at entry), or null when it asked for none.
  llvm::Value* ScratchPtr() const { return scratch_; }
  // The fused producer of input 0, or null (then InputPtr(0) holds it).
  const FusedProducer* producer() const { return producer_; }
  void set_producer(const FusedProducer* producer) { producer_ = producer; }
  void set_scratch(llvm::Value* scratch) { scratch_ = scratch; }

  // Loads input i's element at a linear element offset (i64), converted to
  // its register type (ElementType).
  llvm::Value* LoadInput(int i, llvm::Value* offset);
  // Linear offset of a multi-index (i64 values) into a row-major shape.
  llvm::Value* LinearOffset(const Shape& shape, std::span<llvm::Value* const> index);

  // for (iv = begin; iv < end; iv += step) body(iv); i64 induction variable.
  void For(int64_t begin, int64_t end, int64_t step, const Body& body,
           const char* name = "i") {
    EmitFor(b(), I64(begin), I64(end), step, body, name);
  }
  void For(llvm::Value* begin, llvm::Value* end, int64_t step,
           const Body& body, const char* name = "i") {
    EmitFor(b(), begin, end, step, body, name);
  }
  // A loop LLVM should leave as it is (LoopHint flags).
  void ForWithHints(int64_t begin, int64_t end, unsigned hints, const Body& body,
                    const char* name = "i") {
    EmitFor(b(), I64(begin), I64(end), 1, body, name, hints);
  }
  void ForWithHints(llvm::Value* begin, llvm::Value* end, unsigned hints, const Body& body,
                    const char* name = "i") {
    EmitFor(b(), begin, end, 1, body, name, hints);
  }
  // Emits `if (cond) then_body()`.
  void If(llvm::Value* cond, const std::function<void()>& then_body) {
    EmitIf(b(), cond, then_body);
  }
  // Emitted where the kernel finds bad data at run time (e.g. an index out
  // of range): the runtime's report_error gets `message` and invoke fails.
  // The caller must still keep every access in bounds (clamp or skip).
  void ReportError(const std::string& message);
  void set_runtime(llvm::Value* runtime) { runtime_ = runtime; }
  // A data-dependent index (i64) checked against [0, size): out of range it
  // reports `message` and is clamped, so the caller's access stays in bounds.
  llvm::Value* CheckedIndex(llvm::Value* index, int64_t size, const std::string& message);

  // A function-entry stack slot (for accumulators that loops update).
  llvm::AllocaInst* Alloca(llvm::Type* type, const char* name = "acc") {
    return EmitEntryAlloca(b(), type, name);
  }

  // Hands the value of output element `index` (a multi-index over the
  // output's shape, i64 values) to the epilogue, which applies any fused
  // elementwise ops and stores it. Ops never store outputs directly.
  void StoreOutput(llvm::Value* value, std::span<llvm::Value* const> index,
                   int output = 0) {
    store_(output, value, index);
  }
  // True when StoreOutput of output 0 is a plain store into OutputPtr(0) (no
  // fused epilogue): a kernel may then store whole vectors itself.
  bool stores_directly() const { return stores_directly_; }
  void set_stores_directly(bool direct) { stores_directly_ = direct; }

  // The slice [begin, end) of [0, range) that this call of the kernel runs:
  // a kernel that calls this (once) may be split across threads over that
  // loop. Kernels that do not run whole on one thread. parts_per_thread:
  // see ParallelSplit.
  std::pair<llvm::Value*, llvm::Value*> ParallelRange(int64_t range, int64_t parts_per_thread = 0) {
    parallel_ = {range, parts_per_thread};
    return {frame_begin_, frame_end_};
  }
  const ParallelSplit& parallel_split() const { return parallel_; }
  void set_frame_range(llvm::Value* begin, llvm::Value* end) {
    frame_begin_ = begin;
    frame_end_ = end;
  }

  // Set when every fused epilogue op works on float vectors: then a kernel
  // may hand whole vectors of output 0 (contiguous along its last dimension)
  // to StoreOutputVector instead of single elements to StoreOutput.
  bool has_vector_epilogue() const { return static_cast<bool>(vector_store_); }
  void set_vector_store(VectorStoreFn fn) { vector_store_ = std::move(fn); }
  // A row epilogue (a fused SOFTMAX, jit/fusion.h): a kernel that has it
  // calls EmitRowsDone after storing whole rows [first_row, first_row + rows)
  // of output 0 (flattened over all but its last dimension).
  using RowsDoneFn = std::function<void(llvm::Value* first_row, int64_t rows)>;
  bool has_row_epilogue() const { return static_cast<bool>(rows_done_); }
  void set_row_epilogue(RowsDoneFn fn) { rows_done_ = std::move(fn); }
  void EmitRowsDone(llvm::Value* first_row, int64_t rows) { rows_done_(first_row, rows); }
  void StoreOutputVector(llvm::Value* value, std::span<llvm::Value* const> index,
                         llvm::Value* mask) {
    vector_store_(value, index, mask);
  }

 private:
  const ops::NodeContext& node_;
  std::vector<llvm::Value*> input_ptrs_;
  std::vector<llvm::Value*> output_ptrs_;
  std::vector<llvm::Value*> packed_ptrs_;
  StoreFn store_;
  VectorStoreFn vector_store_;
  RowsDoneFn rows_done_;
  bool stores_directly_ = false;
  TargetTraits target_;
  llvm::Value* frame_begin_ = nullptr;
  llvm::Value* frame_end_ = nullptr;
  llvm::Value* runtime_ = nullptr;  // the frame's jl_runtime pointer (may be null)
  llvm::Value* scratch_ = nullptr;
  const FusedProducer* producer_ = nullptr;
  ParallelSplit parallel_;
};

}  // namespace jitlite::jit
