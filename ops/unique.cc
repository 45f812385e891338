// UNIQUE: for a vector x [n], y [count] holds its distinct values in the order
// they first occur and idx [n] (UniqueOptions.idx_out_type: INT32, the
// default, or INT64) the position of each x[i] in y. FLOAT32, INT32, INT64,
// INT8, UINT8 and INT16 input (raw values compared; floats by ==, so -0.0
// equals 0.0; a NaN equals nothing, where TFLite's std::map is unspecified).
//
// count depends on the data, so UNIQUE ends a compiled segment
// (OpDef::output_shape_from_data): y's buffer holds n values, the kernel
// writes count (and n for idx) to DataDimsPtr(); what follows is compiled for
// y [count].
//
// Values are found through an open-addressing hash table (packed scratch of
// positions in y, cleared by each run), comparing with y itself: UNIQUE ends
// its segment, so its stores are never fused into an epilogue and y's buffer
// holds exactly what StoreOutput stored.
#include <string>
#include <utility>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// UniqueOptions.idx_out_type; a missing table reads as the schema default.
DType IndexType(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_UniqueOptions();
  return opts ? static_cast<DType>(opts->idx_out_type()) : DType::kInt32;
}

class UniqueOp : public OpDef {
 public:
  std::string_view name() const override { return "UNIQUE"; }
  std::vector<int> builtin_codes() const override { return {103}; }
  OpKind kind() const override { return OpKind::kKernel; }
  bool output_shape_from_data() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (ctx.num_outputs() != 2) {
      return InvalidArgument("UNIQUE has two outputs (values, indices); the node has " +
                             std::to_string(ctx.num_outputs()));
    }
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(0, {DType::kFloat32, DType::kInt32, DType::kInt64,
                                                    DType::kInt8, DType::kUInt8, DType::kInt16}));
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, 1));
    DType index_type = IndexType(ctx);
    if (index_type != DType::kInt32 && index_type != DType::kInt64) {
      return InvalidArgument(std::string("idx_out_type is ") + DTypeName(index_type) +
                             "; UNIQUE's indices can only be INT32 or INT64");
    }
    const TensorState& x = ctx.input(0);
    ctx.SetOutput(0, x.dtype, x.shape);
    ctx.SetOutput(1, index_type, x.shape);
    return Status::Ok();
  }

  // The hash table the kernel uses as scratch: one int64 slot per entry (a
  // position in y, or -1), at least twice n and a power of two, so probing
  // always finds a free slot.
  int64_t ScratchBytes(const NodeContext& ctx) const override {
    return static_cast<int64_t>(sizeof(int64_t)) * TableSize(ctx.input(0).num_elements());
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    llvm::IRBuilder<>& b = e.b();
    const int64_t n = ctx.input(0).num_elements();
    const int64_t table_size = TableSize(n);
    llvm::Type* i64 = b.getInt64Ty();
    Value* table = e.ScratchPtr();
    e.For(0, table_size, 1, [&](Value* slot) {
      b.CreateStore(e.I64(-1), b.CreateInBoundsGEP(i64, table, slot));
    }, "clear");
    llvm::AllocaInst* count = e.Alloca(i64, "count");
    b.CreateStore(e.I64(0), count);
    llvm::Type* index_type = jit::ElementType(e.context(), ctx.output(1).dtype);
    e.For(0, n, 1, [&](Value* i) {
      Value* x = e.LoadInput(0, i);
      auto [slot, entry] = EmitProbe(e, ctx, x, table, table_size);
      llvm::AllocaInst* position = e.Alloca(i64, "position");
      b.CreateStore(entry, position);
      e.If(b.CreateICmpEQ(entry, e.I64(-1)), [&] {  // new value: append it to y
        Value* seen = b.CreateLoad(i64, count);
        b.CreateStore(seen, b.CreateInBoundsGEP(i64, table, slot));
        e.StoreOutput(x, std::span<Value* const>(&seen, 1), 0);
        b.CreateStore(seen, position);
        b.CreateStore(b.CreateAdd(seen, e.I64(1)), count);
      });
      Value* index = b.CreateTrunc(b.CreateLoad(i64, position), index_type);
      e.StoreOutput(index, std::span<Value* const>(&i, 1), 1);
    });
    b.CreateStore(b.CreateLoad(i64, count), e.DataDimsPtr());
    b.CreateStore(e.I64(n), b.CreateConstInBoundsGEP1_64(i64, e.DataDimsPtr(), 1));
    return Status::Ok();
  }

 private:
  static int64_t TableSize(int64_t n) {
    int64_t size = 1;
    while (size < 2 * n) size *= 2;
    return size;
  }

  // Linear probing from x's hash: stops at the slot holding x's position in y
  // (returned as entry) or at the first free slot (entry -1).
  static std::pair<Value*, Value*> EmitProbe(jit::KernelEmitter& e, const NodeContext& ctx,
                                             Value* x, Value* table, int64_t table_size) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* i64 = b.getInt64Ty();
    const DType dtype = ctx.input(0).dtype;
    const bool is_float = x->getType()->isFloatingPointTy();
    llvm::Function* fn = b.GetInsertBlock()->getParent();
    llvm::BasicBlock* before = b.GetInsertBlock();
    auto* probe = llvm::BasicBlock::Create(e.context(), "probe", fn);
    auto* next = llvm::BasicBlock::Create(e.context(), "probe.next", fn);
    auto* done = llvm::BasicBlock::Create(e.context(), "probe.done", fn);
    Value* start = b.CreateAnd(Hash(e, x), e.I64(table_size - 1));
    b.CreateBr(probe);

    b.SetInsertPoint(probe);
    llvm::PHINode* slot = b.CreatePHI(i64, 2, "slot");
    slot->addIncoming(start, before);
    Value* entry = b.CreateLoad(i64, b.CreateInBoundsGEP(i64, table, slot));
    Value* empty = b.CreateICmpEQ(entry, e.I64(-1));
    // y[entry] is only compared for a used slot; a free one reads y[0].
    Value* y = jit::LoadElement(b, dtype, e.OutputPtr(0), b.CreateSelect(empty, e.I64(0), entry));
    Value* equal = is_float ? b.CreateFCmpOEQ(x, y) : b.CreateICmpEQ(x, y);
    b.CreateCondBr(b.CreateOr(empty, equal), done, next);

    b.SetInsertPoint(next);
    slot->addIncoming(b.CreateAnd(b.CreateAdd(slot, e.I64(1)), e.I64(table_size - 1)), next);
    b.CreateBr(probe);

    b.SetInsertPoint(done);
    return {slot, entry};
  }

  // A 64-bit mix of x's bits; values that compare equal hash alike (floats:
  // -0.0 as 0.0).
  static Value* Hash(jit::KernelEmitter& e, Value* x) {
    llvm::IRBuilder<>& b = e.b();
    Value* bits = x;
    if (x->getType()->isFloatingPointTy()) {
      Value* zero = llvm::ConstantFP::get(x->getType(), 0.0);
      bits = b.CreateBitCast(b.CreateSelect(b.CreateFCmpOEQ(x, zero), zero, x), b.getInt32Ty());
    }
    Value* h = b.CreateZExt(bits, b.getInt64Ty());
    h = b.CreateMul(h, e.I64(static_cast<int64_t>(0x9E3779B97F4A7C15ULL)));
    return b.CreateXor(h, b.CreateLShr(h, e.I64(29)));
  }
};

}  // namespace

const OpDef& unique_op() {
  static const UniqueOp op;
  return op;
}

}  // namespace jitlite::ops
