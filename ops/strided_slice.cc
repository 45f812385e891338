// STRIDED_SLICE: out = input[begin:end:strides] with TFLite's full spec:
// begin_mask / end_mask (use the whole range on that side), ellipsis_mask (one
// entry stands for as many full dims as the spec leaves out), new_axis_mask
// (insert a size-1 dim), shrink_axis_mask (take one index, drop the dim),
// offset (end is a size relative to begin), negative indices (from the end),
// negative strides, and TFLite's clamping of out-of-range indices. Inputs 1-3
// (begin, end, strides; INT32 or INT64) must be constants. The data input may
// have rank 0..5 (at most 5 dims after new axes); FLOAT32, INT32, INT64, BOOL
// and INT8/UINT8/INT16 raw copies (input and output quantized alike).
// Beyond TFLite: INT64 bounds are read too (TFLite takes INT32 only), and a
// shrunk dim with a negative stride takes the element at begin (TFLite's loop
// writes nothing there); a shrink index outside its dim is an error rather
// than TFLite's unwritten output.
//
// The spec is resolved at compile time into one (start, stride, count) per
// "effective" dim (input dims plus new axes). A constant data input (e.g. a
// folded SHAPE) is folded; otherwise a loop nest copies each element.
#include <algorithm>
#include <cstring>
#include <string>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

constexpr int kMaxDims = 5;

// One effective dim of the slice: the input positions are
// start + k * stride for k in [0, count).
struct SliceDim {
  int input_dim = -1;   // -1: a new axis (no input dim behind it)
  int64_t start = 0;
  int64_t stride = 1;
  int64_t count = 1;
  bool shrink = false;  // dropped from the output shape
};

struct SlicePlan {
  std::vector<SliceDim> dims;
  Shape out_shape;
};

// The spec as given (per begin entry), before ellipsis/new-axis expansion.
struct SliceSpec {
  std::vector<int64_t> begin, end, strides;
  int begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_mask = 0;
  bool offset = false;
};

bool Bit(int mask, int i) { return i >= 0 && i < 31 && ((mask >> i) & 1) != 0; }

StatusOr<SliceSpec> ReadSpec(const NodeContext& ctx) {
  SliceSpec s;
  const char* names[] = {"begin", "end", "strides"};
  std::vector<int64_t>* values[] = {&s.begin, &s.end, &s.strides};
  for (int i = 0; i < 3; ++i) {
    const TensorState& t = ctx.input(i + 1);
    if (t.rank() != 1) {
      return InvalidArgument(std::string(names[i]) + " (input " + std::to_string(i + 1) +
                             ") must be 1-D, got shape " + ShapeToString(t.shape));
    }
    JITLITE_RETURN_IF_ERROR(RequireConstant(
        t, std::string(names[i]) + " (input " + std::to_string(i + 1) + ")"));
    JITLITE_ASSIGN_OR_RETURN(*values[i], ReadConstInts(t, names[i]));
  }
  if (s.end.size() != s.begin.size() || s.strides.size() != s.begin.size()) {
    return InvalidArgument("begin, end and strides have " + std::to_string(s.begin.size()) +
                           ", " + std::to_string(s.end.size()) + " and " +
                           std::to_string(s.strides.size()) + " elements; they must match");
  }
  const auto* opts = ctx.op()->builtin_options_as_StridedSliceOptions();
  if (opts != nullptr) {
    s.begin_mask = opts->begin_mask();
    s.end_mask = opts->end_mask();
    s.ellipsis_mask = opts->ellipsis_mask();
    s.new_axis_mask = opts->new_axis_mask();
    s.shrink_mask = opts->shrink_axis_mask();
    s.offset = opts->offset();
  }
  const int count = static_cast<int>(s.begin.size());
  const int beyond = count >= 31 ? 0 : ~((1 << count) - 1);
  if ((s.ellipsis_mask | s.new_axis_mask) & beyond) {
    return InvalidArgument("ellipsis_mask/new_axis_mask set bits past the spec's " +
                           std::to_string(count) + " entries");
  }
  if (s.ellipsis_mask & (s.ellipsis_mask - 1)) {
    return InvalidArgument("ellipsis_mask has more than one bit set; only one ellipsis is "
                           "allowed");
  }
  return s;
}

// First position along a dim of `size` (TFLite: negative wraps once, then
// clamp to [0, size] going forward or [-1, size - 1] going backward; the
// begin mask picks the first element in the direction of travel).
int64_t StartFor(int64_t begin, int64_t stride, bool masked, int64_t size) {
  if (masked) return stride > 0 ? 0 : size - 1;
  if (begin < 0) begin += size;
  return stride > 0 ? std::clamp<int64_t>(begin, 0, size)
                    : std::clamp<int64_t>(begin, -1, size - 1);
}

// One past the last position, clamped like StartFor.
int64_t EndFor(int64_t end, int64_t stride, bool masked, int64_t size) {
  if (masked) return stride > 0 ? size : -1;
  if (end < 0) end += size;
  return stride > 0 ? std::clamp<int64_t>(end, 0, size) : std::clamp<int64_t>(end, -1, size - 1);
}

