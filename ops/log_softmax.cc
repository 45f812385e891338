// LOG_SOFTMAX (float32): along the last axis, out_i = x_i - max x - log(sum_j
// exp(x_j - max x)), TFLite's order of operations. Any input rank >= 1.
// Quantized LOG_SOFTMAX comes with the quantized path.
//
// Per row: a max pass, an exp + sum pass, then each element goes to
// StoreOutput. The one log per row is an inline polynomial (the sum is in
// [1, row length] or NaN, so only positive normal arguments matter).
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/last_axis_rows.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// log(x) for positive normal x (NaN stays NaN): x = 2^e * m with m in
// [sqrt(1/2), sqrt(2)), log(m) by the Cephes single-precision polynomial in
// f = m - 1, and e * ln2 split in two parts for accuracy.
Value* EmitLog(jit::ElementEmitter& e, Value* x) {
  llvm::IRBuilder<>& b = e.b();
  Value* bits = b.CreateBitCast(x, b.getInt32Ty());
  Value* exponent = b.CreateSub(b.CreateLShr(bits, 23), e.I32(127));
  // Mantissa with exponent 0 (m in [1, 2)); halve it above sqrt(2).
  Value* m = b.CreateBitCast(b.CreateOr(b.CreateAnd(bits, e.I32(0x007fffff)), e.I32(0x3f800000)),
                             b.getFloatTy());
  Value* big = b.CreateFCmpOGT(m, e.F32(1.41421356f));
  m = b.CreateSelect(big, b.CreateFMul(m, e.F32(0.5f)), m);
  exponent = b.CreateSelect(big, b.CreateAdd(exponent, e.I32(1)), exponent);
  Value* ef = b.CreateSIToFP(exponent, b.getFloatTy());
  Value* f = b.CreateFSub(m, e.F32(1.0f));
  Value* z = b.CreateFMul(f, f);
  const float coeffs[] = {7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f,
                          -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f,
                          2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f};
  Value* p = e.F32(coeffs[0]);
  for (size_t i = 1; i < std::size(coeffs); ++i) {
    p = b.CreateFAdd(b.CreateFMul(p, f), e.F32(coeffs[i]));
  }
  Value* y = b.CreateFMul(b.CreateFMul(p, f), z);
  y = b.CreateFAdd(y, b.CreateFMul(ef, e.F32(-2.12194440e-4f)));
  y = b.CreateFSub(y, b.CreateFMul(z, e.F32(0.5f)));
  Value* result = b.CreateFAdd(b.CreateFAdd(f, y), b.CreateFMul(ef, e.F32(0.693359375f)));
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
}

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
    if (NumElements(shape) == 0) return Status::Ok();
    EmitLastAxisRows(e, shape, [&](std::vector<Value*>& idx, Value* base) {
      EmitRow(e, shape, idx, base);
    });
    return Status::Ok();
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
    Value* log_sum = EmitLog(e, b.CreateLoad(f32, sum_slot));

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
