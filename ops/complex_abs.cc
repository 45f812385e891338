// COMPLEX_ABS: |x| of a COMPLEX64 tensor, as FLOAT32 (TFLite's
// complex_support.cc: std::abs, i.e. hypotf; see EmitComplexAbs).
// COMPLEX128 (-> FLOAT64) is not supported yet.
#include "ops/util/complex.h"

namespace jitlite::ops {
namespace {

class ComplexAbsOp : public OpDef {
 public:
  std::string_view name() const override { return "COMPLEX_ABS"; }
  std::vector<int> builtin_codes() const override { return {135}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    return PrepareComplexToFloat(ctx, "COMPLEX_ABS");
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return EmitComplexAbs(e.b(), v[0]);
  }
};

}  // namespace

const OpDef& complex_abs_op() {
  static const ComplexAbsOp op;
  return op;
}

}  // namespace jitlite::ops
