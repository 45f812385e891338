// Shared comparison op definition (see ops/util/comparison.h).
#include "ops/util/comparison.h"

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"

namespace jitlite::ops {

Status ComparisonOp::Prepare(NodeContext& ctx) const {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  // INT16 is a plain integer comparison in TFLite (no rescaling).
  std::initializer_list<DType> numeric = {DType::kFloat32, DType::kInt32, DType::kInt64,
                                          DType::kInt16};
  std::initializer_list<DType> with_bool = {DType::kFloat32, DType::kInt32, DType::kInt64,
                                            DType::kInt16, DType::kBool};
  std::initializer_list<DType> supported = allows_bool_ ? with_bool : numeric;
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, name_, supported,
                                                {DType::kInt8, DType::kUInt8, DType::kFloat16}));
  const DType out = DType::kBool;
  return PrepareBinary(ctx, supported, 8, &out);
}

llvm::Value* ComparisonOp::EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                                       std::span<llvm::Value* const> v) const {
  if (IsFloat(v[0])) return e.b().CreateFCmp(float_pred_, v[0], v[1]);
  // Bools are i1: EQ/NE are the only predicates they reach.
  return e.b().CreateICmp(int_pred_, v[0], v[1]);
}

}  // namespace jitlite::ops
