// LOGICAL_AND and LOGICAL_OR differ only in their instruction, so they share
// one OpDef class: out = a <op> b on BOOL tensors (the only type TFLite
// accepts), numpy broadcasting up to rank 8 (what LiteRT accepts).
#pragma once

#include <string_view>

#include "llvm/IR/Instruction.h"
#include "ops/op.h"

namespace jitlite::ops {

class LogicalBinaryOp : public OpDef {
 public:
  // `op` is the LLVM instruction on the i1 values (And, Or).
  LogicalBinaryOp(std::string_view name, int builtin_code, llvm::Instruction::BinaryOps op)
      : name_(name), builtin_code_(builtin_code), op_(op) {}

  std::string_view name() const override { return name_; }
  std::vector<int> builtin_codes() const override { return {builtin_code_}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  Status Prepare(NodeContext& ctx) const override;
  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> operands) const override;

 private:
  std::string_view name_;
  int builtin_code_;
  llvm::Instruction::BinaryOps op_;
};

}  // namespace jitlite::ops
