// The op interface. Each TFLite builtin lives in one file, ops/<name>.cc, that
// defines `const OpDef& <name>_op()` (the registry is generated from the file
// names, see cmake/JitliteOpRegistry.cmake). An OpDef holds everything about
// its op: the builtin code(s), how options become attributes, the
// shape/dtype rule (compile time only, user-grade errors) and the lowering.
//
// Lowering comes in three kinds:
//  - kElementwise: out[i] = f(operands at the broadcast index i). The op only
//    emits the scalar expression (EmitElement); jit/ builds the loops, and
//    fuses chains of such ops into one loop or into a kernel's epilogue.
//  - kAlias: the output is input 0's bytes reinterpreted (RESHAPE, SQUEEZE,
//    EXPAND_DIMS); no code, the output shares the input's buffer.
//  - kKernel: the op emits its own loop nest (EmitKernel) and hands every
//    output element to KernelEmitter::StoreOutput, which runs the fused
//    epilogue (following elementwise ops) and stores.
//  - kControlFlow: WHILE and IF run other subgraphs of the model (see
//    lib/control_flow.h); no kernel of their own, jit/ emits the loop or
//    branch into the entry function around those subgraphs' kernels.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jitlite/status.h"
#include "lib/aligned_buffer.h"
#include "lib/graph.h"
#include "ops/node_context.h"

namespace llvm {
class Value;
}

namespace jitlite::jit {
class ElementEmitter;
class KernelEmitter;
}  // namespace jitlite::jit

namespace jitlite::ops {

enum class OpKind { kElementwise, kAlias, kKernel, kControlFlow };

class OpDef {
 public:
  virtual ~OpDef() = default;

  // The TFLite name, e.g. "CONV_2D".
  virtual std::string_view name() const = 0;
  // BuiltinOperator codes this definition handles (usually one).
  virtual std::vector<int> builtin_codes() const = 0;
  virtual OpKind kind() const = 0;
  // CUSTOM ops (builtin code 32) are found by their custom code, e.g.
  // "TFLite_Detection_PostProcess"; builtins leave this empty.
  virtual std::string_view custom_code() const { return {}; }

  // Compile time: checks input dtypes, ranks and attributes, and sets every
  // output's dtype and shape for the current input shapes. Errors name the
  // problem ("input 1 has type INT16; supported: FLOAT32, INT32"); the caller
  // prefixes the node index and op name.
  virtual Status Prepare(NodeContext& ctx) const = 0;

  // True when TFLite's kernel sets its output's type itself in Prepare (the
  // arithmetic ops: output type = input type), so a model declaring another
  // output type is retyped rather than refused.
  virtual bool retypes_output() const { return false; }

  // True for ops whose output sizes depend on the input values (WHERE,
  // UNIQUE; TFLite makes such outputs dynamic tensors). Prepare gives each
  // output an upper-bound shape; the kernel fills a prefix of each buffer and
  // writes every output's actual leading dim to KernelEmitter::DataDimsPtr().
  // The graph is compiled in segments around such a node: what follows it is
  // compiled for the dims it wrote (lib/shaped_graph.h, lib/interpreter.cc).
  virtual bool output_shape_from_data() const { return false; }

  // Constant folding at allocate time (e.g. DEQUANTIZE of a float16
  // constant): if CanFold, Fold writes output 0's bytes once and the node
  // emits no code.
  virtual bool CanFold(const NodeContext& ctx) const { return false; }
  virtual Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const {
    return Unimplemented("constant folding");
  }

  // kKernel ops: buffers derived from constant inputs once per allocate
  // (e.g. weights packed into a microkernel's layout). Generated code reads
  // buffer k through KernelEmitter::PackedPtr(k), never the IR itself.
  // Read-only at run time: nodes whose buffers have equal bytes share one
  // copy (an unrolled RNN's steps all pack the same weights).
  virtual Status PackConstants(const NodeContext& ctx, std::vector<AlignedBuffer>& out) const {
    return Status::Ok();
  }

  // kKernel ops: bytes of working memory the kernel needs while it runs
  // (KernelEmitter::ScratchPtr, 64-byte aligned, contents undefined at
  // entry). Planned in the arena like a tensor that lives for this kernel
  // only, so the generated code never allocates.
  virtual int64_t ScratchBytes(const NodeContext& ctx) const { return 0; }

  // kElementwise: the value of one output element from the values of the
  // node's present inputs at the same (broadcast) index, in input order.
  // Includes the op's fused activation, if it has one.
  virtual llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                                   std::span<llvm::Value* const> operands) const {
    return nullptr;
  }

  // kElementwise: true when EmitElement also works on vectors of floats
  // (constants from the ElementEmitter, no scalar-only types or calls), so a
  // kernel's fused epilogue can run on whole vectors.
  virtual bool vectorizable() const { return false; }
  // kKernel ops that work row by row along the last axis (float SOFTMAX):
  // true when this node can run in place on rows a producing GEMM kernel has
  // just stored (jit/fusion.h: a row epilogue); EmitRowsInPlace then emits
  // the op for `rows` consecutive rows of its output at `data`.
  virtual bool runs_on_stored_rows(const NodeContext& ctx) const { return false; }
  virtual void EmitRowsInPlace(jit::KernelEmitter& e, const NodeContext& ctx, llvm::Value* data,
                               int64_t rows) const {}
  // kKernel ops that call KernelEmitter::EmitRowsDone when they have a row
  // epilogue (the float BATCH_MATMUL on the GEMM), at these shapes.
  virtual bool takes_row_epilogue(const NodeContext& ctx) const { return false; }
  // kElementwise: true when EmitElement also works on vectors of 8-bit
  // quantized values (INT8/UINT8 storage lanes), for the int8 conv kernels'
  // fused epilogues.
  virtual bool vectorizable_quantized() const { return false; }

  // kKernel: emits the loop nest computing the op.
  virtual Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const {
    return Unimplemented("kernel emission");
  }

  // kKernel: true when EmitKernel can compute input 0 itself from `producer`,
  // the kKernel node writing it (KernelEmitter::producer()), so that tensor,
  // read by nothing else, never goes to memory (see jit/fusion.h).
  virtual bool FusesProducer(const NodeContext& producer, const NodeContext& ctx) const {
    return false;
  }

  // The multiply-adds of one run at the current shapes, for the profile's
  // GFLOP/s (KernelStats::flops). Only dot-product ops (convolutions,
  // matrix products) count; others leave it 0.
  virtual int64_t MultiplyAdds(const NodeContext& ctx) const { return 0; }
};

// All registered ops (generated).
std::span<const OpDef* const> AllOps();
// The definition for a builtin code, or null.
const OpDef* FindOp(int builtin_code);
// The definition for a node: by builtin code, or by custom code for CUSTOM.
const OpDef* FindOp(const Node& node);

}  // namespace jitlite::ops
