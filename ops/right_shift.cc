// RIGHT_SHIFT: out = a >> b on INT8/UINT8/INT16/UINT16/INT32/UINT32 (the types
// TFLite's kernel takes), numpy broadcasting up to rank 8. Arithmetic shift for
// signed types, logical for unsigned. As TFLite, the shift count is clamped to
// [0, bits - 1] first: a negative count shifts by 0, a count of the bit width
// or more by bits - 1 (so a negative signed a gives -1, anything else 0).
#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"
#include "ops/util/integer_binary.h"

namespace jitlite::ops {
namespace {

bool IsUnsigned(DType t) {
  return t == DType::kUInt8 || t == DType::kUInt16 || t == DType::kUInt32;
}

class RightShiftOp : public OpDef {
 public:
  std::string_view name() const override { return "RIGHT_SHIFT"; }
  std::vector<int> builtin_codes() const override { return {161}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    return PrepareIntegerBinary(ctx, "RIGHT_SHIFT");
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    llvm::Type* t = v[0]->getType();
    llvm::Value* max_count = llvm::ConstantInt::get(t, t->getScalarSizeInBits() - 1);
    if (IsUnsigned(ctx.input(0).dtype)) {
      llvm::Value* count = b.CreateBinaryIntrinsic(llvm::Intrinsic::umin, v[1], max_count);
      return b.CreateLShr(v[0], count);
    }
    llvm::Value* count = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, v[1],
                                                 llvm::ConstantInt::get(t, 0));
    count = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, count, max_count);
    return b.CreateAShr(v[0], count);
  }
};

}  // namespace

const OpDef& right_shift_op() {
  static const RightShiftOp op;
  return op;
}

}  // namespace jitlite::ops
