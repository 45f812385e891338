// The StableHLO elementwise binary ops LiteRT runs as builtins (STABLEHLO_ADD,
// _MULTIPLY, _MAXIMUM, _MINIMUM, _AND, _SHIFT_LEFT) share one OpDef class:
// two inputs of one dtype and one shape (StableHLO has no implicit
// broadcasting; LiteRT checks the shapes), no options, the output of the
// inputs' type and shape. Each op file picks its computation and dtypes.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "ops/op.h"

namespace jitlite::ops {

enum class StablehloBinary { kAdd, kMultiply, kMaximum, kMinimum, kAnd, kShiftLeft };

class StablehloBinaryOp : public OpDef {
 public:
  StablehloBinaryOp(std::string_view name, int builtin_code, StablehloBinary computation,
                    std::initializer_list<DType> types)
      : name_(name), builtin_code_(builtin_code), computation_(computation), types_(types) {}

  std::string_view name() const override { return name_; }
  std::vector<int> builtin_codes() const override { return {builtin_code_}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }
  Status Prepare(NodeContext& ctx) const override;
  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> operands) const override;

 private:
  std::string_view name_;
  int builtin_code_;
  StablehloBinary computation_;
  std::vector<DType> types_;
};

// The dtypes of LiteRT's shared StableHLO elementwise kernel (ADD, MULTIPLY,
// MAXIMUM, MINIMUM): every float and integer type, and BOOL.
inline constexpr std::initializer_list<DType> kStablehloArithmeticTypes = {
    DType::kFloat16, DType::kFloat32, DType::kFloat64, DType::kInt8,   DType::kInt16,
    DType::kInt32,   DType::kInt64,   DType::kUInt8,   DType::kUInt16, DType::kUInt32,
    DType::kUInt64,  DType::kBool};

}  // namespace jitlite::ops