int64_t CeilDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
}

// Maps the spec's entries onto effective dims as TFLite does: an ellipsis
// covers the dims the spec does not name (at least one effective dim),
// entries past the spec take whole dims, and new axes are size-1 dims.
// Per effective dim, `entry` is the spec index it takes its values from
// (-1: a whole dim from the ellipsis or past the spec's end).
struct EffectiveDim {
  int entry = -1;
  bool new_axis = false;
};

std::vector<EffectiveDim> ExpandSpec(const SliceSpec& s, int rank) {
  const int count = static_cast<int>(s.begin.size());
  int added_axes = 0;
  for (int i = 0; i < count; ++i) {
    if (!Bit(s.ellipsis_mask, i) && Bit(s.new_axis_mask, i)) ++added_axes;
  }
  const int dims = rank + added_axes;
  std::vector<EffectiveDim> out(dims);
  // Pass 1: which effective dims the ellipsis covers and which are new axes.
  std::vector<bool> in_ellipsis(dims, false);
  int ellipsis_begin = dims, expanded = 0;
  for (int i = 0; i < dims;) {
    if (Bit(s.ellipsis_mask, i)) {
      ellipsis_begin = i;
      int ellipsis_end = std::max(i + 1, std::min(i + 1 + added_axes + rank - count, dims));
      expanded = ellipsis_end - ellipsis_begin - 1;
      for (; i < ellipsis_end; ++i) in_ellipsis[i] = true;
      continue;
    }
    out[i].new_axis = Bit(s.new_axis_mask, i - expanded);
    ++i;
  }
  // Pass 2: the spec entry behind each remaining dim.
  int skipped = 0;  // ellipsis dims beyond its first, seen so far
  for (int i = 0; i < dims; ++i) {
    if (in_ellipsis[i]) {
      skipped = std::max(0, i - ellipsis_begin);
      out[i].new_axis = false;
    } else if (!out[i].new_axis && i < count + expanded) {
      out[i].entry = i - skipped;
    }
  }
  return out;
}

Status CheckSpecAgainstRank(const SliceSpec& s, int rank,
                            const std::vector<EffectiveDim>& eff) {
  if (rank > kMaxDims) {
    return InvalidArgument("input 0 has rank " + std::to_string(rank) +
                           "; STRIDED_SLICE supports 1D-5D inputs");
  }
  if (static_cast<int>(eff.size()) > kMaxDims) {
    return InvalidArgument("the slice has " + std::to_string(eff.size()) +
                           " dims including new axes; STRIDED_SLICE supports at most 5");
  }
  if (s.offset && (s.ellipsis_mask != 0 || s.new_axis_mask != 0 ||
                   static_cast<int>(s.begin.size()) != rank)) {
    return Unimplemented("offset=True together with ellipsis_mask, new_axis_mask or fewer "
                         "begin entries than input dims is not supported (TFLite's output "
                         "shape rule is ambiguous there)");
  }
  for (const EffectiveDim& d : eff) {
    if (d.entry >= static_cast<int>(s.begin.size())) {
      return InvalidArgument("the slice spec has " + std::to_string(s.begin.size()) +
                             " entries, too few for the masks given");
    }
  }
  return Status::Ok();
}

// Resolves one spec-driven dim of `size` (not a new axis, not ellipsis).
StatusOr<SliceDim> ResolveDim(const SliceSpec& s, int entry, int64_t size) {
  SliceDim d;
  d.stride = s.strides[entry];
  if (d.stride == 0) {
    return InvalidArgument("strides[" + std::to_string(entry) + "] is 0; stride value has to "
                           "be non-zero");
  }
  d.start = StartFor(s.begin[entry], d.stride, Bit(s.begin_mask, entry), size);
  if (Bit(s.shrink_mask, entry)) {
    d.shrink = true;
    if (d.start < 0 || d.start >= size) {
      return InvalidArgument("shrink_axis_mask entry " + std::to_string(entry) + ": begin " +
                             std::to_string(s.begin[entry]) + " is out of range for a dim of "
                             "size " + std::to_string(size));
    }
    return d;
  }
  if (s.offset) {
    // end is the slice's extent; TFLite sizes the output from it directly.
    d.count = std::max<int64_t>(0, CeilDiv(s.end[entry], d.stride));
    int64_t last = d.start + (d.count - 1) * d.stride;
    if (d.count > 0 && (d.start < 0 || d.start >= size || last < 0 || last >= size)) {
      return InvalidArgument("offset slice " + std::to_string(entry) + " (begin " +
                             std::to_string(s.begin[entry]) + ", size " +
                             std::to_string(s.end[entry]) + ") reaches outside a dim of size " +
                             std::to_string(size));
    }
    return d;
  }
  int64_t end = EndFor(s.end[entry], d.stride, Bit(s.end_mask, entry), size);
  d.count = std::max<int64_t>(0, CeilDiv(end - d.start, d.stride));
  return d;
}

