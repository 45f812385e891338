// Shared pieces of the elementwise op files (see ops/util/elementwise_helpers.h).
#include "ops/util/elementwise_helpers.h"

#include <algorithm>
#include <cfloat>
#include <string>

#include "ops/util/elementwise.h"

namespace jitlite::ops {
namespace {

std::string TypeList(std::initializer_list<DType> types) {
  std::string s;
  for (DType t : types) {
    if (!s.empty()) s += ", ";
    s += DTypeName(t);
  }
  return s;
}

bool Contains(std::initializer_list<DType> types, DType t) {
  return std::find(types.begin(), types.end(), t) != types.end();
}

}  // namespace

Status CheckElementwiseDType(const NodeContext& ctx, int i, std::string_view op,
                             std::initializer_list<DType> supported,
                             std::initializer_list<DType> not_yet) {
  DType t = ctx.input(i).dtype;
  if (Contains(supported, t)) return Status::Ok();
  std::string what = "input " + std::to_string(i) + " has type " + DTypeName(t);
  if (Contains(not_yet, t)) {
    return Unimplemented(what + ": " + std::string(op) + " on " + DTypeName(t) +
                         " is not supported by jitlite yet; supported: " + TypeList(supported));
  }
  return InvalidArgument(what + ", which TFLite's " + std::string(op) +
                         " does not accept; supported: " + TypeList(supported));
}

Status CheckFusedActivation(int activation) {
  if (activation < 0 || activation > 5) {
    return InvalidArgument("unknown fused_activation_function " + std::to_string(activation) +
                           " (valid: 0 NONE .. 5 SIGN_BIT)");
  }
  return Status::Ok();
}

Status PrepareArithmetic(NodeContext& ctx, std::string_view op,
                         std::initializer_list<DType> supported, int activation) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, op, supported, {DType::kInt8, DType::kUInt8, DType::kInt16}));
  JITLITE_RETURN_IF_ERROR(CheckFusedActivation(activation));
  return PrepareBinary(ctx, supported, 8);
}

llvm::Value* ConstLike(llvm::Value* x, double v) {
  llvm::Type* t = x->getType();
  if (t->isFPOrFPVectorTy()) return llvm::ConstantFP::get(t, v);
  return llvm::ConstantInt::get(t, static_cast<uint64_t>(static_cast<int64_t>(v)), true);
}

llvm::Value* ClampBelow(jit::ElementEmitter& e, llvm::Value* x, llvm::Value* lo) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* below = x->getType()->isFPOrFPVectorTy() ? b.CreateFCmpOLT(x, lo)
                                                         : b.CreateICmpSLT(x, lo);
  return b.CreateSelect(below, lo, x);
}

llvm::Value* ClampAbove(jit::ElementEmitter& e, llvm::Value* x, llvm::Value* hi) {
  llvm::IRBuilder<>& b = e.b();
  llvm::Value* above = x->getType()->isFPOrFPVectorTy() ? b.CreateFCmpOGT(x, hi)
                                                         : b.CreateICmpSGT(x, hi);
  return b.CreateSelect(above, hi, x);
}

llvm::Value* ApplyFusedActivation(jit::ElementEmitter& e, llvm::Value* x, int activation) {
  bool is_float = x->getType()->isFPOrFPVectorTy();
  switch (activation) {
    case 1:  // RELU
      return ClampBelow(e, x, ConstLike(x, 0));
    case 2:  // RELU_N1_TO_1
      return ClampAbove(e, ClampBelow(e, x, ConstLike(x, -1)), ConstLike(x, 1));
    case 3:  // RELU6
      return ClampAbove(e, ClampBelow(e, x, ConstLike(x, 0)), ConstLike(x, 6));
    case 4:  // TANH and SIGN_BIT: only the [lowest, max] range clamp of
    case 5:  // CalculateActivationRange (TFLite's kernels run these ops).
      if (!is_float) return x;
      return ClampAbove(e, ClampBelow(e, x, ConstLike(x, -FLT_MAX)), ConstLike(x, FLT_MAX));
    default:  // NONE
      return x;
  }
}

}  // namespace jitlite::ops
