// LOG_SOFTMAX (float32): along the last axis, out_i = x_i - max x - log(sum_j
// exp(x_j - max x)), TFLite's order of operations. Any input rank >= 1.
// Quantized LOG_SOFTMAX comes with the quantized path.
//
// Per row: a max pass, an exp + sum pass, then each element goes to
// StoreOutput. The one log per row is ElementEmitter::Log (inline, no libm).
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/last_axis_rows.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

class LogSoftmaxOp : public OpDef {
 public:
  std::string_view name() const override { return "LOG_SOFTMAX"; }
  std::vector<int> builtin_codes() const override { return {50}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    DType t = ctx.input(0).dtype;
    if (t != DType::kFloat32) {
      if (t == DType::kInt8 || t == DType::kUInt8) {
        return Unimplemented(std::string("LOG_SOFTMAX of ") + DTypeName(t) +
                             " is not supported yet (supported: FLOAT32)");
      }
      return InvalidArgument(std::string("LOG_SOFTMAX of ") + DTypeName(t) +
                             ", which TFLite does not accept (supported: FLOAT32)");
    }
    if (ctx.input(0).rank() < 1) {
      return InvalidArgument("input 0 is a scalar; LOG_SOFTMAX needs rank >= 1");
    }
    ctx.SetOutput(0, t, ctx.input(0).shape);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape;
    return EmitRowKernel(e, ctx, [&](std::vector<Value*>& idx, Value* base) {
      EmitRow(e, shape, idx, base);
    });
  }

 private:
  static void EmitRow(jit::KernelEmitter& e, const Shape& shape, std::vector<Value*>& idx,
                      Value* base) {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = shape.back();
    auto load = [&](Value* i) { return e.LoadInput(0, b.CreateAdd(base, i, "", true, true)); };
    llvm::Type* f32 = b.getFloatTy();

    llvm::AllocaInst* max_slot = e.Alloca(f32, "max");
    b.CreateStore(load(e.I64(0)), max_slot);
    e.For(1, n, 1, [&](Value* i) {
      b.CreateStore(b.CreateMaxNum(b.CreateLoad(f32, max_slot), load(i)), max_slot);
    }, "max");
    Value* max = b.CreateLoad(f32, max_slot);

    llvm::AllocaInst* sum_slot = e.Alloca(f32, "sum");
    b.CreateStore(e.F32(0.0f), sum_slot);
    e.For(0, n, 1, [&](Value* i) {
      Value* ex = e.Exp(b.CreateFSub(load(i), max));
      b.CreateStore(ReassociatingAdd(b, b.CreateLoad(f32, sum_slot), ex), sum_slot);
    }, "exp");
    Value* log_sum = e.Log(b.CreateLoad(f32, sum_slot));

    const size_t last = shape.size() - 1;
    e.For(0, n, 1, [&](Value* i) {
      idx[last] = i;
      e.StoreOutput(b.CreateFSub(b.CreateFSub(load(i), max), log_sum), idx);
    }, "out");
  }
};

}  // namespace

const OpDef& log_softmax_op() {
  static const LogSoftmaxOp op;
  return op;
}

}  // namespace jitlite::ops
