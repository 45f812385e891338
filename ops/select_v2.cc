// SELECT_V2: out = condition ? x : y elementwise, with numpy broadcasting
// across all three inputs (condition BOOL; x, y and out of one type, see
// ops/util/select.h). As in LiteRT, a broadcast result has rank 8 at most;
// inputs of one shape may have any rank.
#include <string>

#include "ops/util/elementwise.h"
#include "ops/util/select.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxBroadcastRank = 8;

class SelectV2Op : public OpDef {
 public:
  std::string_view name() const override { return "SELECT_V2"; }
  std::vector<int> builtin_codes() const override { return {123}; }
  OpKind kind() const override { return OpKind::kElementwise; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckSelectInputs(ctx, "SELECT_V2"));
    const Shape& c = ctx.input(0).shape;
    const Shape& x = ctx.input(1).shape;
    const Shape& y = ctx.input(2).shape;
    JITLITE_ASSIGN_OR_RETURN(Shape cx, BroadcastShapes(c, x));
    JITLITE_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(cx, y));
    bool same = c == x && x == y;
    if (!same && static_cast<int>(shape.size()) > kMaxBroadcastRank) {
      return InvalidArgument("broadcast rank " + std::to_string(shape.size()) + " exceeds " +
                             std::to_string(kMaxBroadcastRank));
    }
    ctx.SetOutput(0, ctx.input(1).dtype, shape);
    return Status::Ok();
  }

  llvm::Value* EmitElement(jit::ElementEmitter& e, const NodeContext& ctx,
                           std::span<llvm::Value* const> v) const override {
    return e.b().CreateSelect(v[0], v[1], v[2]);
  }
};

}  // namespace

const OpDef& select_v2_op() {
  static const SelectV2Op op;
  return op;
}

}  // namespace jitlite::ops
