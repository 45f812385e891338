// DIV: out = act(a / b), numpy broadcasting up to rank 8 (what LiteRT
// accepts). FLOAT32 and INT32 (TFLite has no INT64 DIV).
//  - float: IEEE division (x/0 is +-inf, 0/0 NaN, as LiteRT's default path;
//    TFLite's built-in kernel would clamp infinities to +-FLT_MAX), then the
//    fused activation from DivOptions as TFLite's CalculateActivationRange.
//  - int32: C division truncating toward zero; INT32_MIN / -1 gives INT32_MAX
//    as in LiteRT. TFLite fails the invoke on a zero divisor: a constant
//    divisor holding 0 is rejected at allocate time here; a computed divisor
//    of 0 cannot raise an error from generated code, so x / 0 gives 0.
// INT8/UINT8/INT16: TFLite's reference fixed-point division
// (ops/util/quantized_div.h). Float16 inputs come later.
#include <climits>

#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/quantization.h"
#include "ops/util/quantized_div.h"
#include "ops/util/quantized_elementwise.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class DivOp : public OpDef {
 public:
  std::string_view name() const override { return "DIV"; }
  std::vector<int> builtin_codes() const override { return {42}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return PrepareQuantizedArithmetic(ctx, "DIV", Activation(ctx), 8,
                                        /*int16_symmetric=*/false);
    }
    JITLITE_RETURN_IF_ERROR(
        PrepareArithmetic(ctx, "DIV", {DType::kFloat32, DType::kInt32}, Activation(ctx)));
    return CheckConstantDivisor(ctx.input(1));
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    if (IsQuantizedDType(ctx.input(0).dtype)) {
      return EmitQuantizedDiv(e, ctx, v[0], v[1], Activation(ctx));
    }
    llvm::Value* q = IsFloat(v[0]) ? e.b().CreateFDiv(v[0], v[1]) : IntDiv(e, v[0], v[1]);
    return ApplyFusedActivation(e, q, Activation(ctx));
  }

 private:
  static int Activation(const NodeContext& ctx) {
    const auto* opts = ctx.op()->builtin_options_as_DivOptions();
    return opts ? static_cast<int>(opts->fused_activation_function()) : 0;
  }

  // TFLite checks integer divisors for zeros before dividing; for a constant
  // divisor we can do that once, at compile time.
  static Status CheckConstantDivisor(const TensorState& divisor) {
    if (divisor.dtype != DType::kInt32 || !divisor.is_constant()) return Status::Ok();
    int64_t n = divisor.num_elements();
    if (divisor.const_bytes < static_cast<size_t>(n) * sizeof(int32_t)) {
      return InvalidArgument("constant divisor (input 1) holds " +
                             std::to_string(divisor.const_bytes) + " bytes, expected " +
                             std::to_string(n * 4));
    }
    const int32_t* d = divisor.const_as<int32_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (d[i] == 0) {
        return InvalidArgument("integer division by zero: the constant divisor (input 1) is 0 "
                               "at flat index " + std::to_string(i));
      }
    }
    return Status::Ok();
  }

  // Signed division without LLVM's undefined cases (divisor 0, INT_MIN / -1):
  // the divisor is replaced by 1 there and the result chosen afterwards.
  static llvm::Value* IntDiv(jit::ElementEmitter& e, llvm::Value* n, llvm::Value* d) {
    llvm::IRBuilder<>& b = e.b();
    llvm::Value* zero = b.CreateICmpEQ(d, e.I32(0));
    llvm::Value* overflow =
        b.CreateAnd(b.CreateICmpEQ(n, e.I32(INT32_MIN)), b.CreateICmpEQ(d, e.I32(-1)));
    llvm::Value* safe_d = b.CreateSelect(b.CreateOr(zero, overflow), e.I32(1), d);
    llvm::Value* q = b.CreateSDiv(n, safe_d);
    q = b.CreateSelect(overflow, e.I32(INT32_MAX), q);
    return b.CreateSelect(zero, e.I32(0), q);
  }
};

}  // namespace

const OpDef& div_op() {
  static const DivOp op;
  return op;
}

}  // namespace jitlite::ops
