// TOPK_V2: the k largest entries of each last-dim row of input 0 (FLOAT32,
// INT32, INT64, and INT8/UINT8/INT16 compared raw, output quantized like the
// input), sorted from largest to smallest, with their positions: output 0
// values, output 1 indices (INT32 or INT16, as the model declares). Equal
// values keep their order (lower index first), as in TFLite. k (input 1,
// INT32/INT16, one value) is an output dim, so it must be constant here.
// NaNs have no defined place (TFLite's heap leaves them unspecified either).
//
// Kernel: per row, an insertion list of the best k so far (values and
// indices on the stack); a new element enters only if it beats the k-th.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// The list lives on the stack: 16 bytes per entry.
constexpr int64_t kMaxK = 4096;

StatusOr<int32_t> CheckedK(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  if (ctx.num_outputs() != 2) return InvalidArgument("TOPK_V2 has 2 outputs");
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "TOPK_V2",
      {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8, DType::kInt16},
      {}));
  JITLITE_RETURN_IF_ERROR(CheckCopyOutput(ctx, 0, 0, "TOPK_V2"));
  const DType index_type = ctx.output(1).dtype;
  if (index_type != DType::kInt32 && index_type != DType::kInt16) {
    return InvalidArgument(std::string("output 1 (indices) has type ") + DTypeName(index_type) +
                           "; TFLite's TOPK_V2 writes INT32 or INT16 indices");
  }
  const TensorState& in = ctx.input(0);
  const TensorState& k_t = ctx.input(1);
  if (k_t.dtype != DType::kInt32 && k_t.dtype != DType::kInt16) {
    return InvalidArgument(std::string("k (input 1) has type ") + DTypeName(k_t.dtype) +
                           "; TFLite takes INT32 or INT16");
  }
  if (k_t.num_elements() != 1) {
    return InvalidArgument("k (input 1) has shape " + ShapeToString(k_t.shape) +
                           "; it must hold one value");
  }
  if (in.rank() < 1) return InvalidArgument("TOPK_V2 needs an input of rank >= 1");
  // The output shape is k: a runtime k from a graph input compiles per value.
  JITLITE_RETURN_IF_ERROR(RequireConstant(k_t, "k (input 1)"));
  const int64_t k = k_t.dtype == DType::kInt16 ? k_t.const_as<int16_t>()[0]
                                                : k_t.const_as<int32_t>()[0];
  const int32_t row = in.dim(in.rank() - 1);
  if (k < 0 || k > row) {
    return InvalidArgument("k = " + std::to_string(k) + " must be in 0..last dim (" +
                           std::to_string(row) + ")");
  }
  if (k > kMaxK) {
    return Unimplemented("k = " + std::to_string(k) + " is above jitlite's TOPK_V2 limit of " +
                         std::to_string(kMaxK));
  }
  return static_cast<int32_t>(k);
}

// a > b in the input's order (unsigned for UINT8).
Value* Greater(llvm::IRBuilder<>& b, DType t, Value* x, Value* y) {
  if (t == DType::kFloat32) return b.CreateFCmpOGT(x, y);
  return t == DType::kUInt8 ? b.CreateICmpUGT(x, y) : b.CreateICmpSGT(x, y);
}

