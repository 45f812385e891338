// SQUEEZE: drops size-1 dims of input 0 (an alias: no code, the output shares
// input 0's buffer). SqueezeOptions.squeeze_dims lists the dims (negative
// counts from the end, duplicates allowed); empty or absent squeezes every
// size-1 dim. Input rank <= 8 as in TFLite; any fixed-size element type.
#include <string>
#include <vector>

#include "ops/util/reshape_alias.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

class SqueezeOp : public OpDef {
 public:
  std::string_view name() const override { return "SQUEEZE"; }
  std::vector<int> builtin_codes() const override { return {43}; }
  OpKind kind() const override { return OpKind::kAlias; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(1, 1));
    JITLITE_RETURN_IF_ERROR(CheckAliasTypes(ctx));
    JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 0, 8));
    const Shape& in = ctx.input(0).shape;
    const int r = ctx.input(0).rank();
    std::vector<bool> squeeze(r, false);
    const auto* opts = ctx.op()->builtin_options_as_SqueezeOptions();
    const auto* dims = opts ? opts->squeeze_dims() : nullptr;
    if (dims == nullptr || dims->size() == 0) {
      for (int d = 0; d < r; ++d) squeeze[d] = in[d] == 1;
    } else {
      for (int32_t d : *dims) {
        if (d < -r || d >= r) {
          return InvalidArgument("squeeze dim " + std::to_string(d) + " is out of range for input 0 " +
                                 ShapeToString(in));
        }
        int dd = d < 0 ? d + r : d;
        if (in[dd] != 1) {
          return InvalidArgument("cannot squeeze dim " + std::to_string(d) + " of input 0 " +
                                 ShapeToString(in) + ": its size is " + std::to_string(in[dd]) +
                                 ", not 1");
        }
        squeeze[dd] = true;
      }
    }
    Shape out;
    for (int d = 0; d < r; ++d) {
      if (!squeeze[d]) out.push_back(in[d]);
    }
    ctx.SetOutput(0, ctx.input(0).dtype, out);
    return Status::Ok();
  }
};

}  // namespace

const OpDef& squeeze_op() {
  static const SqueezeOp op;
  return op;
}

}  // namespace jitlite::ops
