// PAD: surrounds input 0 (rank 0..5, TFLite's PadKernelMaxDimensionCount) with
// zeros: output dim d = before[d] + input dim d + after[d], where input 1
// (paddings) is an INT32 or INT64 [rank, 2] tensor of (before, after) pairs.
// FLOAT32, INT32, INT64 and BOOL data; quantized types (pad value = output
// zero point) come with the quantized path.
//
// jitlite fixes every shape at compile time, so the paddings must be a
// constant; TFLite also accepts computed paddings (Unimplemented here). The
// PADV2-style third input (constant_values) is Unimplemented too.
//
// Kernel: per output dim, three ranges: the leading border, the span that
// maps to the input, the trailing border. Border ranges store zeros over a
// plain nest of the remaining dims, the middle range recurses into the next
// dim, and the innermost middle range copies; so no element needs a
// bounds check.
#include <cstdint>
#include <string>
#include <vector>

#include "jit/emitters.h"
#include "ops/op.h"
#include "ops/util/elementwise_helpers.h"
#include "ops/util/loop_nest.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

constexpr int kMaxRank = 5;

struct PadParams {
  std::vector<int64_t> before, after;  // one per input dim
};

// The paddings tensor (input 1) checked for type, shape and values.
StatusOr<PadParams> ReadPaddings(const NodeContext& ctx) {
  const TensorState& t = ctx.input(1);
  const int rank = ctx.input(0).rank();
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64) {
    bool tflite_accepts = t.dtype == DType::kInt8 || t.dtype == DType::kInt16 ||
                          t.dtype == DType::kBool;
    std::string what = std::string("input 1 (paddings) has type ") + DTypeName(t.dtype);
    if (tflite_accepts) return Unimplemented(what + "; jitlite supports INT32 and INT64 paddings");
    return InvalidArgument(what + "; paddings must be INT32 or INT64");
  }
  if (t.rank() != 2 || t.dim(0) != rank || t.dim(1) != 2) {
    return InvalidArgument("input 1 (paddings) has shape " + ShapeToString(t.shape) +
                           "; expected [" + std::to_string(rank) +
                           ", 2] (one (before, after) pair per dimension of input 0 " +
                           ShapeToString(ctx.input(0).shape) + ")");
  }
  PadParams p;
  if (rank == 0) return p;  // [0, 2] paddings: nothing to read (empty tensors carry no data)
  if (!t.is_constant()) {
    return Unimplemented("input 1 (paddings) is not a constant tensor; jitlite needs constant "
                         "paddings because the output shape must be known at compile time");
  }
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadConstInts(t, "paddings"));
  for (int d = 0; d < rank; ++d) {
    int64_t lo = values[2 * d], hi = values[2 * d + 1];
    if (lo < 0 || hi < 0) {
      return InvalidArgument("paddings for dimension " + std::to_string(d) + " are (" +
                             std::to_string(lo) + ", " + std::to_string(hi) +
                             "); paddings must be >= 0");
    }
    if (lo > INT32_MAX || hi > INT32_MAX || lo + hi + ctx.input(0).dim(d) > INT32_MAX) {
      return InvalidArgument("paddings (" + std::to_string(lo) + ", " + std::to_string(hi) +
                             ") make output dimension " + std::to_string(d) +
                             " larger than INT32_MAX");
    }
    p.before.push_back(lo);
    p.after.push_back(hi);
  }
  return p;
}

StatusOr<PadParams> CheckedParams(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 3));
  if (ctx.has_input(2)) {
    return Unimplemented("input 2 (constant_values) is not supported yet; PAD pads with zeros");
  }
  JITLITE_RETURN_IF_ERROR(CheckElementwiseDType(
      ctx, 0, "PAD", {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kBool},
      {DType::kInt8, DType::kUInt8, DType::kInt16}));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, kMaxRank));
  DType out = ctx.output(0).dtype;
  if (out != ctx.input(0).dtype) {
    return InvalidArgument(std::string("output has type ") + DTypeName(out) +
                           " but input 0 has " + DTypeName(ctx.input(0).dtype));
  }
  return ReadPaddings(ctx);
}

// Emits output dims [d, rank) of the region whose outer indices (out_idx,
// in_idx below d) lie inside the input.
class PadEmitter {
 public:
  PadEmitter(jit::KernelEmitter& e, const PadParams& p, const Shape& in, const Shape& out)
      : e_(e), p_(p), in_(in), out_(out), out_idx_(out.size()), in_idx_(in.size()) {}

  void Emit(size_t d) {
    if (d == out_.size()) {
      e_.StoreOutput(e_.LoadInput(0, e_.LinearOffset(in_, in_idx_)), out_idx_);
      return;
    }
    const int64_t lo = p_.before[d], n = in_[d];
    EmitBorder(d, 0, lo);
    e_.For(lo, lo + n, 1, [&](Value* iv) {
      out_idx_[d] = iv;
      in_idx_[d] = e_.b().CreateSub(iv, e_.I64(lo), "", true, true);
      Emit(d + 1);
    }, "in");
    EmitBorder(d, lo + n, out_[d]);
  }

 private:
  // Zeros for output indices [begin, end) of dim d, every index of the dims
  // after it.
  void EmitBorder(size_t d, int64_t begin, int64_t end) {
    if (begin >= end) return;
    e_.For(begin, end, 1, [&](Value* iv) {
      out_idx_[d] = iv;
      EmitIndexNest(e_, out_, d + 1, out_idx_, [&] {
        e_.StoreOutput(e_.Const(e_.node().output(0).dtype, 0.0), out_idx_);
      });
    }, "pad");
  }

  jit::KernelEmitter& e_;
  const PadParams& p_;
  const Shape& in_;
  const Shape& out_;
  std::vector<Value*> out_idx_, in_idx_;
};

class PadOp : public OpDef {
 public:
  std::string_view name() const override { return "PAD"; }
  std::vector<int> builtin_codes() const override { return {34}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    Shape out = ctx.input(0).shape;
    for (size_t d = 0; d < out.size(); ++d) {
      out[d] = static_cast<int32_t>(p.before[d] + out[d] + p.after[d]);
    }
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(PadParams p, CheckedParams(ctx));
    const Shape& out = ctx.output(0).shape;
    if (NumElements(out) == 0) return Status::Ok();
    PadEmitter(e, p, ctx.input(0).shape, out).Emit(0);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& pad_op() {
  static const PadOp op;
  return op;
}

}  // namespace jitlite::ops
