// Shared StableHLO elementwise binary ops (see ops/util/stablehlo_binary.h).
// The computations follow LiteRT's C++ kernels on each type:
//  - ADD/MULTIPLY wrap on integers; on BOOL, a + b and a * b converted back
//    to bool are OR and AND; float16 is computed in float and rounded once,
//    as Eigen::half does;
//  - MAXIMUM/MINIMUM are std::max(a, b) = a < b ? b : a and std::min(a, b) =
//    b < a ? b : a (so a NaN in a is kept, one in b is dropped, and
//    max(-0, +0) is -0), unsigned types compared unsigned;
//  - SHIFT_LEFT (INT8/16/32): C++'s a << b on the values promoted to int,
//    truncated back. Counts outside [0, 31] are undefined behaviour there
//    (LiteRT's results differ between its vectorized and scalar iterations);
//    jitlite shifts by b mod 32, as x86's scalar shl does.
#include "ops/util/stablehlo_binary.h"

#include <algorithm>
#include <string>

#include "llvm/IR/Intrinsics.h"
#include "ops/util/elementwise.h"

namespace jitlite::ops {
namespace {

bool IsUnsignedInt(DType t) {
  return t == DType::kUInt8 || t == DType::kUInt16 || t == DType::kUInt32 ||
         t == DType::kUInt64;
}

std::string TypeList(const std::vector<DType>& types) {
  std::string s;
  for (DType t : types) s += (s.empty() ? "" : ", ") + std::string(DTypeName(t));
  return s;
}

llvm::Value* EmitMaxMin(llvm::IRBuilder<>& b, bool is_max, bool is_unsigned, llvm::Value* a,
                        llvm::Value* c) {
  // max: a < c ? c : a; min: c < a ? c : a.
  llvm::Value* lhs = is_max ? a : c;
  llvm::Value* rhs = is_max ? c : a;
  llvm::Value* less;
  if (IsFloat(a)) {
    less = b.CreateFCmpOLT(lhs, rhs);
  } else {
    less = is_unsigned ? b.CreateICmpULT(lhs, rhs) : b.CreateICmpSLT(lhs, rhs);
  }
  return b.CreateSelect(less, c, a);
}

llvm::Value* EmitShiftLeft(llvm::IRBuilder<>& b, llvm::Value* a, llvm::Value* count) {
  llvm::Type* t = a->getType();
  llvm::Value* wide = b.CreateSExt(a, b.getInt32Ty());
  llvm::Value* n = b.CreateAnd(b.CreateSExt(count, b.getInt32Ty()), b.getInt32(31));
  return b.CreateTrunc(b.CreateShl(wide, n), t);
}

}  // namespace

Status StablehloBinaryOp::Prepare(NodeContext& ctx) const {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  const DType t = ctx.input(0).dtype;
  if (std::find(types_.begin(), types_.end(), t) == types_.end()) {
    return InvalidArgument(std::string("input 0 has type ") + DTypeName(t) + ", which LiteRT's " +
                           std::string(name_) + " does not accept; supported: " +
                           TypeList(types_));
  }
  if (ctx.input(1).dtype != t) {
    return InvalidArgument(std::string("input types differ: ") + DTypeName(t) + " and " +
                           DTypeName(ctx.input(1).dtype));
  }
  if (ctx.input(0).shape != ctx.input(1).shape) {
    return InvalidArgument("input shapes differ: " + ShapeToString(ctx.input(0).shape) + " and " +
                           ShapeToString(ctx.input(1).shape) +
                           " (StableHLO ops do not broadcast)");
  }
  ctx.SetOutput(0, t, ctx.input(0).shape);
  return Status::Ok();
}

llvm::Value* StablehloBinaryOp::EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                                            std::span<llvm::Value* const> v) const {
  llvm::IRBuilder<>& b = e.b();
  const DType t = ctx.input(0).dtype;
  const bool is_bool = t == DType::kBool;
  switch (computation_) {
    case StablehloBinary::kAdd:
      if (is_bool) return b.CreateOr(v[0], v[1]);
      return IsFloat(v[0]) ? b.CreateFAdd(v[0], v[1]) : b.CreateAdd(v[0], v[1]);
    case StablehloBinary::kMultiply:
      if (is_bool) return b.CreateAnd(v[0], v[1]);
      return IsFloat(v[0]) ? b.CreateFMul(v[0], v[1]) : b.CreateMul(v[0], v[1]);
    case StablehloBinary::kMaximum:
      if (is_bool) return b.CreateOr(v[0], v[1]);
      return EmitMaxMin(b, /*is_max=*/true, IsUnsignedInt(t), v[0], v[1]);
    case StablehloBinary::kMinimum:
      if (is_bool) return b.CreateAnd(v[0], v[1]);
      return EmitMaxMin(b, /*is_max=*/false, IsUnsignedInt(t), v[0], v[1]);
    case StablehloBinary::kAnd:
      return b.CreateAnd(v[0], v[1]);
    case StablehloBinary::kShiftLeft:
      return EmitShiftLeft(b, v[0], v[1]);
  }
  return nullptr;
}

}  // namespace jitlite::ops
