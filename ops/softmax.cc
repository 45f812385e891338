// SOFTMAX (float32): along the last axis, out_i = exp(beta * (x_i - max x)) /
// sum_j exp(beta * (x_j - max x)), SoftmaxOptions.beta (schema default 0).
// Any input rank >= 1, as TFLite. Quantized softmax (lookup tables) comes with
// the quantized path.
//
// Per row: a max pass, an exp + sum pass, and a scaling pass that hands each
// element to StoreOutput. Rows up to kMaxStackRow keep their exps in a stack
// buffer; longer rows recompute them in the last pass.
#include <string>

#include "jit/emitters.h"
#include "ops/op.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int64_t kMaxStackRow = 4096;  // floats (16 KB of stack)

float Beta(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_SoftmaxOptions();
  return opts ? opts->beta() : 0.0f;  // missing table = zeroed defaults
}

class SoftmaxOp : public OpDef {
 public:
  std::string_view name() const override { return "SOFTMAX"; }
  std::vector<int> builtin_codes() const override { return {25}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType t = ctx.input(0).dtype;
    if (t != DType::kFloat32) {
      // TFLite's SOFTMAX also takes FLOAT16 and quantized INT8/UINT8/INT16.
      bool later = t == DType::kFloat16 || t == DType::kInt8 || t == DType::kUInt8 ||
                   t == DType::kInt16;
      if (!later) {
        return InvalidArgument(std::string("SOFTMAX of ") + DTypeName(t) +
                               ", which TFLite does not accept (supported: FLOAT32)");
      }
      return Unimplemented(std::string("SOFTMAX of ") + DTypeName(t) +
                           " is not supported yet (supported: FLOAT32)");
    }
    if (ctx.input(0).rank() < 1) {
      return InvalidArgument("input 0 is a scalar; SOFTMAX needs rank >= 1");
    }
    ctx.SetOutput(0, t, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    if (NumElements(shape) == 0) return Status::Ok();
    EmitRows(e, shape, 0, std::vector<Value*>(shape.size(), nullptr), Beta(ctx));
    return Status::Ok();
  }

 private:
  // Loops over the outer dims, then emits the row at that index.
  static void EmitRows(jit::KernelEmitter& e, const Shape& shape, size_t d,
                       std::vector<Value*> idx, float beta) {
    if (d + 1 == shape.size()) {
      EmitRow(e, shape, idx, beta);
      return;
    }
    e.For(0, shape[d], 1, [&](Value* iv) {
      idx[d] = iv;
      EmitRows(e, shape, d + 1, idx, beta);
    }, "row");
  }

  static void EmitRow(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*> idx,
                      float beta) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = shape.back();
    const size_t last = shape.size() - 1;
    idx[last] = e.I64(0);
    Value* base = e.LinearOffset(shape, idx);
    auto load = [&](Value* i) { return e.LoadInput(0, b.CreateAdd(base, i, "", true, true)); };
    llvm::Type* f32 = b.getFloatTy();

    // Pass 1: row maximum (keeps exp's argument <= 0).
    llvm::AllocaInst* max_slot = e.Alloca(f32, "max");
    b.CreateStore(load(e.I64(0)), max_slot);
    e.For(1, n, 1, [&](Value* i) {
      b.CreateStore(b.CreateMaxNum(b.CreateLoad(f32, max_slot), load(i)), max_slot);
    }, "max");
    Value* max = b.CreateLoad(f32, max_slot);
    // exp((x - max) * beta), TFLite's order of operations.
    auto exp_of = [&](Value* i) {
      return e.Exp(b.CreateFMul(b.CreateFSub(load(i), max), e.F32(beta)));
    };

    // Pass 2: exps (kept when the row fits the stack) and their sum.
    llvm::AllocaInst* buf =
        n <= kMaxStackRow ? e.Alloca(llvm::ArrayType::get(f32, n), "exps") : nullptr;
    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sum");
    b.CreateStore(e.F32(0.0f), sum_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* ex = exp_of(i);
      if (buf) b.CreateStore(ex, b.CreateInBoundsGEP(f32, buf, i));
      llvm::IRBuilder<>::FastMathFlagGuard guard(b);
      llvm::FastMathFlags f;
      f.setAllowReassoc();  // lets the sum vectorize; rounding-level difference
      f.setAllowContract();
      b.setFastMathFlags(f);
      b.CreateStore(b.CreateFAdd(b.CreateLoad(f32, sum_slot), ex), sum_slot);
    }, "exp");
    // TFLite multiplies by the sum's inverse rather than dividing each element.
    Value* inv = b.CreateFDiv(e.F32(1.0f), b.CreateLoad(f32, sum_slot));

    // Pass 3: normalize and hand each element to the epilogue.
    e.For(0, n, 1, [&](Value* i) {
      Value* ex = buf ? b.CreateLoad(f32, b.CreateInBoundsGEP(f32, buf, i)) : exp_of(i);
      idx[last] = i;
      e.StoreOutput(b.CreateFMul(ex, inv), idx);
    }, "norm");
  }
};

}  // namespace

const OpDef& softmax_op() {
  static const SoftmaxOp op;
  return op;
}

}  // namespace jitlite::ops
