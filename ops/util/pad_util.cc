// Paddings and the padded-copy kernel (see ops/util/pad_util.h).
#include "ops/util/pad_util.h"

#include <cstring>
#include <string>

#include "ops/util/loop_nest.h"
#include "ops/util/quantization.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

// Emits output dims [d, rank) of the region whose outer indices (out_idx,
// in_idx below d) lie inside the input.
class PadEmitter {
 public:
  PadEmitter(jit::KernelEmitter& e, const PadParams& p, const Shape& in, const Shape& out,
             Value* border)
      : e_(e), p_(p), in_(in), out_(out), border_(border), out_idx_(out.size()),
        in_idx_(in.size()) {}

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
  // border_ at output indices [begin, end) of dim d, every index of the dims
  // after it.
  void EmitBorder(size_t d, int64_t begin, int64_t end) {
    if (begin >= end) return;
    e_.For(begin, end, 1, [&](Value* iv) {
      out_idx_[d] = iv;
      EmitIndexNest(e_, out_, d + 1, out_idx_, [&] {
        e_.StoreOutput(border_, out_idx_);
      });
    }, "pad");
  }

  jit::KernelEmitter& e_;
  const PadParams& p_;
  const Shape& in_;
  const Shape& out_;
  Value* border_;
  std::vector<Value*> out_idx_, in_idx_;
};

}  // namespace

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

Shape PaddedShape(const Shape& in, const PadParams& p) {
  Shape out = in;
  for (size_t d = 0; d < out.size(); ++d) {
    out[d] = static_cast<int32_t>(p.before[d] + out[d] + p.after[d]);
  }
  return out;
}

void EmitPadded(jit::KernelEmitter& e, const PadParams& p, const Shape& in, const Shape& out,
                llvm::Value* border_value) {
  if (NumElements(out) == 0) return;
  PadEmitter(e, p, in, out, border_value).Emit(0);
}

llvm::Value* EmitDefaultPadValue(jit::KernelEmitter& e, const TensorState& out) {
  if (!IsQuantizedDType(out.dtype)) return e.Const(out.dtype, 0.0);
  return EmitNarrowQuantized(e.b(), e.I32(ZeroPoint(out)), out.dtype);
}

std::vector<uint8_t> DefaultPadBytes(const TensorState& out) {
  std::vector<uint8_t> bytes(DTypeSize(out.dtype), 0);
  if (IsQuantizedDType(out.dtype)) {
    // Little-endian: the low bytes of the zero point are its narrow value.
    const int32_t zp = ZeroPoint(out);
    std::memcpy(bytes.data(), &zp, bytes.size());
  }
  return bytes;
}

Status CheckPadValueQuantization(const NodeContext& ctx) {
  const TensorState& out = ctx.output(0);
  if (!IsQuantizedDType(out.dtype)) return Status::Ok();
  const IntRange r = DTypeRange(out.dtype);
  if (ZeroPoint(out) < r.lo || ZeroPoint(out) > r.hi) {
    return InvalidArgument("output zero point " + std::to_string(ZeroPoint(out)) +
                           " is outside " + DTypeName(out.dtype) + "'s range");
  }
  if (!ctx.has_input(2)) return Status::Ok();
  const TensorState& value = ctx.input(2);
  if (Scale(value) != Scale(out) || ZeroPoint(value) != ZeroPoint(out)) {
    return InvalidArgument("constant_values (input 2) is quantized with scale " +
                           std::to_string(Scale(value)) + ", zero point " +
                           std::to_string(ZeroPoint(value)) +
                           " unlike the output; TFLite needs them equal");
  }
  return Status::Ok();
}

}  // namespace jitlite::ops
