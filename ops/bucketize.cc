// BUCKETIZE: out[i] = the number of boundaries b with !(x < b), i.e. the index
// std::upper_bound finds in BucketizeOptions.boundaries (sorted floats), as an
// INT32. Inputs FLOAT32, FLOAT64, INT32, INT64 (TFLite's set). The comparison
// is C++'s x < b of TFLite's kernel: integers are converted to float (so large
// ones round as there), doubles compare with the boundary widened to double; a
// NaN x is in the last bucket. The boundaries become a private constant array
// of the module (options, not weights; the op stays elementwise and fuses)
// searched without branches in ceil(log2(n + 1)) steps. As TFLite, unsorted
// boundaries are refused; NaN boundaries are refused too (no defined order).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "ops/util/elementwise.h"
#include "ops/util/elementwise_helpers.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

std::vector<float> Boundaries(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_BucketizeOptions();
  if (!opts || !opts->boundaries()) return {};
  return {opts->boundaries()->begin(), opts->boundaries()->end()};
}

// The boundaries as a constant global of `elem` (float or double) values.
llvm::Value* BoundaryArray(llvm::IRBuilder<>& b, const std::vector<float>& bounds,
                           bool as_double) {
  llvm::Constant* data;
  if (as_double) {
    std::vector<double> wide(bounds.begin(), bounds.end());
    data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(wide));
  } else {
    data = llvm::ConstantDataArray::get(b.getContext(), llvm::ArrayRef(bounds));
  }
  auto* global = new llvm::GlobalVariable(*b.GetInsertBlock()->getModule(), data->getType(),
                                          /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                          data, "bucketize_boundaries");
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return b.CreateInBoundsGEP(data->getType(), global, {b.getInt64(0), b.getInt64(0)});
}

class BucketizeOp : public OpDef {
 public:
  std::string_view name() const override { return "BUCKETIZE"; }
  std::vector<int> builtin_codes() const override { return {147}; }
  OpKind kind() const override { return OpKind::kElementwise; }
  bool retypes_output() const override { return true; }

  Status Prepare(NodeContext& ctx) const override {
    const std::initializer_list<DType> kTypes = {DType::kFloat32, DType::kFloat64, DType::kInt32,
                                                 DType::kInt64};
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(ctx, 0, "BUCKETIZE", kTypes, {}));
    const std::vector<float> bounds = Boundaries(ctx);
    if (std::any_of(bounds.begin(), bounds.end(), [](float v) { return std::isnan(v); })) {
      return Unimplemented("NaN boundaries have no order; jitlite does not support them");
    }
    if (!std::is_sorted(bounds.begin(), bounds.end())) {
      return InvalidArgument("boundaries are not sorted (TFLite requires sorted boundaries)");
    }
    ctx.SetOutput(0, DType::kInt32, ctx.input(0).shape);
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    llvm::IRBuilder<>& b = e.b();
    const std::vector<float> bounds = Boundaries(ctx);
    const int64_t n = static_cast<int64_t>(bounds.size());
    if (n == 0) return b.getInt32(0);
    const bool as_double = ctx.input(0).dtype == DType::kFloat64;
    llvm::Type* elem = as_double ? b.getDoubleTy() : b.getFloatTy();
    llvm::Value* x = IsFloat(v[0]) ? v[0] : b.CreateSIToFP(v[0], elem);
    llvm::Value* array = BoundaryArray(b, bounds, as_double);
    // pos = how many leading boundaries are known to satisfy !(x < b); each
    // step tries to advance it by a power of two.
    llvm::Value* pos = b.getInt64(0);
    int64_t step = 1;
    while (step * 2 <= n) step *= 2;
    for (; step > 0; step /= 2) {
      llvm::Value* next = b.CreateAdd(pos, b.getInt64(step));
      llvm::Value* in_range = b.CreateICmpSLE(next, b.getInt64(n));
      llvm::Value* index = b.CreateSelect(in_range, b.CreateSub(next, b.getInt64(1)),
                                          b.getInt64(0));  // any valid index
      llvm::Value* bound = b.CreateLoad(elem, b.CreateInBoundsGEP(elem, array, index));
      llvm::Value* not_less = b.CreateNot(b.CreateFCmpOLT(x, bound));
      pos = b.CreateSelect(b.CreateAnd(in_range, not_less), next, pos);
    }
    return b.CreateTrunc(pos, b.getInt32Ty());
  }
};

}  // namespace

const OpDef& bucketize_op() {
  static const BucketizeOp op;
  return op;
}

}  // namespace jitlite::ops