StatusOr<SlicePlan> PlanSlice(const NodeContext& ctx) {
  JITLITE_ASSIGN_OR_RETURN(SliceSpec spec, ReadSpec(ctx));
  const Shape& in = ctx.input(0).shape;
  const int rank = static_cast<int>(in.size());
  std::vector<EffectiveDim> eff = ExpandSpec(spec, rank);
  JITLITE_RETURN_IF_ERROR(CheckSpecAgainstRank(spec, rank, eff));
  SlicePlan plan;
  int input_dim = 0;
  for (const EffectiveDim& e : eff) {
    SliceDim d;
    if (e.new_axis) {
      d.count = 1;  // start 0, stride 1 over a size-1 dim
    } else {
      if (input_dim >= rank) {
        return InvalidArgument("the masks name more dims than input 0 has");
      }
      const int64_t size = in[input_dim];
      if (e.entry >= 0) {
        JITLITE_ASSIGN_OR_RETURN(d, ResolveDim(spec, e.entry, size));
      } else {
        d.count = size;
      }
      d.input_dim = input_dim++;
    }
    if (!d.shrink) plan.out_shape.push_back(static_cast<int32_t>(d.count));
    plan.dims.push_back(d);
  }
  return plan;
}

// Row-major element strides of a shape.
std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int d = static_cast<int>(shape.size()) - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * shape[d + 1];
  }
  return strides;
}

class StridedSliceOp : public OpDef {
 public:
  std::string_view name() const override { return "STRIDED_SLICE"; }
  std::vector<int> builtin_codes() const override { return {45}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(4, 4));
    JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "STRIDED_SLICE", /*half_floats=*/true,
                                         /*complex64=*/true));
    DType dtype = ctx.input(0).dtype;
    JITLITE_ASSIGN_OR_RETURN(SlicePlan plan, PlanSlice(ctx));
    ctx.SetOutput(0, dtype, plan.out_shape);
    return Status::Ok();
  }

  bool CanFold(const NodeContext& ctx) const override { return ctx.input(0).is_constant(); }

  Status Fold(const NodeContext& ctx, std::vector<uint8_t>& out) const override {
    JITLITE_ASSIGN_OR_RETURN(SlicePlan plan, PlanSlice(ctx));
    const TensorState& in = ctx.input(0);
    const size_t elem = DTypeSize(in.dtype);
    if (in.const_bytes < static_cast<size_t>(in.num_elements()) * elem) {
      return InvalidArgument("constant input 0 has too little data");
    }
    const std::vector<int64_t> in_strides = Strides(in.shape);
    out.assign(static_cast<size_t>(NumElements(plan.out_shape)) * elem, 0);
    size_t written = 0;
    // Odometer over all effective dims (shrunk dims have count 1).
    std::vector<int64_t> k(plan.dims.size(), 0);
    for (const SliceDim& d : plan.dims) {
      if (d.count == 0) return Status::Ok();
    }
    while (true) {
      int64_t src = 0;
      for (size_t i = 0; i < plan.dims.size(); ++i) {
        const SliceDim& d = plan.dims[i];
        if (d.input_dim >= 0) src += (d.start + k[i] * d.stride) * in_strides[d.input_dim];
      }
      std::memcpy(out.data() + written, in.const_data + src * elem, elem);
      written += elem;
      int i = static_cast<int>(plan.dims.size()) - 1;
      for (; i >= 0; --i) {
        if (++k[i] < plan.dims[i].count) break;
        k[i] = 0;
      }
      if (i < 0) break;
    }
    return Status::Ok();
  }

  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SlicePlan plan, PlanSlice(ctx));
    const std::vector<int64_t> in_strides = Strides(ctx.input(0).shape);
    // Loops over the effective dims; shrunk dims loop once.
    Shape loop_shape;
    for (const SliceDim& d : plan.dims) loop_shape.push_back(static_cast<int32_t>(d.count));
    llvm::IRBuilder<>& b = e.b();
    EmitIndexLoops(e, loop_shape, [&](const std::vector<llvm::Value*>& k) {
      int64_t base = 0;
      llvm::Value* offset = e.I64(0);
      std::vector<llvm::Value*> out_index;
      for (size_t i = 0; i < plan.dims.size(); ++i) {
        const SliceDim& d = plan.dims[i];
        if (!d.shrink) out_index.push_back(k[i]);
        if (d.input_dim < 0) continue;
        const int64_t step = in_strides[d.input_dim];
        base += d.start * step;
        offset = b.CreateAdd(offset, b.CreateMul(k[i], e.I64(d.stride * step)));
      }
      offset = b.CreateAdd(offset, e.I64(base));
      e.StoreOutput(e.LoadInput(0, offset), out_index);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& strided_slice_op() {
  static const StridedSliceOp op;
  return op;
}

}  // namespace jitlite::ops
