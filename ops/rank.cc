// RANK: the number of dims of the input as an INT32 scalar (a model that
// declares another output type is rejected; LiteRT retypes it). Shapes are compile-time constants
// here, so the node is always folded at allocate time and emits no code; the
// input's data is never read, so any input dtype is accepted.
#include <cstring>

#include "ops/op.h"

namespace jitlite::ops {
namespace {

class RankOp : public OpDef {
 public:
  std::string_view name() const override { return "RANK"; }
  std::vector<int> builtin_codes() const override { return {110}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    ctx.SetOutput(0, DType::kInt32, {});
    return Status::Ok();
  }

  bool CanFold(const NodeContext&) const override { return true; }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    const int32_t rank = ctx.input(0).rank();
    out.resize(sizeof(rank));
    std::memcpy(out.data(), &rank, sizeof(rank));
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter&, const NodeContext&) const override {
    return Internal("RANK is always folded; no kernel should be emitted");
  }
};

}  // namespace

const OpDef& rank_op() {
  static const RankOp op;
  return op;
}

}  // namespace jitlite::ops
