// Shared comparison op definition (see ops/util/comparison.h).
#include "ops/util/comparison.h"

#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

constexpr int kLeftShift = 8;  // TFLite's headroom before rescaling

bool IsRescaledType(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

// The 8-bit inputs' quantization: per tensor, scale in (0, 1) (TFLite's
// QuantizeMultiplierSmallerThanOneExp refuses others).
Status CheckRescaledInputs(const NodeContext& ctx, std::string_view op) {
  for (int i = 0; i < 2; ++i) {
    const std::string what = "input " + std::to_string(i);
    JITLITE_RETURN_IF_ERROR(ExpectPerTensorQuantization(ctx.input(i), what));
    const float scale = Scale(ctx.input(i));
    if (!(scale > 0.0f && scale < 1.0f)) {
      return InvalidArgument(what + " has scale " + std::to_string(scale) + "; quantized " +
                             std::string(op) + " needs scales in (0, 1), as TFLite");
    }
  }
  return Status::Ok();
}

// (q - zp) << 8 rescaled by the input's scale, as i32.
llvm::Value* Rescaled(jit::ElementEmitter& e, llvm::Value* q, const TensorState& t) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* centered = b.CreateSub(EmitWidenQuantized(b, q, t.dtype), e.I32(ZeroPoint(t)));
  llvm::Value* shifted = b.CreateMul(centered, e.I32(1 << kLeftShift));
  return EmitMultiplyByQuantizedMultiplier(b, shifted,
                                           QuantizeMultiplier(static_cast<double>(Scale(t))));
}

}  // namespace

Status ComparisonOp::Prepare(NodeContext& ctx) const {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  // INT16 is a plain integer comparison in TFLite (no rescaling). Halves
  // compare exactly once widened; TFLite's kernels take BFLOAT16 only in
  // GREATER and LESS.
  std::initializer_list<DType> numeric = {DType::kFloat32, DType::kFloat16, DType::kInt32,
                                          DType::kInt64,   DType::kInt16,   DType::kInt8,
                                          DType::kUInt8};
  std::initializer_list<DType> with_bfloat16 = {DType::kFloat32, DType::kFloat16, DType::kBFloat16,
                                                DType::kInt32,   DType::kInt64,   DType::kInt16,
                                                DType::kInt8,    DType::kUInt8};
  std::initializer_list<DType> with_bool = {DType::kFloat32, DType::kFloat16, DType::kInt32,
                                            DType::kInt64,   DType::kInt16,   DType::kInt8,
                                            DType::kUInt8,   DType::kBool};
  const bool takes_bfloat16 = name_ == "GREATER" || name_ == "LESS";
  std::initializer_list<DType> supported =
      allows_bool_ ? with_bool : (takes_bfloat16 ? with_bfloat16 : numeric);
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, name_, supported, {}));
  const DType out = DType::kBool;
  JITLITE_RETURN_IF_ERROR(PrepareBinary(ctx, supported, 8, &out));
  if (IsRescaledType(ctx.input(0).dtype)) return CheckRescaledInputs(ctx, name_);
  return Status::Ok();
}

llvm::Value* ComparisonOp::EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                                       std::span<llvm::Value* const> v) const {
  if (IsFloat(v[0])) return e.b().CreateFCmp(float_pred_, v[0], v[1]);
  if (IsRescaledType(ctx.input(0).dtype)) {
    return e.b().CreateICmp(int_pred_, Rescaled(e, v[0], ctx.input(0)),
                            Rescaled(e, v[1], ctx.input(1)));
  }
  // Bools are i1: EQ/NE are the only predicates they reach.
  return e.b().CreateICmp(int_pred_, v[0], v[1]);
}

}  // namespace jitlite::ops
