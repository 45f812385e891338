// BROADCAST_ARGS: the numpy broadcast of two shape vectors (1-D INT32 or
// INT64, one type for both and the output), e.g. [2, 1, 3] and [4, 1] give
// [2, 4, 3]. The output's length is max(len(s0), len(s1)); its values are
// shapes, which their consumers (BROADCAST_TO, RESHAPE, FILL) need at compile
// time anyway, so the node is always folded: constant inputs at allocate time,
// graph inputs (directly or through folded ops) by compiling per value (README
// "Shapes that depend on input values"). As TFLite's kernel, each dim is
// compared as an int (INT64 values are truncated to 32 bits). Incompatible
// shapes are refused with an error here; TFLite aborts the process on them.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ops/op.h"

namespace jitlite::ops {
namespace {

// Dim i counted from the end (1 past the front), as an int like TFLite.
int32_t DimFromEnd(const std::vector<int64_t>& shape, size_t i) {
  if (i >= shape.size()) return 1;
  return static_cast<int32_t>(shape[shape.size() - 1 - i]);
}

class BroadcastArgsOp : public OpDef {
 public:
  std::string_view name() const override { return "BROADCAST_ARGS"; }
  std::vector<int> builtin_codes() const override { return {145}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputType(0, {DType::kInt32, DType::kInt64}));
    const DType t = ctx.input(0).dtype;
    if (ctx.input(1).dtype != t || ctx.output(0).dtype != t) {
      return InvalidArgument(std::string("inputs and output must have one type; got ") +
                             DTypeName(t) + ", " + DTypeName(ctx.input(1).dtype) + " -> " +
                             DTypeName(ctx.output(0).dtype));
    }
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 1, 1));
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(1, 1, 1));
    JITLITE_ASSIGN_OR_RETURN(std::vector<int32_t> dims, Broadcast(ctx));
    ctx.SetOutput(0, t, {static_cast<int32_t>(dims.size())});
    return Status::Ok();
  }

  bool CanFold(const NodeContext&) const override { return true; }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(std::vector<int32_t> dims, Broadcast(ctx));
    const size_t size = DTypeSize(ctx.input(0).dtype);
    out.resize(dims.size() * size);
    for (size_t i = 0; i < dims.size(); ++i) {
      if (size == 8) {
        const int64_t v = dims[i];
        std::memcpy(out.data() + i * 8, &v, 8);
      } else {
        std::memcpy(out.data() + i * 4, &dims[i], 4);
      }
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter&, const NodeContext&) const override {
    return Internal("BROADCAST_ARGS is always folded; no kernel should be emitted");
  }

 private:
  static StatusOr<std::vector<int32_t>> Broadcast(const NodeContext& ctx) {
    // Both requested at once, so runtime values of both are pinned in one pass.
    const Status need0 = RequireValues(ctx.input(0), "input 0 (shape)");
    const Status need1 = RequireValues(ctx.input(1), "input 1 (shape)");
    JITLITE_RETURN_IF_ERROR(need0);
    JITLITE_RETURN_IF_ERROR(need1);
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> s0, ReadShape(ctx.input(0), "input 0"));
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> s1, ReadShape(ctx.input(1), "input 1"));
    const size_t n = std::max(s0.size(), s1.size());
    std::vector<int32_t> dims(n);
    for (size_t i = 0; i < n; ++i) {
      const int32_t a = DimFromEnd(s0, i), b = DimFromEnd(s1, i);
      if (a != 1 && b != 1 && a != b) {
        return InvalidArgument("shapes " + ShapeString(s0) + " and " + ShapeString(s1) +
                               " cannot be broadcast together (dims " + std::to_string(a) +
                               " and " + std::to_string(b) + ")");
      }
      dims[n - 1 - i] = a == 1 ? b : a;
    }
    return dims;
  }

  // An empty vector (a scalar's shape) has no data to be constant with.
  static Status RequireValues(const TensorState& t, const std::string& what) {
    return t.num_elements() == 0 ? Status::Ok() : RequireConstant(t, what);
  }

  static StatusOr<std::vector<int64_t>> ReadShape(const TensorState& t, const std::string& what) {
    if (t.num_elements() == 0) return std::vector<int64_t>{};
    return ReadConstInts(t, what);
  }

  static std::string ShapeString(const std::vector<int64_t>& s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "]";
  }
};

}  // namespace

const OpDef& broadcast_args_op() {
  static const BroadcastArgsOp op;
  return op;
}

}  // namespace jitlite::ops
