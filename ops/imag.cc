// IMAG: the imaginary part of a COMPLEX64 tensor, as FLOAT32 (TFLite's
// complex_support.cc). COMPLEX128 (-> FLOAT64) is not supported yet.
#include "ops/util/complex.h"

namespace jitlite::ops {
namespace {

class ImagOp : public OpDef {
 public:
  std::string_view name() const override { return "IMAG"; }
  std::vector<int> builtin_codes() const override { return {133}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override { return PrepareComplexToFloat(ctx, "IMAG"); }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return SplitComplex(e.b(), v[0]).imag;
  }
};

}  // namespace

const OpDef& imag_op() {
  static const ImagOp op;
  return op;
}

}  // namespace jitlite::ops
