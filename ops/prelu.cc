// PRELU: out = x >= 0 ? x : alpha * x, with alpha broadcast (numpy rules) to
// the input's shape: the output always has the input's shape (TFLite rejects
// an alpha that would enlarge it). FLOAT32, and INT8/UINT8 as TFLite's
// reference kernel: c = x - zp_in; c >= 0 ? MBQM(c, s_in/s_out) :
// MBQM(c * (alpha - zp_alpha), s_in*s_alpha/s_out), + zp_out, clamped to the
// type (multipliers from float quotients, as TFLite's Prepare computes them).
// Alpha must have the input's type. LiteRT also takes INT16 with arithmetic
// not matched yet: Unimplemented.
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"

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
        ctx, 0, "PRELU", {DType::kFloat32, DType::kInt8, DType::kUInt8}, {DType::kInt16}));
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
    JITLITE_RETURN_IF_ERROR(
        PrepareBinary(ctx, {DType::kFloat32, DType::kInt8, DType::kUInt8}, kMaxRank));
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(0), "input 0"));
      JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(1), "alpha (input 1)"));
      JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.output(0), "output"));
    }
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) return EmitQuantized(e, ctx, v[0], v[1]);
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* scaled = b.CreateFMul(v[0], v[1]);
    return b.CreateSelect(b.CreateFCmpOGE(v[0], e.F32(0.0f)), v[0], scaled);
  }

 private:
  static llvm::Value* EmitQuantized(jit::ElementEmitter& e, const NodeContext& ctx,
                                    llvm::Value* q, llvm::Value* alpha_q) {
    llvm::IRBuilder<>& b = e.b();
    const TensorState& in = ctx.input(0);
    const TensorState& alpha = ctx.input(1);
    const TensorState& out = ctx.output(0);
    const QuantizedMultiplier identity =
        QuantizeMultiplier(static_cast<double>(Scale(in) / Scale(out)));
    const QuantizedMultiplier scaled =
        QuantizeMultiplier(static_cast<double>(Scale(in) * Scale(alpha) / Scale(out)));
    auto centered = [&](llvm::Value* v, const TensorState& t) {
      return b.CreateSub(EmitWidenQuantized(b, v, t.dtype), e.I32(ZeroPoint(t)));
    };
    llvm::Value* x = centered(q, in);
    llvm::Value* negative =
        EmitMultiplyByQuantizedMultiplier(b, b.CreateMul(x, centered(alpha_q, alpha)), scaled);
    llvm::Value* r = b.CreateSelect(b.CreateICmpSGE(x, e.I32(0)),
                                    EmitMultiplyByQuantizedMultiplier(b, x, identity), negative);
    r = b.CreateAdd(r, e.I32(ZeroPoint(out)));
    return EmitNarrowQuantized(b, EmitClampInt(b, r, DTypeRange(out.dtype)), out.dtype);
  }
};

}  // namespace

const OpDef& prelu_op() {
  static const PreluOp op;
  return op;
}

}  // namespace jitlite::ops
