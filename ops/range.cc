// RANGE: the 1-D sequence start, start + delta, ... up to (not including)
// limit, from three scalars (inputs 0-2) of one type: FLOAT32, INT32, INT64
// (TFLite's set; quantized ones are Unimplemented). The length is the
// output's shape, so all three must be constants here: the node is then
// folded at allocate time. Values are accumulated (v += delta) in the
// element type, as TFLite does, so float sequences round the same way.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "ops/op.h"

namespace jitlite::ops {
namespace {

template <typename T>
T ScalarOf(const TensorState& t) {
  T v;
  std::memcpy(&v, t.const_data, sizeof(T));
  return v;
}

template <typename T>
StatusOr<int64_t> Length(T start, T limit, T delta) {
  if (delta == 0) return InvalidArgument("delta is 0");
  if (!((start >= limit && delta < 0) || (start <= limit && delta > 0))) {
    return InvalidArgument("delta has the wrong sign to go from start to limit");
  }
  double n;
  if constexpr (std::is_integral_v<T>) {
    // In 128 bits: limit - start may not fit T.
    __int128 span = static_cast<__int128>(limit) - start, step = delta;
    if (span < 0) span = -span;
    if (step < 0) step = -step;
    n = static_cast<double>((span + step - 1) / step);
  } else {
    n = std::ceil(std::abs((limit - start) / delta));
  }
  if (!(n <= INT32_MAX)) return InvalidArgument("the range has too many elements");
  return static_cast<int64_t>(n);
}

template <typename T>
StatusOr<int64_t> LengthOf(const NodeContext& ctx) {
  return Length(ScalarOf<T>(ctx.input(0)), ScalarOf<T>(ctx.input(1)), ScalarOf<T>(ctx.input(2)));
}

template <typename T>
void Fill(const NodeContext& ctx, int64_t n, std::vector<uint8_t>& out) {
  out.resize(static_cast<size_t>(n) * sizeof(T));
  T v = ScalarOf<T>(ctx.input(0));
  const T delta = ScalarOf<T>(ctx.input(2));
  for (int64_t i = 0; i < n; ++i, v += delta) {
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
}

StatusOr<int64_t> CheckedLength(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(3, 3));
  const DType t = ctx.input(0).dtype;
  for (int i = 0; i < 3; ++i) {
    const TensorState& in = ctx.input(i);
    if (in.dtype != t) {
      return InvalidArgument("start, limit and delta must have one type; input " +
                             std::to_string(i) + " is " + DTypeName(in.dtype));
    }
    if (in.rank() != 0) {
      return InvalidArgument("input " + std::to_string(i) + " has shape " +
                             ShapeToString(in.shape) + "; RANGE takes scalars");
    }
  }
  if (t == DType::kInt8 || t == DType::kInt16) {
    return Unimplemented(std::string("RANGE of ") + DTypeName(t) + " is not supported yet");
  }
  if (t != DType::kFloat32 && t != DType::kInt32 && t != DType::kInt64) {
    return InvalidArgument(std::string("RANGE of ") + DTypeName(t) +
                           "; TFLite takes FLOAT32, INT32, INT64");
  }
  for (int i = 0; i < 3; ++i) {
    if (!ctx.input(i).is_constant()) {
      return Unimplemented("input " + std::to_string(i) + " of RANGE is computed: the output "
                           "length would depend on runtime data, which jitlite does not support "
                           "(start, limit and delta must be constants)");
    }
    if (ctx.input(i).const_bytes < DTypeSize(t)) {
      return InvalidArgument("constant input " + std::to_string(i) + " has too little data");
    }
  }
  switch (t) {
    case DType::kFloat32: return LengthOf<float>(ctx);
    case DType::kInt32: return LengthOf<int32_t>(ctx);
    default: return LengthOf<int64_t>(ctx);
  }
}

class RangeOp : public OpDef {
 public:
  std::string_view name() const override { return "RANGE"; }
  std::vector<int> builtin_codes() const override { return {96}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(int64_t n, CheckedLength(ctx));
    ctx.SetOutput(0, ctx.input(0).dtype, {static_cast<int32_t>(n)});
    return Status::Ok();
  }

  bool CanFold(const NodeContext&) const override { return true; }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(int64_t n, CheckedLength(ctx));
    switch (ctx.input(0).dtype) {
      case DType::kFloat32: Fill<float>(ctx, n, out); break;
      case DType::kInt32: Fill<int32_t>(ctx, n, out); break;
      default: Fill<int64_t>(ctx, n, out); break;
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter&, const NodeContext&) const override {
    return Internal("RANGE is always folded; no kernel should be emitted");
  }
};

}  // namespace

const OpDef& range_op() {
  static const RangeOp op;
  return op;
}

}  // namespace jitlite::ops