class TopKV2Op : public OpDef {
 public:
  std::string_view name() const override { return "TOPK_V2"; }
  std::vector<int> builtin_codes() const override { return {48}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int32_t k, CheckedK(ctx));
    Shape out = ctx.input(0).shape;
    out.back() = k;
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    ctx.SetOutput(1, ctx.output(1).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int32_t k, CheckedK(ctx));
    const Shape& in = ctx.input(0).shape;
    if (k == 0 || NumElements(in) == 0) return Status::Ok();
    const DType dtype = ctx.input(0).dtype;
    const int64_t n = in.back();
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* t = jit::ElementType(e.context(), dtype);
    llvm::Type* i64 = b.getInt64Ty();
    llvm::AllocaInst* vals = e.Alloca(llvm::ArrayType::get(t, k), "top_values");
    llvm::AllocaInst* idxs = e.Alloca(llvm::ArrayType::get(i64, k), "top_indices");
    llvm::AllocaInst* count = e.Alloca(i64, "count");
    llvm::AllocaInst* pos = e.Alloca(i64, "pos");
    auto val_at = [&](Value* p) { return b.CreateInBoundsGEP(t, vals, p); };
    auto idx_at = [&](Value* p) { return b.CreateInBoundsGEP(i64, idxs, p); };
    Shape rows(in.begin(), in.end() - 1);
    EmitIndexLoops(e, rows, [&](const std::vector<Value*>& row) {
      std::vector<Value*> first = row;
      first.push_back(e.I64(0));
      Value* base = e.LinearOffset(in, first);
      b.CreateStore(e.I64(0), count);
      e.For(0, n, 1, [&](Value* c) {
        Value* x = e.LoadInput(0, b.CreateAdd(base, c));
        Value* cnt = b.CreateLoad(i64, count);
        Value* full = b.CreateICmpEQ(cnt, e.I64(k));
        // The k-th entry is only set once the list is full (freeze: never poison).
        Value* last = b.CreateFreeze(b.CreateLoad(t, val_at(e.I64(k - 1))));
        Value* beats_last = Greater(b, dtype, x, last);
        e.If(b.CreateOr(b.CreateNot(full), beats_last), [&] {
          b.CreateStore(b.CreateSelect(full, e.I64(k - 1), cnt), pos);
          b.CreateStore(b.CreateSelect(full, cnt, b.CreateAdd(cnt, e.I64(1))), count);
          EmitShiftDown(e, dtype, x, vals, idxs, pos, t);
          Value* p = b.CreateLoad(i64, pos);
          b.CreateStore(x, val_at(p));
          b.CreateStore(c, idx_at(p));
        });
      }, "c");
      e.For(0, k, 1, [&](Value* j) {
        std::vector<Value*> index = row;
        index.push_back(j);
        e.StoreOutput(b.CreateLoad(t, val_at(j)), index, 0);
        Value* at = b.CreateLoad(i64, idx_at(j));
        e.StoreOutput(b.CreateTrunc(at, jit::ElementType(e.context(), ctx.output(1).dtype)),
                      index, 1);
      }, "j");
    });
    return Status::Ok();
  }

 private:
  // while (pos > 0 && x > vals[pos - 1]) { entry[pos] = entry[pos - 1]; --pos; }
  static void EmitShiftDown(jit::KernelEmitter& e, DType dtype, Value* x, llvm::AllocaInst* vals,
                            llvm::AllocaInst* idxs, llvm::AllocaInst* pos, llvm::Type* t) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* i64 = b.getInt64Ty();
    llvm::Function* fn = b.GetInsertBlock()->getParent();
    auto* cond = llvm::BasicBlock::Create(e.context(), "shift.cond", fn);
    auto* body = llvm::BasicBlock::Create(e.context(), "shift.body", fn);
    auto* done = llvm::BasicBlock::Create(e.context(), "shift.done", fn);
    b.CreateBr(cond);
    b.SetInsertPoint(cond);
    Value* p = b.CreateLoad(i64, pos);
    Value* prev_pos = e.Max(b.CreateSub(p, e.I64(1)), e.I64(0));  // in bounds when p == 0
    Value* prev = b.CreateLoad(t, b.CreateInBoundsGEP(t, vals, prev_pos));
    Value* go = b.CreateAnd(b.CreateICmpSGT(p, e.I64(0)), Greater(b, dtype, x, prev));
    b.CreateCondBr(go, body, done);
    b.SetInsertPoint(body);
    b.CreateStore(prev, b.CreateInBoundsGEP(t, vals, p));
    Value* prev_idx = b.CreateLoad(i64, b.CreateInBoundsGEP(i64, idxs, prev_pos));
    b.CreateStore(prev_idx, b.CreateInBoundsGEP(i64, idxs, p));
    b.CreateStore(prev_pos, pos);
    b.CreateBr(cond);
    b.SetInsertPoint(done);
  }
};

}  // namespace

const OpDef& topk_v2_op() {
  static const TopKV2Op op;
  return op;
}

}  // namespace jitlite::ops
