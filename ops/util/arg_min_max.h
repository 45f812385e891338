// Shared by ARG_MAX and ARG_MIN (ops/arg_max.cc, ops/arg_min.cc): the index of
// the largest/smallest element along one constant axis.
#pragma once

#include "ops/op.h"

namespace jitlite::ops {

// The OpDef of ARG_MAX (is_max) or ARG_MIN; each op file holds one instance.
class ArgMinMaxOp : public OpDef {
 public:
  constexpr explicit ArgMinMaxOp(bool is_max) : is_max_(is_max) {}
  std::string_view name() const override { return is_max_ ? "ARG_MAX" : "ARG_MIN"; }
  std::vector<int> builtin_codes() const override { return {is_max_ ? 56 : 79}; }
  OpKind kind() const override { return OpKind::kKernel; }
  Status Prepare(NodeContext& ctx) const override;
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override;

 private:
  bool is_max_;
};

}  // namespace jitlite::ops
