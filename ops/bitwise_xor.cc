// BITWISE_XOR: out = a ^ b on INT8/UINT8/INT16/UINT16/INT32/UINT32 (the types
// TFLite's kernel takes; the bits are the same for signed and unsigned), numpy
// broadcasting up to rank 8. No options.
#include "ops/util/elementwise.h"
#include "ops/util/integer_binary.h"

namespace jitlite::ops {
namespace {

class BitwiseXorOp : public OpDef {
 public:
  std::string_view name() const override { return "BITWISE_XOR"; }
  std::vector<int> builtin_codes() const override { return {160}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    return PrepareIntegerBinary(ctx, "BITWISE_XOR");
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
