// SELECT (v1): out = condition ? x : y, where x and y have one shape (the
// output's) and the condition is either
//  - of that same shape (elementwise), or
//  - a scalar (picks all of x or all of y), or
//  - rank 1 with x's first dimension: condition[i] picks row x[i, ...] or
//    y[i, ...] whole,
// as TFLite's select.cc. The row case does not line up right-aligned like
// numpy broadcasting, so SELECT is a kernel op with its own loops (SELECT_V2
// broadcasts and is elementwise). Types: ops/util/select.h.
#include <string>

#include "ops/util/loop_nest.h"
#include "ops/util/select.h"

namespace jitlite::ops {
namespace {

class SelectOp : public OpDef {
 public:
  std::string_view name() const override { return "SELECT"; }
  std::vector<int> builtin_codes() const override { return {64}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckSelectInputs(ctx, "SELECT"));
    const Shape& c = ctx.input(0).shape;
    const Shape& x = ctx.input(1).shape;
    if (ctx.input(2).shape != x) {
      return InvalidArgument("x and y shapes differ: " + ShapeToString(x) + " and " +
                             ShapeToString(ctx.input(2).shape) +
                             " (SELECT does not broadcast them; SELECT_V2 does)");
    }
    bool rows = c.size() == 1 && !x.empty() && c[0] == x[0];
    if (c != x && !c.empty() && !rows) {
      return InvalidArgument("condition shape " + ShapeToString(c) +
                             " must be x's shape " + ShapeToString(x) +
                             ", a scalar, or rank 1 of x's first dimension");
    }
    ctx.SetOutput(0, ctx.input(1).dtype, x);
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    const Shape& c = ctx.input(0).shape;
    const Shape& x = ctx.input(1).shape;
    EmitIndexLoops(e, x, [&](const std::vector<llvm::Value*>& index) {
      llvm::Value* offset = e.LinearOffset(x, index);
      // Same shape: the element's own offset; scalar: 0; rank 1: the row.
      llvm::Value* c_offset = c == x ? offset : c.empty() ? e.I64(0) : index[0];
      llvm::Value* picked = e.b().CreateSelect(e.LoadInput(0, c_offset),
                                               e.LoadInput(1, offset), e.LoadInput(2, offset));
      e.StoreOutput(picked, index);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& select_op() {
  static const SelectOp op;
  return op;
}

}  // namespace jitlite::ops
