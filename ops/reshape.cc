// RESHAPE: input 0's elements under a new shape (an alias: no code, the output
// shares input 0's buffer). The new shape comes, as in TFLite, from input 1
// when it is a 1-D INT32 tensor (which must then be constant here), else from
// ReshapeOptions.new_shape (legacy [0] = scalar; no options = scalar). One -1
// is inferred from the element count. Any fixed-size element type.
#include <string>
#include <vector>

#include "ops/util/reshape_alias.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

std::string ListToString(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// True when TFLite takes the shape from input 1 rather than from the options.
bool ShapeFromTensor(const NodeContext& ctx) {
  return ctx.has_input(1) && ctx.input(1).rank() == 1 && ctx.input(1).dtype == DType::kInt32;
}

StatusOr<std::vector<int64_t>> RequestedShape(const NodeContext& ctx) {
  if (ShapeFromTensor(ctx)) {
    // An empty shape tensor (a scalar result) has no data to be constant with.
    if (ctx.input(1).num_elements() == 0) return std::vector<int64_t>{};
    return ReadConstInts(ctx.input(1), "new shape");
  }
  std::vector<int64_t> shape;
  const auto* opts = ctx.op()->builtin_options_as_ReshapeOptions();
  if (opts != nullptr && opts->new_shape() != nullptr) {
    for (int32_t d : *opts->new_shape()) shape.push_back(d);
  }
  if (shape.size() == 1 && shape[0] == 0) shape.clear();  // legacy scalar spelling
  return shape;
}

// Fills in the -1 and checks the element count (TFLite's rule, including
// zero-sized shapes: -1 becomes 0 when the input is empty).
StatusOr<Shape> ResolveShape(const NodeContext& ctx, const std::vector<int64_t>& requested) {
  const Shape& in = ctx.input(0).shape;
  int64_t in_count = 1, in_nonzero = 1;
  for (int32_t d : in) {
    in_count *= d;
    if (d != 0) in_nonzero *= d;
  }
  int stretch = -1;
  int64_t out_count = 1, out_nonzero = 1;
  for (size_t i = 0; i < requested.size(); ++i) {
    int64_t v = requested[i];
    if (v == -1) {
      if (stretch >= 0) {
        return InvalidArgument("new shape " + ListToString(requested) + " has more than one -1");
      }
      stretch = static_cast<int>(i);
      continue;
    }
    if (v < 0 || v > INT32_MAX || (v > 0 && out_count > INT64_MAX / 4 / v)) {
      return InvalidArgument("new shape " + ListToString(requested) + " has an invalid dimension " +
                             std::to_string(v));
    }
    out_count *= v;
    if (v != 0) out_nonzero *= v;
  }
  Shape out(requested.begin(), requested.end());
  if (stretch >= 0) {
    int64_t v = (in_count == 0 && out_count != 0) ? 0 : in_nonzero / out_nonzero;
    out[stretch] = static_cast<int32_t>(v);
    out_count *= v;
  }
  if (out_count != in_count) {
    std::string where = ShapeFromTensor(ctx) ? "input 1" : "ReshapeOptions.new_shape";
    if (ctx.has_input(1) && !ShapeFromTensor(ctx)) {
      where += " (input 1 is not a 1-D INT32 tensor, so TFLite ignores it)";
    }
    return InvalidArgument("cannot reshape input 0 " + ShapeToString(in) + " (" +
                           std::to_string(in_count) + " elements) to " +
                           ListToString(requested) + " from " + where);
  }
  return out;
}

class ReshapeOp : public OpDef {
 public:
  std::string_view name() const override { return "RESHAPE"; }
  std::vector<int> builtin_codes() const override { return {22}; }
  OpKind kind() const override { return OpKind::kAlias; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 2));
    JITLITE_RETURN_IF_ERROR(CheckAliasTypes(ctx));
    JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> requested, RequestedShape(ctx));
    JITLITE_ASSIGN_OR_RETURN(Shape shape, ResolveShape(ctx, requested));
    ctx.SetOutput(0, ctx.input(0).dtype, shape);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& reshape_op() {
  static const ReshapeOp op;
  return op;
}

}  // namespace jitlite::ops
