// WHERE (one input): the coordinates of the input's true (non-zero) elements
// in row-major order, as INT64 [count, rank]. BOOL, FLOAT32, INT32, INT64,
// INT8 and UINT8 input of rank 1..8 (raw values: a quantized zero point is not subtracted,
// as in TFLite; a float NaN counts as true, -0.0 as false).
//
// The count depends on the data, so WHERE ends a compiled segment
// (OpDef::output_shape_from_data): the buffer is sized for every element
// being true, the kernel fills its first `count` rows and writes count to
// DataDimsPtr(); what follows is compiled for [count, rank]. A constant
// condition is folded at allocate time instead (no segment).
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int kMaxRank = 8;

// Element i of a constant condition, as the kernel tests it.
bool IsTrue(const TensorState& x, int64_t i) {
  switch (x.dtype) {
    case DType::kFloat32: return x.const_as<float>()[i] != 0.0f;  // NaN is true
    case DType::kInt32: return x.const_as<int32_t>()[i] != 0;
    case DType::kInt64: return x.const_as<int64_t>()[i] != 0;
    default: return x.const_data[i] != 0;  // BOOL, INT8, UINT8: one byte
  }
}

int64_t TrueCount(const TensorState& x) {
  int64_t count = 0;
  for (int64_t i = 0; i < x.num_elements(); ++i) count += IsTrue(x, i) ? 1 : 0;
  return count;
}

class WhereOp : public OpDef {
 public:
  std::string_view name() const override { return "WHERE"; }
  std::vector<int> builtin_codes() const override { return {109}; }
  OpKind kind() const override { return OpKind::kKernel; }
  bool output_shape_from_data() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    if (ctx.num_outputs() != 1) {
      return InvalidArgument("WHERE has one output; the node has " +
                             std::to_string(ctx.num_outputs()));
    }
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(0, {DType::kBool, DType::kFloat32, DType::kInt32,
                                                    DType::kInt64, DType::kInt8, DType::kUInt8}));
    // TFLite's kernel refuses a scalar condition (at invoke).
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, kMaxRank));
    const TensorState& x = ctx.input(0);
    // A constant condition has its size now (TFLite sizes it in Prepare too).
    int64_t rows = x.is_constant() ? TrueCount(x) : x.num_elements();
    ctx.SetOutput(0, DType::kInt64, {static_cast<int32_t>(rows), static_cast<int32_t>(x.rank())});
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return ctx.input(0).is_constant(); }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const TensorState& x = ctx.input(0);
    std::vector<int64_t> coords;
    std::vector<int64_t> index(x.rank(), 0);
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      if (IsTrue(x, i)) coords.insert(coords.end(), index.begin(), index.end());
      // Row-major increment of the multi-index.
      for (int d = x.rank() - 1; d >= 0 && ++index[d] == x.dim(d); --d) index[d] = 0;
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(coords.data());
    out.assign(bytes, bytes + coords.size() * sizeof(int64_t));
    return Status::Ok();
  }

  // One sequential pass: a true element stores its index as the next row.
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    llvm::IRBuilder<>& b = e.b();
    const Shape& shape = ctx.input(0).shape;
    llvm::AllocaInst* count = e.Alloca(b.getInt64Ty(), "count");
    b.CreateStore(e.I64(0), count);
    EmitIndexLoops(e, shape, [&](const std::vector<Value*>& index) {
      Value* x = e.LoadInput(0, e.LinearOffset(shape, index));
      Value* zero = llvm::Constant::getNullValue(x->getType());
      Value* is_true = x->getType()->isFloatingPointTy() ? b.CreateFCmpUNE(x, zero)
                                                         : b.CreateICmpNE(x, zero);
      e.If(is_true, [&] {
        Value* row = b.CreateLoad(b.getInt64Ty(), count);
        for (size_t d = 0; d < index.size(); ++d) {
          Value* at[] = {row, e.I64(static_cast<int64_t>(d))};
          e.StoreOutput(index[d], at);
        }
        b.CreateStore(b.CreateAdd(row, e.I64(1)), count);
      });
    });
    b.CreateStore(b.CreateLoad(b.getInt64Ty(), count), e.DataDimsPtr());
    return Status::Ok();
  }
};

}  // namespace

const OpDef& where_op() {
  static const WhereOp op;
  return op;
}

}  // namespace jitlite::ops
