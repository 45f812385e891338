// The six comparison ops (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
// GREATER_EQUAL) differ only in their predicate and in which input types
// TFLite accepts, so they share one OpDef class: out = a <op> b as BOOL, numpy
// broadcasting up to rank 8 (what LiteRT accepts).
//  - floats: ordered predicates (NaN compares false, so NOT_EQUAL is true for
//    NaN), -0 == +0;
//  - integers: signed predicates; bools (EQUAL, NOT_EQUAL only) compare as
//    values; INT16 compares the stored values (TFLite does not rescale it);
//  - INT8/UINT8 as TFLite's ComparisonWithScaling: each side (q - zp) << 8
//    times its own scale (a multiplier below 1, so scales must be < 1, as
//    TFLite's Prepare requires), then compared as i32; inputs with different
//    scales and zero points compare by real value.
#pragma once

#include <string_view>

#include "llvm/IR/InstrTypes.h"
#include "ops/op.h"

namespace jitlite::ops {

class ComparisonOp : public OpDef {
 public:
  // `float_pred` and `int_pred` are the LLVM predicates of the comparison;
  // `allows_bool` is true for EQUAL and NOT_EQUAL.
  ComparisonOp(std::string_view name, int builtin_code, llvm::CmpInst::Predicate float_pred,
               llvm::CmpInst::Predicate int_pred, bool allows_bool)
      : name_(name), builtin_code_(builtin_code), float_pred_(float_pred),
        int_pred_(int_pred), allows_bool_(allows_bool) {}

  std::string_view name() const override { return name_; }
  std::vector<int> builtin_codes() const override { return {builtin_code_}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  Status Prepare(NodeContext& ctx) const override;
  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> operands) const override;

 private:
  std::string_view name_;
  int builtin_code_;
  llvm::CmpInst::Predicate float_pred_;
  llvm::CmpInst::Predicate int_pred_;
  bool allows_bool_;
};

}  // namespace jitlite::ops
