// MINIMUM: out = a < b ? a : b, numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32, INT32 and INT64. As in TFLite's kernel, a NaN in b
// propagates, a NaN in a does not, and ties (+0 vs -0) give b. INT8/UINT8/
// INT16 compare the stored values (no requantization, as in TFLite); float16
// comes later.
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_elementwise.h"

namespace jitlite::ops {
namespace {

// Quantized values compare raw (TFLite requantizes nothing: inputs and
// output are meant to share their parameters).
constexpr std::initializer_list<DType> kTypes = {
    DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kInt32,
    DType::kInt64,   DType::kInt8,    DType::kUInt8,    DType::kInt16};

class MinimumOp : public OpDef {
 public:
  std::string_view name() const override { return "MINIMUM"; }
  std::vector<int> builtin_codes() const override { return {57}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "MINIMUM", kTypes, {}));
    return PrepareBinary(ctx, kTypes, 8);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    // TFLite's a < b ? a : b: the comparison is false when either side is
    // NaN, so b comes out then (NaN only when b is NaN).
    llvm::Value* take_a = EmitStoredCompare(b, v[0], v[1], ctx.input(0).dtype, false);
    return b.CreateSelect(take_a, v[0], v[1]);
  }
};

}  // namespace

const OpDef& minimum_op() {
  static const MinimumOp op;
  return op;
}

}  // namespace jitlite::ops
