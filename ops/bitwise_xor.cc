// BITWISE_XOR: out = a ^ b on INT8/UINT8/INT16/UINT16/INT32/UINT32 (the types
// TFLite's kernel takes; the bits are the same for signed and unsigned), numpy
// broadcasting up to rank 8. No options.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

class BitwiseXorOp : public OpDef {
 public:
  std::string_view name() const override { return "BITWISE_XOR"; }
  std::vector<int> builtin_codes() const override { return {160}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    const std::initializer_list<DType> kTypes = {DType::kInt8,  DType::kUInt8,  DType::kInt16,
                                                 DType::kUInt16, DType::kInt32, DType::kUInt32};
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "BITWISE_XOR", kTypes, {}));
    return PrepareBinary(ctx, kTypes, 8);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateXor(v[0], v[1]);
  }
};

}  // namespace

const OpDef& bitwise_xor_op() {
  static const BitwiseXorOp op;
  return op;
}

}  // namespace jitlite::ops
