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
// The search is linear over the values found so far (O(n * count)), reading
// them back from y: UNIQUE ends its segment, so its stores are never fused
// into an epilogue and y's buffer holds exactly what StoreOutput stored.
#include <string>
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

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    llvm::IRBuilder<>& b = e.b();
    const DType dtype = ctx.input(0).dtype;
    const int64_t n = ctx.input(0).num_elements();
    llvm::Type* i64 = b.getInt64Ty();
    llvm::Type* index_type = jit::ElementType(e.context(), ctx.output(1).dtype);
    llvm::AllocaInst* count = e.Alloca(i64, "count");
    llvm::AllocaInst* found = e.Alloca(i64, "found");
    b.CreateStore(e.I64(0), count);
    e.For(0, n, 1, [&](Value* i) {
      Value* x = e.LoadInput(0, i);
      Value* seen = b.CreateLoad(i64, count);
      b.CreateStore(seen, found);  // "not found" until a match
      // The first match wins: later ones only replace a "not found".
      e.For(e.I64(0), seen, 1, [&](Value* j) {
        Value* y = jit::LoadElement(b, dtype, e.OutputPtr(0), j);
        Value* equal = x->getType()->isFloatingPointTy() ? b.CreateFCmpOEQ(x, y)
                                                         : b.CreateICmpEQ(x, y);
        Value* first = b.CreateAnd(equal, b.CreateICmpEQ(b.CreateLoad(i64, found), seen));
        b.CreateStore(b.CreateSelect(first, j, b.CreateLoad(i64, found)), found);
      }, "j");
      Value* at = b.CreateLoad(i64, found);
      e.If(b.CreateICmpEQ(at, seen), [&] {
        e.StoreOutput(x, std::span<Value* const>(&seen, 1), 0);
        b.CreateStore(b.CreateAdd(seen, e.I64(1)), count);
      });
      e.StoreOutput(b.CreateTrunc(at, index_type), std::span<Value* const>(&i, 1), 1);
    });
    b.CreateStore(b.CreateLoad(i64, count), e.DataDimsPtr());
    b.CreateStore(e.I64(n), b.CreateConstInBoundsGEP1_64(i64, e.DataDimsPtr(), 1));
    return Status::Ok();
  }
};

}  // namespace

const OpDef& unique_op() {
  static const UniqueOp op;
  return op;
}

}  // namespace jitlite::ops
