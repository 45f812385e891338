// PRELU: out = x >= 0 ? x : alpha * x, with alpha broadcast (numpy rules) to
// the input's shape: the output always has the input's shape (TFLite rejects
// an alpha that would enlarge it). FLOAT32; quantized INT8/UINT8/INT16 come
// later; TFLite has no integer float-path variant.
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {
namespace {

// The broadcast rank jit/ lowers for elementwise ops (LiteRT takes more).
constexpr int kMaxRank = 8;

class PreluOp : public OpDef {
 public:
  std::string_view name() const override { return "PRELU"; }
  std::vector<int> builtin_codes() const override { return {54}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }
  bool vectorizable() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
        ctx, 0, "PRELU", {DType::kFloat32}, {DType::kInt8, DType::kUInt8, DType::kInt16}));
    JITLITE_ASSIGN_OR_RETURN(Shape shape,
                             BroadcastShapes(ctx.input(0).shape, ctx.input(1).shape));
    if (shape != ctx.input(0).shape) {
      return InvalidArgument("alpha (input 1) of shape " + ShapeToString(ctx.input(1).shape) +
                             " would broadcast the input of shape " +
                             ShapeToString(ctx.input(0).shape) + " to " + ShapeToString(shape) +
                             "; PRELU's alpha must broadcast to the input's shape");
    }
    if (static_cast<int>(shape.size()) > kMaxRank) {
      return Unimplemented("PRELU of rank " + std::to_string(shape.size()) +
                           " is not supported yet (up to rank 8)");
    }
    return PrepareBinary(ctx, {DType::kFloat32}, kMaxRank);
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* scaled = b.CreateFMul(v[0], v[1]);
    return b.CreateSelect(b.CreateFCmpOGE(v[0], e.F32(0.0f)), v[0], scaled);
  }
};

}  // namespace

const OpDef& prelu_op() {
  static const PreluOp op;
  return op;
}

}  // namespace jitlite::ops
