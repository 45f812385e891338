// REVERSE_SEQUENCE: reverses, in each batch entry b (along dim batch_dim),
// the first seq_lengths[b] elements along dim seq_dim; the rest are copied.
//   out[.., b, .., q, ..] = in[.., b, .., len - 1 - q, ..] if q < len, else in[..]
// Options seq_dim and batch_dim (distinct dims of input 0, rank 2..8).
// Input: FLOAT32, INT32, INT64 and UINT8/INT16 raw copies (TFLite's kernel
// takes no INT8 or BOOL). seq_lengths (input 1): a 1-D INT32/INT64 vector of
// input.dim(batch_dim) entries, constant or computed.
//
// A length above the seq_dim size fails the invoke (TFLite checks only the
// first entry and reads out of bounds for the others; jitlite checks all and
// clamps, so it never does); constant lengths are checked at allocate. A
// negative length reverses nothing, as in TFLite.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/util/data_movement.h"
#include "ops/util/loop_nest.h"
#include "schema/tflite_generated.h"

namespace jitlite::ops {
namespace {

using llvm::Value;

struct SeqDims {
  int seq = 0;
  int batch = 0;
};

Status CheckTypes(const NodeContext& ctx) {
  const DType t = ctx.input(0).dtype;
  if (t == DType::kInt8 || t == DType::kBool) {
    return InvalidArgument(std::string("input 0 has type ") + DTypeName(t) +
                           "; TFLite's REVERSE_SEQUENCE takes FLOAT32, INT32, INT64, UINT8, INT16");
  }
  JITLITE_RETURN_IF_ERROR(CheckCopyTypes(ctx, 0, "REVERSE_SEQUENCE"));
  const DType lengths = ctx.input(1).dtype;
  if (lengths != DType::kInt32 && lengths != DType::kInt64) {
    return InvalidArgument(std::string("seq_lengths (input 1) have type ") + DTypeName(lengths) +
                           "; REVERSE_SEQUENCE takes INT32 or INT64");
  }
  return Status::Ok();
}

StatusOr<SeqDims> ReadDims(const NodeContext& ctx) {
  const auto* opts = ctx.op()->builtin_options_as_ReverseSequenceOptions();
  if (opts == nullptr) return InvalidArgument("missing ReverseSequenceOptions");
  const int rank = ctx.input(0).rank();
  SeqDims d{opts->seq_dim(), opts->batch_dim()};
  if (d.seq < 0 || d.seq >= rank || d.batch < 0 || d.batch >= rank || d.seq == d.batch) {
    return InvalidArgument("seq_dim " + std::to_string(d.seq) + " and batch_dim " +
                           std::to_string(d.batch) + " must be distinct dims in 0.." +
                           std::to_string(rank - 1) + " of input 0 " +
                           ShapeToString(ctx.input(0).shape));
  }
  return d;
}

Status CheckConstLengths(const TensorState& lengths, int32_t seq_size) {
  if (!lengths.is_constant()) return Status::Ok();
  JITLITE_ASSIGN_OR_RETURN(std::vector<int64_t> v, ReadConstInts(lengths, "seq_lengths"));
  for (size_t b = 0; b < v.size(); ++b) {
    if (v[b] > seq_size) {
      return InvalidArgument("seq_lengths[" + std::to_string(b) + "] = " + std::to_string(v[b]) +
                             " exceeds the seq_dim size " + std::to_string(seq_size));
    }
  }
  return Status::Ok();
}

StatusOr<SeqDims> CheckedDims(const NodeContext& ctx) {
  JITLITE_RETURN_IF_ERROR(ctx.ExpectInputCount(2, 2));
  JITLITE_RETURN_IF_ERROR(CheckTypes(ctx));
  JITLITE_RETURN_IF_ERROR(ctx.ExpectRank(0, 2, 8));
  JITLITE_ASSIGN_OR_RETURN(SeqDims d, ReadDims(ctx));
  const TensorState& in = ctx.input(0);
  const TensorState& lengths = ctx.input(1);
  if (lengths.rank() != 1 || lengths.dim(0) != in.dim(d.batch)) {
    return InvalidArgument("seq_lengths (input 1) have shape " + ShapeToString(lengths.shape) +
                           "; expected one length per batch entry, [" +
                           std::to_string(in.dim(d.batch)) + "]");
  }
  JITLITE_RETURN_IF_ERROR(CheckConstLengths(lengths, in.dim(d.seq)));
  return d;
}

// Reports every length above the seq_dim size (once per invoke, before the copy).
void EmitLengthCheck(jit::KernelEmitter& e, int64_t batches, int64_t seq_size) {
  llvm::IRBuilder<>& b = e.b();
  const std::string message = "REVERSE_SEQUENCE: a seq_lengths entry exceeds the seq_dim size " +
                              std::to_string(seq_size);
  e.For(0, batches, 1, [&](Value* i) {
    Value* len = b.CreateSExt(e.LoadInput(1, i), b.getInt64Ty());
    e.If(b.CreateICmpSGT(len, e.I64(seq_size)), [&] { e.ReportError(message); });
  }, "b");
}

class ReverseSequenceOp : public OpDef {
 public:
  std::string_view name() const override { return "REVERSE_SEQUENCE"; }
  std::vector<int> builtin_codes() const override { return {112}; }
  OpKind kind() const override { return OpKind::kKernel; }

  Status Prepare(NodeContext& ctx) const override {
    JITLITE_RETURN_IF_ERROR(CheckedDims(ctx).status());
    ctx.SetOutput(0, ctx.input(0).dtype, ctx.input(0).shape);
    return Status::Ok();
  }

  // Every output element reads its source position along seq_dim: mirrored
  // inside the batch entry's length (clamped to the dim), itself beyond it.
  Status EmitKernel(jit::KernelEmitter& e, const NodeContext& ctx) const override {
    JITLITE_ASSIGN_OR_RETURN(SeqDims d, CheckedDims(ctx));
    const Shape& shape = ctx.input(0).shape;
    const int64_t seq_size = shape[d.seq];
    EmitLengthCheck(e, shape[d.batch], seq_size);
    llvm::IRBuilder<>& b = e.b();
    EmitIndexLoops(e, shape, [&](const std::vector<Value*>& idx) {
      Value* len = b.CreateSExt(e.LoadInput(1, idx[d.batch]), b.getInt64Ty());
      len = e.Min(len, e.I64(seq_size));
      Value* q = idx[d.seq];
      Value* mirrored = b.CreateSub(b.CreateSub(len, e.I64(1)), q);
      std::vector<Value*> src = idx;
      src[d.seq] = b.CreateSelect(b.CreateICmpSLT(q, len), mirrored, q);
      e.StoreOutput(e.LoadInput(0, e.LinearOffset(shape, src)), idx);
    });
    return Status::Ok();
  }
};

}  // namespace

const OpDef& reverse_sequence_op() {
  static const ReverseSequenceOp op;
  return op;
}

}  // namespace jitlite::ops
